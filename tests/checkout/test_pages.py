"""Back office pages of checkout: the desk works without JavaScript (and swaps the draft
in place with htmx), invoices list and filter in a fixed number of queries, a
refunded invoice says so everywhere, and the receipt speaks the business's language."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from checkout.models import Invoice, InvoiceLine, InvoiceState
from checkout.services import drafts, refunds
from tenancy.models import Role
from tests.checkout.conftest import draft, paid, today_appointment
from tests.factories import ClientFactory, ProductFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(business, name, *args) -> str:
    return reverse(f"checkout:{name}", args=[business.slug, *args])


def test_a_whole_checkout_works_without_javascript(client, business, staff, salon_client,
                                                   shampoo):
    # Given a client with an appointment today, at the desk
    appointment = today_appointment(business, salon_client, price=Decimal("45.00"))
    client.force_login(staff)

    # When staff find the client, start a draft and add the appointment and a product
    found = client.get(url(business, "start"), {"q": salon_client.last_name})
    started = client.post(url(business, "start"), {"client": salon_client.pk})
    invoice = Invoice.objects.for_business(business).get()
    page = client.get(started["Location"])
    client.post(url(business, "add-appointment", invoice.pk), {"appointment": appointment.pk})
    client.post(url(business, "add-product", invoice.pk),
                {"product": shampoo.pk, "quantity": "2"})
    # and take the 81.00 due from 100.00 handed over in cash
    paid_response = client.post(url(business, "pay", invoice.pk), {"cash": "100"}, follow=True)

    # Then the invoice is paid, numbered, and the change is shown
    invoice.refresh_from_db()
    assert salon_client.full_name in found.content.decode()
    assert appointment.service.name in page.content.decode()
    assert invoice.state == InvoiceState.PAID
    assert invoice.number == 1
    assert invoice.total == Decimal("81.00")
    text = paid_response.content.decode()
    assert "Give back €19.00 in change." in text
    assert "Invoice 000001" in text


def test_a_walk_in_buys_a_gift_card_and_pays_by_card(client, business, staff):
    client.force_login(staff)
    client.post(url(business, "start"), {})
    invoice = Invoice.objects.for_business(business).get()

    client.post(url(business, "add-gift-card", invoice.pk), {"amount": "50",
                                                             "description": "For Mum"})
    client.post(url(business, "pay", invoice.pk), {"card": "50", "card_reference": "A1"})

    invoice.refresh_from_db()
    assert invoice.client is None
    assert invoice.state == InvoiceState.PAID
    assert InvoiceLine.objects.get(invoice=invoice).description == "For Mum"


def test_htmx_adds_a_line_and_gets_the_draft_back(client, business, staff, shampoo):
    invoice = drafts.start_invoice(business=business)
    client.force_login(staff)

    response = client.post(url(business, "add-product", invoice.pk),
                           {"product": shampoo.pk, "quantity": "1"}, **HTMX)

    text = response.content.decode()
    assert response.status_code == 200
    assert text.lstrip().startswith('<div id="draft">')
    assert "Shampoo" in text
    assert "<html" not in text


def test_bad_input_shows_next_to_its_form_and_changes_nothing(client, business, staff,
                                                              other_business):
    invoice = drafts.start_invoice(business=business)
    their_product = ProductFactory(business=other_business)
    client.force_login(staff)

    negative = client.post(url(business, "add-gift-card", invoice.pk), {"amount": "-20"})
    foreign = client.post(url(business, "add-product", invoice.pk),
                          {"product": their_product.pk, "quantity": "1"})

    assert "An amount cannot be negative." in negative.content.decode()
    assert "not in your business" in foreign.content.decode()
    assert not InvoiceLine.objects.exists()


def test_a_card_above_the_total_is_refused_on_the_form(client, business, staff, haircut):
    invoice = draft(business, services_=[haircut])
    client.force_login(staff)

    response = client.post(url(business, "pay", invoice.pk), {"card": "60"})

    assert response.status_code == 200
    assert "cannot exceed" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.DRAFT


def test_the_gift_card_tender_is_refused_with_a_clear_message(client, business, staff,
                                                             haircut, without_gift_card_app):
    invoice = draft(business, services_=[haircut])
    client.force_login(staff)

    response = client.post(url(business, "pay", invoice.pk),
                           {"gift_card": "45", "gift_card_code": "XYZ"})

    assert "Gift cards cannot pay at checkout yet" in response.content.decode()


def test_selling_beyond_the_stock_is_warned_on_the_draft_and_after_payment(
        client, business, staff):
    oil = ProductFactory(business=business, name="Argan oil", stock=1, price=Decimal("20"))
    invoice = draft(business, products=[(oil, 2)])
    client.force_login(staff)

    before = client.get(url(business, "draft", invoice.pk)).content.decode()
    after = client.post(url(business, "pay", invoice.pk), {"cash": "40"}, follow=True)

    assert "2 on this invoice, 1 in stock" in before
    assert "please recount it" in after.content.decode()


def test_a_line_is_removed_and_a_discount_applied_from_the_draft(client, business, staff,
                                                                 shampoo, haircut):
    invoice = draft(business, products=[(shampoo, 1)], services_=[haircut])
    product_line, service_line = InvoiceLine.objects.filter(invoice=invoice)
    client.force_login(staff)

    client.post(url(business, "line-remove", invoice.pk, product_line.pk))
    client.post(url(business, "line-discount", invoice.pk, service_line.pk),
                {"discount_kind": "percent", "discount_value": "10"})
    client.post(url(business, "invoice-discount", invoice.pk),
                {"discount_kind": "amount", "discount_value": "0.50"})

    invoice.refresh_from_db()
    assert invoice.total == Decimal("40.00")


def test_a_paid_draft_url_leads_to_the_invoice(client, business, staff, haircut):
    invoice = paid(business, services_=[haircut])
    client.force_login(staff)

    response = client.get(url(business, "draft", invoice.pk))

    assert response["Location"] == url(business, "invoice-detail", invoice.pk)


def test_a_draft_is_discarded(client, business, staff, haircut):
    invoice = draft(business, services_=[haircut])
    client.force_login(staff)

    client.post(url(business, "discard", invoice.pk))

    assert not Invoice.objects.exists()


def test_a_refund_from_the_detail_page_marks_the_invoice_everywhere(client, business, staff,
                                                                   shampoo):
    invoice = paid(business, products=[(shampoo, 2)])
    line = invoice.lines.get()
    client.force_login(staff)

    client.post(url(business, "invoice-refund", invoice.pk),
                {f"line_{line.pk}": "2", "reason": "Damaged"})

    detail = client.get(url(business, "invoice-detail", invoice.pk)).content.decode()
    listing = client.get(url(business, "invoice-list")).content.decode()
    receipt = client.get(url(business, "invoice-receipt", invoice.pk)).content.decode()
    assert "Refunded in full" in detail
    assert "Damaged" in detail
    assert "Refunded" in listing
    assert "receipt-stamp" in receipt


def test_refunding_more_than_was_paid_is_refused_on_the_form(client, business, staff,
                                                            shampoo):
    invoice = paid(business, products=[(shampoo, 2)])
    line = invoice.lines.get()
    client.force_login(staff)

    response = client.post(url(business, "invoice-refund", invoice.pk),
                           {f"line_{line.pk}": "3"})

    assert "only 2 of 2 can still be refunded" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PAID


def test_the_receipt_speaks_the_business_language_and_currency(client, business, staff,
                                                               shampoo):
    business.language = "fr"
    business.save(update_fields=["language"])
    invoice = paid(business, products=[(shampoo, 1)])
    client.force_login(staff)

    text = client.get(url(business, "invoice-receipt", invoice.pk)).content.decode()

    assert 'lang="fr"' in text
    assert "18,00\u00a0€" in text


def test_the_invoice_list_filters_by_state_and_day(client, business, staff, shampoo):
    kept = paid(business, products=[(shampoo, 1)])
    refunded = paid(business, products=[(shampoo, 1)])
    refunds.refund_invoice(business=business, invoice=refunded)
    client.force_login(staff)
    today = timezone.localdate(timezone=business.zone)

    by_state = client.get(url(business, "invoice-list"), {"state": "refunded"})
    by_day = client.get(url(business, "invoice-list"),
                        {"date_from": (today + timedelta(days=1)).isoformat()})

    assert [i.pk for i in by_state.context["page"]] == [refunded.pk]
    assert list(by_day.context["page"]) == []
    assert kept.display_number in client.get(url(business, "invoice-list")).content.decode()


def test_the_invoice_list_takes_the_same_queries_for_many_invoices(
        client, business, staff, shampoo, django_assert_max_num_queries):
    client.force_login(staff)
    client.get(url(business, "invoice-list"))  # the session remembers the business once
    paid(business, ClientFactory(business=business), products=[(shampoo, 1)])
    with django_assert_max_num_queries(8) as few:
        client.get(url(business, "invoice-list"))

    for _ in range(12):
        paid(business, ClientFactory(business=business), products=[(shampoo, 1)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url(business, "invoice-list"))


def test_the_invoice_detail_takes_the_same_queries_for_many_lines(
        client, business, staff, django_assert_max_num_queries):
    client.force_login(staff)
    products = [ProductFactory(business=business) for _ in range(8)]
    one = paid(business, products=[(products[0], 1)])
    many = paid(business, products=[(p, 1) for p in products])
    for invoice in (one, many):
        refunds.refund_invoice(business=business, invoice=invoice)
    client.get(url(business, "invoice-list"))
    with django_assert_max_num_queries(14) as few:
        client.get(url(business, "invoice-detail", one.pk))

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url(business, "invoice-detail", many.pk))


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER, Role.STAFF])
@pytest.mark.parametrize("page", ["start", "invoice-list", "product-list"])
def test_every_role_works_the_desk(client, business, member_of, role, page):
    client.force_login(member_of(business, role).user)

    assert client.get(url(business, page)).status_code == 200


def test_every_role_takes_payments_and_refunds(client, business, member_of, haircut):
    invoice = draft(business, services_=[haircut])
    client.force_login(member_of(business, Role.STAFF).user)

    client.post(url(business, "pay", invoice.pk), {"cash": "45"})
    client.post(url(business, "invoice-refund", invoice.pk), {"everything": "on"})

    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.REFUNDED


def test_the_nav_links_to_checkout_and_invoices(client, business, staff):
    client.force_login(staff)

    text = client.get(reverse("booking:backoffice-home", args=[business.slug])).content.decode()

    assert url(business, "start") in text
    assert url(business, "invoice-list") in text


def test_the_checkout_says_when_payments_are_off(client, business, other_business, member_of):
    client.force_login(member_of(other_business, Role.OWNER).user)

    text = client.get(url(other_business, "start")).content.decode()

    assert "Accept payments is off" in text


def test_paying_an_invoice_another_desk_just_paid_says_so(client, business, staff, haircut):
    invoice = draft(business, services_=[haircut])
    client.force_login(staff)
    client.post(url(business, "pay", invoice.pk), {"cash": "45"})

    again = client.post(url(business, "pay", invoice.pk), {"card": "45"}, follow=True)
    swapped = client.post(url(business, "add-gift-card", invoice.pk), {"amount": "10"}, **HTMX)

    assert "Invoice 000001 is already paid." in again.content.decode()
    assert swapped["HX-Redirect"] == url(business, "invoice-detail", invoice.pk)
