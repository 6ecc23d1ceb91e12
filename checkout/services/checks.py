"""Checks shared by checkout's services: each returns the message that refuses a value,
or None when the value is fine."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from checkout.models import DiscountKind
from core.money import quantize

MAX_QUANTITY = 999


MAX_PRICE = Decimal("1000000.00")


def _has_cents_only(value: Decimal) -> bool:
    try:
        return quantize(value) == value
    except (InvalidOperation, TypeError):
        return False


def price_error(value, *, positive: bool = False) -> str | None:
    if value is None:
        return _("Enter an amount.")
    if not isinstance(value, Decimal) or not value.is_finite() or not _has_cents_only(value):
        return _("Enter an amount with at most two decimals.")
    if value < 0:
        return _("An amount cannot be negative.")
    if positive and value == 0:
        return _("Enter an amount above zero.")
    if value > MAX_PRICE:
        return _("An amount cannot exceed %(max)s.") % {"max": MAX_PRICE}
    return None


def rate_error(value) -> str | None:
    if (not isinstance(value, Decimal) or not value.is_finite() or not _has_cents_only(value)
            or not 0 <= value <= 100):
        return _("A tax rate is a percentage between 0 and 100.")
    return None


def quantity_error(value) -> str | None:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_QUANTITY:
        return _("The quantity must be a whole number between 1 and %(max)d.") % {
            "max": MAX_QUANTITY}
    return None


def discount_error(kind: str, value, *, base: Decimal) -> str | None:
    if kind not in DiscountKind.values:
        return _("Choose an amount or a percent discount.")
    if kind == DiscountKind.NONE:
        return None
    error = price_error(value)
    if error:
        return error
    if kind == DiscountKind.PERCENT and value > 100:
        return _("A percent discount cannot exceed 100.")
    if kind == DiscountKind.AMOUNT and value > base:
        return _("The discount cannot exceed %(amount)s.") % {"amount": base}
    return None
