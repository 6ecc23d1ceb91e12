"""The interactive calendar: its JSON feed, moving by drag (the same service and the same
refusals as the move form), and the appointment card's one-click actions."""

import json
from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from booking import hooks
from booking.models import Appointment, AppointmentState
from booking.services import appointments as appointment_services
from tests.booking.booking_setup import next_weekday, open_salon, paris
from tests.factories import (
    AppointmentFactory,
    ClientFactory,
    ScheduleExceptionFactory,
    StaffMemberFactory,
    WorkingHoursFactory,
)

pytestmark = pytest.mark.django_db


def book(salon, staff_member, start, *, minutes=60, **fields):
    return AppointmentFactory(business=salon.business, staff_member=staff_member,
                              service=salon.cut, starts_at=start, busy_from=start,
                              ends_at=start + timedelta(minutes=minutes),
                              busy_until=start + timedelta(minutes=minutes), **fields)


def feed(client, business, first, last, **params):
    return client.get(reverse("booking:calendar-events", args=[business.slug]),
                      {"start": first.isoformat(), "end": last.isoformat(), **params})


def appointments_of(response) -> dict[str, dict]:
    return {event["id"]: event for event in response.json() if event.get("id", "")[:1] == "a"}


# The feed ---------------------------------------------------------------------------------

def test_the_feed_gives_the_weeks_appointments_in_wall_clock_time_with_breaks_behind(
        client, business, staff):
    salon = open_salon(business)
    monday = next_weekday(0)
    cut = book(salon, salon.anna, paris(monday, 10))
    book(salon, salon.ben, paris(monday + timedelta(days=7), 10))  # next week: not asked
    ScheduleExceptionFactory(business=business, staff_member=salon.ben, date=monday,
                             kind="time_off", start_time=paris(monday, 12).time(),
                             end_time=paris(monday, 13).time(), note="Dentist")
    client.force_login(staff)

    response = feed(client, business, monday, monday + timedelta(days=7))

    assert response.status_code == 200
    events = appointments_of(response)
    assert list(events) == [f"a{cut.pk}"]
    event = events[f"a{cut.pk}"]
    assert (event["start"], event["end"], event["resourceIds"]) == (
        f"{monday.isoformat()}T10:00", f"{monday.isoformat()}T11:00", [salon.anna.pk])
    assert event["classNames"] == ["ev-booked"]
    assert event["editable"] is True
    background = [e for e in response.json() if e.get("display") == "background"]
    tuesday = monday + timedelta(days=1)
    assert {"start": f"{monday.isoformat()}T17:00", "end": f"{tuesday.isoformat()}T00:00",
            "resourceIds": [salon.anna.pk], "display": "background",
            "classNames": ["ev-closed"]} in background
    assert any(e.get("title") == "Dentist" and e["resourceIds"] == [salon.ben.pk]
               and e["classNames"] == ["ev-time-off"] for e in background)


def test_the_feed_shows_only_this_business(client, business, other_business, staff):
    salon = open_salon(business)
    theirs = open_salon(other_business)
    monday = next_weekday(0)
    mine = book(salon, salon.anna, paris(monday, 10))
    book(theirs, theirs.anna, paris(monday, 11))
    client.force_login(staff)

    response = feed(client, business, monday, monday + timedelta(days=1))

    assert list(appointments_of(response)) == [f"a{mine.pk}"]
    assert {r for e in response.json() for r in e["resourceIds"]} == {salon.anna.pk,
                                                                      salon.ben.pk}
    other_staff = feed(client, business, monday, monday + timedelta(days=1),
                       staff=theirs.anna.pk)
    assert other_staff.json() == []


def test_the_feed_can_show_one_staff_members_column(client, business, staff):
    salon = open_salon(business)
    monday = next_weekday(0)
    book(salon, salon.anna, paris(monday, 10))
    bens = book(salon, salon.ben, paris(monday, 10))
    client.force_login(staff)

    response = feed(client, business, monday, monday + timedelta(days=1), staff=salon.ben.pk)

    assert list(appointments_of(response)) == [f"a{bens.pk}"]


