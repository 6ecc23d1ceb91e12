"""A seat in a class on the site /<slug>/classes/<id>/: booking, the waitlist, held seats."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from booking.models import Appointment, AppointmentState, Client, WaitlistEntry
from booking.services.appointments import (
    book_class_seat,
    cancel_appointment,
    join_waitlist,
)
from tenancy.models import Extension
from tenancy.services import set_extension
from tests.factories import ClassSessionFactory, ClassTypeFactory, ClientFactory, UserFactory
from tests.fixtures.site import sign_in_on_site

pytestmark = pytest.mark.django_db

GUEST = {"first_name": "Léa", "last_name": "Petit", "email": "lea@example.com",
         "phone": "06 11 22 33 44"}


@pytest.fixture
def session(business):
    yoga = ClassTypeFactory(business=business, name="Morning yoga", capacity=2)
    return ClassSessionFactory(business=business, class_type=yoga,
                               starts_at=timezone.now() + timedelta(days=3))


@pytest.fixture
def with_login(business):
    set_extension(business=business, extension=Extension.CLIENT_LOGIN, enabled=True)
    return business


@pytest.fixture
def signed_in(client, business):
    user = UserFactory(email="claire@example.com")
    claire = ClientFactory(business=business, user=user, email=user.email)
    sign_in_on_site(client, user, business)
    return claire


def class_url(business, session, name="class-session"):
    return reverse(f"booking:site-{name}", args=[business.slug, session.pk])


def fill(business, session, seats: int) -> list[Appointment]:
    return [book_class_seat(business=business, client=ClientFactory(business=business),
                            class_session=session) for _ in range(seats)]


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_class_page_shows_the_session_and_the_seats_left(client, business, session):
    fill(business, session, 1)

    response = client.get(class_url(business, session))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Morning yoga" in page
    assert response.context["seats_left"] == 1
    assert "Book my seat" in page


def test_a_guest_books_a_seat_and_sees_the_confirmation(client, business, session):
    response = client.post(class_url(business, session), GUEST)

    seat = Appointment.objects.for_business(business).get()
    assert response["Location"] == reverse("booking:site-appointment",
                                           args=[business.slug, seat.pk])
    assert seat.class_session == session
    assert seat.client.email == "lea@example.com"
    assert "Your booking is confirmed" in client.get(response["Location"]).content.decode()


def test_a_guest_seat_needs_the_guest_details(client, business, session):
    response = client.post(class_url(business, session), {"first_name": "Léa"})

    assert set(response.context["form"].errors) == {"last_name", "email", "phone"}
    assert not Appointment.objects.exists()
    assert not Client.objects.exists()


def test_a_signed_in_client_books_a_seat_with_one_button(client, business, session, with_login,
                                                         signed_in):
    page = client.get(class_url(business, session)).content.decode()
    client.post(class_url(business, session))

    seat = Appointment.objects.for_business(business).get()
    assert 'name="email"' not in page
    assert seat.client == signed_in
    assert seat.booked_by == signed_in.user
    assert "You have a seat in this class." in client.get(
        class_url(business, session)).content.decode()


def test_with_client_login_a_visitor_is_sent_to_log_in_and_back(client, business, session,
                                                                 with_login):
    page = client.get(class_url(business, session)).content.decode()
    response = client.post(class_url(business, session))

    assert reverse("booking:site-login", args=[business.slug]) + "?next=" in page
    assert response["Location"].startswith(reverse("booking:site-login", args=[business.slug]))
    assert not Appointment.objects.exists()


def test_a_full_class_offers_the_waitlist_and_a_client_joins_it(client, business, session,
                                                                with_login, signed_in):
    fill(business, session, 2)

    page = client.get(class_url(business, session)).content.decode()
    response = client.post(class_url(business, session, "waitlist-join"), follow=True)

    entry = WaitlistEntry.objects.for_business(business).get()
    assert "This class is full." in page
    assert "Join the waitlist" in page
    assert "Book my seat" not in page
    assert entry.client == signed_in
    assert entry.state == WaitlistEntry.State.WAITING
    assert "You are on the waitlist." in messages_of(response)[0]
    assert "Leave the waitlist" in response.content.decode()


def test_the_last_seat_taken_meanwhile_returns_to_the_class_with_the_message(
        client, business, session, with_login, signed_in):
    fill(business, session, 2)

    response = client.post(class_url(business, session), follow=True)

    assert "The last seat was just taken. You can join the waitlist." in messages_of(response)
    assert Appointment.objects.filter(client=signed_in).count() == 0


def test_joining_the_waitlist_needs_a_login_and_client_login(client, business, session):
    fill(business, session, 2)

    assert client.post(class_url(business, session, "waitlist-join")).status_code == 404
    set_extension(business=business, extension=Extension.CLIENT_LOGIN, enabled=True)
    response = client.post(class_url(business, session, "waitlist-join"))

    assert response["Location"].startswith(reverse("booking:site-login", args=[business.slug]))
    assert not WaitlistEntry.objects.exists()


def test_a_held_seat_shows_until_when_and_the_client_takes_it(client, business, session,
                                                               with_login, signed_in):
    seats = fill(business, session, 2)
    join_waitlist(business=business, client=signed_in, class_session=session)
    cancel_appointment(business=business, appointment=seats[0], by=None)
    entry = WaitlistEntry.objects.get(client=signed_in)
    until = timezone.localtime(entry.offer_expires_at, business.zone).strftime("%H:%M")

    page = client.get(class_url(business, session)).content.decode()
    client.post(class_url(business, session))

    entry.refresh_from_db()
    assert f"A seat is held for you until {until}." in page
    assert "Take the seat" in page
    assert "Decline" in page
    assert entry.state == WaitlistEntry.State.ACCEPTED
    assert Appointment.objects.holding().filter(client=signed_in, class_session=session).exists()


def test_declining_a_held_seat_offers_it_to_the_next_client(client, business, session,
                                                            with_login, signed_in):
    seats = fill(business, session, 2)
    join_waitlist(business=business, client=signed_in, class_session=session)
    next_in_line = join_waitlist(business=business, client=ClientFactory(business=business),
                                 class_session=session)
    cancel_appointment(business=business, appointment=seats[0], by=None)

    response = client.post(class_url(business, session, "waitlist-leave"), follow=True)

    next_in_line.refresh_from_db()
    assert "You declined the seat." in messages_of(response)
    assert WaitlistEntry.objects.get(client=signed_in).state == WaitlistEntry.State.LEFT
    assert next_in_line.state == WaitlistEntry.State.OFFERED


def test_leaving_a_waitlist_one_is_not_on_is_not_found(client, business, session, with_login,
                                                       signed_in):
    assert client.post(class_url(business, session, "waitlist-leave")).status_code == 404


def test_waitlist_entries_are_listed_in_my_appointments(client, business, session, with_login,
                                                        signed_in):
    fill(business, session, 2)
    join_waitlist(business=business, client=signed_in, class_session=session)

    page = client.get(reverse("booking:site-my-appointments", args=[business.slug]))

    assert "Morning yoga" in page.content.decode()
    assert "On the waitlist" in page.content.decode()


def test_a_cancelled_or_started_session_cannot_be_booked(client, business, session):
    started = ClassSessionFactory(business=business,
                                  starts_at=timezone.now() - timedelta(minutes=10))
    session.is_cancelled = True
    session.save()

    cancelled_page = client.get(class_url(business, session)).content.decode()
    started_page = client.get(class_url(business, started)).content.decode()
    refused = client.post(class_url(business, session), GUEST, follow=True)

    assert "This class is cancelled." in cancelled_page
    assert "This class can no longer be booked online." in started_page
    assert "Book my seat" not in cancelled_page
    assert "cannot be booked" in messages_of(refused)[0]
    assert not Appointment.objects.exists()


def test_a_session_of_another_business_or_none_is_not_found(client, business, other_business):
    theirs = ClassSessionFactory(business=other_business)

    assert client.get(reverse("booking:site-class-session",
                              args=[business.slug, theirs.pk])).status_code == 404
    assert client.get(reverse("booking:site-class-session",
                              args=[business.slug, 999_999])).status_code == 404
    assert client.post(reverse("booking:site-class-session",
                               args=[business.slug, theirs.pk]), GUEST).status_code == 404
    assert not Appointment.objects.exists()


def test_a_client_cancels_a_seat_and_the_waitlist_gets_the_offer(client, business, session,
                                                                  with_login, signed_in):
    fill(business, session, 1)
    client.post(class_url(business, session))
    waiting = join_waitlist(business=business, client=ClientFactory(business=business),
                            class_session=session)
    seat = Appointment.objects.get(client=signed_in)

    client.post(reverse("booking:site-appointment-cancel", args=[business.slug, seat.pk]))

    seat.refresh_from_db()
    waiting.refresh_from_db()
    assert seat.state == AppointmentState.CANCELLED
    assert waiting.state == WaitlistEntry.State.OFFERED
