"""A gift card's balance moves only through immutable transactions: never below zero,
never after expiry, never at another business."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from giftcards import codes
from giftcards.models import GiftCard, GiftCardTransaction, TransactionKind, TransactionSource
from giftcards.services import cards as card_services
from tests.factories import AppointmentFactory
from tests.giftcards.conftest import issue

pytestmark = pytest.mark.django_db


def test_an_issued_card_has_a_sixteen_character_code_and_its_value_as_balance(business):
    card = issue(business, "80.00", days=30)

    assert len(card.code) == 16
    assert codes.gift_card_key(card.code) == card.code
    assert card.balance == card.value == Decimal("80.00")
    assert timedelta(days=29, hours=23) < card.expires_at - timezone.now() <= timedelta(days=30)
    issued = card.transactions.get()
    assert (issued.kind, issued.amount, issued.balance_after) == (
        TransactionKind.ISSUE, Decimal("80.00"), Decimal("80.00"))


def test_spending_part_of_a_card_leaves_the_rest(business):
    card = issue(business)

    card_services.redeem_gift_card(business=business, code=card.display_code.lower(),
                                   amount=Decimal("30.00"))

    card.refresh_from_db()
    assert card.balance == Decimal("70.00")
    assert [t.balance_after for t in card.transactions.all()] == [Decimal("100.00"),
                                                                  Decimal("70.00")]


def test_spending_more_than_the_balance_is_refused_and_changes_nothing(business):
    card = issue(business, "20.00")

    with pytest.raises(ValidationError, match=r"Only €20\.00 is left"):
        card_services.redeem_gift_card(business=business, code=card.code, amount=Decimal("20.01"))

    card.refresh_from_db()
    assert card.balance == Decimal("20.00")
    assert card.transactions.count() == 1


def test_an_expired_card_cannot_pay(business):
    card = issue(business, days=10)

    with pytest.raises(ValidationError, match="expired"):
        card_services.redeem_gift_card(business=business, code=card.code, amount=Decimal("1.00"),
                                       now=card.expires_at)


def test_a_deactivated_card_cannot_pay_until_reactivated(business):
    card = issue(business)
    card_services.set_gift_card_active(business=business, card=card, active=False)

    with pytest.raises(ValidationError, match="deactivated"):
        card_services.redeem_gift_card(business=business, code=card.code, amount=Decimal("1.00"))

    card_services.set_gift_card_active(business=business, card=card, active=True)
    card_services.redeem_gift_card(business=business, code=card.code, amount=Decimal("1.00"))
    card.refresh_from_db()
    assert card.balance == Decimal("99.00")


def test_another_business_card_is_unknown_here(business, other_business):
    theirs = issue(other_business)

    with pytest.raises(ValidationError, match="No gift card has this code here"):
        card_services.redeem_gift_card(business=business, code=theirs.code, amount=Decimal("1.00"))

    theirs.refresh_from_db()
    assert theirs.balance == Decimal("100.00")


def test_a_redemption_with_the_same_source_is_recorded_once(business):
    card = issue(business)
    booking = TransactionSource(appointment_id=AppointmentFactory(business=business).pk)

    first = card_services.redeem_gift_card(business=business, code=card.code,
                                           amount=Decimal("10.00"), source=booking)
    again = card_services.redeem_gift_card(business=business, code=card.code,
                                           amount=Decimal("10.00"), source=booking)

    assert again.pk == first.pk
    card.refresh_from_db()
    assert card.balance == Decimal("90.00")


def test_a_refund_gives_back_at_most_what_the_redemption_took(business):
    card = issue(business)
    spent = card_services.redeem_gift_card(business=business, code=card.code,
                                           amount=Decimal("40.00"))

    card_services.refund_redemption(business=business, redemption=spent, amount=Decimal("15.00"))
    with pytest.raises(ValidationError, match=r"Only €25\.00 of this payment"):
        card_services.refund_redemption(business=business, redemption=spent,
                                        amount=Decimal("25.01"))
    card_services.refund_redemption(business=business, redemption=spent)

    card.refresh_from_db()
    assert card.balance == Decimal("100.00")
    with pytest.raises(ValidationError, match="already been given back"):
        card_services.refund_redemption(business=business, redemption=spent)


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5"), Decimal("1.001"),
                                    Decimal("NaN"), Decimal("1e9")])
def test_amounts_that_are_not_positive_cents_are_refused(business, amount):
    card = issue(business)

    with pytest.raises(ValidationError):
        card_services.redeem_gift_card(business=business, code=card.code, amount=amount)

    assert card.transactions.count() == 1


def test_a_card_issued_for_a_client_is_emailed_to_the_recipient_named(business,
                                                                      salon_client):
    card = issue(business, purchaser=salon_client, recipient_name="Léa",
                 recipient_email="lea@example.com", message="Happy birthday!")

    from notifications.models import OutboundMessage
    message = OutboundMessage.objects.for_business(business).get(kind="gift_card_issued")
    assert message.recipient == "lea@example.com"
    assert card.display_code in message.body


@pytest.mark.postgres
def test_the_database_refuses_to_change_or_delete_a_transaction(business):
    card = issue(business)
    issued = card.transactions.get()

    for statement in ("UPDATE giftcards_giftcardtransaction SET amount = 1 WHERE id = %s",
                      "DELETE FROM giftcards_giftcardtransaction WHERE id = %s"):
        with pytest.raises(IntegrityError, match="immutable"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(statement, [issued.pk])


@pytest.mark.postgres
def test_the_database_refuses_a_balance_that_does_not_follow_the_ledger(business):
    card = issue(business)

    with pytest.raises(IntegrityError), transaction.atomic():
        GiftCard.objects.filter(pk=card.pk).update(balance=Decimal("90.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        GiftCardTransaction.objects.create(business=business, card=card, kind="redeem",
                                           amount=Decimal("-10.00"),
                                           balance_after=Decimal("95.00"))


def test_the_database_refuses_a_negative_balance(business):
    card = issue(business)

    with pytest.raises(IntegrityError), transaction.atomic():
        GiftCardTransaction.objects.create(business=business, card=card, kind="redeem",
                                           amount=Decimal("-110.00"),
                                           balance_after=Decimal("-10.00"))
