"""An entry's description in the reader's language, worded at display time from its
typed source (loyalty.models.EntrySource) and the rows it names, with the service
name and local day as they were: the stored description was frozen in the business's
language of the day. A manual adjustment keeps the words staff typed, and an entry
whose source row is gone (a booking deleted by Clear history) shows what was stored.

The caller chooses the language: staff pages and exports their reader's, client pages
the business's. A page selects SOURCE_ROWS with its entries, and a report the same
facts as columns (reports.selectors.points_report), so that neither queries per row.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from booking.models import AppointmentState
from core.dates import format_day, local_day
from loyalty.models import EntryKind, PointsEntry
from tenancy.models import Business

SOURCE_ROWS = ("appointment__service", "appointment__class_session__class_type", "invoice",
               "refund__invoice", "gift_card__offer", "reverses__gift_card")


@dataclass(frozen=True)
class EntryFacts:
    """What the wording of an entry reads: the entry, and its source rows' values (None
    when it has no such source, or the row is gone)."""

    kind: str
    points: int
    description: str
    round_number: int | None = None
    item: str | None = None  # the appointment's service or class
    starts_at: datetime | None = None
    appointment_state: str | None = None
    invoice_number: int | None = None
    refund_invoice_number: int | None = None
    offer: str | None = None
    masked_card_code: str | None = None
    reversed_kind: str | None = None
    reversed_description: str | None = None
    reversed_masked_card_code: str | None = None


def facts_of(entry: PointsEntry) -> EntryFacts:
    """The facts of an entry loaded with SOURCE_ROWS."""
    appointment, card, reversed_entry = entry.appointment, entry.gift_card, entry.reverses
    refund = entry.refund
    return EntryFacts(
        kind=entry.kind, points=entry.points, description=entry.description,
        round_number=entry.round_number,
        item=appointment.title if appointment else None,
        starts_at=appointment.starts_at if appointment else None,
        appointment_state=appointment.state if appointment else None,
        invoice_number=entry.invoice.number if entry.invoice else None,
        refund_invoice_number=refund.invoice.number if refund else None,
        offer=card.offer.name if card and card.offer else None,
        masked_card_code=card.masked_code if card else None,
        reversed_kind=reversed_entry.kind if reversed_entry else None,
        reversed_description=reversed_entry.description if reversed_entry else None,
        reversed_masked_card_code=(reversed_entry.gift_card.masked_code
                            if reversed_entry and reversed_entry.gift_card else None))


def describe(entry: PointsEntry, business: Business) -> str:
    """`entry`'s description in the active language."""
    return describe_facts(facts_of(entry), business)


def _invoice(number: int) -> str:
    # As Invoice.label writes a numbered invoice.
    return _("Invoice %(number)s") % {"number": f"{number:06d}"}


def describe_facts(facts: EntryFacts, business: Business) -> str:
    points = facts.points
    if facts.kind == EntryKind.EARN and facts.item is not None:
        day = local_day(facts.starts_at, business.time_zone)
        return ngettext("%(points)s point for %(item)s on %(day)s",
                        "%(points)s points for %(item)s on %(day)s", points) % {
            "points": points, "item": facts.item,
            "day": format_day(day, translation.get_language(), business.time_zone)}
    if facts.kind == EntryKind.EARN and facts.invoice_number is not None:
        return ngettext("%(points)s point for %(invoice)s", "%(points)s points for %(invoice)s",
                        points) % {"points": points, "invoice": _invoice(facts.invoice_number)}
    if facts.kind == EntryKind.EXPIRE:
        return ngettext("%(count)s point expired", "%(count)s points expired",
                        -points) % {"count": -points}
    if facts.kind == EntryKind.REVERSE:
        return _reversal(facts) or facts.description
    if facts.kind == EntryKind.REDEEM and facts.offer is not None:
        return _("Gift card %(offer)s (%(code)s)") % {"offer": facts.offer,
                                                     "code": facts.masked_card_code}
    return facts.description


def _reversal(facts: EntryFacts) -> str | None:
    if facts.item is not None and facts.round_number is not None:
        item = {"item": facts.item}
        if facts.round_number % 2 == 0:
            return _("%(item)s attended after all: points given back") % item
        # A take-back is a cancellation if the booking ended cancelled (a no-show mark
        # is the one that can be undone; the rare earlier no-show rounds of a booking
        # cancelled later read as cancelled too).
        if facts.appointment_state == AppointmentState.CANCELLED:
            return _("%(item)s cancelled: points taken back") % item
        return _("%(item)s not attended: points taken back") % item
    if facts.refund_invoice_number is not None:
        return _("Refund on %(invoice)s: points taken back") % {
            "invoice": _invoice(facts.refund_invoice_number)}
    if facts.reversed_masked_card_code is not None:
        return _("Gift card %(code)s refunded") % {
            "code": facts.reversed_masked_card_code}
    if facts.reversed_kind == EntryKind.ADJUST:
        return _("Reversal: %(description)s") % {"description": facts.reversed_description}
    return None
