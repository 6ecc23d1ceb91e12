"""The front desk from the calendar to the register (issue 18): a walk-in booked and
paid in at most 5 clicks, a booked client checked out from the card in at most 3, and the
whole journey: a free cell, a walk-in, dragged to another stylist, started, paid in cash
and with a gift card, the receipt emailed and delivered."""

import re
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from booking.models import Appointment
from checkout.models import Invoice, InvoiceState
from tenancy.models import Extension
from tenancy.services import set_extension
from tests import factories
from tests.booking.booking_setup import open_salon
from tests.e2e.test_calendar_board_journey import Clicks, point_of, sign_in
from tests.fixtures.worker import wait_until
from tests.giftcards.conftest import issue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(playwright_browser, live_server):
    """A desk's width, tall enough for the whole day at once, in the salon's zone."""
    context = playwright_browser.new_context(viewport={"width": 1280, "height": 2000},
                                             base_url=live_server.url, locale="en-GB",
                                             timezone_id="Europe/Paris")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def worker_env(smtp_server):
    """The worker sends to the test's SMTP server."""
    return {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_server.port),
            "EMAIL_USE_TLS": "0", "EMAIL_HOST_USER": "", "EMAIL_HOST_PASSWORD": "",
            "NOTIFICATION_RETRY_DELAY_SECONDS": "0"}


@pytest.fixture
def salon(business):
    """Anna and Ben working all day every day, a cut at 45 €, payments and gift cards on."""
    for extension in (Extension.ACCEPT_PAYMENTS, Extension.COUPONS_GIFT_CARDS):
        business, _also = set_extension(business=business, extension=extension, enabled=True)
    salon = open_salon(business, hours=(time(0), time(23, 45)))
    for member in (salon.anna, salon.ben):
        factories.WorkingHoursFactory(business=business, staff_member=member, weekday=6,
                                      start_time=time(0), end_time=time(23, 45))
    salon.cut.price = Decimal("45.00")
    salon.cut.save()
    return salon


def later_today(business) -> str:
    """A quarter hour later today, as the calendar's cells show it ("HH:MM")."""
    now = timezone.localtime(timezone=business.zone)
    start = max((now + timedelta(minutes=75)).replace(second=0, microsecond=0),
                now.replace(hour=9, minute=0, second=0, microsecond=0))
    start -= timedelta(minutes=start.minute % 15)
    if start.date() != now.date() or start.hour >= 20:
        pytest.skip("too late in the day for a walk-in today")
    return start.strftime("%H:%M")


def open_calendar(desk: Page, business, user) -> None:
    sign_in(desk, user)
    desk.goto(f"/manage/{business.slug}/calendar/")
    expect(desk.locator(".ec-resource, .ec-col-head").first).to_be_visible()


def test_a_walk_in_is_booked_and_paid_from_the_calendar_in_five_clicks(desk: Page, business,
                                                                       staff, salon):
    wall = later_today(business)
    open_calendar(desk, business, staff)
    click = Clicks()

    # When the receptionist clicks Anna's free cell, picks the cut and books and checks out
    click(desk.mouse.click, *point_of(desk, salon.anna.pk, wall))
    panel = desk.locator("#board-card")
    click(panel.get_by_label("Service").select_option, label="Cut")
    click(panel.get_by_role("button", name="Book and check out").click)

    # Then the register holds the walk-in's cut, the amount due prefilled in cash
    expect(desk.locator(".register-lines")).to_contain_text("Cut")
    expect(desk.get_by_label("Cash")).to_have_value("45.00")
    click(desk.get_by_role("button", name="Take payment: €45.00").click)

    # And once paid, the invoice is the appointment's
    expect(desk.get_by_role("heading", name=re.compile("Invoice 000001"))).to_be_visible()
    invoice = Invoice.objects.for_business(business).get()
    booked = Appointment.objects.for_business(business).get()
    assert invoice.state == InvoiceState.PAID
    assert invoice.lines.get().appointment_id == booked.pk
    assert (booked.staff_member, booked.client.first_name, invoice.client_id) == (
        salon.anna, "Walk-in", booked.client_id)
    # cell, service, Book and check out, Take payment: the issue asks for at most 5
    assert click.count == 4


