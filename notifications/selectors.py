"""Reads of notifications, tenant-scoped by `business`."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import translation

from booking.models import Client
from notifications import links
from notifications.defaults import DEFAULTS
from notifications.kinds import MessageKind, is_marketing
from notifications.models import MessageTemplate, OutboundMessage
from tenancy.models import Business


@dataclass(frozen=True)
class TemplateText:
    """The wording a kind is sent with: the business's own, or the default in its language."""

    kind: MessageKind
    subject: str
    body: str
    custom: MessageTemplate | None

    @property
    def is_custom(self) -> bool:
        return self.custom is not None

    @property
    def updated_at(self) -> datetime | None:
        return self.custom.updated_at if self.custom else None


def default_text(*, business: Business, kind: str) -> TemplateText:
    kind = MessageKind(kind)
    with translation.override(business.language):
        default = DEFAULTS[kind]
        return TemplateText(kind=kind, subject=str(default.subject), body=str(default.body),
                            custom=None)


def template_text(*, business: Business, kind: str) -> TemplateText:
    kind = MessageKind(kind)
    custom = MessageTemplate.objects.for_business(business).filter(kind=kind).first()
    if custom is None:
        return default_text(business=business, kind=kind)
    return TemplateText(kind=kind, subject=custom.subject, body=custom.body, custom=custom)


@dataclass(frozen=True)
class KindRow:
    kind: MessageKind
    marketing: bool
    custom: MessageTemplate | None


def kinds_overview(*, business: Business) -> list[KindRow]:
    """Every kind, whether it is a loyalty (marketing) message and the business's own
    wording if any: one query."""
    custom = {row.kind: row for row in MessageTemplate.objects.for_business(business)}
    return [KindRow(kind=kind, marketing=is_marketing(kind), custom=custom.get(kind))
            for kind in MessageKind]


def messages(*, business: Business, client: Client | None = None, kind: str = "",
             status: str = "", search: str = "") -> QuerySet[OutboundMessage]:
    """The message log, newest first, with each message's client."""
    rows = (OutboundMessage.objects.for_business(business).select_related("client")
            .defer("body", "attachments"))
    if client is not None:
        rows = rows.filter(client=client)
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    text = search.strip()
    if text:
        rows = rows.filter(Q(recipient__icontains=text) | Q(subject__icontains=text)
                           | Q(client__first_name__icontains=text)
                           | Q(client__last_name__icontains=text))
    return rows


def client_for_unsubscribe(*, business: Business, token: str) -> Client | None:
    client_id = links.client_id_from_token(business, token)
    if client_id is None:
        return None
    return Client.objects.for_business(business).filter(pk=client_id).first()
