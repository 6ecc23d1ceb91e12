"""Sending one queued message through a real SMTP server: the layout, the attachments,
retries with backoff on a transient failure, and the final status on the row."""

from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone
from icalendar import Calendar

from notifications import links
from notifications.kinds import MessageKind
from notifications.models import MessageReason, MessageStatus, OutboundMessage
from notifications.services import Attachment, deliver_message, notify, requeue_stale_messages
from tests.factories import BusinessFactory, ClientFactory
from tests.fixtures.mail import free_port

pytestmark = pytest.mark.django_db

BOOKING = {"service": "Colour & cut", "date": "Tuesday, May 5, 2026, 10:00 AM",
           "staff": "Marie"}
ICS = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nMETHOD:REQUEST\r\n"
       b"BEGIN:VEVENT\r\nUID:a-1@test\r\nDTSTAMP:20260501T080000Z\r\n"
       b"DTSTART:20260505T080000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


def _part(email, subtype: str) -> str:
    return email.get_body((subtype,)).get_content().replace("\r\n", "\n")


def _queued(client, kind=MessageKind.BOOKING_CONFIRMED, context=BOOKING, **kwargs):
    return notify(kind, client, context, **kwargs)


def test_a_sent_message_arrives_with_its_subject_body_footer_and_is_marked_sent(
        smtp_server, business, salon_client):
    message = _queued(salon_client)

    retry = deliver_message(message_id=message.pk)

    assert retry is None
    [email] = smtp_server.to(salon_client.email)
    assert email["Subject"] == message.subject
    assert "Atelier Test" in email["From"]
    assert email["Reply-To"] == business.contact_email
    text, html = _part(email, "plain"), _part(email, "html")
    assert message.body in text
    assert links.unsubscribe_link(salon_client) in text
    assert "Colour &amp; cut with Marie<br>" in html
    assert email["List-Unsubscribe"].strip() == f"<{links.unsubscribe_link(salon_client)}>"
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 1)
    assert message.sent_at is not None
    assert message.next_attempt_at is None


def test_the_html_part_escapes_what_the_client_typed(smtp_server, business):
    client = ClientFactory(business=business, first_name="<script>x()</script>")
    message = _queued(client)

    deliver_message(message_id=message.pk)

    [email] = smtp_server.messages
    html = _part(email, "html")
    assert "<script>" not in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html


def test_a_business_name_with_punctuation_is_a_well_formed_sender(smtp_server):
    business = BusinessFactory(name='Nails, "Co" & Spa', language="fr")
    message = _queued(ClientFactory(business=business))

    deliver_message(message_id=message.pk)

    [email] = smtp_server.messages
    assert email["From"].addresses[0].display_name == 'Nails, "Co" & Spa'
    assert email["From"].addresses[0].addr_spec == "no-reply@localhost"


def test_a_calendar_attachment_arrives_as_a_calendar_invitation(smtp_server, salon_client):
    message = _queued(salon_client, attachments=[
        Attachment("booking.ics", ICS, "text/calendar; method=REQUEST")])

    deliver_message(message_id=message.pk)

    [email] = smtp_server.messages
    [attachment] = list(email.iter_attachments())
    assert attachment.get_filename() == "booking.ics"
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(attachment.get_content())
    assert [event.uid for event in calendar.events] == ["a-1@test"]


def test_a_transient_failure_is_retried_with_growing_delays_then_marked_failed(
        smtp_server, salon_client, settings):
    settings.NOTIFICATION_RETRY_DELAY_SECONDS = 60
    settings.NOTIFICATION_MAX_RETRIES = 2
    smtp_server.fail_next = 3
    message = _queued(salon_client)
    now = timezone.now()

    delays = [deliver_message(message_id=message.pk, now=now + timedelta(hours=step))
              for step in range(3)]

    assert delays == [60, 120, None]
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.reason == MessageReason.DELIVERY_FAILED
    assert message.attempts == 3
    assert "451" in message.error
    assert smtp_server.messages == []


def test_a_message_that_fails_once_is_sent_on_the_retry(smtp_server, salon_client):
    smtp_server.fail_next = 1
    message = _queued(salon_client)
    now = timezone.now()

    first = deliver_message(message_id=message.pk, now=now)
    too_early = deliver_message(message_id=message.pk, now=now + timedelta(seconds=5))
    second = deliver_message(message_id=message.pk, now=now + timedelta(seconds=first))

    assert (first, too_early, second) == (60, None, None)
    assert len(smtp_server.messages) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 2)
    assert "451" in message.error


def test_an_unreachable_server_is_a_transient_failure(settings, salon_client):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    message = _queued(salon_client)

    retry = deliver_message(message_id=message.pk)

    message.refresh_from_db()
    assert retry == settings.NOTIFICATION_RETRY_DELAY_SECONDS
    assert message.status == MessageStatus.QUEUED
    assert "ConnectionRefusedError" in message.error


class RefusingMailbox:
    async def handle_RCPT(self, server, session, envelope, address, options):
        return "550 5.1.1 No such mailbox"


def test_a_permanent_refusal_is_not_retried(settings, salon_client):
    controller = Controller(RefusingMailbox(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        message = _queued(salon_client)

        retry = deliver_message(message_id=message.pk)
    finally:
        controller.stop()

    message.refresh_from_db()
    assert retry is None
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 1)
    assert "550" in message.error


def test_a_client_who_unsubscribed_before_the_sending_gets_no_loyalty_email(
        smtp_server, consenting_client):
    message = _queued(consenting_client, MessageKind.BALANCE_UPDATED,
                      {"points": "+5", "balance": "25", "description": "Welcome gift"})
    consenting_client.marketing_opt_in, consenting_client.marketing_opt_in_at = False, None
    consenting_client.save()

    deliver_message(message_id=message.pk)

    message.refresh_from_db()
    assert message.status == MessageStatus.SKIPPED
    assert message.reason == MessageReason.NO_MARKETING_CONSENT
    assert smtp_server.messages == []


def test_delivering_a_sent_message_again_sends_nothing(smtp_server, salon_client):
    message = _queued(salon_client)
    deliver_message(message_id=message.pk)

    retry = deliver_message(message_id=message.pk)

    assert retry is None
    assert len(smtp_server.messages) == 1


def test_the_sweep_queues_again_only_messages_whose_task_was_lost(
        salon_client, monkeypatch):
    queued = []
    monkeypatch.setattr("notifications.services._enqueue", queued.append)
    lost = _queued(salon_client)
    fresh = _queued(salon_client)
    OutboundMessage.objects.filter(pk=lost.pk).update(
        next_attempt_at=timezone.now() - timedelta(hours=1))

    count = requeue_stale_messages()

    assert count == 1
    assert queued == [lost.pk]
    assert fresh.pk not in queued
