"""Reads of giftcards used by the pages, the API and other apps, scoped to a business."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from booking.models import Client
from giftcards import codes
from giftcards.models import (
    Coupon,
    CouponOrigin,
    GiftCard,
    GiftCardOffer,
    GiftCardTransaction,
    TransactionKind,
)
from loyalty import stamp_card
from loyalty.models import RewardTier
from tenancy.models import Business

CARD_STATES = ("usable", "spent", "expired", "inactive")


def offers(*, business: Business, for_sale: bool = False) -> QuerySet[GiftCardOffer]:
    rows = GiftCardOffer.objects.for_business(business)
    return rows.filter(is_active=True) if for_sale else rows


def gift_cards(*, business: Business, search: str = "", state: str = "", now=None
               ) -> QuerySet[GiftCard]:
    """The back office list: by code (any part, as typed), purchaser or recipient."""
    now = now or timezone.now()
    rows = GiftCard.objects.for_business(business).select_related("purchaser", "offer")
    text = search.strip()
    if text:
        rows = rows.filter(Q(code__contains=codes.normalise(text))
                           | Q(purchaser__first_name__icontains=text)
                           | Q(purchaser__last_name__icontains=text)
                           | Q(recipient_name__icontains=text)
                           | Q(recipient_email__icontains=text))
    if state == "usable":
        rows = rows.usable(now)
    elif state == "spent":
        rows = rows.filter(balance=0)
    elif state == "expired":
        rows = rows.filter(expires_at__lte=now)
    elif state == "inactive":
        rows = rows.filter(is_active=False)
    return rows


def card_state(card: GiftCard, now=None) -> str:
    """What a card is now, for its badge: the first of inactive, expired, spent, usable."""
    if not card.is_active:
        return _("Deactivated")
    if card.is_expired(now):
        return _("Expired")
    if card.balance <= 0:
        return _("Spent")
    return _("Usable")


def card_for_code(*, business: Business, code: str) -> GiftCard | None:
    key = codes.gift_card_key(code)
    return GiftCard.objects.for_business(business).filter(code=key).first() if key else None


def transactions(*, business: Business, card: GiftCard) -> QuerySet[GiftCardTransaction]:
    return (GiftCardTransaction.objects.for_business(business).filter(card=card)
            .select_related("created_by").order_by("pk"))


def describe(transaction: GiftCardTransaction) -> str:
    """What caused a transaction, named in the reader's language from its kind and source."""
    if transaction.kind == TransactionKind.ISSUE:
        return _("Issued")
    if transaction.kind == TransactionKind.CANCEL:
        return _("Withdrawn: its sale was refunded")
    if transaction.appointment_id is not None:
        return (_("Given back: booking cancelled") if transaction.kind == TransactionKind.REFUND
                else _("Booking paid"))
    if transaction.checkout_refund_id is not None:
        return _("Given back: checkout refund")
    if transaction.payment_id is not None:
        return _("Paid at checkout")
    if transaction.kind == TransactionKind.REFUND:
        return _("Given back")
    return _("Spent")


def client_gift_cards(*, business: Business, client: Client) -> QuerySet[GiftCard]:
    """"Your gift cards": those the client bought, and those sent to their email."""
    mine = Q(purchaser=client)
    if client.email:
        mine |= Q(recipient_email__iexact=client.email)
    return GiftCard.objects.for_business(business).filter(mine).order_by("-pk")


def usable_cards_of(*, business: Business, client: Client, now=None) -> QuerySet[GiftCard]:
    return client_gift_cards(business=business, client=client).usable(now).order_by("expires_at",
                                                                                     "pk")


def coupons(*, business: Business, origin: str = "") -> QuerySet[Coupon]:
    rows = Coupon.objects.for_business(business).select_related("client", "service")
    if origin == "loyalty":
        return rows.loyalty()
    if origin == CouponOrigin.STAFF:
        return rows.filter(origin=CouponOrigin.STAFF)
    return rows


def client_codes(*, business: Business, client: Client, now=None) -> list[Coupon]:
    """Codes bound to the client that can still be used today (their reward codes)."""
    today = timezone.localdate(now or timezone.now(), business.zone)
    rows = (Coupon.objects.for_business(business).filter(client=client, is_active=True)
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
            .select_related("service").order_by("valid_until", "pk"))
    return [coupon for coupon in rows if coupon.uses_left != 0]


def reward_tiers(*, business: Business) -> QuerySet[RewardTier]:
    return (RewardTier.objects.for_business(business).select_related("service")
            .annotate(codes_issued=Count("codes")).order_by("-is_active", "threshold", "pk"))


def offers_beyond_reset(*, business: Business, offer: GiftCardOffer | None = None
                        ) -> tuple[RewardTier | None, list[GiftCardOffer]]:
    """The active reset tier, and the offers on sale for points (or `offer` alone) that no
    balance can pay: the reset takes its points off as soon as a balance reaches its
    threshold, so a price at or above it is never covered."""
    reset = stamp_card.reset_tier(business=business)
    if reset is None:
        return None, []
    rows = offers(business=business, for_sale=True).filter(
        points_enabled=True, points_price__gte=reset.threshold).order_by("name", "pk")
    if offer is not None:
        rows = rows.filter(pk=offer.pk)
    return reset, list(rows)

