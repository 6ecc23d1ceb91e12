"""The register: opened from an appointment, quick search of the catalogue, quantities,
and the receipt by email. Bad input is refused with a message and changes nothing;
another business's ids are not found."""

from decimal import Decimal

import pytest
from django.urls import reverse

from booking.models import AppointmentState
from checkout.models import Invoice, InvoiceLine, InvoiceState
from checkout.services import drafts, payments
from notifications.kinds import MessageKind
from notifications.models import OutboundMessage
from tenancy.models import Extension
from tenancy.services import set_extension
from tests.checkout.conftest import cash, draft, paid, today_appointment
from tests.factories import AppointmentFactory, ClientFactory, ProductFactory, ServiceFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(business, name, *args) -> str:
    return reverse(f"checkout:{name}", args=[business.slug, *args])


# Opened from an appointment ----------------------------------------------------------------

def test_the_appointment_s_link_shows_what_will_be_charged_and_starts_nothing(
        client, business, staff, salon_client):
    appointment = today_appointment(business, salon_client, price=Decimal("45.00"))
    client.force_login(staff)

    via_start = client.get(url(business, "start"), {"appointment": appointment.pk})
    page = client.get(url(business, "start-appointment", appointment.pk))

    assert via_start["Location"] == url(business, "start-appointment", appointment.pk)
    assert "Open the register" in page.content.decode()
    assert "€45.00" in page.content.decode()
    assert not Invoice.objects.exists()


def test_opening_the_register_from_an_appointment_holds_its_line_once(
        client, business, staff, salon_client):
    appointment = today_appointment(business, salon_client, price=Decimal("45.00"))
    client.force_login(staff)

    first = client.post(url(business, "start-appointment", appointment.pk))
    again = client.post(url(business, "start-appointment", appointment.pk))
    link = client.get(url(business, "start-appointment", appointment.pk))

    invoice = Invoice.objects.for_business(business).get()
    assert first["Location"] == again["Location"] == link["Location"] == url(
        business, "draft", invoice.pk)
    assert invoice.client == salon_client
    assert invoice.total == Decimal("45.00")
    assert InvoiceLine.objects.get(invoice=invoice).appointment == appointment
    page = client.get(first["Location"]).content.decode()
    assert 'name="cash" value="45.00"' in page


def test_a_paid_appointment_is_refused_with_its_invoice_and_nothing_new(
        client, business, staff, salon_client):
    appointment = today_appointment(business, salon_client)
    invoice = drafts.start_for_appointment(business=business, appointment=appointment)
    invoice.refresh_from_db()
    payments.pay_invoice(business=business, invoice=invoice, tenders=[cash(invoice.total)])
    client.force_login(staff)

    response = client.post(url(business, "start-appointment", appointment.pk))

    assert response.status_code == 400
    assert "This appointment is already on Invoice 000001." in response.content.decode()
    assert Invoice.objects.count() == 1


def test_a_cancelled_appointment_cannot_be_opened_in_the_register(client, business, staff,
                                                                  salon_client):
    appointment = today_appointment(business, salon_client, state=AppointmentState.CANCELLED)
    client.force_login(staff)

    response = client.post(url(business, "start-appointment", appointment.pk))

    assert response.status_code == 400
    assert "A cancelled appointment cannot be charged." in response.content.decode()
    assert not Invoice.objects.exists()


def test_another_business_s_appointment_is_not_found(client, business, staff,
                                                     other_business):
    theirs = AppointmentFactory(business=other_business)
    client.force_login(staff)

    shown = client.get(url(business, "start-appointment", theirs.pk))
    started = client.post(url(business, "start-appointment", theirs.pk))

    assert (shown.status_code, started.status_code) == (404, 404)
    assert not Invoice.objects.exists()


# Quick search ------------------------------------------------------------------------------

def test_the_quick_search_finds_this_business_s_services_and_products_on_sale(
        client, business, staff, other_business, shampoo, haircut):
    ServiceFactory(business=other_business, name="Haircut deluxe")
    ProductFactory(business=business, name="Shampoo retired", sku="SH-OLD", is_active=False)
    invoice = draft(business)
    client.force_login(staff)

    hair = client.get(url(business, "draft", invoice.pk), {"find": "hair"}, **HTMX)
    sham = client.get(url(business, "draft", invoice.pk), {"find": "SHAM"}, **HTMX)
    amount = client.get(url(business, "draft", invoice.pk), {"find": "30"}, **HTMX)
    nothing = client.get(url(business, "draft", invoice.pk), {"find": "zzz"}, **HTMX)

    assert "Haircut" in hair.content.decode()
    assert "deluxe" not in hair.content.decode()
    assert "Shampoo" in sham.content.decode()
    assert "retired" not in sham.content.decode()
    assert 'name="amount" value="30' in amount.content.decode()
    assert "Nothing in the catalogue matches" in nothing.content.decode()


