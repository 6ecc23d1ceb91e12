"""Browser journeys through the back office calendar (issue 4), at phone width."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from booking.models import Appointment, AppointmentState, Client
from tests import factories
from tests.booking.booking_setup import next_weekday, open_salon
from tests.fixtures.browser import main_menu

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile("login"))


def test_staff_mark_a_past_appointment_no_show_from_its_page(page: Page, business, staff):
    # Given a client who did not come to yesterday's appointment with Anna
    salon = open_salon(business)
    start = (timezone.now() - timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    claire = factories.ClientFactory(business=business, first_name="Claire", last_name="Martin")
    appointment = factories.AppointmentFactory(
        business=business, client=claire, staff_member=salon.anna, service=salon.cut,
        starts_at=start, ends_at=start + timedelta(hours=1), busy_from=start,
        busy_until=start + timedelta(hours=1))
    sign_in(page, staff)

    # When they open the calendar, go back a day and open the appointment
    main_menu(page).get_by_role("link", name="Calendar").click()
    expect(page).to_have_url(re.compile(rf"/manage/{business.slug}/calendar/(\?day=[-\d]+)?$"))
    page.get_by_role("link", name="List view (keyboard and screen readers)").click()
    page.get_by_role("link", name="Previous day").click()
    page.get_by_role("link", name=re.compile("Claire Martin")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Claire Martin · Cut")

    # And mark it no-show
    page.get_by_role("button", name="Mark no-show").click()

    # Then the page says so, offers to undo, and the history names who did it
    expect(page.locator(".messages")).to_contain_text("Marked no-show.")
    expect(page.locator("[data-state]")).to_have_text("No-show")
    expect(page.get_by_role("button", name="Undo: back to booked")).to_be_visible()
    expect(page.get_by_role("button", name="Mark no-show")).to_have_count(0)
    expect(page.get_by_role("table").last).to_contain_text("Booked → No-show")
    expect(page.get_by_role("table").last).to_contain_text(staff.get_full_name())
    appointment.refresh_from_db()
    assert appointment.state == AppointmentState.NO_SHOW
    assert appointment.state_changed_by == staff


def test_staff_book_a_walk_in_from_an_empty_spot_of_the_calendar(page: Page, business, staff):
    # Given a salon where Anna is free all Tuesday
    salon = open_salon(business)
    tuesday = next_weekday(1)
    sign_in(page, staff)
    page.goto(f"/manage/{business.slug}/calendar/list/?day={tuesday.isoformat()}")

    # When they click the empty spot at 10:00 in Anna's column
    page.get_by_role("link", name="New appointment with Anna at 10:00").click()

    # Then the new appointment form is prefilled with Anna, the day and the time
    expect(page.get_by_role("heading", level=1)).to_have_text("New appointment")
    expect(page.get_by_label("With")).to_have_value(str(salon.anna.pk))
    expect(page.get_by_label("Date", exact=True)).to_have_value(tuesday.isoformat())
    expect(page.get_by_label("Time", exact=True)).to_have_value("10:00")

    # When they add a new walk-in client
    page.get_by_text("New walk-in client").click()
    page.get_by_label("First name").fill("Léa")
    page.get_by_label("Last name").fill("Petit")
    page.get_by_label("Phone").fill("06 11 22 33 44")
    page.get_by_role("button", name="Add walk-in").click()

    # Then she is chosen, and what was prefilled is kept
    expect(page.locator(".messages")).to_contain_text("Client Léa Petit added.")
    expect(page.get_by_role("radio", name=re.compile("Léa Petit"))).to_be_checked()
    expect(page.get_by_label("Time", exact=True)).to_have_value("10:00")

    # When they choose the service and book
    page.get_by_label("Service").select_option(label="Cut")
    page.get_by_role("button", name="Book", exact=True).click()

    # Then the calendar of that day shows her appointment in Anna's column
    expect(page).to_have_url(re.compile(rf"/calendar/\?day={tuesday.isoformat()}$"))
    expect(page.locator(".messages")).to_contain_text("Cut booked for Léa Petit.")
    page.get_by_role("link", name="List view (keyboard and screen readers)").click()
    anna = page.locator(f'.cal-col[data-staff-member="{salon.anna.pk}"]')
    block = anna.get_by_role("link", name=re.compile("Léa Petit"))
    expect(block).to_contain_text("10:00\u201311:00")
    lea = Client.objects.for_business(business).get(first_name="Léa")
    booked = Appointment.objects.for_business(business).get()
    assert (booked.client, booked.staff_member, booked.booked_by) == (lea, salon.anna, staff)
    assert lea.user is None
