"""Front desk journeys on the interactive calendar (issue 18), at tablet and desk width."""

import re
from datetime import time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from booking.models import Appointment
from tests import factories
from tests.booking.booking_setup import open_salon

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(playwright_browser, live_server):
    """A desk's width, tall enough for the whole day to be on screen at once, in the
    salon's zone."""
    context = playwright_browser.new_context(viewport={"width": 1280, "height": 2000},
                                             base_url=live_server.url, locale="en-GB",
                                             timezone_id="Europe/Paris")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


class Clicks:
    """Counts what the receptionist does: a click, a choice in a list, a drag."""

    def __init__(self):
        self.count = 0

    def __call__(self, action, *args, **kwargs):
        self.count += 1
        return action(*args, **kwargs)


def sign_in(page: Page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile("login"))


def point_of(page: Page, resource_id: int, wall: str) -> tuple[float, float]:
    """Where on screen the calendar puts `wall` (local "HH:MM") in a staff member's column,
    found through the calendar's own dateFromPoint."""
    found = page.evaluate("""([resource, wall]) => {
        const ec = window.salonCalendar;
        const body = document.querySelector('.ec-body').getBoundingClientRect();
        const pad = n => String(n).padStart(2, '0');
        for (let x = body.left + 5; x < body.right; x += 20) {
          for (let y = body.top + 2; y < body.bottom; y += 4) {
            const info = ec.dateFromPoint(x, y);
            if (info && info.resource && String(info.resource.id) === String(resource)
                && pad(info.date.getHours()) + ':' + pad(info.date.getMinutes()) === wall) {
              return [x + 10, y + 6];
            }
          }
        }
        return null;
      }""", [resource_id, wall])
    assert found, f"no {wall} in column {resource_id}"
    return found[0], found[1]


def test_a_receptionist_books_a_walk_in_from_a_free_cell_moves_it_and_starts_it(
        desk: Page, business, staff):
    # Given a salon open all day today, and a time later today
    salon = open_salon(business, hours=(time(0), time(23, 45)))
    factories.WorkingHoursFactory(business=business, staff_member=salon.anna, weekday=6,
                                  start_time=time(0), end_time=time(23, 45))
    factories.WorkingHoursFactory(business=business, staff_member=salon.ben, weekday=6,
                                  start_time=time(0), end_time=time(23, 45))
    now = timezone.localtime(timezone=business.zone)
    start = max((now + timedelta(minutes=75)).replace(second=0, microsecond=0),
                now.replace(hour=9, minute=0, second=0, microsecond=0))
    start -= timedelta(minutes=start.minute % 15)
    if start.date() != now.date() or start.hour >= 20:
        pytest.skip("too late in the day for a walk-in today")
    wall = start.strftime("%H:%M")
    sign_in(desk, staff)
    desk.goto(f"/manage/{business.slug}/calendar/")
    expect(desk.locator(".ec-resource, .ec-col-head").first).to_be_visible()
    click = Clicks()

    # When they click Anna's free cell at that time
    x, y = point_of(desk, salon.anna.pk, wall)
    click(desk.mouse.click, x, y)

    # Then the booking form opens beside the calendar with Anna, today and the time,
    # for a walk-in unless a client is chosen
    panel = desk.locator("#board-card")
    expect(panel.get_by_role("heading", name="New appointment")).to_be_visible()
    expect(desk).to_have_url(re.compile(r"/calendar/"))
    expect(panel.get_by_label("With")).to_have_value(str(salon.anna.pk))
    expect(panel.get_by_label("Time", exact=True)).to_have_value(wall)
    expect(panel.get_by_label("Walk-in (a new client)")).to_be_checked()

    # When they type the walk-in's name, choose a cut and book
    panel.get_by_label("Walk-in's name").fill("Léa Petit")
    click(panel.get_by_label("Service").select_option, label="Cut")
    click(panel.get_by_role("button", name="Book", exact=True).click)

    # Then the panel shows the new appointment's card and the calendar shows it in
    # Anna's column
    expect(panel.locator(".messages")).to_contain_text("Cut booked for Léa Petit.")
    expect(panel.get_by_role("heading", name="Léa Petit")).to_be_visible()
    event = desk.locator(".ec-event", has_text="Léa Petit")
    expect(event).to_be_visible()
    booked = Appointment.objects.for_business(business).get()
    assert booked.staff_member == salon.anna
    assert (booked.client.first_name, booked.client.last_name) == ("Léa", "Petit")

    # When they drag it to Ben's column at the same time
    box = event.bounding_box()
    target_x, _y = point_of(desk, salon.ben.pk, wall)
    desk.mouse.move(box["x"] + box["width"] / 2, box["y"] + 8)
    desk.mouse.down()
    desk.mouse.move(box["x"] + box["width"] / 2 + 30, box["y"] + 8, steps=5)
    desk.mouse.move(target_x, box["y"] + 8, steps=10)
    click(desk.mouse.up)

    # Then it is Ben's, in the database and on screen
    expect(desk.locator("#board-status")).to_have_text("Appointment moved.")
    booked.refresh_from_db()
    assert (booked.staff_member, timezone.localtime(booked.starts_at, business.zone)
            .strftime("%H:%M")) == (salon.ben, wall)

    # When they start it from its card, still open beside the calendar, before its time
    card = desk.locator("#board-card")
    expect(card.get_by_role("heading", name="Léa Petit")).to_be_visible()
    click(card.get_by_role("button", name="Start").click)

    # Then it has started, and the card offers to complete it and to check out
    expect(card).to_contain_text("Started.")
    expect(card.get_by_role("button", name="Completed")).to_be_visible()
    expect(card.get_by_role("button", name="Checkout")).to_be_visible()
    booked.refresh_from_db()
    assert booked.started_at is not None
    expect(desk.locator(".ec-event.ev-started", has_text="Léa Petit")).to_be_visible()
    # Booking half of the walk-in's journey: cell, service, book, drag, start (checking
    # out is the register's half). It was 8 when booking took the full page.
    assert click.count == 5


