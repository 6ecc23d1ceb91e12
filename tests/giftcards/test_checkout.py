"""Gift cards at checkout: a tender that pays part or all of an invoice, refunds that go
back to the card, and cards sold on an invoice, issued when it is paid."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from checkout.models import InvoiceState, Payment, Tender
from checkout.services import payments, refunds
from checkout.services.payments import TenderInput
from giftcards.models import GiftCard, GiftCardOrigin, TransactionKind
from loyalty.models import PointsEntry
from loyalty.services import program
from tenancy import services as tenant_services
from tenancy.models import Extension
from tests.checkout.conftest import cash, draft
from tests.factories import ClientFactory, ServiceFactory
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

    payments.pay_invoice(business=business, invoice=invoice,
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
        payments.pay_invoice(business=business, invoice=invoice,
                             tenders=[gift_card("30.00", card.code), cash("15.00")])

    assert "Only €20.00 is left" in refused.value.message_dict["gift_card"][0]
    invoice.refresh_from_db()
    card.refresh_from_db()
    assert (invoice.state, card.balance) == (InvoiceState.DRAFT, Decimal("20.00"))


def test_refunding_an_invoice_paid_by_gift_card_puts_the_money_back_on_the_card(
        business, haircut):
    card = issue(business, "100.00")
    invoice = draft(business, services_=[haircut])
    payments.pay_invoice(business=business, invoice=invoice,
                         tenders=[gift_card("45.00", card.code)])

    refunds.refund_invoice(business=business, invoice=invoice)

    card.refresh_from_db()
    assert card.balance == Decimal("100.00")
    refund = card.transactions.get(kind=TransactionKind.REFUND)
    assert refund.refunds.payment_id == invoice.payments.get().pk


def test_a_gift_card_sold_at_checkout_is_issued_when_the_invoice_is_paid(business):
    invoice = draft(business, gift_cards=["75.00"])
    assert not GiftCard.objects.exists()

    payments.pay_invoice(business=business, invoice=invoice, tenders=[cash("75.00")])

    card = GiftCard.objects.for_business(business).get()
    assert (card.origin, card.value, card.balance) == (GiftCardOrigin.CHECKOUT,
                                                       Decimal("75.00"), Decimal("75.00"))
    assert card.invoice_line == invoice.lines.get()


def test_refunding_an_unused_card_sold_at_checkout_withdraws_it(business):
    invoice = draft(business, gift_cards=["75.00"])
    payments.pay_invoice(business=business, invoice=invoice, tenders=[cash("75.00")])

    refunds.refund_invoice(business=business, invoice=invoice)

    card = GiftCard.objects.for_business(business).get()
    assert (card.balance, card.is_active) == (0, False)


def test_a_card_already_spent_cannot_have_its_sale_refunded(business, haircut):
    invoice = draft(business, gift_cards=["75.00"])
    payments.pay_invoice(business=business, invoice=invoice, tenders=[cash("75.00")])
    card = GiftCard.objects.for_business(business).get()
    spend = draft(business, services_=[haircut])
    payments.pay_invoice(business=business, invoice=spend, tenders=[gift_card("45", card.code)])

    with pytest.raises(ValidationError, match="already been used"):
        refunds.refund_invoice(business=business, invoice=invoice)

    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PAID


def test_a_gift_card_cannot_pay_for_a_gift_card(business):
    card = issue(business, "100.00")
    invoice = draft(business, gift_cards=["50.00"])

    with pytest.raises(ValidationError, match="cannot pay for gift cards"):
        payments.pay_invoice(business=business, invoice=invoice,
                             tenders=[gift_card("50.00", card.code)])

    card.refresh_from_db()
    assert card.balance == Decimal("100.00")
    assert GiftCard.objects.for_business(business).count() == 1


@pytest.mark.parametrize(("gift_card_paid", "gift_card_sold", "earned"), [
    ("0.00", None, 9),        # 45.00 in cash: 9 points at 1 per 5.00
    ("30.00", None, 3),       # only the 15.00 paid in cash earns
    ("0.00", "50.00", 9),     # the card sold on the invoice earns nothing
    ("45.00", "50.00", 0),    # the haircut on a card, the card sold: nothing is money spent
])
def test_only_money_paid_earns_points_not_gift_cards_paid_with_or_sold(
        business, haircut, gift_card_paid, gift_card_sold, earned):
    # Given 1 point per 5.00 spent, and a client with a gift card
    business, _also = tenant_services.set_extension(business=business,
                                                    extension=Extension.LOYALTY, enabled=True)
    program.update_program(business=business, spend_points=1, spend_amount=Decimal("5.00"))
    client = ClientFactory(business=business)
    card = issue(business, "100.00")
    invoice = draft(business, client, services_=[haircut],
                    gift_cards=[gift_card_sold] if gift_card_sold else [])

    # When the invoice is paid, partly or wholly by gift card
    tenders = [cash(str(invoice.total - Decimal(gift_card_paid)))]
    if gift_card_paid != "0.00":
        tenders.insert(0, gift_card(gift_card_paid, card.display_code))
    payments.pay_invoice(business=business, invoice=invoice, tenders=tenders)

    # Then only the money spent on the haircut earns
    assert sum(PointsEntry.objects.filter(client=client).values_list("points", flat=True)) == (
        earned)
