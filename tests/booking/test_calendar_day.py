"""The back office calendar, day view: a column per staff member, blocks placed by local time."""

import re
from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from booking import calendar_selectors
from booking.calendar_selectors import Block, _lay_out
from booking.models import AppointmentState, ScheduleException
from tenancy.models import Role
from tests.booking.booking_setup import PARIS, next_weekday, open_salon, paris
from tests.factories import (
    AppointmentFactory,
    ClassSessionFactory,
    ClientFactory,
    ScheduleExceptionFactory,
    ServiceFactory,
    StaffMemberFactory,
    WorkingHoursFactory,
)

pytestmark = pytest.mark.django_db


def day_url(business, day=None) -> str:
    url = reverse("booking:calendar-list", args=[business.slug])
    return f"{url}?day={day.isoformat()}" if day else url


def book(salon, staff_member, start, *, minutes=60, **fields):
    return AppointmentFactory(business=salon.business, staff_member=staff_member,
                              service=salon.cut, starts_at=start, busy_from=start,
                              ends_at=start + timedelta(minutes=minutes),
                              busy_until=start + timedelta(minutes=minutes), **fields)


def column_html(text: str, staff_member) -> str:
    match = re.search(rf'<div class="cal-col" data-staff-member="{staff_member.pk}".*?\n    </div>',
                      text, re.S)
    assert match, f"no column for {staff_member}"
    return match.group(0)


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER, Role.STAFF])
def test_every_role_runs_the_calendar(client, business, member_of, role):
    client.force_login(member_of(business, role).user)

    assert client.get(day_url(business)).status_code == 200


def test_the_day_shows_a_column_per_active_staff_member_in_their_order(client, business, staff):
    salon = open_salon(business)
    salon.anna.position, salon.ben.position = 5, 1
    salon.anna.save()
    salon.ben.save()
    StaffMemberFactory(business=business, name="Gone", is_active=False)
    client.force_login(staff)

    text = client.get(day_url(business, next_weekday(0))).content.decode()

    heads = re.findall(r'<div class="cal-head"[^>]*>([^<]+)', text)
    assert heads == ["Ben", "Anna"]


def test_an_inactive_staff_member_keeps_a_column_on_a_day_they_have_appointments(
        client, business, staff):
    salon = open_salon(business)
    day = next_weekday(1)
    book(salon, salon.ben, paris(day, 10))
    salon.ben.is_active = False
    salon.ben.save()
    client.force_login(staff)

    text = client.get(day_url(business, day)).content.decode()

    assert re.findall(r'<div class="cal-head"[^>]*>([^<]+)', text) == ["Anna", "Ben"]


def test_an_appointment_is_placed_in_its_staff_members_column_at_its_local_time(
        client, business, staff):
    salon = open_salon(business)
    day = next_weekday(2)
    claire = ClientFactory(business=business, first_name="Claire", last_name="Martin")
    appointment = book(salon, salon.ben, paris(day, 10, 30), client=claire)
    client.force_login(staff)

    text = client.get(day_url(business, day)).content.decode()

    ben = column_html(text, salon.ben)
    assert "Claire Martin" in ben
    assert "10:30\u201311:30" in ben
    assert "--from: 630; --to: 690;" in ben
    assert reverse("booking:appointment-detail", args=[business.slug, appointment.pk]) in ben
    assert "Claire Martin" not in column_html(text, salon.anna)


def test_the_axis_runs_from_the_earliest_start_to_the_latest_end_of_the_day(business):
    salon = open_salon(business)
    day = next_weekday(3)
    WorkingHoursFactory(business=business, staff_member=salon.ben, weekday=day.weekday(),
                        start_time=time(18), end_time=time(20, 30))

    calendar = calendar_selectors.day_calendar(business=business, day=day)

    assert (calendar.axis_start, calendar.axis_end) == (9 * 60, 21 * 60)
    assert calendar.hour_marks[0] == (540, "09:00")
    assert calendar.hour_marks[-1] == (1200, "20:00")


def test_a_day_nobody_works_shows_eight_to_eight(business):
    open_salon(business)
    sunday = next_weekday(6)

    calendar = calendar_selectors.day_calendar(business=business, day=sunday)

    assert (calendar.axis_start, calendar.axis_end) == (8 * 60, 20 * 60)
    assert all(not column.working for column in calendar.columns)


