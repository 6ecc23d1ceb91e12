from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from booking.models import Appointment, AppointmentState
from booking.services.appointments import (
    book_series,
    cancel_series_from,
    clear_old_history,
    move_appointment,
    plan_series,
    set_appointment_state,
)
from tenancy.models import Business, Extension
from tenancy.services import set_extension
from tests.booking.booking_setup import PARIS, next_weekday, open_salon, paris
from tests.factories import AppointmentFactory, ClientFactory

pytestmark = pytest.mark.django_db


def past_appointment(business, days_ago=1, **fields):
    start = timezone.now() - timedelta(days=days_ago)
    return AppointmentFactory(business=business, starts_at=start, busy_from=start,
                              ends_at=start + timedelta(hours=1),
                              busy_until=start + timedelta(hours=1), **fields)


def test_staff_mark_a_past_appointment_no_show_and_who_did_it_is_kept(business, staff):
    appointment = past_appointment(business)

    set_appointment_state(business=business, appointment=appointment,
                          state=AppointmentState.NO_SHOW, by=staff)

    appointment.refresh_from_db()
    event = appointment.events.get()
    assert appointment.state == AppointmentState.NO_SHOW
    assert (event.from_state, event.to_state, event.changed_by) == ("booked", "no_show", staff)


def test_a_future_appointment_cannot_be_marked_completed(business, staff):
    appointment = AppointmentFactory(business=business)

    with pytest.raises(ValidationError, match="not started yet"):
        set_appointment_state(business=business, appointment=appointment,
                              state=AppointmentState.COMPLETED, by=staff)


def test_a_cancelled_appointment_stays_cancelled(business, staff):
    appointment = past_appointment(business, state=AppointmentState.CANCELLED)

    with pytest.raises(ValidationError, match="cannot be marked"):
        set_appointment_state(business=business, appointment=appointment,
                              state=AppointmentState.COMPLETED, by=staff)


def test_a_booked_appointment_past_its_end_counts_as_attended(business):
    past = past_appointment(business)
    no_show = past_appointment(business, state=AppointmentState.NO_SHOW)
    future = AppointmentFactory(business=business)

    attended = set(Appointment.objects.for_business(business).attended())

    assert past in attended
    assert no_show not in attended
    assert future not in attended


def test_staff_move_an_appointment_to_a_free_time(business, staff):
    salon = open_salon(business)
    monday = next_weekday(0)
    appointment = AppointmentFactory(business=business, staff_member=salon.anna, service=salon.cut,
                                     starts_at=paris(monday, 10), ends_at=paris(monday, 11),
                                     busy_from=paris(monday, 10), busy_until=paris(monday, 11))

    move_appointment(business=business, appointment=appointment, start=paris(monday, 10, 30),
                     staff_member=salon.ben, by=staff)

    appointment.refresh_from_db()
    assert (appointment.staff_member, appointment.starts_at) == (salon.ben, paris(monday, 10, 30))


def test_a_series_keeps_local_time_across_the_dst_change_and_lists_conflicts(business, staff):
    salon = open_salon(business)
    monday_before_dst = date(2026, 10, 19)  # clocks go back on Sunday 25 October
    AppointmentFactory(business=business, staff_member=salon.anna, service=salon.cut,
                       starts_at=paris(date(2026, 11, 2), 10), ends_at=paris(date(2026, 11, 2), 11),
                       busy_from=paris(date(2026, 11, 2), 10),
                       busy_until=paris(date(2026, 11, 2), 11))

    plan = plan_series(business=business, service=salon.cut, staff_member=salon.anna,
                       first_start=paris(monday_before_dst, 10), interval_weeks=1, count=3)

    assert [s.astimezone(PARIS).strftime("%d %H:%M") for s, _free in plan] == [
        "19 10:00", "26 10:00", "02 10:00"]
    assert [free for _start, free in plan] == [True, True, False]


def test_booking_a_series_and_cancelling_from_the_second(business, staff):
    salon = open_salon(business)
    first_monday = next_weekday(0)
    starts = [paris(first_monday + timedelta(weeks=2 * n), 10) for n in range(3)]
    appointments = book_series(business=business, client=ClientFactory(business=business),
                               service=salon.cut, staff_member=salon.anna, starts=starts,
                               interval_weeks=2, booked_by=staff)

    cancel_series_from(business=business, appointment=appointments[1], by=staff)

    states = [a.state for a in Appointment.objects.filter(series=appointments[0].series)
              .order_by("starts_at")]
    assert states == ["booked", "cancelled", "cancelled"]


def test_clear_history_deletes_old_bookings_only_where_it_is_on(business, other_business):
    set_extension(business=business, extension=Extension.CLEAR_HISTORY, enabled=True)
    Business.objects.filter(pk=business.pk).update(history_retention_months=1)
    past_appointment(business, days_ago=90)
    recent = past_appointment(business)
    elsewhere = past_appointment(other_business, days_ago=900)

    clear_old_history()

    remaining = set(Appointment.objects.values_list("pk", flat=True))
    assert remaining == {recent.pk, elsewhere.pk}