def test_a_booked_client_is_checked_out_from_the_card_in_three_clicks(desk: Page, business,
                                                                      staff, salon):
    now = timezone.now().replace(second=0, microsecond=0)
    zoe = factories.ClientFactory(business=business, first_name="Zoé", last_name="Roux")
    factories.AppointmentFactory(
        business=business, client=zoe, staff_member=salon.anna, service=salon.cut,
        price=Decimal("45.00"), starts_at=now - timedelta(minutes=50),
        ends_at=now + timedelta(minutes=10), busy_from=now - timedelta(minutes=50),
        busy_until=now + timedelta(minutes=10))
    open_calendar(desk, business, staff)
    click = Clicks()

    click(desk.locator(".ec-event", has_text="Zoé Roux").click)
    click(desk.locator("#board-card").get_by_role("button", name="Checkout").click)
    expect(desk.get_by_label("Cash")).to_have_value("45.00")
    click(desk.get_by_role("button", name="Take payment: €45.00").click)

    expect(desk.get_by_role("heading", name=re.compile("Invoice 000001"))).to_be_visible()
    assert Invoice.objects.for_business(business).get().state == InvoiceState.PAID
    # the event, Checkout on its card, Take payment: the issue asks for at most 3
    assert click.count == 3


def test_a_walk_in_from_a_free_cell_moved_started_paid_in_cash_and_gift_card_and_emailed(
        desk: Page, business, staff, salon, smtp_server, celery_worker_process):
    card = issue(business, "20.00")
    wall = later_today(business)
    open_calendar(desk, business, staff)

    # When the receptionist clicks Anna's free cell and books a walk-in named Léa Petit
    desk.mouse.click(*point_of(desk, salon.anna.pk, wall))
    panel = desk.locator("#board-card")
    panel.get_by_label("Walk-in's name").fill("Léa Petit")
    panel.get_by_label("Service").select_option(label="Cut")
    panel.get_by_role("button", name="Book", exact=True).click()
    expect(panel.get_by_role("heading", name="Léa Petit")).to_be_visible()
    booked = Appointment.objects.for_business(business).get()

    # And drags it to Ben's column at the same time
    event = desk.locator(".ec-event", has_text="Léa Petit")
    box = event.bounding_box()
    target_x, _y = point_of(desk, salon.ben.pk, wall)
    desk.mouse.move(box["x"] + box["width"] / 2, box["y"] + 8)
    desk.mouse.down()
    desk.mouse.move(box["x"] + box["width"] / 2 + 30, box["y"] + 8, steps=5)
    desk.mouse.move(target_x, box["y"] + 8, steps=10)
    desk.mouse.up()
    expect(desk.locator("#board-status")).to_have_text("Appointment moved.")
    booked.refresh_from_db()
    assert booked.staff_member == salon.ben

    # And starts it from the card, before its time
    panel.get_by_role("button", name="Start").click()
    expect(panel).to_contain_text("Started.")
    booked.refresh_from_db()
    assert booked.started_at is not None

    # And checks out: the register holds the cut
    panel.get_by_role("button", name="Checkout").click()
    expect(desk.locator(".register-lines")).to_contain_text("Cut")

    # Paid 20 € with the gift card Léa brings and the rest in cash
    desk.get_by_label("Gift card", exact=True).fill("20")
    desk.get_by_label("Gift card code").fill(card.code)
    desk.get_by_label("Cash").fill("25")
    desk.get_by_role("button", name="Take payment: €45.00").click()
    expect(desk.get_by_role("heading", name=re.compile("Invoice 000001"))).to_be_visible()
    invoice = Invoice.objects.for_business(business).get()
    assert invoice.state == InvoiceState.PAID
    assert sorted((p.tender, p.amount) for p in invoice.payments.all()) == [
        ("cash", Decimal("25.00")), ("gift_card", Decimal("20.00"))]
    card.refresh_from_db()
    assert card.balance == Decimal("0.00")

    # And emails the receipt to the address she gives: it is delivered
    desk.get_by_label("Email the receipt to").fill("lea@example.com")
    desk.get_by_role("button", name="Email receipt").click()
    expect(desk.get_by_text("Receipt sent to lea@example.com.")).to_be_visible()
    subject = f"Your receipt from {business.name}"

    def receipts():
        return [m for m in smtp_server.to("lea@example.com") if m["Subject"] == subject]

    wait_until(receipts, timeout=30, message="the receipt email was not delivered")
    [email] = receipts()
    body = email.get_body(preferencelist=("plain",)).get_content()
    assert "Total (tax included): €45.00" in body