def test_the_axis_stretches_to_show_an_appointment_outside_working_hours(business):
    salon = open_salon(business)
    day = next_weekday(0)
    book(salon, salon.anna, paris(day, 7, 15))

    calendar = calendar_selectors.day_calendar(business=business, day=day)

    assert calendar.axis_start == 7 * 60


def test_states_have_their_own_style_and_cancelled_ones_are_listed_below(client, business,
                                                                         staff):
    salon = open_salon(business)
    day = timezone.localdate(timezone=PARIS) - timedelta(days=2)
    done = book(salon, salon.anna, paris(day, 9), state=AppointmentState.COMPLETED)
    missed = book(salon, salon.anna, paris(day, 11), state=AppointmentState.NO_SHOW)
    gone = book(salon, salon.ben, paris(day, 11), state=AppointmentState.CANCELLED,
                client=ClientFactory(business=business, first_name="Zoé", last_name="Gone"))
    client.force_login(staff)

    text = client.get(day_url(business, day)).content.decode()

    assert f'cal-state-completed" href="/manage/{business.slug}/appointments/{done.pk}/"' in text
    assert f'cal-state-no_show" href="/manage/{business.slug}/appointments/{missed.pk}/"' in text
    assert "Zoé Gone" not in column_html(text, salon.ben)
    cancelled = text.split("<h2>Cancelled</h2>")[1]
    assert "Zoé Gone" in cancelled
    assert f"/appointments/{gone.pk}/" in cancelled


def test_a_class_session_shows_its_seats_and_links_to_its_seat_list(client, business, staff):
    salon = open_salon(business)
    day = next_weekday(4)
    session = ClassSessionFactory(business=business, staff_member=salon.anna,
                                  starts_at=paris(day, 18), ends_at=paris(day, 19), capacity=8)
    for _ in range(3):
        AppointmentFactory(business=business, staff_member=salon.anna, service=None,
                           class_session=session, starts_at=session.starts_at,
                           ends_at=session.ends_at, busy_from=session.starts_at,
                           busy_until=session.ends_at, price=0)
    client.force_login(staff)

    anna = column_html(client.get(day_url(business, day)).content.decode(), salon.anna)

    assert session.class_type.name in anna
    assert "3/8 seats" in anna
    assert reverse("booking:class-session-detail", args=[business.slug, session.pk]) in anna


def test_working_hours_and_time_off_are_shaded(client, business, staff):
    salon = open_salon(business)
    day = next_weekday(1)
    ScheduleExceptionFactory(business=business, staff_member=salon.ben, date=day,
                             kind=ScheduleException.Kind.TIME_OFF, start_time=time(12),
                             end_time=time(14), note="Dentist")
    client.force_login(staff)

    text = client.get(day_url(business, day)).content.decode()

    ben = column_html(text, salon.ben)
    assert 'class="cal-span cal-work" style="--from: 540; --to: 720;"' in ben
    assert 'class="cal-span cal-work" style="--from: 840; --to: 1020;"' in ben
    assert 'class="cal-span cal-off" style="--from: 720; --to: 840;">Time off: Dentist' in ben
    assert "cal-off" not in column_html(text, salon.anna)


def test_a_holiday_says_the_business_is_closed(client, business, staff):
    open_salon(business)
    day = next_weekday(2)
    ScheduleExceptionFactory(business=business, staff_member=None, date=day,
                             kind=ScheduleException.Kind.TIME_OFF, note="Bastille Day")
    client.force_login(staff)

    text = client.get(day_url(business, day)).content.decode()

    assert "The business is closed: Bastille Day" in text
    assert 'class="cal-span cal-work"' not in text


def test_empty_future_spots_link_to_a_new_appointment_with_that_person_and_time(
        client, business, staff):
    salon = open_salon(business)
    day = next_weekday(0)
    client.force_login(staff)

    anna = column_html(client.get(day_url(business, day)).content.decode(), salon.anna)

    new = reverse("booking:appointment-new", args=[business.slug])
    assert f'{new}?staff={salon.anna.pk}&amp;start={day.isoformat()}T09:00' in anna
    assert f'{new}?staff={salon.anna.pk}&amp;start={day.isoformat()}T16:45' in anna
    assert f"start={day.isoformat()}T17:00" not in anna
    assert "New appointment with Anna at 10:15" in anna


def test_no_spot_is_offered_in_the_past(business):
    open_salon(business)
    yesterday = timezone.localdate(timezone=PARIS) - timedelta(days=1)

    calendar = calendar_selectors.day_calendar(business=business, day=yesterday)

    assert all(not column.spots for column in calendar.columns)


