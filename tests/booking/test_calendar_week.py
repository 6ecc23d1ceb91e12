"""The back office calendar, week view: Monday to Sunday, a row per staff member."""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from booking import calendar_selectors
from booking.models import AppointmentState
from tests.booking.booking_setup import next_weekday, open_salon, paris
from tests.factories import (
    AppointmentFactory,
    ClassSessionFactory,
    ClientFactory,
    ServiceFactory,
    StaffMemberFactory,
    WorkingHoursFactory,
)

pytestmark = pytest.mark.django_db


def week_url(business, day=None) -> str:
    url = reverse("booking:calendar-list-week", args=[business.slug])
    return f"{url}?day={day.isoformat()}" if day else url


def book(salon, staff_member, start, **fields):
    return AppointmentFactory(business=salon.business, staff_member=staff_member,
                              service=salon.cut, starts_at=start, busy_from=start,
                              ends_at=start + timedelta(hours=1),
                              busy_until=start + timedelta(hours=1), **fields)


def test_the_week_runs_monday_to_sunday_around_the_day(client, business, staff):
    client.force_login(staff)

    response = client.get(week_url(business, date(2030, 1, 10)))  # a Thursday

    assert response.context["week"].days == [date(2030, 1, 7) + timedelta(days=n)
                                             for n in range(7)]
    text = response.content.decode()
    assert "?day=2030-01-03" in text  # previous week
    assert "?day=2030-01-17" in text  # next week


def test_entries_sit_in_their_staff_row_and_day_and_link_to_the_appointment(client, business,
                                                                            staff):
    salon = open_salon(business)
    wednesday = next_weekday(2)
    claire = ClientFactory(business=business, first_name="Claire", last_name="Martin")
    appointment = book(salon, salon.ben, paris(wednesday, 14), client=claire)
    session = ClassSessionFactory(business=business, staff_member=salon.anna,
                                  starts_at=paris(wednesday, 18), ends_at=paris(wednesday, 19))
    client.force_login(staff)

    response = client.get(week_url(business, wednesday))

    rows = {row.staff_member.name: row for row in response.context["week"].rows}
    ben_wednesday = rows["Ben"].cells[2]
    assert ben_wednesday.day == wednesday
    assert [block.item for block in ben_wednesday.entries] == [appointment]
    assert [block.item for block in rows["Anna"].cells[2].entries] == [session]
    text = response.content.decode()
    assert reverse("booking:appointment-detail", args=[business.slug, appointment.pk]) in text
    assert reverse("booking:class-session-detail", args=[business.slug, session.pk]) in text
    assert "14:00</span> <strong>Claire Martin</strong> Cut" in text


def test_days_off_are_marked_and_working_hours_shown(client, business, staff):
    open_salon(business)
    client.force_login(staff)

    response = client.get(week_url(business, next_weekday(0)))

    text = response.content.decode()
    assert text.count('class="cal-week-off') == 2  # Sunday, for Anna and Ben
    assert text.count("09:00\u201317:00") == 12


def test_a_cancelled_appointment_is_faded_in_the_week(client, business, staff):
    salon = open_salon(business)
    day = next_weekday(3)
    book(salon, salon.anna, paris(day, 9), state=AppointmentState.CANCELLED)
    client.force_login(staff)

    text = client.get(week_url(business, day)).content.decode()

    assert 'class="cal-entry cal-state-cancelled"' in text


def test_a_bad_day_falls_back_to_this_week(client, business, staff):
    client.force_login(staff)

    response = client.get(week_url(business), {"day": "2026-99-99"})

    assert response.status_code == 200
    today = timezone.localdate(timezone=business.zone)
    assert response.context["week"].days[0] == today - timedelta(days=today.weekday())


def test_the_week_view_makes_the_same_number_of_queries_whatever_it_shows(
        client, business, staff, django_assert_max_num_queries):
    monday = next_weekday(0)
    open_salon(business)
    client.force_login(staff)
    with django_assert_max_num_queries(50) as few:
        client.get(week_url(business, monday))
    for index in range(5):
        member = StaffMemberFactory(business=business, position=10 + index)
        service = ServiceFactory(business=business, performers=[member])
        for offset in range(6):
            day = monday + timedelta(days=offset)
            WorkingHoursFactory(business=business, staff_member=member, weekday=offset,
                                start_time=time(9), end_time=time(17))
            AppointmentFactory(business=business, staff_member=member, service=service,
                               starts_at=paris(day, 10), ends_at=paris(day, 11),
                               busy_from=paris(day, 10), busy_until=paris(day, 11))
            ClassSessionFactory(business=business, staff_member=member,
                                starts_at=paris(day, 12), ends_at=paris(day, 13))

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(week_url(business, monday))

    assert len(response.context["week"].rows) == 7


def test_the_week_reader_takes_five_queries(business, django_assert_num_queries):
    open_salon(business)

    with django_assert_num_queries(5):
        calendar_selectors.week_calendar(business=business, day=next_weekday(0))


def test_the_day_reader_takes_five_queries(business, django_assert_num_queries):
    open_salon(business)

    with django_assert_num_queries(5):
        calendar_selectors.day_calendar(business=business, day=next_weekday(0))
