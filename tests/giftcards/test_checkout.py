"""Gift cards at checkout: a tender that pays part or all of an invoice, refunds that go
back to the card, and cards sold on an invoice, issued when it is paid."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from checkout import services as checkout
from checkout.models import InvoiceState, Payment, Tender
from checkout.services import TenderInput
from giftcards.models import GiftCard, GiftCardOrigin, TransactionKind
from tests.checkout.conftest import cash, draft
from tests.factories import ServiceFactory
from tests.giftcards.conftest import issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def haircut(business):
    return ServiceFactory(business=business, name="Haircut", price=Decimal("45.00"))


def gift_card(amount, code):
    return TenderInput(tender=Tender.GIFT_CARD, amount=Decimal(amount), reference=code)


def test_a_gift_card_pays_part_of_an_invoice_and_cash_the_rest(business, haircut):
    card = issue(business, "30.00")
    invoice = draft(business, services_=[haircut])

    checkout.pay_invoice(business=business, invoice=invoice,
                         tenders=[gift_card("30.00", card.display_code), cash("15.00")])

    card.refresh_from_db()
    assert card.balance == 0
    payment = Payment.objects.get(tender=Tender.GIFT_CARD)
    assert payment.reference == f"Gift card {card.masked_code}"
    assert card.code not in payment.reference


def test_a_card_that_cannot_cover_its_part_refuses_the_whole_payment(business, haircut):
    card = issue(business, "20.00")
    invoice = draft(business, services_=[haircut])

    with pytest.raises(ValidationError) as refused:
        checkout.pay_invoice(business=business, invoice=invoice,
                             tenders=[gift_card("30.00", card.code), cash("15.00")])

    assert "Only €20.00 is left" in refused.value.message_dict["gift_card"][0]
    invoice.refresh_from_db()
    card.refresh_from_db()
    assert (invoice.state, card.balance) == (InvoiceState.DRAFT, Decimal("20.00"))


def test_refunding_an_invoice_paid_by_gift_card_puts_the_money_back_on_the_card(
        business, haircut):
    card = issue(business, "100.00")
    invoice = draft(business, services_=[haircut])
    checkout.pay_invoice(business=business, invoice=invoice,
                         tenders=[gift_card("45.00", card.code)])

    checkout.refund_invoice(business=business, invoice=invoice)

    card.refresh_from_db()
    assert card.balance == Decimal("100.00")
    refund = card.transactions.get(kind=TransactionKind.REFUND)
    assert refund.refunds.source == f"payment:{invoice.payments.get().pk}"


def test_a_gift_card_sold_at_checkout_is_issued_when_the_invoice_is_paid(business):
    invoice = draft(business, gift_cards=["75.00"])
    assert not GiftCard.objects.exists()

    checkout.pay_invoice(business=business, invoice=invoice, tenders=[cash("75.00")])

    card = GiftCard.objects.for_business(business).get()
    assert (card.origin, card.value, card.balance) == (GiftCardOrigin.CHECKOUT,
                                                       Decimal("75.00"), Decimal("75.00"))
    assert card.invoice_line == invoice.lines.get()


def test_refunding_an_unused_card_sold_at_checkout_withdraws_it(business):
    invoice = draft(business, gift_cards=["75.00"])
    checkout.pay_invoice(business=business, invoice=invoice, tenders=[cash("75.00")])

    checkout.refund_invoice(business=business, invoice=invoice)

    card = GiftCard.objects.for_business(business).get()
    assert (card.balance, card.is_active) == (0, False)


def test_a_card_already_spent_cannot_have_its_sale_refunded(business, haircut):
    invoice = draft(business, gift_cards=["75.00"])
    checkout.pay_invoice(business=business, invoice=invoice, tenders=[cash("75.00")])
    card = GiftCard.objects.for_business(business).get()
    spend = draft(business, services_=[haircut])
    checkout.pay_invoice(business=business, invoice=spend, tenders=[gift_card("45", card.code)])

    with pytest.raises(ValidationError, match="already been used"):
        checkout.refund_invoice(business=business, invoice=invoice)

    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PAID


def test_a_gift_card_cannot_pay_for_a_gift_card(business):
    card = issue(business, "100.00")
    invoice = draft(business, gift_cards=["50.00"])

    with pytest.raises(ValidationError, match="cannot pay for gift cards"):
        checkout.pay_invoice(business=business, invoice=invoice,
                             tenders=[gift_card("50.00", card.code)])

    card.refresh_from_db()
    assert card.balance == Decimal("100.00")
    assert GiftCard.objects.for_business(business).count() == 1