@pytest.mark.parametrize("bad", ["", "tomorrow", "2026-02-30", "0001-01-01", "99999-01-01",
                                 "2026-13-01", "%00"])
def test_a_bad_day_falls_back_to_today(client, business, staff, bad):
    client.force_login(staff)

    response = client.get(reverse("booking:calendar-list", args=[business.slug]), {"day": bad})

    assert response.status_code == 200
    assert response.context["day"] == timezone.localdate(timezone=business.zone)


def test_without_a_day_the_calendar_opens_on_today_in_the_business_zone(client, business,
                                                                        staff):
    business.time_zone = "Pacific/Kiritimati"
    business.save()
    client.force_login(staff)

    response = client.get(day_url(business))

    assert response.context["day"] == timezone.localdate(timezone=business.zone)


def test_previous_next_and_today_links(client, business, staff):
    client.force_login(staff)

    text = client.get(day_url(business, date(2030, 1, 1))).content.decode()

    assert "?day=2029-12-31" in text
    assert "?day=2030-01-02" in text
    assert f"?day={timezone.localdate(timezone=business.zone).isoformat()}" in text
    assert 'type="date" id="cal-day" name="day" value="2030-01-01"' in text


def test_appointments_of_another_business_never_show(client, business, other_business, staff):
    open_salon(business)
    theirs = open_salon(other_business)
    day = next_weekday(0)
    book(theirs, theirs.anna, paris(day, 10),
         client=ClientFactory(business=other_business, first_name="Secret"))
    client.force_login(staff)

    text = client.get(day_url(business, day)).content.decode()

    assert "Secret" not in text
    assert text.count('class="cal-head"') == 2


def test_the_day_view_makes_the_same_number_of_queries_whatever_it_shows(
        client, business, staff, django_assert_max_num_queries):
    day = next_weekday(1)
    salon = open_salon(business)
    client.force_login(staff)
    with django_assert_max_num_queries(50) as few:
        client.get(day_url(business, day))
    for index in range(4):
        member = StaffMemberFactory(business=business, position=10 + index)
        WorkingHoursFactory(business=business, staff_member=member, weekday=day.weekday())
        service = ServiceFactory(business=business, performers=[member])
        for hour in (9, 11, 13):
            AppointmentFactory(business=business, staff_member=member, service=service,
                               starts_at=paris(day, hour), ends_at=paris(day, hour + 1),
                               busy_from=paris(day, hour), busy_until=paris(day, hour + 1))
        ClassSessionFactory(business=business, staff_member=member, starts_at=paris(day, 15),
                            ends_at=paris(day, 16))
        ScheduleExceptionFactory(business=business, staff_member=member, date=day,
                                 start_time=time(16), end_time=time(17))
    book(salon, salon.anna, paris(day, 10), state=AppointmentState.CANCELLED)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(day_url(business, day))

    assert response.content.decode().count('class="cal-head"') == 6


def test_on_the_spring_change_blocks_stay_on_their_wall_clock_time(business):
    salon = open_salon(business)
    sunday = date(2027, 3, 28)  # Paris skips 02:00-03:00
    WorkingHoursFactory(business=business, staff_member=salon.anna, weekday=6,
                        start_time=time(9), end_time=time(12))
    book(salon, salon.anna, paris(sunday, 10))

    calendar = calendar_selectors.day_calendar(business=business, day=sunday,
                                               now=paris(date(2027, 1, 1), 9))

    anna = calendar.columns[0]
    assert [(s.start, s.end) for s in anna.working] == [(540, 720)]
    assert [(b.start, b.end) for b in anna.blocks] == [(600, 660)]


def test_overlapping_blocks_are_laid_side_by_side():
    blocks = [Block(None, 600, 660), Block(None, 600, 630), Block(None, 630, 700),
              Block(None, 720, 780)]

    _lay_out(blocks)

    assert [(b.start, b.end, b.lane, b.lanes) for b in blocks] == [
        (600, 630, 0, 2), (600, 660, 1, 2), (630, 700, 0, 2), (720, 780, 0, 1)]


def test_the_nav_links_to_the_calendar_first(client, business, staff):
    client.force_login(staff)

    text = client.get(reverse("booking:backoffice-home", args=[business.slug])).content.decode()

    nav = text.split('aria-label="Main"')[1]
    first_link = re.search(r'<a href="([^"]+)"', nav).group(1)
    assert first_link == reverse("booking:calendar-day", args=[business.slug])