def test_a_refused_drag_is_undone_on_screen_with_the_reason(desk: Page, business, staff):
    # Given Anna and Ben both booked at 10:00 tomorrow-or-later
    salon = open_salon(business)
    day = timezone.localdate() + timedelta(days=1)
    while day.weekday() == 6:
        day += timedelta(days=1)
    mine = factories.AppointmentFactory(
        business=business, staff_member=salon.anna, service=salon.cut,
        client=factories.ClientFactory(business=business, first_name="Zoé", last_name="Roy"),
        starts_at=timezone.make_aware(timezone.datetime.combine(day, time(10)), business.zone),
        ends_at=timezone.make_aware(timezone.datetime.combine(day, time(11)), business.zone),
        busy_from=timezone.make_aware(timezone.datetime.combine(day, time(10)), business.zone),
        busy_until=timezone.make_aware(timezone.datetime.combine(day, time(11)),
                                       business.zone))
    factories.AppointmentFactory(
        business=business, staff_member=salon.ben, service=salon.cut,
        starts_at=mine.starts_at, ends_at=mine.ends_at, busy_from=mine.busy_from,
        busy_until=mine.busy_until)
    sign_in(desk, staff)
    desk.goto(f"/manage/{business.slug}/calendar/?day={day.isoformat()}")
    event = desk.locator(".ec-event", has_text="Zoé Roy")
    expect(event).to_be_visible()
    box = event.bounding_box()

    # When they drag Zoé onto Ben's taken 10:00
    target_x, _y = point_of(desk, salon.ben.pk, "10:00")
    desk.mouse.move(box["x"] + box["width"] / 2, box["y"] + 8)
    desk.mouse.down()
    desk.mouse.move(target_x, box["y"] + 8, steps=10)
    desk.mouse.up()

    # Then the calendar says why and puts her back in Anna's column
    expect(desk.locator("#board-status")).to_contain_text("This time was just taken.")
    expect(desk.locator(".ec-event", has_text="Zoé Roy")).to_have_count(1)
    back = desk.locator(".ec-event", has_text="Zoé Roy").bounding_box()
    assert abs(back["x"] - box["x"]) < 5
    mine.refresh_from_db()
    assert mine.staff_member == salon.anna


def test_a_staff_member_sees_their_own_column_first(desk: Page, business, member_of):
    # Given Ben signs in with his own login
    salon = open_salon(business)
    membership = member_of(business)
    salon.ben.membership = membership
    salon.ben.save()

    sign_in(desk, membership.user)
    desk.goto(f"/manage/{business.slug}/calendar/")

    # Then his column comes first, marked as his, and the filter offers "My calendar"
    headers = desk.locator(".ec-header .ec-resource, .ec-header .ec-col-head")
    expect(headers.first).to_contain_text("Ben")
    expect(headers.first).to_contain_text("★")
    expect(desk.get_by_label("Show")).to_contain_text("My calendar")
