"""Sending messages to clients, and the templates businesses edit.

`notify` is the one entry point for every app: it renders the business's template
in the business's language, records the message in the caller's transaction and
queues its sending for after commit. A rolled back transaction leaves neither the
row nor an email. The worker's `deliver_message` sends it, and on a transient
failure tells the task when to try again, with exponential backoff; the row
holds the outcome (sent, failed with the error, skipped with the reason).
"""

import base64
import logging
import smtplib
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from functools import partial
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from templated_mail.mail import BaseEmailMessage

from accounts.models import User
from booking.models import Client
from booking.services import clients as client_services
from notifications import links, rendering, selectors
from notifications.kinds import CONTEXT_VARIABLES, MessageKind, is_marketing
from notifications.models import MessageReason, MessageStatus, MessageTemplate, OutboundMessage
from notifications.placeholders import TemplateSyntaxProblem
from tenancy.models import Business

logger = logging.getLogger(__name__)

LAYOUT = "emails/notification.html"
# A task may run a little before the row's next attempt (clocks of two machines).
EARLY_TOLERANCE = timedelta(seconds=30)
# A queued message this long past its attempt time lost its task (the broker was down
# at commit, or a worker died holding it): the sweep queues it again.
STALE_AFTER = timedelta(minutes=15)
ERROR_LENGTH = 2000


class Attachment(NamedTuple):
    """What `notify(attachments=...)` takes; a plain (filename, content, mimetype) works too."""

    filename: str
    content: bytes | str
    mimetype: str


# Sending ------------------------------------------------------------------------------

def _common_values(business: Business, client: Client) -> dict[str, str]:
    return {
        "client_name": client.first_name,
        "business_name": business.name,
        "booking_link": links.booking_link(business),
        "unsubscribe_link": links.unsubscribe_link(client),
    }


def _rendered(business: Business, kind: MessageKind, values: Mapping[str, object],
              text: selectors.TemplateText | None = None) -> rendering.Rendered:
    text = text or selectors.template_text(business=business, kind=kind)
    try:
        return rendering.render(kind, subject=text.subject, body=text.body, context=values)
    except TemplateSyntaxProblem:
        # Saved templates are validated; one that no longer parses (a variable was
        # withdrawn) must not stop the booking or the credit that sends it.
        logger.warning("Template %s of business %s no longer parses; default used.",
                       kind, business.pk, exc_info=True)
        default = selectors.default_text(business=business, kind=kind)
        return rendering.render(kind, subject=default.subject, body=default.body,
                                context=values)


def _stored_attachments(attachments: Iterable) -> list[dict[str, str]]:
    stored = []
    for filename, content, mimetype in attachments:
        data = content.encode() if isinstance(content, str) else bytes(content)
        stored.append({"filename": filename, "mimetype": mimetype,
                       "content": base64.b64encode(data).decode("ascii")})
    return stored


def notify(kind: MessageKind, client: Client, context: Mapping[str, object], *,
           recipient_email: str | None = None, attachments: Iterable = ()) -> OutboundMessage:
    """Record a message of `kind` to `client` and send it once the transaction commits.

    `context` holds the kind's variables (see `notifications.kinds`), formatted by the
    caller; the common ones are filled in here. The message goes to `recipient_email`
    or the client's email. Loyalty kinds go only to clients who accepted marketing
    messages; the others are recorded as skipped with the reason, and so is a message
    without an address.
    """
    return notify_many(kind, client.business, [(client, context)],
                       recipient_email=recipient_email, attachments=attachments)[0]


