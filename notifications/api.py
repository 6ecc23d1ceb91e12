"""API of notifications: the message log, read-only.

What was sent to whom and what became of it, for a business's own tools; sending
happens through the events that cause messages (bookings, points, gift cards).
"""

from rest_framework import mixins, serializers

from core.api import OptionalEmailField
from core.viewsets import TenantModelViewSet
from notifications.models import OutboundMessage


class OutboundMessageSerializer(serializers.ModelSerializer):
    recipient = OptionalEmailField(read_only=True,
                                   help_text="Empty when the client had no email address.")
    attachments = serializers.ListField(child=serializers.CharField(),
                                        source="attachment_names", read_only=True,
                                        help_text="File names of the attachments.")

    class Meta:
        model = OutboundMessage
        fields = ["id", "client", "kind", "recipient", "language", "subject", "body",
                  "attachments", "status", "reason", "error", "attempts", "created_at",
                  "sent_at"]
        read_only_fields = fields


class OutboundMessageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             TenantModelViewSet):
    """Messages sent (or skipped, or failed) to clients, newest first."""

    model = OutboundMessage
    serializer_class = OutboundMessageSerializer
    lookup_url_kwarg = "outbound_message_pk"
    filterset_fields = ["client", "kind", "status"]


def register(router) -> None:
    router.register("messages", OutboundMessageViewSet, basename="message")
