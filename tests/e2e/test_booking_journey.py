"""Browser journey on the booking site (issue 4), at phone width: a new client books a
service with any staff member, signs up on the way (through the link emailed to their
address), then cancels from My appointments."""

import re

import pytest
from playwright.sync_api import Page, expect

from booking.models import Appointment, AppointmentState
from tenancy.models import Extension
from tenancy.services import set_extension
from tests.booking.booking_setup import next_weekday, open_salon, paris

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_new_client_books_with_any_stylist_signs_up_on_the_way_and_cancels(
        page: Page, business, mailoutbox):
    # Given a salon with client accounts, whose two stylists work Tuesday 09:00-17:00
    set_extension(business=business, extension=Extension.CLIENT_LOGIN, enabled=True)
    salon = open_salon(business)
    tuesday = next_weekday(1)

    # When a visitor opens the booking site and books the cut
    page.goto(f"/{business.slug}/")
    page.get_by_role("link", name="Book Cut").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cut")
    expect(page.get_by_label("Staff member")).to_have_value("any")

    # And picks Tuesday, then the 10:00 slot
    page.get_by_label("Day", exact=True).fill(tuesday.isoformat())
    page.get_by_role("button", name="Show free times").click()
    expect(page.get_by_role("list", name="Free times").get_by_role("link")).not_to_have_count(0)
    assert fits_the_screen(page)
    page.get_by_role("link", name="10:00", exact=True).click()

    # Then the summary says "first available" and asks to log in or sign up
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your booking")
    expect(page.locator(".details")).to_contain_text("First available")
    expect(page.locator(".details")).to_contain_text("10:00")
    assert fits_the_screen(page)

    # When they sign up on the way
    page.locator("main").get_by_role("link", name="Sign up").click()
    page.get_by_label("First name").fill("Léa")
    page.get_by_label("Last name").fill("Petit")
    page.get_by_label("Email").fill("lea@example.com")
    page.get_by_label("Phone").fill("06 11 22 33 44")
    page.get_by_role("button", name="Sign up").click()

    # Then they are asked to open the link sent to their address
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.locator("main")).to_contain_text("lea@example.com")
    assert fits_the_screen(page)
    [message] = [m for m in mailoutbox if m.to == ["lea@example.com"]]
    link = re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)

    # When they open it and choose their password
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Finish signing up")
    page.get_by_label("Password").fill("a-long-enough-passphrase")
    page.get_by_role("button", name="Create my account").click()

    # Then they are back on the summary, signed in, and confirm
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your booking")
    expect(page.get_by_text("Booking as lea@example.com")).to_be_visible()
    page.get_by_role("button", name="Confirm booking").click()

    # Then the booking is confirmed, at 10:00 on Tuesday in the salon's time
    expect(page.get_by_role("heading", level=1)).to_have_text("Your booking is confirmed")
    expect(page.locator(".details")).to_contain_text("10:00")
    expect(page.get_by_role("link", name="Add to my calendar")).to_be_visible()
    assert fits_the_screen(page)
    appointment = Appointment.objects.for_business(business).get()
    assert appointment.starts_at == paris(tuesday, 10)
    assert appointment.staff_member == salon.anna
    assert appointment.client.user.email == "lea@example.com"
    assert appointment.state == AppointmentState.BOOKED

    # When they cancel it from My appointments
    page.get_by_role("navigation", name="Account").get_by_role(
        "link", name="My appointments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My appointments")
    page.get_by_role("button", name=re.compile(r"^Cancel Cut")).click()

    # Then the site says so and the appointment is cancelled
    expect(page.locator(".messages")).to_contain_text("Your appointment is cancelled.")
    expect(page.locator(f"[data-appointment='{appointment.pk}'] .state")).to_have_text(
        "Cancelled")
    assert fits_the_screen(page)
    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.CANCELLED
    assert appointment.state_changed_by == appointment.client.user
