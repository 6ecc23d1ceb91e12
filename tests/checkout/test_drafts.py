"""A draft invoice takes lines (appointments, services, products, gift cards) and
discounts; bad input is refused with a clear message and changes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from booking.models import AppointmentState
from checkout.models import Invoice, InvoiceLine, LineKind
from checkout.services import drafts
from tests.checkout.conftest import draft, paid, today_appointment
from tests.factories import ClientFactory, ProductFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def lines_of(invoice):
    return list(InvoiceLine.objects.for_business(invoice.business).filter(invoice=invoice))


def test_an_appointment_is_charged_at_its_price_with_the_services_tax_rate(
        business, salon_client):
    appointment = today_appointment(business, salon_client, price=Decimal("48.00"))
    invoice = drafts.start_invoice(business=business)

    line = drafts.add_appointment_line(business=business, invoice=invoice,
                                       appointment=appointment)

    invoice.refresh_from_db()
    assert (line.kind, line.unit_price, line.tax_rate) == (
        LineKind.SERVICE, Decimal("48.00"), Decimal("20.00"))
    assert line.tax_amount == Decimal("8.00")
    assert appointment.service.name in line.description
    assert invoice.client == salon_client  # a walk-in draft became the client's
    assert invoice.total == Decimal("48.00")


def test_an_appointment_cannot_be_charged_twice(business, salon_client):
    appointment = today_appointment(business, salon_client)
    first = drafts.start_invoice(business=business, client=salon_client)
    second = drafts.start_invoice(business=business, client=salon_client)
    drafts.add_appointment_line(business=business, invoice=first, appointment=appointment)

    with pytest.raises(ValidationError) as refused:
        drafts.add_appointment_line(business=business, invoice=second,
                                    appointment=appointment)

    assert refused.value.messages[0] == f"This appointment is already on Draft {first.pk}."
    assert lines_of(second) == []


def test_a_cancelled_or_another_clients_appointment_is_refused(business, salon_client):
    cancelled = today_appointment(business, salon_client, state=AppointmentState.CANCELLED)
    someone_else = today_appointment(business, ClientFactory(business=business))
    invoice = drafts.start_invoice(business=business, client=salon_client)

    with pytest.raises(ValidationError, match="cancelled"):
        drafts.add_appointment_line(business=business, invoice=invoice, appointment=cancelled)
    with pytest.raises(ValidationError, match="another client"):
        drafts.add_appointment_line(business=business, invoice=invoice,
                                    appointment=someone_else)

    assert lines_of(invoice) == []


def test_lines_of_another_business_are_refused_and_nothing_changes(
        business, other_business, salon_client):
    their_product = ProductFactory(business=other_business)
    their_service = ServiceFactory(business=other_business)
    their_appointment = today_appointment(other_business, ClientFactory(business=other_business))
    invoice = drafts.start_invoice(business=business, client=salon_client)

    for add in (
        lambda: drafts.add_product_line(business=business, invoice=invoice,
                                        product=their_product),
        lambda: drafts.add_service_line(business=business, invoice=invoice,
                                        service=their_service),
        lambda: drafts.add_appointment_line(business=business, invoice=invoice,
                                            appointment=their_appointment),
    ):
        with pytest.raises(ValidationError, match="another business"):
            add()

    assert lines_of(invoice) == []


def test_another_business_cannot_touch_my_draft(business, other_business, shampoo):
    invoice = drafts.start_invoice(business=business)

    with pytest.raises(ValidationError, match="another business"):
        drafts.add_gift_card_line(business=other_business, invoice=invoice,
                                  amount=Decimal("50"))


@pytest.mark.parametrize(("add", "field"), [
    (lambda b, i, p, s: drafts.add_product_line(business=b, invoice=i, product=p,
                                                quantity=-1), "quantity"),
    (lambda b, i, p, s: drafts.add_product_line(business=b, invoice=i, product=p,
                                                quantity=0), "quantity"),
    (lambda b, i, p, s: drafts.add_service_line(business=b, invoice=i, service=s,
                                                unit_price=Decimal("-5")), "unit_price"),
    (lambda b, i, p, s: drafts.add_service_line(business=b, invoice=i, service=s,
                                                tax_rate=Decimal("-1")), "tax_rate"),
    (lambda b, i, p, s: drafts.add_gift_card_line(business=b, invoice=i,
                                                  amount=Decimal("-20")), "amount"),
    (lambda b, i, p, s: drafts.add_gift_card_line(business=b, invoice=i,
                                                  amount=Decimal("0")), "amount"),
])
def test_negative_quantities_and_prices_are_refused(business, shampoo, haircut, add, field):
    invoice = drafts.start_invoice(business=business)

    with pytest.raises(ValidationError) as refused:
        add(business, invoice, shampoo, haircut)

    assert field in refused.value.message_dict
    assert lines_of(invoice) == []


def test_the_same_product_twice_makes_one_line_with_more_units(business, shampoo):
    invoice = draft(business, products=[(shampoo, 1), (shampoo, 2)])

    [line] = lines_of(invoice)
    assert line.quantity == 3
    assert invoice.total == Decimal("54.00")


def test_an_inactive_product_is_no_longer_sold(business):
    retired = ProductFactory(business=business, is_active=False)
    invoice = drafts.start_invoice(business=business)

    with pytest.raises(ValidationError, match="no longer on sale"):
        drafts.add_product_line(business=business, invoice=invoice, product=retired)


def test_a_service_without_appointment_takes_the_catalog_price_unless_told(
        business, haircut):
    invoice = drafts.start_invoice(business=business)

    usual = drafts.add_service_line(business=business, invoice=invoice, service=haircut)
    special = drafts.add_service_line(business=business, invoice=invoice, service=haircut,
                                      description="Fringe", unit_price=Decimal("10.00"))

    assert (usual.description, usual.unit_price) == ("Haircut", Decimal("45.00"))
    assert (special.description, special.unit_price) == ("Fringe", Decimal("10.00"))


def test_discounts_per_line_and_per_invoice_change_the_totals(business, shampoo, haircut):
    # Given 2 shampoos (36.00), a haircut (45.00) and a 50.00 gift card
    invoice = draft(business, products=[(shampoo, 2)], services_=[haircut], gift_cards=["50"])
    _product_line, service_line, _card = lines_of(invoice)

    # When the haircut gets 5.00 off and the invoice 10 %
    drafts.set_line_discount(business=business, invoice=invoice, line=service_line,
                             kind="amount", value=Decimal("5"))
    drafts.set_invoice_discount(business=business, invoice=invoice, kind="percent",
                                value=Decimal("10"))

    # Then 10 % of the 76.00 of goods comes off; the gift card keeps its value
    invoice.refresh_from_db()
    assert invoice.subtotal == Decimal("131.00")
    assert invoice.discount_total == Decimal("12.60")
    assert invoice.total == Decimal("118.40")
    assert sum(line.amount for line in lines_of(invoice)) == invoice.total


@pytest.mark.parametrize(("kind", "value", "message"), [
    ("amount", Decimal("100"), "cannot exceed"),
    ("percent", Decimal("120"), "cannot exceed 100"),
    ("amount", Decimal("-3"), "cannot be negative"),
    ("bogus", Decimal("1"), "amount or a percent"),
])
def test_a_discount_larger_than_the_line_or_negative_is_refused(
        business, shampoo, kind, value, message):
    invoice = draft(business, products=[(shampoo, 1)])
    [line] = lines_of(invoice)

    with pytest.raises(ValidationError, match=message):
        drafts.set_line_discount(business=business, invoice=invoice, line=line, kind=kind,
                                 value=value)

    line.refresh_from_db()
    assert line.discount_kind == ""


def test_a_gift_card_takes_no_discount(business):
    invoice = draft(business, gift_cards=["50"])
    [line] = lines_of(invoice)

    with pytest.raises(ValidationError, match="no discount"):
        drafts.set_line_discount(business=business, invoice=invoice, line=line,
                                 kind="percent", value=Decimal("10"))


def test_a_line_is_removed_and_the_totals_follow(business, shampoo, haircut):
    invoice = draft(business, products=[(shampoo, 1)], services_=[haircut])
    product_line, _service = lines_of(invoice)

    drafts.remove_line(business=business, invoice=invoice, line=product_line)

    invoice.refresh_from_db()
    assert invoice.total == Decimal("45.00")


def test_a_paid_invoice_no_longer_changes(business, shampoo, haircut):
    invoice = paid(business, products=[(shampoo, 1)])
    [line] = lines_of(invoice)

    for change in (
        lambda: drafts.add_service_line(business=business, invoice=invoice, service=haircut),
        lambda: drafts.remove_line(business=business, invoice=invoice, line=line),
        lambda: drafts.set_invoice_discount(business=business, invoice=invoice,
                                            kind="percent", value=Decimal("10")),
        lambda: drafts.discard_invoice(business=business, invoice=invoice),
    ):
        with pytest.raises(ValidationError, match="already paid"):
            change()

    assert len(lines_of(invoice)) == 1


def test_the_client_of_a_draft_cannot_change_under_another_clients_appointment(
        business, salon_client):
    invoice = drafts.start_invoice(business=business, client=salon_client)
    drafts.add_appointment_line(business=business, invoice=invoice,
                                appointment=today_appointment(business, salon_client))

    with pytest.raises(ValidationError, match="another client"):
        drafts.set_invoice_client(business=business, invoice=invoice,
                                  client=ClientFactory(business=business))


def test_a_discarded_draft_is_gone(business, shampoo):
    invoice = draft(business, products=[(shampoo, 1)])

    drafts.discard_invoice(business=business, invoice=invoice)

    assert not Invoice.objects.filter(pk=invoice.pk).exists()
