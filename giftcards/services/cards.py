"""The gift card ledger: issuing, spending, giving back and withdrawing cards.

`_post` is the one function that moves a gift card balance: on a LOCKED card it
computes the balance after, refuses a negative one, and writes the immutable
transaction and the new balance together. A source (TransactionSource: a payment,
an appointment) is posted at most once per kind: a retried or concurrent second
posting returns the first transaction, and a unique constraint backs that up.
Functions called from inside other apps' transactions (a booking, a payment, a
refund) run in that transaction, so that their writes go with it.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from booking.models import Client
from core.dates import format_day
from core.money import format_money
from core.validation import (
    amount_error,
    check_same_business,
    refuse,
    trimmed,
    whole_number_error,
)
from giftcards import codes, locks, selectors
from giftcards.models import (
    MAX_VALIDITY_DAYS,
    GiftCard,
    GiftCardOffer,
    GiftCardOrigin,
    GiftCardTransaction,
    TransactionKind,
    TransactionSource,
)
from giftcards.services.checks import business_today
from tenancy.models import Business

NEW_CODE_ATTEMPTS = 8


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
        **(source or TransactionSource()).as_fields(), refunds=refunds, note=trimmed(note, 200),
        created_by=by, created_at=now)
    entry.save(force_insert=True)
    card.balance = balance_after
    card.save(update_fields=["balance"])
    return entry


def posted_transaction(business: Business, kind: str, source: TransactionSource | None
            ) -> GiftCardTransaction | None:
    """The transaction this source already posted, read once the card is locked (a
    concurrent posting of it has committed by then)."""
    if source is None:
        return None
    return (GiftCardTransaction.objects.for_business(business)
            .filter(kind=kind, **source.as_fields()).first())


def new_code(business: Business, make=codes.new_gift_card_code, model=GiftCard) -> str:
    """A fresh random code; a clash with an existing one (all but impossible for gift
    cards, rare for six letters) draws again, and the unique constraint decides."""
    for _attempt in range(NEW_CODE_ATTEMPTS):
        code = make()
        if not model.objects.for_business(business).filter(code=code).exists():
            return code
    raise RuntimeError("Could not draw an unused code.")


def issue_card(business: Business, *, value: Decimal, validity_days: int, origin: str,
               offer: GiftCardOffer | None = None, purchaser: Client | None = None,
               recipient_name: str = "", recipient_email: str = "", message: str = "",
               invoice_line=None, by=None, now: datetime) -> GiftCard:
    refuse({"value": amount_error(value),
             "validity_days": whole_number_error(validity_days, low=1,
                                                 high=MAX_VALIDITY_DAYS)})
    check_same_business(business, purchaser, field="purchaser")
    card = GiftCard(
        business=business, origin=origin, offer=offer, value=value, balance=Decimal(0),
        expires_at=now + timedelta(days=validity_days), purchaser=purchaser,
        recipient_name=trimmed(recipient_name, 120), recipient_email=trimmed(recipient_email, 254),
        message=trimmed(message, 500), invoice_line=invoice_line, created_by=by, created_at=now)
    card.full_clean(exclude=["business", "offer", "purchaser", "invoice_line", "points_entry",
                             "created_by", "code"],
                    validate_unique=False, validate_constraints=False)
    # 80 random bits: a clash is all but impossible, and the unique constraint decides.
    card.code = new_code(business)
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
    return issue_card(business, value=value, validity_days=validity_days,
                      origin=GiftCardOrigin.STAFF, offer=offer, purchaser=purchaser,
                      recipient_name=recipient_name, recipient_email=recipient_email,
                      message=message, by=by, now=now or timezone.now())


def unknown_card_error() -> ValidationError:
    return ValidationError({"code": _("No gift card has this code here. Check the code and "
                                      "try again.")})


def refuse_unusable_card(business: Business, card: GiftCard, now: datetime) -> None:
    if not card.is_active:
        raise ValidationError({"code": _("This gift card has been deactivated.")})
    if card.is_expired(now):
        raise ValidationError({"code": _("This gift card expired on %(day)s.") % {
            "day": format_day(card.expires_at, business.language, business.time_zone,
                              today=business_today(business, now))}})
    if card.balance <= 0:
        raise ValidationError({"code": _("This gift card has been spent in full.")})


def redeem(business: Business, card_id: int, *, amount: Decimal,
           source: TransactionSource | None = None, note: str = "", by=None,
           now: datetime | None = None) -> GiftCardTransaction:
    """Take `amount` from the card, in the caller's transaction (or its own)."""
    refuse({"amount": amount_error(amount)})
    now = now or timezone.now()
    with transaction.atomic():
        card = locks.lock_gift_card(business, card_id)
        existing = posted_transaction(business, TransactionKind.REDEEM, source)
        if existing is not None:
            if existing.card_id != card.pk or existing.amount != -amount:
                raise ValidationError(_("This payment was already made with another gift "
                                        "card or amount."))
            return existing
        refuse_unusable_card(business, card, now)
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
        refuse({"amount": amount_error(amount)})
    now = now or timezone.now()
    with transaction.atomic():
        card = locks.lock_gift_card(business, redemption.card_id)
        existing = posted_transaction(business, TransactionKind.REFUND, source)
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


def cancel_card(business: Business, card_id: int, *, by=None, now: datetime) -> GiftCard:
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
