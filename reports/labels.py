"""Readable labels of report cells, written from fields selected with their row (see
ReportColumn.text): each factory takes the texts in the active language once, and returns
the function that a page or an export calls for every row.
"""

from collections.abc import Callable
from datetime import datetime

from django.utils import translation
from django.utils.translation import gettext as _

from booking.models import Business
from core.dates import format_day, local_day
from giftcards import codes
from giftcards.models import GiftCardOrigin
from loyalty.models import EntryKind


def points_source(business: Business) -> Callable[..., str]:
    """What caused a points entry, from the sources that loyalty and giftcards write:
    "appointment:12", "invoice:7", "refund:3", "gift_card:5", "reset:45:0", "entry:9",
    and none for adjustments and expiry. Another source is shown as it is stored.
    An adjustment does not name its author: the report's staff column does."""
    language = translation.get_language()
    texts = {
        "appointment_on": _("Appointment on %(day)s"), "appointment": _("Appointment"),
        "invoice": _("Invoice %(number)s"), "refund": _("Refund on invoice %(number)s"),
        "gift_card": _("Gift card %(code)s"), "reset": _("Reward (card started over)"),
        "entry": _("Reversal of entry #%(number)s"),
        "adjusted": _("Adjustment"), "expiry": _("Expiry"),
    }

    def label(kind: str, source: str, moment: datetime | None, number: int | None,
              code: str | None) -> str:
        prefix, _colon, rest = source.partition(":")
        if not source:
            if kind == EntryKind.ADJUST:
                return texts["adjusted"]
            return texts["expiry"] if kind == EntryKind.EXPIRE else ""
        if prefix == "appointment":
            # A booking may be gone (Clear history): its label stays, without the day.
            if moment is None:
                return texts["appointment"]
            return texts["appointment_on"] % {
                "day": format_day(local_day(moment, business.time_zone), language,
                                  business.time_zone)}
        if prefix in ("invoice", "refund") and number is not None:
            # As Invoice.display_number writes it.
            return texts[prefix] % {"number": f"{number:06d}"}
        if prefix == "gift_card" and code is not None:
            return texts["gift_card"] % {"code": codes.masked(code)}
        if prefix == "reset":
            return texts["reset"]
        if prefix == "entry" and rest.isdigit():
            return texts["entry"] % {"number": rest}
        return source

    return label


def gift_card_group(business: Business) -> Callable[[str, str], str]:
    """The offer of a gift card report row, or the origin of its cards sold without one."""
    origins = {code: str(label) for code, label in GiftCardOrigin.choices}
    return lambda offer_name, without_offer: offer_name or origins.get(without_offer,
                                                                       without_offer)