@pytest.mark.parametrize("params", [
    {"start": "2026-03-10", "end": "2026-03-10"},
    {"start": "2026-03-10", "end": "2026-03-01"},
    {"start": "nonsense", "end": "2026-03-11"},
    {"start": "2026-01-01", "end": "2026-06-01"},
    {},
])
def test_a_bad_or_too_long_range_is_refused_with_a_message(client, business, staff, params):
    open_salon(business)
    client.force_login(staff)

    response = client.get(reverse("booking:calendar-events", args=[business.slug]), params)

    assert response.status_code == 400
    assert response.json()["error"]


def test_the_feed_takes_the_same_number_of_queries_for_many_rows(client, business, staff):
    salon = open_salon(business)
    monday = next_weekday(0)
    client.force_login(staff)
    week = (monday, monday + timedelta(days=7))
    feed(client, business, *week)  # session, membership and caches warm
    book(salon, salon.anna, paris(monday, 9))
    with CaptureQueriesContext(connection) as few:
        assert len(appointments_of(feed(client, business, *week))) == 1
    for extra in range(4):
        member = StaffMemberFactory(business=business, name=f"Extra {extra}")
        for weekday in range(6):
            WorkingHoursFactory(business=business, staff_member=member, weekday=weekday)
        for day in range(5):
            for hour in (9, 11, 14):
                AppointmentFactory(business=business, staff_member=member, service=salon.cut,
                                   starts_at=paris(monday + timedelta(days=day), hour),
                                   ends_at=paris(monday + timedelta(days=day), hour + 1),
                                   busy_from=paris(monday + timedelta(days=day), hour),
                                   busy_until=paris(monday + timedelta(days=day), hour + 1),
                                   client=ClientFactory(business=business))
    with CaptureQueriesContext(connection) as many:
        assert len(appointments_of(feed(client, business, *week))) == 61
    assert len(many.captured_queries) == len(few.captured_queries)


# Moving by drag and by form -----------------------------------------------------------------

def drop(client, business, appointment, **data):
    return client.post(reverse("booking:appointment-drop", args=[business.slug, appointment.pk]),
                       data)


def move_form(client, business, appointment, **data):
    return client.post(reverse("booking:appointment-move", args=[business.slug, appointment.pk]),
                       data)


def state_of(appointment):
    appointment.refresh_from_db()
    return (appointment.staff_member_id, appointment.starts_at, appointment.ends_at)


def test_a_drag_and_the_form_move_an_appointment_the_same_way(client, business, staff):
    salon = open_salon(business)
    day = next_weekday(1)
    by_drag = book(salon, salon.anna, paris(day, 9))
    by_form = book(salon, salon.anna, paris(day + timedelta(days=7), 9))
    client.force_login(staff)

    dragged = drop(client, business, by_drag, start=f"{day}T14:30", end=f"{day}T15:30",
                   staff_member=salon.ben.pk)
    later = day + timedelta(days=7)
    formed = move_form(client, business, by_form, date=later.isoformat(), time="14:30",
                       staff_member=salon.ben.pk, duration=60)

    assert dragged.status_code == 200
    assert dragged.json()["message"] == "Appointment moved."
    assert formed.status_code == 302
    assert state_of(by_drag) == (salon.ben.pk, paris(day, 14, 30), paris(day, 15, 30))
    assert state_of(by_form) == (salon.ben.pk, paris(later, 14, 30), paris(later, 15, 30))


def test_dragging_its_end_changes_its_length(client, business, staff):
    salon = open_salon(business)
    day = next_weekday(1)
    appointment = book(salon, salon.anna, paris(day, 9))
    client.force_login(staff)

    response = drop(client, business, appointment, start=f"{day}T09:00", end=f"{day}T10:45")

    assert response.status_code == 200
    assert state_of(appointment) == (salon.anna.pk, paris(day, 9), paris(day, 10, 45))
    appointment.refresh_from_db()
    assert appointment.busy_until == paris(day, 10, 45)


