"""Discount codes: the one protocol between the app that owns codes and the two places
they are typed, the booking site's "discount code or gift card" field and a checkout
draft.

Booking and checkout know no gift card or coupon. One applier (giftcards', registered
in its AppConfig.ready) answers for every code; with none registered, or with the
business's codes turned off, a code is refused with one clear message.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class CodeKind(models.TextChoices):
    """What a coupon or loyalty reward code typed at checkout takes off."""

    AMOUNT = "amount", gettext_lazy("Fixed amount")
    PERCENT = "percent", gettext_lazy("Percent")
    FREE_SERVICE = "free_service", gettext_lazy("Free service")


class CodeScope(models.TextChoices):
    SERVICES = "services", gettext_lazy("Services")
    PRODUCTS = "products", gettext_lazy("Products")
    BOTH = "both", gettext_lazy("Services and products")


@dataclass(frozen=True)
class BookingDiscount:
    """What a recognised code takes off one booking.

    `earns_points`: whether a booking using the code still earns loyalty points (a
    coupon does not; a gift card, which pays rather than discounts, does; a loyalty
    reward says). `is_reward`: the code is a loyalty reward, which the back office
    marks with a stamp. `source`: the applier's own record of the code, handed back to
    its `use_for_booking`.
    """

    code: str
    label: str
    discount: Decimal
    earns_points: bool = False
    is_reward: bool = False
    source: Any = None


@dataclass(frozen=True)
class CodeTerms:
    """What a code takes off an invoice: `kind` and `value` over the lines of `scope`;
    `service_id` names the free service of a FREE_SERVICE code."""

    code: str
    label: str
    kind: CodeKind
    value: Decimal
    scope: CodeScope
    service_id: int | None = None


class CodeApplier(Protocol):
    """Everything here runs inside the caller's transaction. A refusal is a
    ValidationError keyed "code"; an unknown code, another business's and another
    client's get the same answer."""

    def enabled(self, *, business) -> bool:
        """Whether `business` takes codes."""

    def find_for_booking(self, *, business, client, service, price: Decimal,
                         code: str) -> BookingDiscount | None:
        """What `code` takes off a booking of `service` at `price` for `client` (None: a
        new guest); None when no code of this business answers to it."""

    def use_for_booking(self, *, business, found: BookingDiscount, appointment) -> None:
        """Record the use of `found` by `appointment`, which is being booked; refuse if
        it can no longer be used (a limit reached meanwhile): the booking rolls back."""

    def find_for_invoice(self, *, business, client, code: str, now: datetime) -> CodeTerms:
        """The terms of the code that `client` (None: a walk-in) may use at checkout now."""

    def use_for_invoice(self, *, business, invoice, code: str, amount: Decimal,
                        now: datetime) -> None:
        """Record one use of `code` by `invoice`, which is being paid; refuse if it can no
        longer be used: the payment then rolls back."""


# One slot: a code must mean one thing.
_appliers: list[CodeApplier] = []


def register_code_applier(applier: CodeApplier) -> None:
    if _appliers and _appliers[0] is not applier:
        raise ImproperlyConfigured("A code applier is already registered.")
    _appliers[:] = [applier]


def unregister_code_applier(applier: CodeApplier) -> None:
    if applier in _appliers:
        _appliers.remove(applier)


def code_applier() -> CodeApplier | None:
    return _appliers[0] if _appliers else None


def codes_enabled(*, business) -> bool:
    applier = code_applier()
    return applier is not None and applier.enabled(business=business)


def resolve_booking_code(*, business, client, service, price: Decimal,
                         code: str) -> BookingDiscount:
    applier = code_applier()
    found = None
    if applier is not None and applier.enabled(business=business):
        found = applier.find_for_booking(business=business, client=client, service=service,
                                         price=price, code=code.strip())
    if found is None:
        raise ValidationError({"code": _("This code is not valid here. Check it, or leave "
                                         "the field empty.")})
    return found


def use_booking_code(*, business, found: BookingDiscount, appointment) -> None:
    code_applier().use_for_booking(business=business, found=found, appointment=appointment)
