"""The demo shows notifications at work: an edited template and the diary's emails."""

import io

import pytest
from django.core.management import call_command

from notifications.kinds import MessageKind
from notifications.models import MessageReason, MessageStatus, MessageTemplate, OutboundMessage
from tenancy.models import Business

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_edited_template_and_the_diary_emails_in_the_log():
    call_command("load_demo", stdout=io.StringIO())

    atelier = Business.objects.get(slug="atelier-lumiere")
    template = MessageTemplate.objects.for_business(atelier).get(
        kind=MessageKind.BOOKING_CONFIRMED)
    log = OutboundMessage.objects.for_business(atelier)
    confirmation = log.filter(kind=MessageKind.BOOKING_CONFIRMED,
                              status=MessageStatus.QUEUED).first()
    assert "{{ staff }}" in template.body
    assert confirmation.subject.startswith("C'est noté, ")
    assert confirmation.language == "fr"
    assert log.filter(kind=MessageKind.BOOKING_CANCELLED).exists()
    assert log.filter(status=MessageStatus.SKIPPED,
                      reason=MessageReason.NO_EMAIL_ADDRESS).exists()