def test_the_quick_search_works_without_javascript(client, business, staff, shampoo):
    invoice = draft(business)
    client.force_login(staff)

    page = client.get(url(business, "draft", invoice.pk), {"find": "sham"})

    text = page.content.decode()
    assert "<html" in text
    assert f'value="{shampoo.pk}"' in text


def test_the_quick_search_takes_the_same_queries_for_a_large_catalogue(
        client, business, staff, django_assert_max_num_queries):
    invoice = draft(business)
    client.force_login(staff)
    for number in range(3):
        ServiceFactory(business=business, name=f"Colour {number}")
    client.get(url(business, "draft", invoice.pk), {"find": "colour"}, **HTMX)
    with django_assert_max_num_queries(12) as few:
        client.get(url(business, "draft", invoice.pk), {"find": "colour"}, **HTMX)
    for number in range(3, 30):
        ServiceFactory(business=business, name=f"Colour {number}")

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url(business, "draft", invoice.pk), {"find": "colour"}, **HTMX)


def test_another_business_s_draft_cannot_be_searched(client, business, staff,
                                                     other_business):
    theirs = draft(other_business)
    client.force_login(staff)

    response = client.get(url(business, "draft", theirs.pk), {"find": "a"}, **HTMX)

    assert response.status_code == 404


# Quantities --------------------------------------------------------------------------------

def test_plus_and_minus_change_a_product_line_and_the_totals(client, business, staff,
                                                             shampoo):
    invoice = draft(business, products=[(shampoo, 1)])
    line = InvoiceLine.objects.get(invoice=invoice)
    client.force_login(staff)

    more = client.post(url(business, "line-quantity", invoice.pk, line.pk), {"quantity": "3"},
                       **HTMX)

    invoice.refresh_from_db()
    assert more.content.decode().lstrip().startswith('<div id="draft">')
    assert invoice.total == Decimal("54.00")
    assert "Take payment: €54.00" in more.content.decode()


@pytest.mark.parametrize("quantity", ["0", "-1", "x", ""])
def test_a_bad_quantity_is_refused_and_changes_nothing(client, business, staff, shampoo,
                                                       quantity):
    invoice = draft(business, products=[(shampoo, 2)])
    line = InvoiceLine.objects.get(invoice=invoice)
    client.force_login(staff)

    response = client.post(url(business, "line-quantity", invoice.pk, line.pk),
                           {"quantity": quantity}, follow=True)

    line.refresh_from_db()
    assert line.quantity == 2
    text = response.content.decode()
    assert ("The quantity must be a whole number" in text
            or "Enter a whole number." in text or "This field is required." in text)


def test_an_appointment_line_keeps_its_quantity(client, business, staff, salon_client):
    appointment = today_appointment(business, salon_client)
    invoice = drafts.start_for_appointment(business=business, appointment=appointment)
    line = InvoiceLine.objects.get(invoice=invoice)
    client.force_login(staff)

    response = client.post(url(business, "line-quantity", invoice.pk, line.pk),
                           {"quantity": "2"}, follow=True)

    line.refresh_from_db()
    assert line.quantity == 1
    assert "its quantity cannot change" in response.content.decode()


def test_another_business_s_line_is_not_found(client, business, staff, other_business,
                                              shampoo):
    mine = draft(business, products=[(shampoo, 1)])
    theirs_product = ProductFactory(business=other_business)
    theirs = draft(other_business, products=[(theirs_product, 1)])
    their_line = InvoiceLine.objects.get(invoice=theirs)
    client.force_login(staff)

    response = client.post(url(business, "line-quantity", mine.pk, their_line.pk),
                           {"quantity": "5"})

    their_line.refresh_from_db()
    assert response.status_code == 404
    assert their_line.quantity == 1


# The receipt by email ----------------------------------------------------------------------

