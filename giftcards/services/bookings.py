"""Codes typed on the booking site (a gift card or a coupon), and what a cancelled
booking gives back. Everything here runs inside the booking's transaction."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from booking.models import Appointment, Client, Service
from giftcards import selectors
from giftcards.models import Coupon, CouponUse, GiftCard, TransactionKind, TransactionSource
from giftcards.services.cards import posted_transaction, redeem, refund, refuse_unusable_card
from giftcards.services.coupons import (
    booking_discount,
    check_coupon,
    coupon_for,
    release_use,
    use_coupon,
)
from tenancy.models import Business


@dataclass(frozen=True)
class BookingCode:
    """A code recognised for a booking: what it takes off, and how to record its use."""

    code: str
    label: str
    discount: Decimal
    earns_points: bool
    gift_card: GiftCard | None = None
    coupon: Coupon | None = None


def booking_code(business: Business, *, client: Client | None, service: Service | None,
                 price: Decimal, code: str, now: datetime | None = None
                 ) -> BookingCode | None:
    """What `code` does to a booking: a gift card pays up to its balance (and the booking
    still earns points: it is paid, not discounted); a coupon discounts. None when no
    card or coupon of this business answers to it; ValidationError when one does but
    cannot be used."""
    now = now or timezone.now()
    card = selectors.card_for_code(business=business, code=code)
    if card is not None:
        refuse_unusable_card(business, card, now)
        return BookingCode(code=card.masked_code,
                           label=_("Gift card %(code)s") % {"code": card.masked_code},
                           discount=min(card.balance, price), earns_points=True,
                           gift_card=card)
    coupon = coupon_for(business, code, client)
    if coupon is None:
        return None
    check_coupon(business, coupon, client=client, now=now)
    return BookingCode(code=coupon.code, label=coupon.name,
                       discount=booking_discount(coupon, service=service, price=price),
                       earns_points=coupon.earns_points if coupon.is_loyalty else False,
                       coupon=coupon)


def record_booking_code(business: Business, found: BookingCode, *,
                        appointment: Appointment) -> None:
    """Inside the booking's transaction: spend the card or use the coupon."""
    if found.gift_card is not None:
        if appointment.discount:
            redeem(business, found.gift_card.pk, amount=appointment.discount,
                   source=TransactionSource(appointment_id=appointment.pk))
        return
    use_coupon(business, found.coupon.pk, client=appointment.client,
               amount=appointment.discount, appointment=appointment)


def on_appointment_cancelled(*, appointment: Appointment, now: datetime | None = None) -> None:
    """Give back what a cancelled booking took: its gift card payment, its coupon use."""
    business = appointment.business
    booking = TransactionSource(appointment_id=appointment.pk)
    redemption = posted_transaction(business, TransactionKind.REDEEM, booking)
    if redemption is not None:
        refund(business, redemption, source=booking, now=now)
    for use in CouponUse.objects.for_business(business).filter(appointment=appointment,
                                                                released_at__isnull=True):
        release_use(business, use, now=now)
