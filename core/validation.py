"""The checks every service starts with, raising the ValidationError that forms and the API show,
and the checks of typed values that services of several apps share (an amount of money, a whole
number in a range, a trimmed text)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.money import quantize

MAX_AMOUNT = Decimal("100000.00")


def refuse(errors: dict[str, str | None]) -> None:
    """Raise one ValidationError carrying every failed field, or nothing."""
    failed = {field: message for field, message in errors.items() if message}
    if failed:
        raise ValidationError(failed)


def check_same_business(business, *rows, field: str | None = None) -> None:
    """Refuse rows of another business; `None` rows are optional arguments left out."""
    if any(row is not None and row.business_id != business.pk for row in rows):
        message = _("This belongs to another business.")
        raise ValidationError({field: message} if field else message)


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
