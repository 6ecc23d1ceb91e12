"""`notify`: the message is rendered with the business's wording, recorded in the caller's
transaction, and queued for sending only once that transaction commits."""

import pytest
from django.db import transaction

from notifications import links
from notifications.kinds import MessageKind
from notifications.models import MessageReason, MessageStatus, OutboundMessage
from notifications.services import Attachment, notify, notify_many
from tests.factories import ClientFactory, MessageTemplateFactory

pytestmark = pytest.mark.django_db

BOOKING = {"service": "Colour & cut", "date": "Tuesday, May 5, 2026, 10:00 AM",
           "staff": "Marie"}
POINTS = {"points": "10", "balance": "120", "service": "Colour & cut",
          "description": "10 points for Colour & cut"}


def test_a_message_is_recorded_queued_with_the_default_wording_rendered(salon_client):
    message = notify(MessageKind.BOOKING_CONFIRMED, salon_client, BOOKING)

    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert message.recipient == salon_client.email
    assert message.language == "en"
    assert message.subject == "Your booking at Atelier Test is confirmed"
    assert f"Hello {salon_client.first_name}," in message.body
    assert "Colour & cut with Marie\nTuesday, May 5, 2026, 10:00 AM" in message.body
    assert links.booking_link(salon_client.business) in message.body
    assert "{{" not in message.subject + message.body


def test_the_business_wording_is_used_when_it_has_its_own(business, salon_client):
    MessageTemplateFactory(business=business, kind=MessageKind.BOOKING_CONFIRMED,
                           subject="À bientôt {{ client_name }} !",
                           body="{{ service }} le {{ date }} avec {{ staff }}.")

    message = notify(MessageKind.BOOKING_CONFIRMED, salon_client, BOOKING)

    assert message.subject == f"À bientôt {salon_client.first_name} !"
    assert message.body == "Colour & cut le Tuesday, May 5, 2026, 10:00 AM avec Marie."


def test_an_empty_line_left_by_an_absent_value_leaves_one_blank_line(salon_client):
    message = notify(MessageKind.BOOKING_CONFIRMED, salon_client,
                     {**BOOKING, "loyalty_line": ""})

    assert "\n\n\n" not in message.body
    assert "10:00 AM\n\nOpen the attached file" in message.body


def test_a_value_with_a_line_break_keeps_the_subject_on_one_line(business):
    client = ClientFactory(business=business, first_name="Ann\r\nBcc: x@evil.test")
    MessageTemplateFactory(business=business, subject="Hi {{ client_name }}")

    message = notify(MessageKind.BOOKING_CONFIRMED, client, BOOKING)

    assert message.subject == "Hi Ann Bcc: x@evil.test"


def test_loyalty_messages_to_a_client_without_consent_are_skipped_with_the_reason(
        salon_client):
    message = notify(MessageKind.POINTS_CREDITED, salon_client, POINTS)

    assert message.status == MessageStatus.SKIPPED
    assert message.reason == MessageReason.NO_MARKETING_CONSENT
    assert message.get_reason_display() == "No marketing consent"
    assert message.subject


def test_loyalty_messages_to_a_client_who_consented_are_queued(consenting_client):
    message = notify(MessageKind.POINTS_CREDITED, consenting_client, POINTS)

    assert message.status == MessageStatus.QUEUED
    assert "Points earned: 10\nYour balance: 120" in message.body


def test_transactional_messages_go_without_marketing_consent(salon_client):
    assert not salon_client.marketing_opt_in

    message = notify(MessageKind.BOOKING_CANCELLED, salon_client, BOOKING)

    assert message.status == MessageStatus.QUEUED


def test_a_client_without_email_gets_a_skipped_row_with_the_reason(business):
    walk_in = ClientFactory(business=business, email="")

    message = notify(MessageKind.BOOKING_CONFIRMED, walk_in, BOOKING)

    assert message.status == MessageStatus.SKIPPED
    assert message.reason == MessageReason.NO_EMAIL_ADDRESS
    assert message.next_attempt_at is None


def test_another_recipient_can_be_named_for_a_gift_card(business, salon_client):
    message = notify(MessageKind.GIFT_CARD_ISSUED, salon_client,
                     {"gift_card_code": "H7KM-2QXP", "gift_card_value": "€50.00",
                      "gift_card_expires": "May 5, 2027", "purchaser_name": "Sophie",
                      "message": "Happy birthday!"},
                     recipient_email="friend@example.com")

    assert message.recipient == "friend@example.com"
    assert "Code: H7KM-2QXP" in message.body
    assert "Happy birthday!" in message.body


def test_a_variable_the_kind_does_not_offer_is_a_programming_error(salon_client):
    with pytest.raises(ValueError, match="reward_code"):
        notify(MessageKind.BOOKING_CONFIRMED, salon_client, {**BOOKING, "reward_code": "X"})

    assert not OutboundMessage.objects.exists()


def test_attachments_are_kept_with_the_message_until_it_is_sent(salon_client):
    message = notify(MessageKind.BOOKING_CONFIRMED, salon_client, BOOKING,
                     attachments=[Attachment("booking.ics", b"BEGIN:VCALENDAR", "text/calendar"),
                                  ("notes.txt", "plain", "text/plain")])

    message.refresh_from_db()
    assert message.attachment_names == ["booking.ics", "notes.txt"]


def test_a_saved_template_that_no_longer_parses_falls_back_to_the_default(business,
                                                                           salon_client):
    # Saved before a variable was withdrawn: the services refuse it today.
    MessageTemplateFactory(business=business, subject="{{ withdrawn }}", body="x")

    message = notify(MessageKind.BOOKING_CONFIRMED, salon_client, BOOKING)

    assert message.subject == "Your booking at Atelier Test is confirmed"


def test_sending_is_queued_only_when_the_transaction_commits(
        salon_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        message = notify(MessageKind.BOOKING_CONFIRMED, salon_client, BOOKING)

    assert len(callbacks) == 1
    assert callbacks[0].args == ([message.pk],)


def test_many_messages_are_written_together_and_queued_in_one_callback(
        business, django_capture_on_commit_callbacks):
    clients = [ClientFactory(business=business, email=f"c{n}@example.com") for n in range(3)]
    with django_capture_on_commit_callbacks() as callbacks:
        messages = notify_many(MessageKind.BOOKING_CONFIRMED, business,
                               [(client, BOOKING) for client in clients])

    assert [m.recipient for m in messages] == [c.email for c in clients]
    assert callbacks[0].args == ([m.pk for m in messages],)


def test_a_skipped_message_queues_nothing(salon_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        notify(MessageKind.REWARD_UNLOCKED, salon_client, {"reward_code": "KPRWXT"})

    assert callbacks == []


class Refused(Exception):
    pass


def _notify_then_fail(client) -> None:
    with transaction.atomic():
        notify(MessageKind.BOOKING_CONFIRMED, client, BOOKING)
        raise Refused


def test_a_rolled_back_transaction_leaves_no_message_and_queues_nothing(
        salon_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(Refused):
        _notify_then_fail(salon_client)

    assert callbacks == []
    assert not OutboundMessage.objects.exists()


def test_a_kind_given_as_a_bare_string_is_refused_and_nothing_is_recorded(salon_client):
    with pytest.raises(TypeError, match="MessageKind"):
        notify("booking_confirmed", salon_client, {"service": "Cut", "date": "today",
                                                   "staff": "Marie"})
    assert not OutboundMessage.objects.exists()