def notify_many(kind: MessageKind, business: Business,
                messages: Iterable[tuple[Client, Mapping[str, object]]], *,
                recipient_email: str | None = None, attachments: Iterable = ()
                ) -> list[OutboundMessage]:
    """`notify` for many clients of one business at once (the crediting job's batch):
    the template is read once and the rows are written together."""
    if not isinstance(kind, MessageKind):
        # A bare string would survive a renamed kind and fail only when sent.
        raise TypeError(f"notify takes a MessageKind member, not {kind!r}")
    messages = list(messages)
    for _client, context in messages:
        unknown = set(context) - set(CONTEXT_VARIABLES[kind])
        if unknown:
            raise ValueError(f"{kind} has no variables {sorted(unknown)}; it takes "
                             f"{list(CONTEXT_VARIABLES[kind])}")
    text = selectors.template_text(business=business, kind=kind)
    stored = _stored_attachments(attachments)
    now = timezone.now()
    rows = []
    with translation.override(business.language):
        for client, context in messages:
            recipient = (client.email if recipient_email is None else recipient_email).strip()
            rendered = _rendered(business, kind,
                                 {**context, **_common_values(business, client)}, text)
            if is_marketing(kind) and not client.marketing_opt_in:
                status, reason = MessageStatus.SKIPPED, MessageReason.NO_MARKETING_CONSENT
            elif not recipient:
                status, reason = MessageStatus.SKIPPED, MessageReason.NO_EMAIL_ADDRESS
            else:
                status, reason = MessageStatus.QUEUED, MessageReason.NONE
            rows.append(OutboundMessage(
                business=business, client=client, kind=kind, recipient=recipient,
                language=business.language, subject=rendered.subject, body=rendered.body,
                attachments=stored, status=status, reason=reason, created_at=now,
                next_attempt_at=now if status == MessageStatus.QUEUED else None))
    if len(rows) == 1:
        rows[0].save(force_insert=True)
    else:
        OutboundMessage.objects.bulk_create(rows)
    queued = [row.pk for row in rows if row.status == MessageStatus.QUEUED]
    if queued:
        # Robust: a broker that is down must not fail the committed booking; the
        # sweep queues the messages again later.
        transaction.on_commit(partial(_enqueue_all, queued), robust=True)
    return rows


def _enqueue_all(message_ids: list[int]) -> None:
    for message_id in message_ids:
        _enqueue(message_id)


def _enqueue(message_id: int) -> None:
    # Imported here: the task module imports this one.
    from notifications.tasks import send_message_task

    send_message_task.delay(message_id)


def _footer(message: OutboundMessage, unsubscribe: str) -> str:
    business_name = message.business.name
    stop = _("To stop loyalty and marketing emails from %(business)s: %(link)s") % {
        "business": business_name, "link": unsubscribe}
    if is_marketing(message.kind):
        return _("You receive this email because you accepted loyalty and marketing "
                 "messages.") + " " + stop
    return stop


