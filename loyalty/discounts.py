"""What a reward takes off: the kind of discount, what it applies to, and the checks of
both, as a stamp-card reward tier states them (loyalty.RewardTier).

A coupon (giftcards) states its discount in the same terms, with the same stored values:
a reward reached is issued as a coupon carrying the tier's terms. Giftcards builds on
loyalty, so the terms are defined here, once, and giftcards imports them.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.validation import amount_error


class DiscountKind(models.TextChoices):
    AMOUNT = "amount", gettext_lazy("Fixed amount")
    PERCENT = "percent", gettext_lazy("Percent")
    FREE_SERVICE = "free_service", gettext_lazy("Free service")


class AppliesTo(models.TextChoices):
    BOOKINGS = "bookings", gettext_lazy("Bookings")
    PRODUCTS = "products", gettext_lazy("Products")
    BOTH = "both", gettext_lazy("Bookings and products")


def discount_errors(row) -> dict[str, str | None]:
    """Errors of the discount a coupon, a reward tier or a given reward describes."""
    kind = row.discount_kind
    errors = {
        "discount_kind": None if kind in DiscountKind.values else _("Choose a discount."),
        "applies_to": None if row.applies_to in AppliesTo.values else _(
            "Choose what the code applies to."),
    }
    if kind == DiscountKind.AMOUNT:
        errors["value"] = amount_error(row.value)
    elif kind == DiscountKind.PERCENT:
        errors["value"] = amount_error(row.value) or (
            _("A percent discount cannot exceed 100.") if row.value > 100 else None)
    elif kind == DiscountKind.FREE_SERVICE:
        errors["service"] = None if row.service_id else _("Choose the free service.")
        if row.applies_to == AppliesTo.PRODUCTS:
            errors["applies_to"] = _("A free service applies to bookings.")
    return errors


def normalise_discount(row) -> None:
    if row.discount_kind == DiscountKind.FREE_SERVICE:
        row.value = Decimal(0)
        row.applies_to = AppliesTo.BOOKINGS
    else:
        row.service = None
