"""Gift card offers: what the business sells, at what value and price."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from core.validation import (
    amount_error,
    check_same_business,
    refuse,
    trimmed,
    whole_number_error,
)
from giftcards.models import MAX_POINTS_PRICE, MAX_VALIDITY_DAYS, GiftCardOffer
from tenancy.models import Business

OFFER_FIELDS = ("name", "value", "price", "validity_days", "is_active", "points_enabled",
                "points_price")


def _save_offer(offer: GiftCardOffer) -> GiftCardOffer:
    offer.name = trimmed(offer.name, 120)
    if not offer.points_enabled:
        offer.points_price = offer.points_price or None
    refuse({
        "name": None if offer.name else _("Enter a name."),
        "value": amount_error(offer.value),
        "price": amount_error(offer.price, allow_zero=True),
        "validity_days": whole_number_error(offer.validity_days, low=1,
                                            high=MAX_VALIDITY_DAYS),
        "points_price": whole_number_error(offer.points_price, low=1, high=MAX_POINTS_PRICE,
                                           required=bool(offer.points_enabled)),
    })
    offer.save()
    return offer


@transaction.atomic(durable=True)
def create_offer(*, business: Business, name: str, value: Decimal, price: Decimal,
                 validity_days: int = 365, is_active: bool = True,
                 points_enabled: bool = False, points_price: int | None = None
                 ) -> GiftCardOffer:
    return _save_offer(GiftCardOffer(
        business=business, name=name, value=value, price=price, validity_days=validity_days,
        is_active=is_active, points_enabled=points_enabled, points_price=points_price))


@transaction.atomic(durable=True)
def update_offer(*, business: Business, offer: GiftCardOffer, **changes) -> GiftCardOffer:
    """Change an offer; cards already issued keep their value and expiry."""
    unknown = set(changes) - set(OFFER_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    check_same_business(business, offer, field="__all__")
    locked = GiftCardOffer.objects.for_business(business).select_for_update().get(pk=offer.pk)
    for name, value in changes.items():
        setattr(locked, name, value)
    return _save_offer(locked)
