"""Coupons: the codes staff create, the reward codes clients unlock, and their uses.

Coupon uses lock the coupon, check every limit on the locked row, and move the
counter with F(); a CheckConstraint refuses more uses than the limit whatever
happens. A use recorded for a booking or an invoice runs in that transaction.
"""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from booking.codes import CodeKind
from booking.models import Appointment, Client, Service
from core.dates import format_day
from core.money import quantize
from core.validation import (
    check_same_business,
    refuse,
    trimmed,
    whole_number_error,
)
from giftcards import codes, locks
from giftcards.models import Coupon, CouponOrigin, CouponUse
from giftcards.services.checks import business_today
from loyalty.discounts import AppliesTo, discount_errors, normalise_discount
from tenancy.models import Business

COUPON_FIELDS = ("code", "name", "discount_kind", "value", "service", "applies_to",
                 "valid_from", "valid_until", "max_uses", "max_uses_per_client", "client",
                 "earns_points", "is_active")


def _coupon_errors(coupon: Coupon) -> dict[str, str | None]:
    errors = {
        "code": None if codes.is_valid_coupon_code(coupon.code) else _(
            "A code has %(low)s to %(high)s letters and digits (dashes and spaces are "
            "ignored).") % {"low": codes.COUPON_MIN_LENGTH, "high": codes.COUPON_MAX_LENGTH},
        "name": None if coupon.name else _("Enter a name."),
        "max_uses": whole_number_error(coupon.max_uses, low=1, high=1_000_000,
                                       required=False),
        "max_uses_per_client": whole_number_error(coupon.max_uses_per_client, low=1,
                                                  high=1_000_000, required=False),
        **discount_errors(coupon),
    }
    if coupon.valid_from and coupon.valid_until and coupon.valid_until < coupon.valid_from:
        errors["valid_until"] = _("The end date is before the start date.")
    return errors


def _save_coupon(business: Business, coupon: Coupon) -> Coupon:
    coupon.code = codes.normalise(coupon.code or "")
    coupon.name = trimmed(coupon.name, 120) or coupon.code
    normalise_discount(coupon)
    refuse(_coupon_errors(coupon))
    check_same_business(business, coupon.client, field="client")
    check_same_business(business, coupon.service, field="service")
    if coupon.max_uses is not None and coupon.uses_count > coupon.max_uses:
        raise ValidationError({"max_uses": ngettext(
            "This code has already been used %(count)s time.",
            "This code has already been used %(count)s times.",
            coupon.uses_count) % {"count": coupon.uses_count}})
    try:
        with transaction.atomic():
            coupon.save()
    except IntegrityError as clash:
        raise ValidationError({"code": _("Another coupon already has this code.")}) from clash
    return coupon


@transaction.atomic(durable=True)
def create_coupon(*, business: Business, code: str, discount_kind: str,
                  value: Decimal = Decimal(0), name: str = "", service: Service | None = None,
                  applies_to: str = AppliesTo.BOOKINGS, valid_from: date | None = None,
                  valid_until: date | None = None, max_uses: int | None = None,
                  max_uses_per_client: int | None = None, client: Client | None = None,
                  earns_points: bool = False, is_active: bool = True, by=None) -> Coupon:
    return _save_coupon(business, Coupon(
        business=business, code=code, name=name, origin=CouponOrigin.STAFF,
        discount_kind=discount_kind, value=value, service=service, applies_to=applies_to,
        valid_from=valid_from, valid_until=valid_until, max_uses=max_uses,
        max_uses_per_client=max_uses_per_client, client=client, earns_points=earns_points,
        is_active=is_active, created_by=by))