def test_the_receipt_is_emailed_to_the_client_in_the_business_language(
        client, business, staff, salon_client, shampoo):
    business.language = "fr"
    business.save(update_fields=["language"])
    invoice = paid(business, salon_client, products=[(shampoo, 2)])
    client.force_login(staff)

    response = client.post(url(business, "email-receipt", invoice.pk), {"email": ""})

    assert response.status_code == 302
    message = OutboundMessage.objects.get(kind=MessageKind.RECEIPT)
    assert message.recipient == salon_client.email
    assert message.client == salon_client
    assert "Votre reçu" in message.subject
    assert "2 \N{MULTIPLICATION SIGN} Shampoo: 36,00\u00a0€" in message.body
    assert "000001" in message.body


def test_the_receipt_goes_to_another_address_when_typed(client, business, staff,
                                                        salon_client, shampoo):
    invoice = paid(business, salon_client, products=[(shampoo, 1)])
    client.force_login(staff)

    client.post(url(business, "email-receipt", invoice.pk), {"email": "work@example.com"})

    assert OutboundMessage.objects.get(kind=MessageKind.RECEIPT).recipient == "work@example.com"


@pytest.mark.parametrize(("email", "walk_in", "expected"), [
    ("not-an-address", False, "Enter a valid email address."),
    ("", True, "A walk-in has no client file to write to"),
])
def test_a_receipt_that_cannot_be_emailed_is_refused_on_the_form(
        client, business, staff, salon_client, shampoo, email, walk_in, expected):
    invoice = paid(business, None if walk_in else salon_client, products=[(shampoo, 1)])
    client.force_login(staff)

    response = client.post(url(business, "email-receipt", invoice.pk), {"email": email})

    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not OutboundMessage.objects.exists()


def test_a_draft_has_no_receipt_to_email(client, business, staff, salon_client, shampoo):
    invoice = draft(business, salon_client, products=[(shampoo, 1)])
    client.force_login(staff)

    response = client.post(url(business, "email-receipt", invoice.pk), {})

    assert response.status_code == 400
    assert not OutboundMessage.objects.exists()
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.DRAFT


def test_another_business_s_receipt_cannot_be_emailed(client, business, staff,
                                                      other_business):
    other_business, _also = set_extension(business=other_business,
                                          extension=Extension.ACCEPT_PAYMENTS, enabled=True)
    product = ProductFactory(business=other_business, price=Decimal("10"))
    theirs = paid(other_business, products=[(product, 1)])
    client.force_login(staff)

    response = client.post(url(business, "email-receipt", theirs.pk), {})

    assert response.status_code == 404
    assert not OutboundMessage.objects.exists()


def test_the_paid_invoice_offers_the_receipt_by_email_and_to_print(client, business, staff,
                                                                   salon_client, shampoo):
    invoice = paid(business, salon_client, products=[(shampoo, 1)])
    client.force_login(staff)

    text = client.get(url(business, "invoice-detail", invoice.pk)).content.decode()

    assert url(business, "email-receipt", invoice.pk) in text
    assert url(business, "invoice-receipt", invoice.pk) in text


def test_the_service_picker_escapes_names_and_keeps_the_choice(client, business, staff):
    ServiceFactory(business=business, name="<b>Bold</b> cut")
    chosen = ServiceFactory(business=business, name="Colour")
    invoice = draft(business)
    client.force_login(staff)

    response = client.post(url(business, "add-service", invoice.pk),
                           {"service": chosen.pk, "quantity": "0"})

    text = response.content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt; cut" in text
    assert "<b>Bold</b>" not in text
    assert f'<option value="{chosen.pk}" selected>Colour</option>' in text
    assert not InvoiceLine.objects.exists()


def test_the_checkout_page_lists_today_s_appointments_still_to_pay(
        client, business, staff, salon_client, other_business):
    to_pay = today_appointment(business, salon_client, price=Decimal("45.00"))
    on_a_draft = today_appointment(business, ClientFactory(business=business,
                                                           last_name="Drafted"))
    drafts.start_for_appointment(business=business, appointment=on_a_draft)
    today_appointment(business, ClientFactory(business=business, last_name="Cancelled"),
                      state=AppointmentState.CANCELLED)
    today_appointment(other_business, ClientFactory(business=other_business,
                                                    last_name="Elsewhere"))
    client.force_login(staff)

    text = client.get(url(business, "start")).content.decode()

    assert url(business, "start-appointment", to_pay.pk) in text
    assert salon_client.full_name in text
    assert "Drafted" not in text.split("Open drafts")[0]
    assert "Cancelled" not in text
    assert "Elsewhere" not in text
