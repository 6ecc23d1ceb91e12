"""Bookings send their emails through `notify`: confirmed and cancelled with the
appointment as a calendar file in the business's time zone, a waitlist seat offered."""

import base64
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from icalendar import Calendar

from booking.services.appointments import (
    book_appointment,
    book_class_seat,
    cancel_appointment,
    join_waitlist,
    move_appointment,
)
from notifications import hooks
from notifications.kinds import MessageKind
from notifications.models import MessageStatus, OutboundMessage
from tests.booking.booking_setup import next_weekday, open_salon, paris
from tests.factories import BusinessFactory, ClassSessionFactory, ClientFactory

pytestmark = pytest.mark.django_db

KYIV = ZoneInfo("Europe/Kyiv")


def _messages(client, kind):
    return list(OutboundMessage.objects.filter(client=client, kind=kind).order_by("pk"))


def _calendar(message) -> tuple[Calendar, object]:
    [attachment] = message.attachments
    calendar = Calendar.from_ical(base64.b64decode(attachment["content"]))
    [event] = calendar.events
    return calendar, event


def test_a_booking_sends_a_confirmation_with_the_appointment_as_a_calendar_file(
        business, salon_client):
    salon = open_salon(business)
    start = paris(next_weekday(1), 10)

    appointment = book_appointment(business=business, client=salon_client, service=salon.cut,
                                   start=start, staff_member=salon.anna, online=False)

    [message] = _messages(salon_client, MessageKind.BOOKING_CONFIRMED)
    assert message.status == MessageStatus.QUEUED
    assert "Cut with Anna" in message.body
    assert f"{start.day} {start:%B} {start.year}, 10:00" in message.body  # as written in France
    calendar, event = _calendar(message)
    assert calendar["METHOD"] == "REQUEST"
    assert message.attachments[0]["mimetype"] == "text/calendar; method=REQUEST"
    assert event.uid == f"appointment-{appointment.pk}@{business.slug}.salonbook"
    assert event.start == start
    assert event.sequence == 0


@pytest.mark.parametrize(("day", "expected_utc_hour"), [
    # Kyiv moves its clocks back on the last Sunday of October: 10:00 is 07:00 UTC on
    # the Saturday before and 08:00 UTC on the Monday after.
    pytest.param(date(2030, 10, 26), 7, id="before-the-autumn-change"),
    pytest.param(date(2030, 10, 28), 8, id="after-the-autumn-change"),
])
def test_the_calendar_file_keeps_the_local_hour_on_both_sides_of_a_dst_change(
        day, expected_utc_hour):
    kvitka = BusinessFactory(time_zone="Europe/Kyiv", language="uk")
    salon = open_salon(kvitka)
    client = ClientFactory(business=kvitka)
    start = datetime(day.year, day.month, day.day, 10, tzinfo=KYIV)

    book_appointment(business=kvitka, client=client, service=salon.cut, start=start,
                     staff_member=salon.anna, online=False,
                     now=datetime(2030, 10, 1, tzinfo=UTC))

    [message] = _messages(client, MessageKind.BOOKING_CONFIRMED)
    _ical, event = _calendar(message)
    assert str(event.start.tzinfo) == "Europe/Kyiv"
    assert event.start.hour == 10
    assert event.start.astimezone(UTC).hour == expected_utc_hour
    assert "10:00" in message.body


def test_a_cancellation_sends_a_calendar_cancel_with_a_higher_sequence(business, salon_client):
    salon = open_salon(business)
    appointment = book_appointment(business=business, client=salon_client, service=salon.cut,
                                   start=paris(next_weekday(2), 11), staff_member=salon.ben,
                                   online=False)

    cancel_appointment(business=business, appointment=appointment, by=None)

    [message] = _messages(salon_client, MessageKind.BOOKING_CANCELLED)
    assert "Cut with Ben" in message.body
    calendar, event = _calendar(message)
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event.uid == f"appointment-{appointment.pk}@{business.slug}.salonbook"
    assert event.sequence == 1


def test_a_moved_appointment_is_confirmed_again_at_its_new_time(business, salon_client, owner):
    salon = open_salon(business)
    day = next_weekday(3)
    appointment = book_appointment(business=business, client=salon_client, service=salon.cut,
                                   start=paris(day, 9), staff_member=salon.anna, online=False)

    move_appointment(business=business, appointment=appointment, start=paris(day, 14),
                     by=owner)

    _first, moved = _messages(salon_client, MessageKind.BOOKING_CONFIRMED)
    _ical, event = _calendar(moved)
    assert event.start == paris(day, 14)
    assert event.sequence == 1
    assert ", 14:00" in moved.body


def test_a_refused_booking_sends_nothing(business, salon_client):
    salon = open_salon(business)
    start = paris(next_weekday(4), 10)
    book_appointment(business=business, client=ClientFactory(business=business),
                     service=salon.cut, start=start, staff_member=salon.anna, online=False)

    with pytest.raises(ValidationError):
        book_appointment(business=business, client=salon_client, service=salon.cut,
                         start=start, staff_member=salon.anna, online=False)

    assert _messages(salon_client, MessageKind.BOOKING_CONFIRMED) == []


def test_a_class_seat_is_confirmed(business, salon_client):
    session = ClassSessionFactory(business=business, class_type__name="Yoga")

    book_class_seat(business=business, client=salon_client, class_session=session)

    [message] = _messages(salon_client, MessageKind.BOOKING_CONFIRMED)
    assert "Yoga with" in message.body


def test_a_freed_seat_offered_to_the_waitlist_is_emailed_with_its_link(business, salon_client):
    session = ClassSessionFactory(business=business, capacity=1, class_type__name="Pilates")
    seat = book_class_seat(business=business, client=ClientFactory(business=business),
                           class_session=session)
    join_waitlist(business=business, client=salon_client, class_session=session)

    cancel_appointment(business=business, appointment=seat, by=None)

    [message] = _messages(salon_client, MessageKind.WAITLIST_OFFERED)
    assert message.subject == "A seat is free for you: Pilates"
    assert f"/{business.slug}/classes/{session.pk}/" in message.body
    assert message.attachments == []


def test_the_confirmation_carries_the_lines_other_apps_add(business, salon_client):
    def loyalty_line(*, business, appointment):
        return f"This booking will earn you {appointment.price:.0f} points."

    hooks.register_appointment_line(loyalty_line)
    try:
        salon = open_salon(business)
        book_appointment(business=business, client=salon_client, service=salon.cut,
                         start=paris(next_weekday(1), 15),
                         staff_member=salon.anna, online=False)
    finally:
        hooks.unregister_appointment_line(loyalty_line)

    [message] = _messages(salon_client, MessageKind.BOOKING_CONFIRMED)
    assert "This booking will earn you 45 points." in message.body
