"""Buying a gift card: with loyalty points, or with money on the booking site."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from booking.models import Client
from core.validation import check_same_business, refuse, trimmed
from giftcards import locks, payments
from giftcards.models import (
    GiftCard,
    GiftCardOffer,
    GiftCardOrigin,
    GiftCardPurchase,
    PurchaseState,
)
from giftcards.services.cards import cancel_card, issue_card
from tenancy.models import Business


def _points_offer_error(business: Business, offer: GiftCardOffer) -> str | None:
    from loyalty.selectors import program_enabled

    if not program_enabled(business):
        return _("The loyalty program is off: gift cards cannot be bought with points.")
    if not (offer.is_active and offer.points_enabled and offer.points_price):
        return _("This gift card cannot be bought with points.")
    return None


@transaction.atomic(durable=True)
def buy_with_points(*, business: Business, client: Client, offer: GiftCardOffer,
                    recipient_name: str = "", recipient_email: str = "", message: str = "",
                    now: datetime | None = None) -> GiftCard:
    """Deduct the offer's points (a redeem entry) and issue its card, together or not at
    all: too few points refuse the purchase and leave nothing behind."""
    from loyalty.models import EntrySource
    from loyalty.services.adjustments import spend_points

    check_same_business(business, offer, client, field="offer")
    refuse({"offer": _points_offer_error(business, offer)})
    now = now or timezone.now()
    card = issue_card(business, value=offer.value, validity_days=offer.validity_days,
                      origin=GiftCardOrigin.POINTS, offer=offer, purchaser=client,
                      recipient_name=recipient_name, recipient_email=recipient_email,
                      message=message, now=now)
    with translation.override(business.language):
        description = _("Gift card %(offer)s (%(code)s)") % {"offer": offer.name,
                                                             "code": card.masked_code}
    entry = spend_points(business=business, client=client, points=offer.points_price,
                         description=description, source=EntrySource(gift_card_id=card.pk))
    card.points_price = offer.points_price
    card.points_entry = entry
    card.save(update_fields=["points_price", "points_entry"])
    return card


@transaction.atomic(durable=True)
def refund_points_purchase(*, business: Business, card: GiftCard, by=None,
                           now: datetime | None = None) -> GiftCard:
    """Take back an unused card bought with points and give the points back, once."""
    from loyalty.services.ledger import reverse_entry

    check_same_business(business, card, field="__all__")
    now = now or timezone.now()
    locked = locks.lock_gift_card(business, card.pk)
    if locked.origin != GiftCardOrigin.POINTS or locked.points_entry_id is None:
        raise ValidationError(_("This gift card was not bought with points."))
    if locked.points_refunded_at is not None:
        raise ValidationError(_("The points for this gift card have already been given back."))
    locked = cancel_card(business, locked.pk, by=by, now=now)
    with translation.override(business.language):
        description = _("Gift card %(code)s refunded") % {"code": locked.masked_code}
    reverse_entry(business=business, entry=locked.points_entry, description=description,
                  created_by=by, now=now)
    locked.points_refunded_at = now
    locked.save(update_fields=["points_refunded_at"])
    return locked


# Buying with money -------------------------------------------------------------------------

@transaction.atomic(durable=True)
def start_purchase(*, business: Business, client: Client, offer: GiftCardOffer,
                   provider_name: str, recipient_name: str = "", recipient_email: str = "",
                   message: str = "", now: datetime | None = None) -> GiftCardPurchase:
    """Record what the client is buying before the payment provider is asked."""
    check_same_business(business, offer, client, field="offer")
    if not offer.is_active:
        raise ValidationError({"offer": _("This gift card is no longer on sale.")})
    purchase = GiftCardPurchase(
        business=business, reference=f"gc-{secrets.token_hex(12)}", client=client,
        offer=offer, amount=offer.price, recipient_name=trimmed(recipient_name, 120),
        recipient_email=trimmed(recipient_email, 254), message=trimmed(message, 500),
        provider=provider_name, created_at=now or timezone.now())
    purchase.full_clean(exclude=["business", "client", "offer", "gift_card"],
                        validate_unique=False, validate_constraints=False)
    purchase.save(force_insert=True)
    return purchase


@transaction.atomic(durable=True)
def complete_purchase(*, business: Business, reference: str, provider_reference: str = "",
                      now: datetime | None = None) -> GiftCard:
    """The provider says the purchase is paid: issue its card, once, however often this
    is called (a provider's notifications are retried)."""
    try:
        purchase = locks.lock_purchase(business, reference)
    except GiftCardPurchase.DoesNotExist as missing:
        raise ValidationError(_("No purchase has this reference.")) from missing
    if purchase.state == PurchaseState.PAID:
        return purchase.gift_card
    now = now or timezone.now()
    offer = purchase.offer
    purchase.gift_card = issue_card(
        business, value=offer.value, validity_days=offer.validity_days,
        origin=GiftCardOrigin.ONLINE, offer=offer, purchaser=purchase.client,
        recipient_name=purchase.recipient_name, recipient_email=purchase.recipient_email,
        message=purchase.message, now=now)
    purchase.state = PurchaseState.PAID
    purchase.paid_at = now
    purchase.provider_reference = trimmed(provider_reference, 100)
    purchase.save(update_fields=["gift_card", "state", "paid_at", "provider_reference"])
    return purchase.gift_card


@transaction.atomic(durable=True)
def fail_purchase(*, business: Business, reference: str, provider_reference: str = ""
                  ) -> GiftCardPurchase:
    purchase = locks.lock_purchase(business, reference)
    if purchase.state == PurchaseState.PENDING:
        purchase.state = PurchaseState.FAILED
        purchase.provider_reference = trimmed(provider_reference, 100)
        purchase.save(update_fields=["state", "provider_reference"])
    return purchase


@dataclass(frozen=True)
class PurchaseResult:
    purchase: GiftCardPurchase
    gift_card: GiftCard | None
    redirect_url: str = ""
    message: str = ""


def buy_with_money(*, business: Business, client: Client, offer: GiftCardOffer,
                   return_url: str, recipient_name: str = "", recipient_email: str = "",
                   message: str = "") -> PurchaseResult:
    """Buy an offer on the booking site: record the purchase, ask the provider (outside
    any transaction: it may wait on the network), then complete or fail it."""
    provider = payments.provider()
    purchase = start_purchase(business=business, client=client, offer=offer,
                              provider_name=provider.name, recipient_name=recipient_name,
                              recipient_email=recipient_email, message=message)
    with translation.override(business.language):
        description = _("Gift card %(offer)s") % {"offer": offer.name}
    answer = provider.start(payments.PaymentRequest(
        reference=purchase.reference, amount=purchase.amount, currency=business.currency,
        description=description, customer_email=client.email, return_url=return_url))
    if answer.outcome == payments.Outcome.PAID:
        card = complete_purchase(business=business, reference=purchase.reference,
                                 provider_reference=answer.provider_reference)
        return PurchaseResult(purchase=purchase, gift_card=card)
    if answer.outcome == payments.Outcome.FAILED:
        fail_purchase(business=business, reference=purchase.reference,
                      provider_reference=answer.provider_reference)
        raise ValidationError(answer.message or _("The payment did not go through. Nothing "
                                                  "was charged; please try again."))
    return PurchaseResult(purchase=purchase, gift_card=None, redirect_url=answer.redirect_url)