@transaction.atomic(durable=True)
def update_coupon(*, business: Business, coupon: Coupon, **changes) -> Coupon:
    unknown = set(changes) - set(COUPON_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    check_same_business(business, coupon, field="__all__")
    locked = locks.lock_coupon(business, coupon.pk)
    if locked.is_loyalty and set(changes) - {"is_active"}:
        raise ValidationError(_("A loyalty reward code can only be deactivated or "
                                "reactivated."))
    for name, value in changes.items():
        setattr(locked, name, value)
    return _save_coupon(business, locked)


@transaction.atomic(durable=True)
def set_coupon_active(*, business: Business, coupon: Coupon, active: bool) -> Coupon:
    check_same_business(business, coupon, field="__all__")
    locked = locks.lock_coupon(business, coupon.pk)
    locked.is_active = active
    locked.save(update_fields=["is_active"])
    return locked


def coupon_for(business: Business, code: str, client: Client | None) -> Coupon | None:
    """The coupon with this typed code that `client` may use. A code bound to another
    client is answered like an unknown one: it must not reveal that it exists."""
    coupon = Coupon.objects.for_business(business).filter(code=codes.normalise(code)).first()
    if coupon is None or (coupon.client_id is not None
                          and (client is None or coupon.client_id != client.pk)):
        return None
    return coupon


def _client_uses(business: Business, coupon: Coupon, client: Client | None) -> int:
    if client is None:
        return 0
    return (CouponUse.objects.for_business(business)
            .filter(coupon=coupon, client=client, released_at__isnull=True).count())


def check_coupon(business: Business, coupon: Coupon, *, client: Client | None,
                 now: datetime) -> None:
    """Refuse a coupon that cannot be used now by `client`, saying why."""
    today = business_today(business, now)
    if not coupon.is_active:
        raise ValidationError({"code": _("This code is no longer valid.")})
    if coupon.valid_from and today < coupon.valid_from:
        raise ValidationError({"code": _("This code is valid from %(day)s.") % {
            "day": format_day(coupon.valid_from, business.language, business.time_zone,
                              today=today)}})
    if coupon.valid_until and today > coupon.valid_until:
        raise ValidationError({"code": _("This code expired on %(day)s.") % {
            "day": format_day(coupon.valid_until, business.language, business.time_zone,
                              today=today)}})
    if coupon.max_uses is not None and coupon.uses_count >= coupon.max_uses:
        raise ValidationError({"code": _("This code has already been used as often as it "
                                         "may be.")})
    if coupon.max_uses_per_client is not None:
        if client is None:
            raise ValidationError({"code": _("Log in to use this code.")})
        if _client_uses(business, coupon, client) >= coupon.max_uses_per_client:
            raise ValidationError({"code": _("You have already used this code as often as "
                                             "you may.")})


def booking_discount(coupon: Coupon, *, service: Service | None, price: Decimal) -> Decimal:
    """What the coupon takes off a booking of `service` at `price`; refuses a coupon
    that does not apply to it."""
    if coupon.applies_to == AppliesTo.PRODUCTS:
        raise ValidationError({"code": _("This code is for products bought at the salon.")})
    if coupon.discount_kind == CodeKind.FREE_SERVICE:
        if service is None or coupon.service_id != service.pk:
            raise ValidationError({"code": _("This code is for %(service)s.") % {
                "service": coupon.service}})
        return price
    return discount_of(coupon, price)


def discount_of(coupon: Coupon, base: Decimal) -> Decimal:
    if coupon.discount_kind == CodeKind.PERCENT:
        return min(quantize(base * coupon.value / 100), base)
    return min(coupon.value, base)


def use_coupon(business: Business, coupon_id: int, *, client: Client | None,
               amount: Decimal, appointment: Appointment | None = None, invoice=None,
               now: datetime | None = None) -> CouponUse:
    """Record one use, in the caller's transaction: the coupon is locked and every limit
    is checked again on the locked row, so concurrent uses never exceed them."""
    now = now or timezone.now()
    with transaction.atomic():
        coupon = locks.lock_coupon(business, coupon_id)
        if coupon.client_id is not None and (client is None or coupon.client_id != client.pk):
            raise ValidationError({"code": _("This code is not valid here. Check it, or leave "
                                             "the field empty.")})
        check_coupon(business, coupon, client=client, now=now)
        Coupon.objects.for_business(business).filter(pk=coupon.pk).update(
            uses_count=F("uses_count") + 1)
        try:
            with transaction.atomic():
                return CouponUse.objects.create(
                    business=business, coupon=coupon, client=client, appointment=appointment,
                    invoice=invoice, amount=amount, created_at=now)
        except IntegrityError as clash:
            raise ValidationError({"code": _("Only one code can be used per booking or "
                                             "invoice.")}) from clash


def release_use(business: Business, use: CouponUse, *, now: datetime | None = None) -> None:
    """Give a use back (its booking was cancelled, its invoice refunded), once."""
    with transaction.atomic():
        locks.lock_coupon(business, use.coupon_id)
        released = (CouponUse.objects.for_business(business)
                    .filter(pk=use.pk, released_at__isnull=True)
                    .update(released_at=now or timezone.now()))
        if released:
            Coupon.objects.for_business(business).filter(pk=use.coupon_id).update(
                uses_count=F("uses_count") - 1)
