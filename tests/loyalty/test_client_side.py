"""What clients and the desk see of points: the booking confirmation and its email, the
messages a credit or an adjustment sends, and the balance at checkout."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from booking.forms_site import start_param
from booking.services.appointments import book_appointment
from checkout.hooks import client_badges
from loyalty.services import adjustments, crediting, program
from notifications.kinds import MessageKind
from notifications.models import MessageReason, MessageStatus, OutboundMessage
from tests.factories import (
    ClientFactory,
    ClientMembershipFactory,
    ServiceStaffFactory,
    StaffMemberFactory,
    WorkingHoursFactory,
)
from tests.loyalty.conftest import ended, signed_in_client

pytestmark = pytest.mark.django_db


def bookable(business, service, day):
    member = StaffMemberFactory(business=business)
    ServiceStaffFactory(business=business, service=service, staff_member=member)
    WorkingHoursFactory(business=business, staff_member=member, weekday=day.weekday(),
                        start_time=time(9), end_time=time(18))


def test_the_booking_confirmation_says_what_the_booking_will_earn(client, business, fan,
                                                                   colour, manager):
    adjustments.adjust_points(business=business, client=fan, points=5, description="Hello",
                              by=manager)
    signed_in_client(client, business, fan)
    day = timezone.localdate() + timedelta(days=3)
    bookable(business, colour, day)
    start = datetime.combine(day, time(10), tzinfo=business.zone)
    page = client.get(reverse("booking:site-book-confirm", args=[business.slug, colour.pk]),
                      {"start": start_param(start)})
    text = page.content.decode()
    assert "This booking will earn you 2 points." in text
    assert "After your appointment you will have 7 points." in text


def test_the_booking_confirmed_email_carries_the_loyalty_line(business, fan, colour):
    day = timezone.localdate() + timedelta(days=2)
    bookable(business, colour, day)
    book_appointment(business=business, client=fan, service=colour, online=False,
                     start=datetime.combine(day, time(10), tzinfo=business.zone))
    message = OutboundMessage.objects.get(kind=MessageKind.BOOKING_CONFIRMED)
    assert "This booking will earn you 2 points." in message.body
    assert "After your appointment you will have 2 points." in message.body


def test_a_member_is_not_promised_points_on_the_confirmation_nor_in_the_email(
        client, business, fan, colour):
    signed_in_client(client, business, fan)
    day = timezone.localdate() + timedelta(days=3)
    ClientMembershipFactory(business=business, client=fan, starts_on=day - timedelta(days=10),
                            ends_on=day + timedelta(days=10))
    bookable(business, colour, day)
    start = datetime.combine(day, time(10), tzinfo=business.zone)

    page = client.get(reverse("booking:site-book-confirm", args=[business.slug, colour.pk]),
                      {"start": start_param(start)})
    book_appointment(business=business, client=fan, service=colour, online=False, start=start)

    assert "This booking will earn you" not in page.content.decode()
    message = OutboundMessage.objects.get(kind=MessageKind.BOOKING_CONFIRMED)
    assert "This booking will earn you" not in message.body


def test_a_member_is_promised_points_when_members_earn(business, fan, colour):
    day = timezone.localdate() + timedelta(days=3)
    ClientMembershipFactory(business=business, client=fan, starts_on=day - timedelta(days=10),
                            ends_on=day + timedelta(days=10))
    program.update_program(business=business, members_earn=True)
    bookable(business, colour, day)
    book_appointment(business=business, client=fan, service=colour, online=False,
                     start=datetime.combine(day, time(10), tzinfo=business.zone))
    message = OutboundMessage.objects.get(kind=MessageKind.BOOKING_CONFIRMED)
    assert "This booking will earn you 2 points." in message.body


def test_a_credit_sends_points_credited_to_a_consenting_client(business, fan, colour):
    ended(business, fan, colour)
    crediting.credit_due_appointments()
    message = OutboundMessage.objects.get(kind=MessageKind.POINTS_CREDITED)
    assert (message.client, message.status) == (fan, MessageStatus.QUEUED)


def test_no_consent_means_the_credit_message_is_skipped(business, colour):
    shy = ClientFactory(business=business, marketing_opt_in=False, email="shy@example.com")
    ended(business, shy, colour)
    crediting.credit_due_appointments()
    message = OutboundMessage.objects.get(kind=MessageKind.POINTS_CREDITED)
    assert (message.status, message.reason) == (MessageStatus.SKIPPED,
                                                MessageReason.NO_MARKETING_CONSENT)


def test_an_adjustment_sends_balance_updated_with_the_description(business, fan, manager):
    adjustments.adjust_points(business=business, client=fan, points=12,
                              description="Birthday gift", by=manager)
    message = OutboundMessage.objects.get(kind=MessageKind.BALANCE_UPDATED)
    assert "Birthday gift" in message.body


def test_checkout_shows_the_selected_client_s_balance(business, fan, manager):
    adjustments.adjust_points(business=business, client=fan, points=12, description="x",
                              by=manager)
    assert client_badges(business=business, client=fan) == ["12 points"]
