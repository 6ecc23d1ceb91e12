"""Every write of giftcards: offers, gift cards and their balance, coupons and their uses.

`_post` is the one function that moves a gift card balance: on a LOCKED card it
computes the balance after, refuses a negative one, and writes the immutable
transaction and the new balance together. A source (TransactionSource: a payment,
an appointment) is posted at most once per kind: a retried or concurrent second
posting returns the first transaction, and a unique constraint backs that up.

Coupon uses lock the coupon, check every limit on the locked row, and move the
counter with F(); a CheckConstraint refuses more uses than the limit whatever
happens. Functions called from inside other apps' transactions (a booking, a
payment, a refund) run in that transaction, so that their writes go with it.
"""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from booking.models import Appointment, Business, Client, Service
from checkout.models import InvoiceLine, InvoiceState, LineKind, RefundLine
from core.dates import format_day, local_day
from core.money import format_money, quantize
from core.validation import check_same_business, refuse
from giftcards import codes, locks, payments, selectors
from giftcards.models import (
    MAX_POINTS_PRICE,
    MAX_VALIDITY_DAYS,
    AppliesTo,
    Coupon,
    CouponOrigin,
    CouponUse,
    DiscountKind,
    GiftCard,
    GiftCardOffer,
    GiftCardOrigin,
    GiftCardPurchase,
    GiftCardTransaction,
    PurchaseState,
    RewardTier,
    TransactionKind,
    TransactionSource,
)

MAX_AMOUNT = Decimal("100000.00")
# Cards sold at checkout carry no offer: they are valid this long.
CHECKOUT_VALIDITY_DAYS = 365
NEW_CODE_ATTEMPTS = 8
OFFER_FIELDS = ("name", "value", "price", "validity_days", "is_active", "points_enabled",
                "points_price")
COUPON_FIELDS = ("code", "name", "discount_kind", "value", "service", "applies_to",
                 "valid_from", "valid_until", "max_uses", "max_uses_per_client", "client",
                 "earns_points", "is_active")


# Checks ------------------------------------------------------------------------------------

def _amount_error(value, *, allow_zero: bool = False) -> str | None:
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


def _whole_number_error(value, *, low: int, high: int, required: bool = True) -> str | None:
    if value is None:
        return _("Enter a whole number.") if required else None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        return _("Enter a whole number between %(low)s and %(high)s.") % {"low": low,
                                                                          "high": high}
    return None


def _text(value, limit: int) -> str:
    return (value or "").strip()[:limit]


def _today(business: Business, now: datetime) -> date:
    return local_day(now, business.time_zone)


# Offers ------------------------------------------------------------------------------------

