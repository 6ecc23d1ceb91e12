"""Per-business email templates and the log of every message sent to a client."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantModel, TenantQuerySet
from notifications.kinds import MessageKind


class MessageTemplate(TenantModel):
    """A business's own wording of one kind; without a row, the default applies."""

    kind = models.CharField(_("message"), max_length=32, choices=MessageKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(fields=["business", "kind"],
                                    name="message_template_one_per_kind"),
        ]

    def __str__(self) -> str:
        return str(MessageKind(self.kind).label)


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class MessageReason(models.TextChoices):
    """Why a message was skipped or failed; the technical detail of a failure is in `error`."""

    NONE = "", _("None")
    NO_MARKETING_CONSENT = "no_marketing_consent", _("No marketing consent")
    NO_EMAIL_ADDRESS = "no_email_address", _("No email address")
    DELIVERY_FAILED = "delivery_failed", _("Delivery failed")


class OutboundMessageQuerySet(TenantQuerySet):
    def due(self, now):
        return self.filter(status=MessageStatus.QUEUED, next_attempt_at__lte=now)


class OutboundMessage(TenantModel):
    """One email to one client: what was sent, exactly as rendered, and what became of it.

    Written in the transaction of the event it tells about and sent after commit, so
    a rolled back event leaves neither a row nor an email.
    """

    client = models.ForeignKey("booking.Client", on_delete=models.CASCADE,
                               related_name="outbound_messages", verbose_name=_("client"))
    kind = models.CharField(_("message"), max_length=32, choices=MessageKind.choices)
    recipient = models.EmailField(_("recipient"), blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.TextField(_("subject"))
    body = models.TextField(_("body"))
    # [{"filename", "mimetype", "content" (base64)}]: kept until sent, shown by name.
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices,
                              default=MessageStatus.QUEUED)
    reason = models.CharField(_("reason"), max_length=32, blank=True,
                              choices=MessageReason.choices, default=MessageReason.NONE)
    error = models.TextField(_("last error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = models.Manager.from_queryset(OutboundMessageQuerySet)()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=MessageStatus.SKIPPED) | ~Q(reason=MessageReason.NONE),
                name="outbound_message_skipped_has_reason"),
            models.CheckConstraint(
                condition=~Q(status=MessageStatus.QUEUED) | Q(next_attempt_at__isnull=False),
                name="outbound_message_queued_has_next_attempt"),
            models.CheckConstraint(
                condition=~Q(status=MessageStatus.SENT) | Q(sent_at__isnull=False),
                name="outbound_message_sent_has_time"),
        ]
        indexes = [
            models.Index(fields=["business", "-created_at"], name="outbound_message_log"),
            models.Index(fields=["business", "client", "-created_at"],
                         name="outbound_message_client_log"),
            # The sweep of queued messages whose task was lost.
            models.Index(fields=["next_attempt_at"], condition=Q(status="queued"),
                         name="outbound_message_queued"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient or '—'}"

    @property
    def attachment_names(self) -> list[str]:
        return [attachment["filename"] for attachment in self.attachments]
