"""End to end: a real Celery worker process sends through a real SMTP server (aiosmtpd
on loopback), after the transaction commits."""

import pytest
from django.db import transaction

from config.celery import app as celery_app
from notifications.kinds import MessageKind
from notifications.models import MessageReason, MessageStatus, OutboundMessage
from notifications.services import notify, save_template
from notifications.tasks import requeue_stale_messages_task
from tenancy.models import Business
from tests.factories import BusinessFactory, ClientFactory
from tests.fixtures.worker import wait_until

pytestmark = [pytest.mark.celery, pytest.mark.redis]


def test_the_beat_schedule_queues_lost_messages_again_every_five_minutes():
    entry = celery_app.conf.beat_schedule["requeue-stale-messages"]

    assert entry["task"] == requeue_stale_messages_task.name
    assert entry["schedule"] == 300.0


def _status(message: OutboundMessage) -> str:
    return OutboundMessage.objects.get(pk=message.pk).status


def _french_salon() -> Business:
    salon = BusinessFactory(name="Salon Élise", slug="salon-elise", language="fr",
                            time_zone="Europe/Paris", contact_email="bonjour@elise.test")
    save_template(business=salon, kind=MessageKind.POINTS_CREDITED,
                  subject="{{ points }} points de plus, {{ client_name }} !",
                  body="Merci pour votre visite.\n{{ description }}\nSolde : {{ balance }}",
                  by=None)
    return salon


POINTS = {"points": "10", "balance": "1 200", "service": "Coupe",
          "description": "10 points pour Coupe le 3 mai"}


def test_the_message_arrives_with_the_business_wording_and_language(
        celery_worker_process, smtp_server):
    salon = _french_salon()
    client = ClientFactory(business=salon, first_name="Amélie", email="amelie@example.com",
                           marketing_opt_in=True, marketing_opt_in_at="2026-01-05T10:00:00Z")

    with transaction.atomic():
        message = notify(MessageKind.POINTS_CREDITED, client, POINTS)

    wait_until(lambda: smtp_server.to("amelie@example.com"), timeout=60,
               message="no email arrived:\n" + celery_worker_process.log())
    [email] = smtp_server.to("amelie@example.com")
    assert email["Subject"] == "10 points de plus, Amélie !"
    text = email.get_body(("plain",)).get_content()
    assert "Merci pour votre visite.\r\n10 points pour Coupe le 3 mai\r\nSolde : 1 200" in text
    assert '<html lang="fr">' in email.get_body(("html",)).get_content()
    assert "Salon Élise" in str(email["From"])
    wait_until(lambda: _status(message) == MessageStatus.SENT, timeout=30)


def _notify_then_fail(client, booking) -> None:
    with transaction.atomic():
        notify(MessageKind.BOOKING_CONFIRMED, client, booking)
        raise RuntimeError("the booking failed")


def test_a_rolled_back_transaction_sends_nothing(celery_worker_process, smtp_server, business):
    rolled_back = ClientFactory(business=business, email="rolled-back@example.com")
    committed = ClientFactory(business=business, email="committed@example.com")
    booking = {"service": "Cut", "date": "Friday", "staff": "Marie"}

    with pytest.raises(RuntimeError):
        _notify_then_fail(rolled_back, booking)
    # Sent after the rolled back one: once it has arrived, the first would have too.
    with transaction.atomic():
        notify(MessageKind.BOOKING_CONFIRMED, committed, booking)

    wait_until(lambda: smtp_server.to("committed@example.com"), timeout=60,
               message="no email arrived:\n" + celery_worker_process.log())
    assert smtp_server.to("rolled-back@example.com") == []
    assert not OutboundMessage.objects.filter(client=rolled_back).exists()


def test_an_smtp_failure_is_retried_and_then_marked_failed(celery_worker_process, smtp_server,
                                                           salon_client):
    # The worker retries five times (worker_env): six refusals exhaust it.
    smtp_server.fail_next = 6

    with transaction.atomic():
        message = notify(MessageKind.BOOKING_CANCELLED, salon_client,
                         {"service": "Cut", "date": "Friday", "staff": "Marie"})

    wait_until(lambda: _status(message) == MessageStatus.FAILED, timeout=60,
               message="not marked failed:\n" + celery_worker_process.log())
    message.refresh_from_db()
    assert message.attempts == 6
    assert message.reason == MessageReason.DELIVERY_FAILED
    assert "451" in message.error
    assert smtp_server.fail_next == 0
    assert smtp_server.messages == []


def test_an_smtp_failure_then_success_delivers_once(celery_worker_process, smtp_server,
                                                    salon_client):
    smtp_server.fail_next = 1

    with transaction.atomic():
        message = notify(MessageKind.BOOKING_CANCELLED, salon_client,
                         {"service": "Cut", "date": "Friday", "staff": "Marie"})

    wait_until(lambda: _status(message) == MessageStatus.SENT, timeout=60,
               message="not sent:\n" + celery_worker_process.log())
    assert len(smtp_server.to(salon_client.email)) == 1
    assert OutboundMessage.objects.get(pk=message.pk).attempts == 2


def test_no_consent_means_no_loyalty_mail(celery_worker_process, smtp_server, business,
                                          consenting_client):
    refusing = ClientFactory(business=business, email="no-thanks@example.com",
                             marketing_opt_in=False)
    reward = {"reward_code": "KPRWXT", "reward_name": "10% off", "reward_expires": "June 1",
              "balance": "0"}

    with transaction.atomic():
        skipped = notify(MessageKind.REWARD_UNLOCKED, refusing, reward)
        notify(MessageKind.REWARD_UNLOCKED, consenting_client, reward)

    wait_until(lambda: smtp_server.to(consenting_client.email), timeout=60,
               message="no email arrived:\n" + celery_worker_process.log())
    assert smtp_server.to("no-thanks@example.com") == []
    skipped.refresh_from_db()
    assert (skipped.status, skipped.reason) == (MessageStatus.SKIPPED,
                                                MessageReason.NO_MARKETING_CONSENT)
