"""What a reward takes off: the kind of discount (booking.codes.CodeKind, the kinds a code
can take off at checkout), what it applies to, and the checks of both, as a stamp-card
reward tier states them (loyalty.RewardTier).

A coupon (giftcards) states its discount in the same terms, with the same stored values:
a reward reached is issued as a coupon carrying the tier's terms. Giftcards builds on
loyalty, so the terms are defined here, once, and giftcards imports them.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from booking.codes import CodeKind
from core.validation import amount_error


class AppliesTo(models.TextChoices):
    BOOKINGS = "bookings", gettext_lazy("Bookings")
    PRODUCTS = "products", gettext_lazy("Products")
    BOTH = "both", gettext_lazy("Bookings and products")


def discount_errors(row) -> dict[str, str | None]:
    """Errors of the discount a coupon, a reward tier or a given reward describes."""
    kind = row.discount_kind
    errors = {
        "discount_kind": None if kind in CodeKind.values else _("Choose a discount."),
        "applies_to": None if row.applies_to in AppliesTo.values else _(
            "Choose what the code applies to."),
    }
    if kind == CodeKind.AMOUNT:
        errors["value"] = amount_error(row.value)
    elif kind == CodeKind.PERCENT:
        errors["value"] = amount_error(row.value) or (
            _("A percent discount cannot exceed 100.") if row.value > 100 else None)
    elif kind == CodeKind.FREE_SERVICE:
        errors["service"] = None if row.service_id else _("Choose the free service.")
        if row.applies_to == AppliesTo.PRODUCTS:
            errors["applies_to"] = _("A free service applies to bookings.")
    return errors


def normalise_discount(row) -> None:
    if row.discount_kind == CodeKind.FREE_SERVICE:
        row.value = Decimal(0)
        row.applies_to = AppliesTo.BOOKINGS
    else:
        row.service = None
