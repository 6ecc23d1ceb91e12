"""Turning a kind's template and a context into the subject and body that are sent.

The placeholder renderer does the substitution; this module knows the kinds: which
variables a template may use, how a subject stays on one line, and the sample values
that the editor's preview shows.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.money import format_money
from notifications import formatting, links, placeholders
from notifications.kinds import MessageKind, variables
from tenancy.models import Business

# A value that fills an empty line in a template (an absent loyalty line) leaves at
# most one blank line behind.
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*){2,}")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def validate(kind: str, text: str) -> placeholders.Template:
    """The parsed template, or TemplateSyntaxProblem naming what is wrong."""
    return placeholders.parse(text, variables(kind))


def render(kind: str, *, subject: str, body: str, context: Mapping[str, object]) -> Rendered:
    """Plain text: the email's HTML part escapes the whole body, the admin's text included."""
    rendered_subject = validate(kind, subject).render(context, autoescape=False)
    rendered_body = validate(kind, body).render(context, autoescape=False)
    return Rendered(
        # A header is one line: a value with a line break must not end the subject.
        subject=_LINE_BREAKS.sub(" ", rendered_subject).strip(),
        body=_BLANK_LINES.sub("\n\n", rendered_body.replace("\r\n", "\n")).strip(),
    )


def sample_context(kind: str, business: Business) -> dict[str, str]:
    """Values that look real, formatted in the business's language, for the preview.

    Call with the business's language active: the textual samples are translated.
    """
    appointment = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) \
        + timedelta(days=3)
    expires = appointment.date() + timedelta(days=90)
    sample_money = format_money(Decimal("65"), business.currency, business.language)
    samples = {
        "client_name": _("Anna"),
        "business_name": business.name,
        "booking_link": links.booking_link(business),
        "unsubscribe_link": links.absolute(f"/{business.slug}/unsubscribe/…/"),
        "service": _("Colour & cut"),
        "date": formatting.local_datetime(appointment, business=business),
        "staff": _("Marie"),
        "loyalty_line": _("This booking will earn you 10 points."),
        "cancellation_line": ngettext(
            "You can cancel it from My appointments up to %(hours)s hour before it starts.",
            "You can cancel it from My appointments up to %(hours)s hours before it starts.",
            business.cancellation_notice_hours) % {"hours": business.cancellation_notice_hours},
        "offer_link": links.absolute(f"/{business.slug}/classes/…/"),
        "offer_expires": formatting.local_time(appointment - timedelta(days=2),
                                               business=business),
        "points": formatting.number(10, business=business),
        "balance": formatting.number(120, business=business),
        "description": _("10 points for Colour & cut"),
        "reward_code": "KPRWXT",
        "reward_name": _("A free blow-dry"),
        "reward_expires": formatting.local_date(expires, business=business),
        "gift_card_code": "H7KM-2QXP-9RTV-4WNC",
        "gift_card_value": format_money(Decimal("50"), business.currency, business.language),
        "gift_card_expires": formatting.local_date(expires, business=business),
        "purchaser_name": _("Sophie Martin"),
        "message": _("Happy birthday!"),
        "expiry_date": formatting.local_date(expires, business=business),
        "receipt_number": "000042",
        "receipt_date": formatting.local_datetime(appointment, business=business),
        "receipt_lines": f"1 \N{MULTIPLICATION SIGN} {_('Colour & cut')}: {sample_money}",
        "receipt_total": sample_money,
        "receipt_payments": f"{_('Card')}: {sample_money}",
    }
    if kind == MessageKind.BALANCE_UPDATED:
        samples["points"] = formatting.signed_number(10, business=business)
        samples["description"] = _("Welcome gift")
    return {name: samples[name] for name in variables(kind)}