def _email(message: OutboundMessage) -> BaseEmailMessage:
    """The message in the project's layout (django-templated-mail), in its language."""
    business = message.business
    unsubscribe = links.unsubscribe_link(message.client)
    email = BaseEmailMessage(
        template_name=LAYOUT,
        context={"subject": message.subject, "body": message.body, "business": business,
                 "language": message.language, "footer": _footer(message, unsubscribe)},
        # RFC 8058: mail apps show their own "Unsubscribe" button, which POSTs here.
        headers={"List-Unsubscribe": f"<{unsubscribe}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    for attachment in message.attachments:
        email.attach(attachment["filename"], base64.b64decode(attachment["content"]),
                     attachment["mimetype"])
    return email


def _send(message: OutboundMessage) -> None:
    business = message.business
    with translation.override(message.language):
        email = _email(message)
        email.send(to=[message.recipient], reply_to=[business.contact_email],
                   from_email=formataddr((business.name,
                                          parseaddr(settings.DEFAULT_FROM_EMAIL)[1])))


def _is_permanent(failure: Exception) -> bool:
    """An SMTP 5xx answer will be the same next time: do not retry it."""
    if isinstance(failure, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _text in failure.recipients.values())
    if isinstance(failure, smtplib.SMTPResponseException):
        return failure.smtp_code >= 500
    return not isinstance(failure, smtplib.SMTPException | OSError)


def _retry_delay(attempts: int) -> float:
    return settings.NOTIFICATION_RETRY_DELAY_SECONDS * 2 ** (attempts - 1)


@transaction.atomic(durable=True)
def deliver_message(*, message_id: int, now: datetime | None = None) -> float | None:
    """Send one queued message; return in how many seconds to try again, or None.

    The row is locked while sending, so two tasks for the same message (a retry and
    the sweep's) never both send it; the second finds it sent, or locked and skips.
    """
    now = now or timezone.now()
    message = (OutboundMessage.objects.select_for_update(skip_locked=True, of=("self",))
               .select_related("business", "client")
               .filter(pk=message_id, status=MessageStatus.QUEUED,
                       next_attempt_at__lte=now + EARLY_TOLERANCE).first())
    if message is None:
        return None
    if is_marketing(message.kind) and not message.client.marketing_opt_in:
        # The client unsubscribed between the event and the sending.
        message.status, message.reason = MessageStatus.SKIPPED, MessageReason.NO_MARKETING_CONSENT
        message.next_attempt_at = None
        message.save(update_fields=["status", "reason", "next_attempt_at"])
        return None
    message.attempts += 1
    try:
        _send(message)
    except Exception as failure:  # every failure is recorded on the row
        message.error = f"{type(failure).__name__}: {failure}"[:ERROR_LENGTH]
        logger.warning("Message %s: attempt %s failed: %s", message.pk, message.attempts,
                       message.error)
        if _is_permanent(failure) or message.attempts > settings.NOTIFICATION_MAX_RETRIES:
            message.status, message.reason = MessageStatus.FAILED, MessageReason.DELIVERY_FAILED
            message.next_attempt_at = None
            message.save(update_fields=["attempts", "error", "status", "reason",
                                        "next_attempt_at"])
            return None
        delay = _retry_delay(message.attempts)
        message.next_attempt_at = now + timedelta(seconds=delay)
        message.save(update_fields=["attempts", "error", "next_attempt_at"])
        return delay
    message.status, message.sent_at, message.next_attempt_at = MessageStatus.SENT, now, None
    message.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at"])
    return None


def requeue_stale_messages(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Periodic: queue again the messages whose task was lost; return how many."""
    now = now or timezone.now()
    stale = list(OutboundMessage.objects.filter(status=MessageStatus.QUEUED,
                                                next_attempt_at__lte=now - STALE_AFTER)
                 .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:batch_size])
    for message_id in stale:
        _enqueue(message_id)
    return len(stale)


# Templates ------------------------------------------------------------------------------

def _validated(kind: MessageKind, subject: str, body: str) -> tuple[str, str]:
    subject, body = subject.strip(), body.strip().replace("\r\n", "\n")
    errors: dict[str, list[str]] = {}
    if not subject:
        errors["subject"] = [_("Enter a subject.")]
    elif "\n" in subject or "\r" in subject:
        errors["subject"] = [_("A subject is one line.")]
    if not body:
        errors["body"] = [_("Enter the message.")]
    for field, text in (("subject", subject), ("body", body)):
        if field in errors:
            continue
        try:
            rendering.validate(kind, text)
        except TemplateSyntaxProblem as problem:
            errors[field] = [problem.message]
    if errors:
        raise ValidationError(errors)
    return subject, body


@transaction.atomic(durable=True)
def save_template(*, business: Business, kind: str, subject: str, body: str,
                  by: User | None) -> MessageTemplate:
    """The business's own wording of `kind`; refused (naming the problem) when a
    placeholder is unknown or broken."""
    kind = MessageKind(kind)
    subject, body = _validated(kind, subject, body)
    template, _created = MessageTemplate.objects.for_business(business).update_or_create(
        business=business, kind=kind,
        defaults={"subject": subject, "body": body, "updated_by": by})
    return template


@transaction.atomic(durable=True)
def reset_template(*, business: Business, kind: str) -> None:
    """Back to the default wording, in the business's language."""
    MessageTemplate.objects.for_business(business).filter(kind=MessageKind(kind)).delete()


def preview(*, business: Business, kind: str, subject: str, body: str) -> rendering.Rendered:
    """The template rendered with sample values, in the business's language; raises
    ValidationError like `save_template` for a template it would refuse."""
    kind = MessageKind(kind)
    subject, body = _validated(kind, subject, body)
    with translation.override(business.language):
        return rendering.render(kind, subject=subject, body=body,
                                context=rendering.sample_context(kind, business))


# Consent ---------------------------------------------------------------------------------

@transaction.atomic(durable=True)
def unsubscribe(*, business: Business, client: Client) -> Client:
    """The unsubscribe link: no more loyalty and marketing emails. Booking emails still go."""
    return client_services.set_marketing_consent(business=business, client=client,
                                                 accepted=False)