def refusal_cases(salon, other_business, day):
    """(name, drop data, form data) of each refusal, for an appointment at 9:00 on `day`."""
    theirs = StaffMemberFactory(business=other_business, name="Theirs")
    return [
        ("conflict", {"start": f"{day}T11:00", "end": f"{day}T12:00"},
         {"date": day.isoformat(), "time": "11:00", "staff_member": salon.anna.pk}),
        ("outside working hours", {"start": f"{day}T18:00", "end": f"{day}T19:00"},
         {"date": day.isoformat(), "time": "18:00", "staff_member": salon.anna.pk}),
        ("another business's staff", {"start": f"{day}T14:00", "end": f"{day}T15:00",
                                      "staff_member": theirs.pk},
         {"date": day.isoformat(), "time": "14:00", "staff_member": theirs.pk}),
    ]


@pytest.mark.parametrize("case", [0, 1, 2])
def test_a_drag_and_the_form_are_refused_alike_and_nothing_changes(
        client, business, other_business, staff, case):
    salon = open_salon(business)
    day = next_weekday(1)
    dragged = book(salon, salon.anna, paris(day, 9))
    formed = book(salon, salon.ben, paris(day, 9))
    book(salon, salon.anna, paris(day, 11))
    book(salon, salon.ben, paris(day, 11))
    name, drop_data, form_data = refusal_cases(salon, other_business, day)[case]
    if "staff_member" in form_data and form_data["staff_member"] == salon.anna.pk:
        form_data["staff_member"] = salon.ben.pk
        drop_data = {**drop_data, "staff_member": salon.anna.pk}
    before = (state_of(dragged), state_of(formed))
    client.force_login(staff)

    answer = drop(client, business, dragged, **drop_data)
    page = move_form(client, business, formed, **form_data)

    assert answer.status_code == 400, name
    message = answer.json()["error"]
    assert message, name
    assert page.status_code == 200, name
    assert message in page.content.decode().replace("&#x27;", "'"), name
    assert (state_of(dragged), state_of(formed)) == before, name


def test_another_business_appointment_cannot_be_dragged(client, business, other_business,
                                                        staff):
    open_salon(business)
    theirs = open_salon(other_business)
    day = next_weekday(1)
    appointment = book(theirs, theirs.anna, paris(day, 9))
    client.force_login(staff)

    response = drop(client, business, appointment, start=f"{day}T14:00", end=f"{day}T15:00")

    assert response.status_code == 404
    assert state_of(appointment)[1] == paris(day, 9)


def test_a_drop_without_times_is_refused_with_a_message(client, business, staff):
    salon = open_salon(business)
    appointment = book(salon, salon.anna, paris(next_weekday(1), 9))
    client.force_login(staff)

    response = drop(client, business, appointment, start="yesterday-ish")

    assert response.status_code == 400
    assert "This field is required." in response.json()["error"]


# The card -------------------------------------------------------------------------------

def card(client, business, appointment):
    return client.get(reverse("booking:appointment-card", args=[business.slug, appointment.pk]))


def press(client, business, appointment, state):
    return client.post(reverse("booking:appointment-state", args=[business.slug,
                                                                  appointment.pk]),
                       {"state": state}, HTTP_HX_REQUEST="true")


def later_today(hours: int):
    return (timezone.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)


def test_a_walk_in_starts_before_its_time_and_can_be_completed(client, business, staff):
    salon = open_salon(business, hours=(time(0), time(23, 59)))
    walk_in = book(salon, salon.anna, later_today(0) + timedelta(minutes=30), minutes=30,
                   booked_by=staff)
    if walk_in.starts_at.astimezone(business.zone).date() != timezone.localdate():
        pytest.skip("too close to midnight for an appointment later today")
    client.force_login(staff)

    started = press(client, business, walk_in, "started")
    completed = press(client, business, walk_in, "completed")

    walk_in.refresh_from_db()
    assert walk_in.started_at is not None
    assert walk_in.arrived_at is not None
    assert walk_in.state == AppointmentState.COMPLETED
    assert "Started." in started.content.decode()
    assert "Marked completed." in completed.content.decode()