def _save_offer(offer: GiftCardOffer) -> GiftCardOffer:
    offer.name = _text(offer.name, 120)
    if not offer.points_enabled:
        offer.points_price = offer.points_price or None
    refuse({
        "name": None if offer.name else _("Enter a name."),
        "value": _amount_error(offer.value),
        "price": _amount_error(offer.price, allow_zero=True),
        "validity_days": _whole_number_error(offer.validity_days, low=1,
                                             high=MAX_VALIDITY_DAYS),
        "points_price": _whole_number_error(offer.points_price, low=1, high=MAX_POINTS_PRICE,
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


# The gift card ledger ----------------------------------------------------------------------

def _post(business: Business, card: GiftCard, *, kind: str, amount: Decimal,
          source: TransactionSource | None = None,
          refunds: GiftCardTransaction | None = None, note: str = "", by=None,
          now: datetime) -> GiftCardTransaction:
    """Write one transaction on a LOCKED card and move its balance with it."""
    balance_after = card.balance + amount
    if balance_after < 0:
        raise ValidationError({"amount": _("Only %(balance)s is left on this gift card.") % {
            "balance": format_money(card.balance, business.currency)}})
    entry = GiftCardTransaction(
        business=business, card=card, kind=kind, amount=amount, balance_after=balance_after,
        **(source or TransactionSource()).as_fields(), refunds=refunds, note=_text(note, 200),
        created_by=by, created_at=now)
    entry.save(force_insert=True)
    card.balance = balance_after
    card.save(update_fields=["balance"])
    return entry


def _posted(business: Business, kind: str, source: TransactionSource | None
            ) -> GiftCardTransaction | None:
    """The transaction this source already posted, read once the card is locked (a
    concurrent posting of it has committed by then)."""
    if source is None:
        return None
    return (GiftCardTransaction.objects.for_business(business)
            .filter(kind=kind, **source.as_fields()).first())


def _new_code(business: Business, make=codes.new_gift_card_code, model=GiftCard) -> str:
    """A fresh random code; a clash with an existing one (all but impossible for gift
    cards, rare for six letters) draws again, and the unique constraint decides."""
    for _attempt in range(NEW_CODE_ATTEMPTS):
        code = make()
        if not model.objects.for_business(business).filter(code=code).exists():
            return code
    raise RuntimeError("Could not draw an unused code.")


def _issue(business: Business, *, value: Decimal, validity_days: int, origin: str,
           offer: GiftCardOffer | None = None, purchaser: Client | None = None,
           recipient_name: str = "", recipient_email: str = "", message: str = "",
           invoice_line=None, by=None, now: datetime) -> GiftCard:
    refuse({"value": _amount_error(value),
             "validity_days": _whole_number_error(validity_days, low=1,
                                                  high=MAX_VALIDITY_DAYS)})
    check_same_business(business, purchaser, field="purchaser")
    card = GiftCard(
        business=business, origin=origin, offer=offer, value=value, balance=Decimal(0),
        expires_at=now + timedelta(days=validity_days), purchaser=purchaser,
        recipient_name=_text(recipient_name, 120), recipient_email=_text(recipient_email, 254),
        message=_text(message, 500), invoice_line=invoice_line, created_by=by, created_at=now)
    card.full_clean(exclude=["business", "offer", "purchaser", "invoice_line", "points_entry",
                             "created_by", "code"],
                    validate_unique=False, validate_constraints=False)
    # 80 random bits: a clash is all but impossible, and the unique constraint decides.
    card.code = _new_code(business)
    card.save(force_insert=True)
    _post(business, card, kind=TransactionKind.ISSUE, amount=value, by=by, now=now)
    _announce(business, card)
    return card


def _announce(business: Business, card: GiftCard) -> None:
    """Email the card to its recipient, or to its purchaser, once the transaction commits
    (notify records the message here and sends it after commit)."""
    if card.purchaser is None:
        return
    from notifications.kinds import MessageKind
    from notifications.services import notify

    with translation.override(business.language):
        context = {
            "gift_card_code": card.display_code,
            "gift_card_value": format_money(card.value, business.currency),
            "gift_card_expires": format_day(card.expires_at, business.language,
                                            business.time_zone, year=True),
            "purchaser_name": card.purchaser.full_name,
            "message": card.message,
        }
    notify(MessageKind.GIFT_CARD_ISSUED, card.purchaser, context,
           recipient_email=card.recipient_email or None)


@transaction.atomic(durable=True)
def issue_gift_card(*, business: Business, value: Decimal, validity_days: int,
                    purchaser: Client | None = None, recipient_name: str = "",
                    recipient_email: str = "", message: str = "",
                    offer: GiftCardOffer | None = None, by=None,
                    now: datetime | None = None) -> GiftCard:
    """Staff issue a card (a present, a compensation, a sale recorded elsewhere)."""
    check_same_business(business, offer, field="offer")
    return _issue(business, value=value, validity_days=validity_days,
                  origin=GiftCardOrigin.STAFF, offer=offer, purchaser=purchaser,
                  recipient_name=recipient_name, recipient_email=recipient_email,
                  message=message, by=by, now=now or timezone.now())


def unknown_card_error() -> ValidationError:
    return ValidationError({"code": _("No gift card has this code here. Check the code and "
                                      "try again.")})


def _refuse_unusable(business: Business, card: GiftCard, now: datetime) -> None:
    if not card.is_active:
        raise ValidationError({"code": _("This gift card has been deactivated.")})
    if card.is_expired(now):
        raise ValidationError({"code": _("This gift card expired on %(day)s.") % {
            "day": format_day(card.expires_at, business.language, business.time_zone,
                              today=_today(business, now))}})
    if card.balance <= 0:
        raise ValidationError({"code": _("This gift card has been spent in full.")})


def redeem(business: Business, card_id: int, *, amount: Decimal,
           source: TransactionSource | None = None, note: str = "", by=None,
           now: datetime | None = None) -> GiftCardTransaction:
    """Take `amount` from the card, in the caller's transaction (or its own)."""
    refuse({"amount": _amount_error(amount)})
    now = now or timezone.now()
    with transaction.atomic():
        card = locks.lock_gift_card(business, card_id)
        existing = _posted(business, TransactionKind.REDEEM, source)
        if existing is not None:
            if existing.card_id != card.pk or existing.amount != -amount:
                raise ValidationError(_("This payment was already made with another gift "
                                        "card or amount."))
            return existing
        _refuse_unusable(business, card, now)
        return _post(business, card, kind=TransactionKind.REDEEM, amount=-amount,
                     source=source, note=note, by=by, now=now)


@transaction.atomic(durable=True)
def redeem_gift_card(*, business: Business, code: str, amount: Decimal,
                     source: TransactionSource | None = None, note: str = "", by=None,
                     now: datetime | None = None) -> GiftCardTransaction:
    """Spend `amount` of the card with `code` (the API's and the back office's way)."""
    card = selectors.card_for_code(business=business, code=code)
    if card is None:
        raise unknown_card_error()
    return redeem(business, card.pk, amount=amount, source=source, note=note, by=by, now=now)


def refunded_so_far(business: Business, redemption: GiftCardTransaction) -> Decimal:
    return (GiftCardTransaction.objects.for_business(business)
            .filter(kind=TransactionKind.REFUND, refunds=redemption)
            .aggregate(total=Sum("amount"))["total"] or Decimal(0))


def refund(business: Business, redemption: GiftCardTransaction, *, amount: Decimal | None = None,
           source: TransactionSource | None = None, note: str = "", by=None,
           now: datetime | None = None) -> GiftCardTransaction | None:
    """Give back `amount` (default: all that is left) of a redemption to its card, in the
    caller's transaction; never more than was taken. None when nothing is left."""
    if redemption.business_id != business.pk or redemption.kind != TransactionKind.REDEEM:
        raise ValidationError(_("Only a payment made with a gift card can be given back."))
    if amount is not None:
        refuse({"amount": _amount_error(amount)})
    now = now or timezone.now()
    with transaction.atomic():
        card = locks.lock_gift_card(business, redemption.card_id)
        existing = _posted(business, TransactionKind.REFUND, source)
        if existing is not None:
            return existing
        left = -redemption.amount - refunded_so_far(business, redemption)
        wanted = left if amount is None else amount
        if wanted > left:
            raise ValidationError({"amount": _("Only %(amount)s of this payment can still be "
                                               "given back.") % {
                "amount": format_money(left, business.currency)}})
        if wanted <= 0:
            return None
        return _post(business, card, kind=TransactionKind.REFUND, amount=wanted, source=source,
                     refunds=redemption, note=note, by=by, now=now)


@transaction.atomic(durable=True)
def refund_redemption(*, business: Business, redemption: GiftCardTransaction,
                      amount: Decimal | None = None, source: TransactionSource | None = None,
                      note: str = "", by=None) -> GiftCardTransaction:
    given = refund(business, redemption, amount=amount, source=source, note=note, by=by)
    if given is None:
        raise ValidationError(_("This payment has already been given back in full."))
    return given


def _cancelled(business: Business, card: GiftCard) -> bool:
    return (GiftCardTransaction.objects.for_business(business)
            .filter(card=card, kind=TransactionKind.CANCEL).exists())


def _cancel(business: Business, card_id: int, *, by=None, now: datetime) -> GiftCard:
    """Withdraw a card whose purchase is refunded, once: only while nothing was spent
    of it."""
    card = locks.lock_gift_card(business, card_id)
    if _cancelled(business, card):
        return card
    if card.balance != card.value:
        raise ValidationError(_("Gift card %(code)s has already been used (%(balance)s of "
                                "%(value)s left): its sale cannot be refunded.") % {
            "code": card.masked_code,
            "balance": format_money(card.balance, business.currency),
            "value": format_money(card.value, business.currency)})
    _post(business, card, kind=TransactionKind.CANCEL, amount=-card.balance, by=by, now=now)
    card.is_active = False
    card.save(update_fields=["is_active"])
    return card


@transaction.atomic(durable=True)
def set_gift_card_active(*, business: Business, card: GiftCard, active: bool) -> GiftCard:
    """Deactivate a card (it can no longer pay) or reactivate it; its balance stays."""
    check_same_business(business, card, field="__all__")
    locked = locks.lock_gift_card(business, card.pk)
    if active and _cancelled(business, locked):
        raise ValidationError(_("A cancelled gift card cannot be reactivated."))
    locked.is_active = active
    locked.save(update_fields=["is_active"])
    return locked


# Buying with points ------------------------------------------------------------------------

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
    from loyalty.services import spend_points

    check_same_business(business, offer, client, field="offer")
    refuse({"offer": _points_offer_error(business, offer)})
    now = now or timezone.now()
    card = _issue(business, value=offer.value, validity_days=offer.validity_days,
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
    from loyalty.services import reverse_entry

    check_same_business(business, card, field="__all__")
    now = now or timezone.now()
    locked = locks.lock_gift_card(business, card.pk)
    if locked.origin != GiftCardOrigin.POINTS or locked.points_entry_id is None:
        raise ValidationError(_("This gift card was not bought with points."))
    if locked.points_refunded_at is not None:
        raise ValidationError(_("The points for this gift card have already been given back."))
    locked = _cancel(business, locked.pk, by=by, now=now)
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
        offer=offer, amount=offer.price, recipient_name=_text(recipient_name, 120),
        recipient_email=_text(recipient_email, 254), message=_text(message, 500),
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
    purchase.gift_card = _issue(
        business, value=offer.value, validity_days=offer.validity_days,
        origin=GiftCardOrigin.ONLINE, offer=offer, purchaser=purchase.client,
        recipient_name=purchase.recipient_name, recipient_email=purchase.recipient_email,
        message=purchase.message, now=now)
    purchase.state = PurchaseState.PAID
    purchase.paid_at = now
    purchase.provider_reference = _text(provider_reference, 100)
    purchase.save(update_fields=["gift_card", "state", "paid_at", "provider_reference"])
    return purchase.gift_card


@transaction.atomic(durable=True)
def fail_purchase(*, business: Business, reference: str, provider_reference: str = ""
                  ) -> GiftCardPurchase:
    purchase = locks.lock_purchase(business, reference)
    if purchase.state == PurchaseState.PENDING:
        purchase.state = PurchaseState.FAILED
        purchase.provider_reference = _text(provider_reference, 100)
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


# Coupons -----------------------------------------------------------------------------------

def _discount_errors(row) -> dict[str, str | None]:
    """Errors of the discount a coupon, a reward tier or a given reward describes."""
    kind = row.discount_kind
    errors = {
        "discount_kind": None if kind in DiscountKind.values else _("Choose a discount."),
        "applies_to": None if row.applies_to in AppliesTo.values else _(
            "Choose what the code applies to."),
    }
    if kind == DiscountKind.AMOUNT:
        errors["value"] = _amount_error(row.value)
    elif kind == DiscountKind.PERCENT:
        errors["value"] = _amount_error(row.value) or (
            _("A percent discount cannot exceed 100.") if row.value > 100 else None)
    elif kind == DiscountKind.FREE_SERVICE:
        errors["service"] = None if row.service_id else _("Choose the free service.")
        if row.applies_to == AppliesTo.PRODUCTS:
            errors["applies_to"] = _("A free service applies to bookings.")
    return errors


def _normalise_discount(row) -> None:
    if row.discount_kind == DiscountKind.FREE_SERVICE:
        row.value = Decimal(0)
        row.applies_to = AppliesTo.BOOKINGS
    else:
        row.service = None


def _coupon_errors(coupon: Coupon) -> dict[str, str | None]:
    errors = {
        "code": None if codes.is_valid_coupon_code(coupon.code) else _(
            "A code has %(low)s to %(high)s letters and digits (dashes and spaces are "
            "ignored).") % {"low": codes.COUPON_MIN_LENGTH, "high": codes.COUPON_MAX_LENGTH},
        "name": None if coupon.name else _("Enter a name."),
        "max_uses": _whole_number_error(coupon.max_uses, low=1, high=1_000_000,
                                        required=False),
        "max_uses_per_client": _whole_number_error(coupon.max_uses_per_client, low=1,
                                                   high=1_000_000, required=False),
        **_discount_errors(coupon),
    }
    if coupon.valid_from and coupon.valid_until and coupon.valid_until < coupon.valid_from:
        errors["valid_until"] = _("The end date is before the start date.")
    return errors


def _save_coupon(business: Business, coupon: Coupon) -> Coupon:
    coupon.code = codes.normalise(coupon.code or "")
    coupon.name = _text(coupon.name, 120) or coupon.code
    _normalise_discount(coupon)
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
    today = _today(business, now)
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
    if coupon.discount_kind == DiscountKind.FREE_SERVICE:
        if service is None or coupon.service_id != service.pk:
            raise ValidationError({"code": _("This code is for %(service)s.") % {
                "service": coupon.service}})
        return price
    return discount_of(coupon, price)


def discount_of(coupon: Coupon, base: Decimal) -> Decimal:
    if coupon.discount_kind == DiscountKind.PERCENT:
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


# Bookings ----------------------------------------------------------------------------------

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
        _refuse_unusable(business, card, now)
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
    redemption = _posted(business, TransactionKind.REDEEM, booking)
    if redemption is not None:
        refund(business, redemption, source=booking, now=now)
    for use in CouponUse.objects.for_business(business).filter(appointment=appointment,
                                                                released_at__isnull=True):
        release_use(business, use, now=now)


# Checkout ----------------------------------------------------------------------------------

def redeem_for_payment(business: Business, payment, code: str) -> str:
    """Pay `payment.amount` with the card of `code`, inside the payment's transaction.
    A card does not pay for gift cards sold on the same invoice: that would turn an
    expiring balance into a new card."""
    card = selectors.card_for_code(business=business, code=code)
    if card is None:
        raise unknown_card_error()
    cards_sold = (InvoiceLine.objects.for_business(business)
                  .filter(invoice=payment.invoice_id, kind=LineKind.GIFT_CARD)
                  .aggregate(total=Sum("amount"))["total"] or Decimal(0))
    if payment.amount > payment.invoice.total - cards_sold:
        raise ValidationError(_("A gift card cannot pay for gift cards: take another payment "
                                "method for them."))
    redeem(business, card.pk, amount=payment.amount,
           source=TransactionSource(payment_id=payment.pk))
    return _("Gift card %(code)s") % {"code": card.masked_code}


def refund_to_payment_card(business: Business, payment, amount: Decimal, refund_row) -> None:
    redemption = _posted(business, TransactionKind.REDEEM,
                         TransactionSource(payment_id=payment.pk))
    if redemption is None:
        raise ValidationError(_("No gift card payment is recorded for this payment."))
    refund(business, redemption, amount=amount,
           source=TransactionSource(checkout_refund_id=refund_row.pk, payment_id=payment.pk))


def issue_for_invoice(*, invoice, now: datetime | None = None) -> list[GiftCard]:
    """Issue a card for each gift card line of a paid invoice, once per line."""
    business = invoice.business
    now = now or timezone.now()
    lines = (InvoiceLine.objects.for_business(business)
             .filter(invoice=invoice, kind=LineKind.GIFT_CARD).order_by("pk"))
    issued = []
    for line in lines:
        existing = GiftCard.objects.for_business(business).filter(invoice_line=line).first()
        issued.append(existing or _issue(
            business, value=line.unit_price, validity_days=CHECKOUT_VALIDITY_DAYS,
            origin=GiftCardOrigin.CHECKOUT, purchaser=invoice.client, invoice_line=line,
            by=invoice.paid_by, now=now))
    return issued


def unknown_code_error() -> ValidationError:
    return ValidationError({"code": _("No coupon or reward code has this code here. Check "
                                      "the code and try again.")})


def checkout_code(business: Business, *, client: Client | None, code: str,
                  now: datetime | None = None) -> Coupon:
    """The coupon or reward code staff typed on a draft for `client`, usable now. An
    unknown code, another business's and another client's get one answer."""
    coupon = coupon_for(business, code, client)
    if coupon is None:
        if selectors.card_for_code(business=business, code=code) is not None:
            raise ValidationError({"code": _("This is a gift card: enter it with the payment, "
                                             "as a gift card.")})
        raise unknown_code_error()
    if client is None and coupon.max_uses_per_client is not None:
        raise ValidationError({"code": _("This code can be used a limited number of times "
                                         "per client: choose the client first.")})
    check_coupon(business, coupon, client=client, now=now or timezone.now())
    return coupon


def use_for_invoice(business: Business, invoice, *, code: str, amount: Decimal,
                    now: datetime | None = None) -> CouponUse:
    """Inside the payment's transaction: one use of the code by the invoice, on the
    locked coupon (use_coupon checks every limit again)."""
    coupon = coupon_for(business, code, invoice.client)
    if coupon is None:
        raise unknown_code_error()
    return use_coupon(business, coupon.pk, client=invoice.client, amount=amount,
                      invoice=invoice, now=now)


def cancel_for_refund(*, invoice, refund_row, now: datetime | None = None) -> None:
    """A refunded gift card line withdraws its card, which must be unused; a fully
    refunded invoice gives its coupon use back."""
    business = invoice.business
    now = now or timezone.now()
    refunded_lines = (RefundLine.objects.for_business(business)
                      .filter(refund=refund_row, line__kind=LineKind.GIFT_CARD)
                      .values_list("line_id", flat=True))
    for card in GiftCard.objects.for_business(business).filter(
            invoice_line__in=list(refunded_lines)).order_by("pk"):
        _cancel(business, card.pk, by=refund_row.created_by, now=now)
    if invoice.state == InvoiceState.REFUNDED:
        for use in CouponUse.objects.for_business(business).filter(invoice=invoice,
                                                                    released_at__isnull=True):
            release_use(business, use, now=now)


# Stamp-card rewards ------------------------------------------------------------------------

TIER_FIELDS = ("name", "threshold", "discount_kind", "value", "service", "applies_to",
               "validity_days", "earns_points", "resets_card", "is_active")
# A huge adjustment on a small resetting card would otherwise issue codes by the thousand.
MAX_RESETS_PER_ENTRY = 10


def _save_tier(business: Business, tier: RewardTier) -> RewardTier:
    tier.name = _text(tier.name, 120)
    _normalise_discount(tier)
    errors = {"name": None if tier.name else _("Enter a name."),
              "threshold": _whole_number_error(tier.threshold, low=1, high=MAX_POINTS_PRICE),
              "validity_days": _whole_number_error(tier.validity_days, low=1,
                                                   high=MAX_VALIDITY_DAYS),
              **_discount_errors(tier)}
    refuse(errors)
    check_same_business(business, tier.service, field="service")
    if tier.is_active:
        others = RewardTier.objects.for_business(business).filter(is_active=True).exclude(
            pk=tier.pk)
        if others.filter(threshold=tier.threshold).exists():
            raise ValidationError({"threshold": _("Another reward already needs this many "
                                                  "points.")})
        reset = others.filter(resets_card=True).first()
        if tier.resets_card and others.filter(threshold__gt=tier.threshold).exists():
            raise ValidationError({"resets_card": _("Only the highest reward can start the "
                                                    "card over.")})
        if reset is not None and tier.threshold > reset.threshold:
            raise ValidationError({"threshold": ngettext(
                "%(name)s starts the card over at %(points)s point: no client could reach "
                "this reward.",
                "%(name)s starts the card over at %(points)s points: no client could reach "
                "this reward.", reset.threshold) % {"name": reset.name,
                                                    "points": reset.threshold}})
    tier.save()
    return tier


@transaction.atomic(durable=True)
def create_tier(*, business: Business, name: str, threshold: int, discount_kind: str,
                value: Decimal = Decimal(0), service: Service | None = None,
                applies_to: str = AppliesTo.BOOKINGS, validity_days: int = 90,
                earns_points: bool = False, resets_card: bool = False,
                is_active: bool = True) -> RewardTier:
    """A new tier rewards only crossings from now on: nobody already above it gets it."""
    locks.lock_tiers(business)
    return _save_tier(business, RewardTier(
        business=business, name=name, threshold=threshold, discount_kind=discount_kind,
        value=value, service=service, applies_to=applies_to, validity_days=validity_days,
        earns_points=earns_points, resets_card=resets_card, is_active=is_active))


@transaction.atomic(durable=True)
def update_tier(*, business: Business, tier: RewardTier, **changes) -> RewardTier:
    """Codes already issued keep what they were issued with."""
    unknown = set(changes) - set(TIER_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    check_same_business(business, tier, field="__all__")
    locks.lock_tiers(business)
    locked = RewardTier.objects.for_business(business).get(pk=tier.pk)
    for name, value in changes.items():
        setattr(locked, name, value)
    return _save_tier(business, locked)


def _reward_code(business: Business, client: Client, *, origin: str, name: str,
                 discount_kind: str, value: Decimal, service: Service | None, applies_to: str,
                 validity_days: int, earns_points: bool, tier: RewardTier | None, by=None,
                 now: datetime) -> Coupon:
    """A single-use code of six letters, bound to `client`, valid `validity_days` days."""
    code = Coupon(
        business=business, code=_new_code(business, make=codes.new_reward_code, model=Coupon),
        name=_text(name, 120), origin=origin, discount_kind=discount_kind, value=value,
        service=service, applies_to=applies_to,
        valid_until=_today(business, now) + timedelta(days=validity_days),
        max_uses=1, max_uses_per_client=1, client=client, earns_points=earns_points,
        tier=tier, created_by=by, created_at=now)
    code.save(force_insert=True)
    return code


def _unlock(business: Business, client: Client, tier: RewardTier, *, balance: int,
            now: datetime) -> Coupon:
    code = _reward_code(business, client, origin=CouponOrigin.REWARD, name=tier.name,
                        discount_kind=tier.discount_kind, value=tier.value,
                        service=tier.service, applies_to=tier.applies_to,
                        validity_days=tier.validity_days, earns_points=tier.earns_points,
                        tier=tier, now=now)
    from notifications.kinds import MessageKind
    from notifications.services import notify

    with translation.override(business.language):
        context = {"reward_code": code.code, "reward_name": code.name,
                   "reward_expires": format_day(code.valid_until, business.language,
                                                business.time_zone, year=True),
                   "balance": str(balance)}
    notify(MessageKind.REWARD_UNLOCKED, client, context)
    return code


def reward_for_entries(*, changes, now: datetime | None = None) -> list[Coupon]:
    """Unlock the tiers that entries cross upward, inside their transaction (their
    accounts are locked). `changes`: [(entry, previous_balance)] of one business, in
    ledger order. Only points earned or added by staff unlock rewards: points given
    back (a reversed purchase) were counted when first earned.

    A reset tier takes its points off with a `reward` entry; the card then counts again
    from what is left, which may unlock tiers again (at most MAX_RESETS_PER_ENTRY times).
    A batch's entries are all written before this runs, so a reset posted for an earlier
    entry of a client is carried over to that client's later entries here."""
    from loyalty.models import EntryKind, EntrySource
    from loyalty.services import post_entry

    earning = [(entry, previous) for entry, previous in changes
               if entry.points > 0 and entry.kind in (EntryKind.EARN, EntryKind.ADJUST)]
    if not earning:
        return []
    business = earning[0][0].business
    if not business.loyalty_enabled:
        return []
    tiers = selectors.active_tiers(business=business)
    if not tiers:
        return []
    now = now or timezone.now()
    reset = next((tier for tier in tiers if tier.resets_card), None)
    reset_so_far: dict[int, int] = {}
    unlocked = []
    for entry, previous in earning:
        carried = reset_so_far.get(entry.client_id, 0)
        before, after = previous - carried, entry.balance_after - carried
        for round_number in range(MAX_RESETS_PER_ENTRY):
            crossed = [tier for tier in tiers if before < tier.threshold <= after]
            unlocked += [_unlock(business, entry.client, tier, balance=after, now=now)
                         for tier in crossed]
            if reset is None or reset not in crossed:
                break
            with translation.override(business.language):
                description = _("%(reward)s unlocked: the card starts over") % {
                    "reward": reset.name}
            post_entry(business=business, client=entry.client, kind=EntryKind.REWARD,
                       points=-reset.threshold, description=description,
                       source=EntrySource(unlocked_by_id=entry.pk, round_number=round_number),
                       now=now)
            reset_so_far[entry.client_id] = carried = carried + reset.threshold
            before, after = 0, after - reset.threshold
    return unlocked


@transaction.atomic(durable=True)
def give_reward(*, business: Business, client: Client, by, tier: RewardTier | None = None,
                name: str = "", discount_kind: str = "", value: Decimal = Decimal(0),
                service: Service | None = None, applies_to: str = AppliesTo.BOOKINGS,
                validity_days: int = 90, earns_points: bool = False,
                now: datetime | None = None) -> Coupon:
    """Staff give a client an existing reward (`tier`) or a new custom one. No points
    are taken and no "reward unlocked" email is sent: staff hand it over themselves."""
    check_same_business(business, client, field="client")
    check_same_business(business, tier, field="tier")
    now = now or timezone.now()
    if tier is not None:
        return _reward_code(business, client, origin=CouponOrigin.GIVEN, name=tier.name,
                            discount_kind=tier.discount_kind, value=tier.value,
                            service=tier.service, applies_to=tier.applies_to,
                            validity_days=tier.validity_days, earns_points=tier.earns_points,
                            tier=tier, by=by, now=now)
    custom = RewardTier(business=business, name=_text(name, 120), discount_kind=discount_kind,
                        value=value, service=service, applies_to=applies_to,
                        validity_days=validity_days)
    _normalise_discount(custom)
    refuse({"name": None if custom.name else _("Enter a name."),
             "validity_days": _whole_number_error(validity_days, low=1, high=MAX_VALIDITY_DAYS),
             **_discount_errors(custom)})
    check_same_business(business, custom.service, field="service")
    return _reward_code(business, client, origin=CouponOrigin.GIVEN, name=custom.name,
                        discount_kind=custom.discount_kind, value=custom.value,
                        service=custom.service, applies_to=custom.applies_to,
                        validity_days=custom.validity_days, earns_points=earns_points,
                        tier=None, by=by, now=now)
