"""Readable labels of report cells, written from fields selected with their row (see
ReportColumn.text): each factory takes the texts in the active language once, and returns
the function that a page or an export calls for every row.
"""

from collections.abc import Callable
from datetime import datetime

from django.utils import translation
from django.utils.translation import gettext as _

from core.dates import format_day, local_day
from giftcards import codes
from giftcards.models import GiftCardOrigin
from loyalty.descriptions import EntryFacts, describe_facts
from loyalty.models import EntryKind
from tenancy.models import Business


def points_source(business: Business) -> Callable[..., str]:
    """What caused a points entry, from its typed source (loyalty.models.EntrySource)
    and what the report joined of it: an appointment's start, an invoice's or a
    refunded invoice's number, a gift card's code. None for adjustments and expiry.
    An adjustment does not name its author: the report's staff column does."""
    language = translation.get_language()
    texts = {
        "appointment_on": _("Appointment on %(day)s"), "appointment": _("Appointment"),
        "invoice": _("Invoice %(number)s"), "refund": _("Refund on invoice %(number)s"),
        "gift_card": _("Gift card %(code)s"), "reset": _("Reward (card started over)"),
        "entry": _("Reversal of entry #%(number)s"),
        "adjusted": _("Adjustment"), "expiry": _("Expiry"),
    }

    def label(kind: str, appointment_id: int | None, round_number: int | None,
              invoice_id: int | None, refund_id: int | None, gift_card_id: int | None,
              unlocked_by_id: int | None, reverses_id: int | None, moment: datetime | None,
              number: int | None, code: str | None) -> str:
        if unlocked_by_id is not None:
            return texts["reset"]
        if moment is not None:
            return texts["appointment_on"] % {
                "day": format_day(local_day(moment, business.time_zone), language,
                                  business.time_zone)}
        # A booking may be gone (Clear history): a round of it still says what it was.
        if appointment_id is not None or round_number is not None:
            return texts["appointment"]
        if number is not None:
            # As Invoice.display_number writes it.
            return texts["refund" if refund_id is not None else "invoice"] % {
                "number": f"{number:06d}"}
        if code is not None:
            return texts["gift_card"] % {"code": codes.masked(code)}
        if kind == EntryKind.REVERSE and reverses_id is not None:
            return texts["entry"] % {"number": reverses_id}
        if kind == EntryKind.ADJUST:
            return texts["adjusted"]
        return texts["expiry"] if kind == EntryKind.EXPIRE else ""

    return label


def points_description(business: Business) -> Callable[..., str]:
    """An entry's description in the reader's language, worded from its source
    (loyalty.descriptions); the reads of the column, in EntryFacts' order."""
    return lambda *values: describe_facts(EntryFacts(*values), business)


def gift_card_group(business: Business) -> Callable[[str, str], str]:
    """The offer of a gift card report row, or the origin of its cards sold without one."""
    origins = {code: str(label) for code, label in GiftCardOrigin.choices}
    return lambda offer_name, without_offer: offer_name or origins.get(without_offer,
                                                                       without_offer)


def staff_name(business: Business) -> Callable[[str], str]:
    """A staff member's name, or what a sale credited to nobody is listed as."""
    nobody = _("No staff member")
    return lambda name: name or nobody
