"""The booking confirmation (page and email) says how the client can cancel: online until
the notice period, and, for a booking made inside it (the same day), that online
cancellation is no longer possible, without offering a cancel button that would be refused."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications import booking_emails
from notifications.kinds import MessageKind
from notifications.models import OutboundMessage
from tenancy.models import Extension
from tenancy.services import set_extension
from tests.factories import AppointmentFactory, ClientFactory, UserFactory
from tests.fixtures.site import sign_in_on_site

pytestmark = pytest.mark.django_db

TOO_LATE = ("Online cancellation is no longer possible: the appointment starts in less than "
            "24 hours. To cancel it, write to us at hello@atelier-test.test.")
IN_TIME = "You can cancel it from My appointments up to 24 hours before it starts."


@pytest.fixture
def claire(business):
    set_extension(business=business, extension=Extension.CLIENT_LOGIN, enabled=True)
    business.refresh_from_db()
    return ClientFactory(business=business, user=UserFactory(), first_name="Claire")


def booked_in(business, client, hours: float):
    start = (timezone.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)
    appointment = AppointmentFactory(business=business, client=client, starts_at=start,
                                     busy_from=start, ends_at=start + timedelta(hours=1),
                                     busy_until=start + timedelta(hours=1))
    booking_emails.appointment_booked(business=business, appointment=appointment)
    return appointment


def page_of(browser, business, name, *args) -> str:
    return browser.get(reverse(f"booking:site-{name}",
                               args=[business.slug, *args])).content.decode()


def confirmation_email() -> str:
    return OutboundMessage.objects.get(kind=MessageKind.BOOKING_CONFIRMED).body


def test_a_same_day_booking_says_online_cancellation_is_no_longer_possible(
        client, business, claire):
    sign_in_on_site(client, claire.user, business)
    appointment = booked_in(business, claire, hours=3)

    page = page_of(client, business, "appointment", appointment.pk)
    mine = page_of(client, business, "my-appointments")

    assert TOO_LATE in page
    assert IN_TIME not in page
    assert TOO_LATE in confirmation_email()
    assert IN_TIME not in confirmation_email()
    assert reverse("booking:site-appointment-cancel",
                   args=[business.slug, appointment.pk]) not in mine


def test_a_booking_outside_the_notice_period_can_be_cancelled_online_until_it(
        client, business, claire):
    sign_in_on_site(client, claire.user, business)
    appointment = booked_in(business, claire, hours=72)

    page = page_of(client, business, "appointment", appointment.pk)
    mine = page_of(client, business, "my-appointments")

    assert IN_TIME in page
    assert IN_TIME in confirmation_email()
    assert reverse("booking:site-appointment-cancel",
                   args=[business.slug, appointment.pk]) in mine


def test_a_client_without_a_login_is_asked_to_write(business):
    booked_in(business, ClientFactory(business=business), hours=72)

    assert "To change or cancel it, write to us at hello@atelier-test.test." in (
        confirmation_email())


def test_the_notice_period_s_hours_take_the_plural_form_of_their_number(business, claire):
    business.cancellation_notice_hours = 1
    business.save(update_fields=["cancellation_notice_hours"])
    booked_in(business, claire, hours=0.5)

    assert "starts in less than 1 hour. To cancel it" in confirmation_email()
