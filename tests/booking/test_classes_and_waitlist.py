from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from booking.models import Appointment, WaitlistEntry
from booking.services.appointments import (
    book_class_seat,
    cancel_appointment,
    expire_waitlist_offers,
    join_waitlist,
    leave_waitlist,
)
from tests.factories import ClassSessionFactory, ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_session(business):
    session = ClassSessionFactory(business=business, capacity=2)
    seats = [book_class_seat(business=business, client=ClientFactory(business=business),
                             class_session=session) for _ in range(2)]
    return session, seats


def test_seats_never_exceed_capacity(business, full_session):
    session, _seats = full_session

    with pytest.raises(ValidationError, match="last seat was just taken"):
        book_class_seat(business=business, client=ClientFactory(business=business),
                        class_session=session)

    assert Appointment.objects.filter(class_session=session).count() == 2


def test_a_client_holds_one_seat_per_session(business):
    session = ClassSessionFactory(business=business, capacity=5)
    client = ClientFactory(business=business)
    book_class_seat(business=business, client=client, class_session=session)

    with pytest.raises(ValidationError, match="already have a seat"):
        book_class_seat(business=business, client=client, class_session=session)


def test_joining_the_waitlist_needs_a_full_session(business):
    session = ClassSessionFactory(business=business, capacity=5)

    with pytest.raises(ValidationError, match="Seats are still free"):
        join_waitlist(business=business, client=ClientFactory(business=business),
                      class_session=session)


def test_a_freed_seat_is_offered_to_the_first_waiting_client_and_held(business, full_session):
    session, seats = full_session
    first = join_waitlist(business=business, client=ClientFactory(business=business),
                          class_session=session)
    second = join_waitlist(business=business, client=ClientFactory(business=business),
                           class_session=session)

    cancel_appointment(business=business, appointment=seats[0], by=None)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == WaitlistEntry.State.OFFERED
    assert second.state == WaitlistEntry.State.WAITING
    with pytest.raises(ValidationError, match="last seat"):
        book_class_seat(business=business, client=ClientFactory(business=business),
                        class_session=session)
    book_class_seat(business=business, client=first.client, class_session=session)
    first.refresh_from_db()
    assert first.state == WaitlistEntry.State.ACCEPTED


def test_an_expired_offer_passes_the_seat_to_the_next_client(business, full_session):
    session, seats = full_session
    first = join_waitlist(business=business, client=ClientFactory(business=business),
                          class_session=session)
    second = join_waitlist(business=business, client=ClientFactory(business=business),
                           class_session=session)
    cancel_appointment(business=business, appointment=seats[0], by=None)

    expired = expire_waitlist_offers(now=timezone.now() + timedelta(
        minutes=business.waitlist_hold_minutes + 1))

    first.refresh_from_db()
    second.refresh_from_db()
    assert expired == 1
    assert first.state == WaitlistEntry.State.EXPIRED
    assert second.state == WaitlistEntry.State.OFFERED


def test_declining_an_offer_passes_the_seat_on(business, full_session):
    session, seats = full_session
    first = join_waitlist(business=business, client=ClientFactory(business=business),
                          class_session=session)
    second = join_waitlist(business=business, client=ClientFactory(business=business),
                           class_session=session)
    cancel_appointment(business=business, appointment=seats[0], by=None)
    first.refresh_from_db()

    leave_waitlist(business=business, entry=first)

    second.refresh_from_db()
    assert second.state == WaitlistEntry.State.OFFERED
