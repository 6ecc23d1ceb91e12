"""Paying a draft: cash with change, card, several tenders, gift cards refused until the
gift card app redeems them, stock taken, and a number without gaps."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from checkout.models import Invoice, InvoiceCounter, InvoiceState, Payment, Tender
from checkout.services import drafts, payments
from checkout.services.payments import TenderInput
from tenancy import services as tenant_services
from tenancy.models import Extension
from tests.checkout.conftest import card, cash, draft, paid
from tests.factories import BusinessFactory, ProductFactory

pytestmark = pytest.mark.django_db


def pay(business, invoice, *tenders):
    return payments.pay_invoice(business=business, invoice=invoice, tenders=list(tenders))


def payments_of(invoice):
    return list(Payment.objects.for_business(invoice.business).filter(invoice=invoice)
                .values_list("tender", "amount", "received"))


def test_cash_above_the_total_gives_change(business, shampoo, haircut):
    # Given 63.00 due
    invoice = draft(business, products=[(shampoo, 1)], services_=[haircut])

    # When the client hands over 70.00 in cash
    result = pay(business, invoice, cash("70"))

    # Then 7.00 goes back, and 63.00 is recorded as paid
    invoice.refresh_from_db()
    assert result.change == Decimal("7.00")
    assert invoice.state == InvoiceState.PAID
    assert (invoice.paid_amount, invoice.change_given) == (Decimal("63.00"), Decimal("7.00"))
    assert payments_of(invoice) == [(Tender.CASH, Decimal("63.00"), Decimal("70.00"))]


def test_several_tenders_pay_one_invoice(business, shampoo, haircut):
    invoice = draft(business, products=[(shampoo, 1)], services_=[haircut])

    result = pay(business, invoice, card("40", "TPE-8812"), cash("30"))

    assert result.change == Decimal("7.00")
    assert payments_of(invoice) == [(Tender.CARD, Decimal("40.00"), Decimal("40.00")),
                                    (Tender.CASH, Decimal("23.00"), Decimal("30.00"))]
    assert Payment.objects.get(tender=Tender.CARD).reference == "TPE-8812"


def test_a_card_cannot_pay_more_than_is_due(business, haircut):
    invoice = draft(business, services_=[haircut])

    with pytest.raises(ValidationError) as refused:
        pay(business, invoice, card("50"))

    assert "cannot exceed" in refused.value.message_dict["card"][0]
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.DRAFT
    assert payments_of(invoice) == []


def test_too_little_is_refused_with_what_is_missing(business, haircut):
    invoice = draft(business, services_=[haircut])

    with pytest.raises(ValidationError, match="still due"):
        pay(business, invoice, card("20"), cash("5"))

    assert payments_of(invoice) == []


@pytest.mark.parametrize("tender", [cash("-5"), card("-45"), cash("0"),
                                    TenderInput(tender="cheque", amount=Decimal("45"))])
def test_negative_zero_or_unknown_tenders_are_refused(business, haircut, tender):
    invoice = draft(business, services_=[haircut])

    with pytest.raises(ValidationError):
        pay(business, invoice, tender, card("45"))

    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.DRAFT


def test_cash_is_refused_when_the_card_already_pays_everything(business, haircut):
    invoice = draft(business, services_=[haircut])

    with pytest.raises(ValidationError, match="no cash is needed"):
        pay(business, invoice, card("45"), cash("10"))


def test_a_gift_card_is_refused_until_the_gift_card_app_redeems_it(business, haircut,
                                                                  without_gift_card_app):
    invoice = draft(business, services_=[haircut])

    with pytest.raises(ValidationError) as refused:
        pay(business, invoice, TenderInput(tender="gift_card", amount=Decimal("45"),
                                           reference="ABCD-EFGH-JKLM-NPQR"))

    assert "Gift cards cannot pay at checkout yet" in refused.value.message_dict["gift_card"][0]
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.DRAFT
    assert not InvoiceCounter.objects.filter(last_number__gt=0).exists()


def test_a_paid_invoice_cannot_be_paid_again(business, haircut):
    invoice = paid(business, services_=[haircut])

    with pytest.raises(ValidationError, match="already paid"):
        pay(business, invoice, cash("45"))

    assert len(payments_of(invoice)) == 1


def test_an_empty_draft_cannot_be_paid(business):
    invoice = drafts.start_invoice(business=business)

    with pytest.raises(ValidationError, match="at least one line"):
        pay(business, invoice)


def test_a_free_invoice_is_paid_without_tender(business, haircut):
    invoice = draft(business, services_=[haircut])
    drafts.set_invoice_discount(business=business, invoice=invoice, kind="percent",
                                value=Decimal("100"))

    result = pay(business, invoice)

    assert result.invoice.state == InvoiceState.PAID
    assert result.invoice.number == 1


def test_taking_payment_needs_the_accept_payments_extension(business, haircut):
    tenant_services.set_extension(business=business, extension=Extension.ACCEPT_PAYMENTS,
                                  enabled=False)
    business.refresh_from_db()
    invoice = draft(business, services_=[haircut])

    with pytest.raises(ValidationError, match="Accept payments"):
        pay(business, invoice, cash("45"))


def test_paying_takes_products_out_of_stock(business, shampoo):
    invoice = draft(business, products=[(shampoo, 2)])

    result = pay(business, invoice, cash("36"))

    shampoo.refresh_from_db()
    assert shampoo.stock == 3
    assert result.warnings == []


def test_selling_more_than_in_stock_is_allowed_with_a_warning(business):
    # Given 1 bottle counted
    oil = ProductFactory(business=business, name="Argan oil", stock=1, price=Decimal("20"))
    invoice = draft(business, products=[(oil, 3)])

    # When 3 are sold
    result = pay(business, invoice, cash("60"))

    # Then the sale goes through, the stock reads -2 and the desk is told
    oil.refresh_from_db()
    assert oil.stock == -2
    assert result.invoice.state == InvoiceState.PAID
    assert len(result.warnings) == 1
    assert "Argan oil" in result.warnings[0]
    assert "-2" in result.warnings[0]


def test_a_draft_reserves_no_stock(business, shampoo):
    draft(business, products=[(shampoo, 4)])

    shampoo.refresh_from_db()
    assert shampoo.stock == 5


def test_numbers_follow_each_other_per_business_and_only_when_paid(business, haircut):
    other = BusinessFactory(accept_payments_enabled=True)
    started_first = draft(business, services_=[haircut])
    elsewhere = paid(other, gift_cards=["20"])
    paid_first = paid(business, services_=[haircut])

    pay(business, started_first, cash("45"))

    started_first.refresh_from_db()
    assert (paid_first.number, started_first.number) == (1, 2)
    assert elsewhere.number == 1
    assert paid_first.display_number == "000001"


def test_a_discarded_draft_takes_no_number(business, haircut):
    discarded = draft(business, services_=[haircut])
    drafts.discard_invoice(business=business, invoice=discarded)

    kept = paid(business, services_=[haircut])

    assert kept.number == 1
    assert not Invoice.objects.filter(pk=discarded.pk).exists()
