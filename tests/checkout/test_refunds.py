"""Refunds: a whole invoice or some units of some lines, to the original tenders,
never more than was paid."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from checkout.models import InvoiceLine, InvoiceState, Payment, Refund, Tender
from checkout.services import drafts, payments, refunds
from tests.checkout.conftest import card, cash, draft, paid, today_appointment

pytestmark = pytest.mark.django_db


def lines_of(invoice):
    return list(InvoiceLine.objects.for_business(invoice.business).filter(invoice=invoice))


def refund(business, invoice, quantities=None):
    return refunds.refund_invoice(business=business, invoice=invoice, quantities=quantities,
                                  reason="Allergy")


def test_refunding_a_whole_invoice_gives_everything_back_and_restocks(business, shampoo,
                                                                     haircut):
    invoice = paid(business, products=[(shampoo, 2)], services_=[haircut])

    given = refund(business, invoice)

    invoice.refresh_from_db()
    shampoo.refresh_from_db()
    assert given.amount == Decimal("81.00")
    assert invoice.state == InvoiceState.REFUNDED
    assert invoice.refunded_amount == invoice.paid_amount
    assert shampoo.stock == 5
    assert all(line.refundable_quantity == 0 for line in lines_of(invoice))


def test_refunding_some_units_leaves_the_invoice_partially_refunded(business, shampoo):
    invoice = paid(business, products=[(shampoo, 3)])
    [line] = lines_of(invoice)

    given = refund(business, invoice, {line.pk: 1})

    invoice.refresh_from_db()
    line.refresh_from_db()
    shampoo.refresh_from_db()
    assert given.amount == Decimal("18.00")
    assert invoice.state == InvoiceState.PARTIALLY_REFUNDED
    assert (line.refunded_quantity, line.refunded_amount) == (1, Decimal("18.00"))
    assert shampoo.stock == 3


def test_discounted_units_refund_what_was_paid_for_them(business, shampoo):
    # Given 3 shampoos with 10.00 off the line: 44.00 paid
    invoice = draft(business, products=[(shampoo, 3)])
    [line] = lines_of(invoice)
    drafts.set_line_discount(business=business, invoice=invoice, line=line, kind="amount",
                             value=Decimal("10"))
    payments.pay_invoice(business=business, invoice=invoice, tenders=[cash("44")])

    # When the units come back one by one
    amounts = [refund(business, invoice, {line.pk: 1}).amount for _unit in range(3)]

    # Then they add up to exactly what was paid
    assert amounts == [Decimal("14.67"), Decimal("14.67"), Decimal("14.66")]
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.REFUNDED


def test_a_refund_cannot_exceed_what_was_paid(business, shampoo):
    invoice = paid(business, products=[(shampoo, 2)])
    [line] = lines_of(invoice)
    refund(business, invoice, {line.pk: 1})

    with pytest.raises(ValidationError, match="only 1 of 2"):
        refund(business, invoice, {line.pk: 2})
    refund(business, invoice)
    with pytest.raises(ValidationError, match="already refunded in full"):
        refund(business, invoice)

    invoice.refresh_from_db()
    assert invoice.refunded_amount == invoice.paid_amount == Decimal("36.00")
    assert Refund.objects.count() == 2


@pytest.mark.parametrize("quantities", ["nothing", "zero", "negative", "stranger"])
def test_bad_refund_choices_are_refused_and_change_nothing(business, shampoo, quantities):
    invoice = paid(business, products=[(shampoo, 2)])
    [line] = lines_of(invoice)
    other_line = lines_of(paid(business, products=[(shampoo, 1)]))[0]
    chosen = {"nothing": {}, "zero": {line.pk: 0}, "negative": {line.pk: -1},
              "stranger": {other_line.pk: 1}}[quantities]

    with pytest.raises(ValidationError):
        refund(business, invoice, chosen)

    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PAID
    assert not Refund.objects.exists()


def test_a_draft_cannot_be_refunded(business, shampoo):
    invoice = draft(business, products=[(shampoo, 1)])

    with pytest.raises(ValidationError, match="discard it instead"):
        refund(business, invoice)


def test_a_refund_goes_to_the_card_before_the_cash(business, haircut, shampoo):
    # Given 63.00 paid with 40.00 by card and 23.00 in cash (30.00 handed, 7.00 change)
    invoice = paid(business, products=[(shampoo, 1)], services_=[haircut],
                   tenders=[card("40"), cash("30")])
    _product_line, service_line = lines_of(invoice)

    # When the haircut (45.00) is refunded
    given = refund(business, invoice, {service_line.pk: 1})

    # Then the card takes back 40.00 and the cash 5.00
    allocations = {a.payment.tender: a.amount for a in given.allocations.all()}
    assert allocations == {Tender.CARD: Decimal("40.00"), Tender.CASH: Decimal("5.00")}
    assert Payment.objects.get(tender=Tender.CASH).refunded_amount == Decimal("5.00")


def test_a_refunded_appointment_can_be_charged_again(business, salon_client):
    appointment = today_appointment(business, salon_client)
    invoice = drafts.start_invoice(business=business, client=salon_client)
    drafts.add_appointment_line(business=business, invoice=invoice, appointment=appointment)
    payments.pay_invoice(business=business, invoice=invoice, tenders=[cash("45")])
    refund(business, invoice)
    again = drafts.start_invoice(business=business, client=salon_client)

    line = drafts.add_appointment_line(business=business, invoice=again,
                                       appointment=appointment)

    assert line.appointment == appointment
