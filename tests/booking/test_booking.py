from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from booking.models import Appointment, AppointmentState
from booking.selectors import availability
from booking.services.appointments import book_appointment, cancel_appointment
from tests.booking.booking_setup import next_weekday, open_salon, paris
from tests.factories import ClientFactory, ScheduleExceptionFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def salon(business):
    return open_salon(business)


def test_a_client_books_an_offered_slot_with_a_chosen_stylist(salon):
    client = ClientFactory(business=salon.business)
    monday = next_weekday(0)

    appointment = book_appointment(business=salon.business, client=client, service=salon.cut,
                                   start=paris(monday, 10), staff_member=salon.ben)

    assert appointment.staff_member == salon.ben
    assert appointment.ends_at - appointment.starts_at == timedelta(hours=1)
    assert appointment.price == salon.cut.price
    assert list(appointment.events.values_list("to_state", flat=True)) == ["booked"]


def test_any_staff_takes_the_first_free_stylist(salon):
    monday = next_weekday(0)
    book_appointment(business=salon.business, client=ClientFactory(business=salon.business),
                     service=salon.cut, start=paris(monday, 10), staff_member=salon.anna)

    second = book_appointment(business=salon.business,
                              client=ClientFactory(business=salon.business), service=salon.cut,
                              start=paris(monday, 10))

    assert second.staff_member == salon.ben


def test_the_same_slot_twice_is_refused_with_slot_just_taken(salon):
    monday = next_weekday(0)
    book_appointment(business=salon.business, client=ClientFactory(business=salon.business),
                     service=salon.cut, start=paris(monday, 10), staff_member=salon.anna)

    with pytest.raises(ValidationError, match="just taken"):
        book_appointment(business=salon.business, client=ClientFactory(business=salon.business),
                         service=salon.cut, start=paris(monday, 10, 30), staff_member=salon.anna)

    assert Appointment.objects.count() == 1


def test_buffers_keep_time_free_around_an_appointment(salon):
    colour = ServiceFactory(business=salon.business, duration_minutes=60,
                            buffer_after_minutes=15, performers=[salon.anna])
    monday = next_weekday(0)
    book_appointment(business=salon.business, client=ClientFactory(business=salon.business),
                     service=colour, start=paris(monday, 10), staff_member=salon.anna)

    slots = availability(business=salon.business, service=salon.cut, start_day=monday,
                         staff_member_id=salon.anna.pk)[monday]

    starts = {slot.start.astimezone(paris(monday, 0).tzinfo).strftime("%H:%M") for slot in slots}
    assert "11:00" not in starts
    assert "11:15" in starts
    assert "09:00" in starts
    assert "09:15" not in starts


def test_no_slot_on_a_holiday(salon):
    monday = next_weekday(0)
    ScheduleExceptionFactory(business=salon.business, staff_member=None, date=monday)

    slots = availability(business=salon.business, service=salon.cut, start_day=monday)[monday]

    assert slots == []


def test_time_off_removes_only_that_stylist_and_those_hours(salon):
    monday = next_weekday(0)
    ScheduleExceptionFactory(business=salon.business, staff_member=salon.anna, date=monday,
                             start_time=paris(monday, 9).time(), end_time=paris(monday, 12).time())

    slots = {s.start: s.staff_member_ids for s in availability(
        business=salon.business, service=salon.cut, start_day=monday)[monday]}

    assert slots[paris(monday, 10)] == (salon.ben.pk,)
    assert slots[paris(monday, 13)] == (salon.anna.pk, salon.ben.pk)


def test_a_slot_in_the_past_or_too_soon_is_refused(salon):
    client = ClientFactory(business=salon.business)

    with pytest.raises(ValidationError, match="already passed"):
        book_appointment(business=salon.business, client=client, service=salon.cut,
                         start=timezone.now() - timedelta(hours=1))
    with pytest.raises(ValidationError, match="too soon"):
        book_appointment(business=salon.business, client=client, service=salon.cut,
                         start=timezone.now() + timedelta(minutes=5))


def test_a_time_outside_working_hours_is_refused(salon):
    sunday = next_weekday(6)

    with pytest.raises(ValidationError, match="just taken"):
        book_appointment(business=salon.business, client=ClientFactory(business=salon.business),
                         service=salon.cut, start=paris(sunday, 10))


def test_a_client_of_another_business_is_refused(salon, other_business):
    with pytest.raises(ValidationError, match="another business"):
        book_appointment(business=salon.business, client=ClientFactory(business=other_business),
                         service=salon.cut, start=paris(next_weekday(0), 10))


def test_a_client_cannot_cancel_within_the_notice_period_but_staff_can(salon, owner):
    client = ClientFactory(business=salon.business)
    tomorrow_ish = timezone.now() + timedelta(hours=5)
    appointment = book_appointment(business=salon.business, client=client, service=salon.cut,
                                   start=paris(next_weekday(0), 10))
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=tomorrow_ish, busy_from=tomorrow_ish, ends_at=tomorrow_ish + timedelta(hours=1),
        busy_until=tomorrow_ish + timedelta(hours=1))

    with pytest.raises(ValidationError, match="24 hours before"):
        cancel_appointment(business=salon.business, appointment=appointment, by=None,
                           by_client=True)
    cancelled = cancel_appointment(business=salon.business, appointment=appointment, by=owner)

    assert cancelled.state == AppointmentState.CANCELLED
    assert cancelled.state_changed_by == owner


def test_a_cancelled_slot_is_offered_again(salon):
    monday = next_weekday(0)
    appointment = book_appointment(business=salon.business,
                                   client=ClientFactory(business=salon.business),
                                   service=salon.cut, start=paris(monday, 10),
                                   staff_member=salon.anna)
    cancel_appointment(business=salon.business, appointment=appointment, by=None)

    again = book_appointment(business=salon.business,
                             client=ClientFactory(business=salon.business), service=salon.cut,
                             start=paris(monday, 10), staff_member=salon.anna)

    assert again.pk != appointment.pk


def test_availability_makes_three_queries_whatever_the_staff_and_bookings(
        salon, django_assert_max_num_queries):
    monday = next_weekday(0)
    for hour in (9, 11, 13):
        book_appointment(business=salon.business, client=ClientFactory(business=salon.business),
                         service=salon.cut, start=paris(monday, hour), staff_member=salon.anna)

    with django_assert_max_num_queries(3):
        availability(business=salon.business, service=salon.cut, start_day=monday, days=30)
