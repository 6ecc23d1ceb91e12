"""The booking site's single "discount code or gift card" field.

Booking does not know gift cards or coupons: the apps that own codes register a
resolver here (giftcards does, in its AppConfig.ready). A code that no resolver
recognises is refused with one clear message.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class AppliedCode:
    """What a recognised code does to a booking.

    `earns_points`: whether a booking using the code still earns loyalty points (a
    coupon does not; a loyalty reward says). `is_reward`: the code is a loyalty reward,
    which the back office marks with a stamp. `redeem(appointment=...)` records the use
    inside the booking's transaction, so that a use limit reached meanwhile refuses
    the booking (ValidationError) instead of over-using the code.
    """

    code: str
    label: str
    discount: Decimal
    earns_points: bool = False
    is_reward: bool = False
    redeem: Callable[..., None] | None = None


CodeResolver = Callable[..., AppliedCode | None]
_resolvers: list[CodeResolver] = []


def register_code_resolver(resolver: CodeResolver) -> None:
    """`resolver(*, business, client, service, price, code)` returns an AppliedCode or None."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def resolve_code(*, business, client, service, price: Decimal, code: str) -> AppliedCode:
    normalised = code.strip()
    for resolver in _resolvers:
        applied = resolver(business=business, client=client, service=service, price=price,
                           code=normalised)
        if applied is not None:
            return applied
    raise ValidationError({"code": _("This code is not valid here. Check it, or leave the "
                                     "field empty.")})
