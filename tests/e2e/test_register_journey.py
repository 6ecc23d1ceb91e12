"""Browser journeys of the register on a 1024x768 tablet: a booked client checked out
from their appointment in three clicks, and a visit paid part in cash (change shown)
and part with the client's gift card, its receipt emailed and printed."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from checkout.models import Invoice, InvoiceState
from tenancy.models import Extension
from tenancy.services import set_extension
from tests.factories import (
    PASSWORD,
    AppointmentFactory,
    ClientFactory,
    ProductFactory,
    ServiceFactory,
)
from tests.fixtures.worker import wait_until
from tests.giftcards.conftest import issue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 1024, "height": 768}


@pytest.fixture
def worker_env(smtp_server):
    """The worker sends to the test's SMTP server."""
    return {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_server.port),
            "EMAIL_USE_TLS": "0", "EMAIL_HOST_USER": "", "EMAIL_HOST_PASSWORD": "",
            "NOTIFICATION_RETRY_DELAY_SECONDS": "0"}


@pytest.fixture
def desk(business, staff):
    """A salon taking payments and gift cards; Zoé is booked for a haircut at 45 €."""
    for extension in (Extension.ACCEPT_PAYMENTS, Extension.COUPONS_GIFT_CARDS):
        business, _also = set_extension(business=business, extension=extension, enabled=True)
    zoe = ClientFactory(business=business, first_name="Zoé", last_name="Roux",
                        email="zoe@example.com")
    haircut = ServiceFactory(business=business, name="Haircut", price=Decimal("45.00"))
    start = timezone.now().replace(microsecond=0) - timedelta(minutes=50)
    appointment = AppointmentFactory(business=business, client=zoe, service=haircut,
                                     price=Decimal("45.00"), starts_at=start,
                                     ends_at=start + timedelta(hours=1), busy_from=start,
                                     busy_until=start + timedelta(hours=1))
    return business, zoe, appointment


def sign_in(page: Page, user) -> None:
    page.set_viewport_size(TABLET)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile("/manage/"))


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_booked_client_is_checked_out_from_the_appointment_in_three_clicks(
        page: Page, desk, staff):
    business, _zoe, appointment = desk
    sign_in(page, staff)
    clicks = 0

    # When staff follow the appointment's Checkout link (the calendar card's link)
    page.goto(f"/manage/{business.slug}/checkout/?appointment={appointment.pk}")
    clicks += 1
    page.get_by_role("button", name="Open the register").click()
    clicks += 1
    # Then the register already holds the appointment, the amount due prefilled in cash
    expect(page.locator(".register-lines")).to_contain_text("Haircut")
    expect(page.get_by_label("Cash")).to_have_value("45.00")
    pay = page.get_by_role("button", name="Take payment: €45.00")
    expect(pay).to_be_in_viewport()
    pay.click()
    clicks += 1

    expect(page.get_by_role("heading", name=re.compile("Invoice 000001"))).to_be_visible()
    invoice = Invoice.objects.for_business(business).get()
    assert invoice.state == InvoiceState.PAID
    assert invoice.lines.get().appointment_id == appointment.pk
    assert clicks <= 3


