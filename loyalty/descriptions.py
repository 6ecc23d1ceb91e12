"""An entry's description in the reader's language, worded at display time from its
typed source (loyalty.models.EntrySource) and the rows it names, with the service
name and local day as they were: the stored description was frozen in the business's
language of the day. A manual adjustment keeps the words staff typed, and an entry
whose source row is gone (a booking deleted by Clear history) shows what was stored.

The caller chooses the language: staff pages their own, client pages the business's.
A page selects SOURCE_ROWS with its entries, so that it costs no query per row.
"""

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from booking.models import AppointmentState, Business
from core.dates import format_day, local_day
from loyalty.models import EntryKind, PointsEntry

SOURCE_ROWS = ("appointment__service", "appointment__class_session__class_type", "invoice",
               "refund__invoice", "gift_card__offer", "reverses__gift_card")


def describe(entry: PointsEntry, business: Business) -> str:
    """`entry`'s description in the active language."""
    appointment = entry.appointment
    if entry.kind == EntryKind.EARN and appointment is not None:
        day = local_day(appointment.starts_at, business.time_zone)
        return ngettext("%(points)s point for %(item)s on %(day)s",
                        "%(points)s points for %(item)s on %(day)s", entry.points) % {
            "points": entry.points, "item": appointment.title,
            "day": format_day(day, translation.get_language(), business.time_zone)}
    if entry.kind == EntryKind.EARN and entry.invoice is not None:
        return ngettext("%(points)s point for %(invoice)s", "%(points)s points for %(invoice)s",
                        entry.points) % {"points": entry.points, "invoice": entry.invoice.label}
    if entry.kind == EntryKind.EXPIRE:
        return ngettext("%(count)s point expired", "%(count)s points expired",
                        -entry.points) % {"count": -entry.points}
    if entry.kind == EntryKind.REVERSE:
        return _reversal(entry) or entry.description
    if entry.kind == EntryKind.REDEEM and entry.gift_card is not None:
        card = entry.gift_card
        if card.offer is not None:
            return _("Gift card %(offer)s (%(code)s)") % {"offer": card.offer.name,
                                                         "code": card.masked_code}
    return entry.description


def _reversal(entry: PointsEntry) -> str | None:
    appointment = entry.appointment
    if appointment is not None and entry.round_number is not None:
        item = {"item": appointment.title}
        if entry.round_number % 2 == 0:
            return _("%(item)s attended after all: points given back") % item
        # A take-back is a cancellation if the booking ended cancelled (a no-show mark
        # is the one that can be undone; the rare earlier no-show rounds of a booking
        # cancelled later read as cancelled too).
        if appointment.state == AppointmentState.CANCELLED:
            return _("%(item)s cancelled: points taken back") % item
        return _("%(item)s not attended: points taken back") % item
    if entry.refund is not None:
        return _("Refund on %(invoice)s: points taken back") % {
            "invoice": entry.refund.invoice.label}
    reversed_entry = entry.reverses
    if reversed_entry is not None and reversed_entry.gift_card is not None:
        return _("Gift card %(code)s refunded") % {
            "code": reversed_entry.gift_card.masked_code}
    if reversed_entry is not None and reversed_entry.kind == EntryKind.ADJUST:
        return _("Reversal: %(description)s") % {"description": reversed_entry.description}
    return None