def test_a_booked_client_who_has_not_arrived_cannot_start_early(business, staff):
    salon = open_salon(business)
    day = next_weekday(1)
    appointment = book(salon, salon.anna, paris(day, 15))
    on_the_day = paris(day, 9)

    with pytest.raises(Exception, match="mark them arrived first"):
        appointment_services.mark_progress(business=business, appointment=appointment,
                                           step="started", by=staff, now=on_the_day)
    appointment_services.mark_progress(business=business, appointment=appointment,
                                       step="arrived", by=staff, now=on_the_day)
    started = appointment_services.mark_progress(business=business, appointment=appointment,
                                                 step="started", by=staff, now=on_the_day)
    assert started.started_at == on_the_day
    with pytest.raises(Exception, match="has not started yet"):
        appointment_services.set_appointment_state(
            business=business, appointment=started, state="no_show", by=staff,
            now=on_the_day)


def test_an_appointment_is_started_only_on_its_day(business, staff):
    salon = open_salon(business)
    day = next_weekday(1)
    appointment = book(salon, salon.anna, paris(day, 15))

    with pytest.raises(Exception, match="only on its day"):
        appointment_services.mark_progress(business=business, appointment=appointment,
                                           step="arrived", by=staff,
                                           now=paris(day - timedelta(days=1), 15))
    appointment.refresh_from_db()
    assert appointment.arrived_at is None


def test_the_card_shows_points_notes_and_last_visits(client, business, staff):
    salon = open_salon(business)
    day = next_weekday(1)
    claire = ClientFactory(business=business, first_name="Claire", last_name="Martin")
    book(salon, salon.ben, paris(day - timedelta(days=14), 10), client=claire,
         state=AppointmentState.COMPLETED)
    appointment = book(salon, salon.anna, paris(day, 10), client=claire,
                       notes="Prefers cold water")

    def points(*, business, client):
        return "12 points"

    hooks.register_client_badge(points)
    try:
        client.force_login(staff)
        page = card(client, business, appointment).content.decode()
    finally:
        hooks.unregister_client_badge(points)

    assert "12 points" in page
    assert "Prefers cold water" in page
    assert "Ben" in page  # the last visit, with Ben
    assert reverse("checkout:start", args=[business.slug]) in page


def test_rebook_again_in_four_weeks_with_the_same_service_and_staff(client, business, staff):
    salon = open_salon(business)
    day = next_weekday(1)
    appointment = book(salon, salon.anna, paris(day, 10))
    client.force_login(staff)

    response = client.post(reverse("booking:appointment-rebook",
                                   args=[business.slug, appointment.pk]), {"weeks": 4},
                           HTTP_HX_REQUEST="true")

    again = Appointment.objects.for_business(business).exclude(pk=appointment.pk).get()
    assert (again.client, again.service, again.staff_member, again.starts_at) == (
        appointment.client, salon.cut, salon.anna, paris(day + timedelta(weeks=4), 10))
    assert "Booked again on" in response.content.decode()


def test_a_refused_rebook_says_why_and_books_nothing(client, business, staff):
    salon = open_salon(business)
    day = next_weekday(1)
    appointment = book(salon, salon.anna, paris(day, 10))
    book(salon, salon.anna, paris(day + timedelta(weeks=2), 10))
    client.force_login(staff)

    response = client.post(reverse("booking:appointment-rebook",
                                   args=[business.slug, appointment.pk]), {"weeks": 2},
                           HTTP_HX_REQUEST="true")
    bad = client.post(reverse("booking:appointment-rebook",
                              args=[business.slug, appointment.pk]), {"weeks": "x"},
                      HTTP_HX_REQUEST="true")

    assert "This time was just taken" in response.content.decode()
    assert "Enter a whole number." in bad.content.decode()
    assert Appointment.objects.for_business(business).count() == 2


def test_the_calendar_page_puts_my_column_first_and_speaks_my_language(client, business,
                                                                      member_of):
    salon = open_salon(business)
    membership = member_of(business)
    salon.ben.membership = membership
    salon.ben.save()
    client.force_login(membership.user)

    response = client.get(reverse("booking:calendar-day", args=[business.slug]),
                          HTTP_ACCEPT_LANGUAGE="fr")

    page = response.content.decode()
    options = json.loads(page.split('id="board-options" type="application/json">')[1]
                         .split("</script>")[0])
    assert [r["title"] for r in options["resources"]] == ["Ben", "Anna"]
    assert options["resources"][0]["mine"] is True
    assert options["firstDay"] == 1
    assert options["hour12"] is False