def test_a_visit_paid_in_cash_and_gift_card_with_its_receipt_emailed_and_printed(
        page: Page, desk, staff, smtp_server, celery_worker_process):
    business, zoe, appointment = desk
    card = issue(business, "20.00", purchaser=zoe)
    ProductFactory(business=business, name="Shampoo", sku="SH-1", price=Decimal("18.00"),
                   tax_rate=Decimal("20.00"), stock=5)
    sign_in(page, staff)

    # Opened from the appointment, the register holds its line
    page.goto(f"/manage/{business.slug}/checkout/appointment/{appointment.pk}/")
    page.get_by_role("button", name="Open the register").click()
    expect(page.locator(".register-lines")).to_contain_text("Haircut")
    assert fits_the_screen(page)

    # A product is found by typing a few letters and added with Enter, by keyboard only
    find = page.get_by_label("Add a service or product")
    find.focus()
    find.press_sequentially("sham")
    expect(page.locator("#catalogue-results")).to_contain_text("Shampoo")
    find.press("Enter")
    expect(page.locator(".register-lines")).to_contain_text("Shampoo")
    expect(page.get_by_role("button", name="Take payment: €63.00")).to_be_visible()
    # focus is back in the search, ready for the next item (the headless window itself may
    # have lost the focus to another page of the browser: bring it back to ask)
    page.bring_to_front()
    expect(find).to_be_focused()
    page.get_by_role("button", name="One more Shampoo").click()
    expect(page.get_by_role("button", name="Take payment: €81.00")).to_be_visible()
    page.get_by_role("button", name="One fewer Shampoo").click()
    expect(page.get_by_role("button", name="Take payment: €63.00")).to_be_visible()

    # The client's gift card is offered in one click; the rest stays to pay in cash
    page.get_by_role("link", name=re.compile(r"Pay with gift card .*\(€20\.00 left\)")).click()
    expect(page.get_by_label("Gift card", exact=True)).to_have_value("20.00")
    expect(page.get_by_label("Cash")).to_have_value("43.00")
    page.get_by_label("Cash").fill("50")
    expect(page.locator("[data-change-row]")).to_have_text(re.compile(r"Change due\s+€7\.00"))
    page.get_by_label("Cash").fill("40")
    expect(page.locator("[data-remaining-row]")).to_have_text(
        re.compile(r"Still to pay\s+€3\.00"))
    page.get_by_label("Cash").fill("50")
    page.get_by_role("button", name="Take payment: €63.00").click()

    expect(page.get_by_text("Give back €7.00 in change.")).to_be_visible()
    invoice = Invoice.objects.for_business(business).get()
    assert invoice.state == InvoiceState.PAID
    assert sorted((p.tender, p.amount) for p in invoice.payments.all()) == [
        ("cash", Decimal("43.00")), ("gift_card", Decimal("20.00"))]
    card.refresh_from_db()
    assert card.balance == Decimal("0.00")

    # The receipt is emailed to the client's address, and delivered
    page.get_by_role("button", name="Email receipt").click()
    expect(page.get_by_text("Receipt sent to zoe@example.com.")).to_be_visible()
    subject = f"Your receipt from {business.name}"

    def receipts():
        return [m for m in smtp_server.to("zoe@example.com") if m["Subject"] == subject]

    wait_until(receipts, timeout=30, message="the receipt email was not delivered")
    [email] = receipts()
    body = email.get_body(preferencelist=("plain",)).get_content()
    assert "Receipt no. 000001" in body
    assert "Total (tax included): €63.00" in body
    assert "Change given: €7.00" in body

    # and printed: on paper only the receipt shows
    page.get_by_role("link", name="Print receipt").click()
    page.emulate_media(media="print")
    expect(page.locator(".receipt-page")).to_be_visible()
    expect(page.locator(".receipt-page")).to_contain_text("€63.00")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    page.emulate_media(media="screen")
    expect(page.get_by_role("button", name="Print")).to_be_visible()


def test_on_a_phone_the_register_fits_and_its_bar_leads_to_the_payment(page: Page, desk,
                                                                       staff):
    business, _zoe, appointment = desk
    sign_in(page, staff)
    page.goto(f"/manage/{business.slug}/checkout/appointment/{appointment.pk}/")
    page.get_by_role("button", name="Open the register").click()
    page.set_viewport_size({"width": 390, "height": 844})

    expect(page.locator(".register-lines")).to_contain_text("Haircut")
    assert fits_the_screen(page)
    pay = page.get_by_role("button", name="Take payment: €45.00")
    expect(pay).not_to_be_in_viewport()
    page.get_by_role("link", name=re.compile("Payment")).click()
    expect(pay).to_be_in_viewport()
