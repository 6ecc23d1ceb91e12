"""Checks of typed values that several gift card and coupon services share."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.dates import local_day
from core.money import quantize
from tenancy.models import Business

MAX_AMOUNT = Decimal("100000.00")


def amount_error(value, *, allow_zero: bool = False) -> str | None:
    if not isinstance(value, Decimal) or not value.is_finite():
        return _("Enter an amount.")
    try:
        if quantize(value) != value:
            return _("Enter an amount with at most two decimals.")
    except InvalidOperation:
        return _("Enter an amount with at most two decimals.")
    if value < 0 or (value == 0 and not allow_zero):
        return _("Enter an amount above zero.")
    if value > MAX_AMOUNT:
        return _("An amount cannot exceed %(max)s.") % {"max": MAX_AMOUNT}
    return None


def whole_number_error(value, *, low: int, high: int, required: bool = True) -> str | None:
    if value is None:
        return _("Enter a whole number.") if required else None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        return _("Enter a whole number between %(low)s and %(high)s.") % {"low": low,
                                                                          "high": high}
    return None


def trimmed(value, limit: int) -> str:
    return (value or "").strip()[:limit]


def business_today(business: Business, now: datetime) -> date:
    return local_day(now, business.time_zone)
