"""Gift cards and codes at checkout: the gift card tender, coupon and reward codes on
an invoice, and the cards an invoice sells or its refund withdraws. Everything here runs
inside checkout's payment or refund transaction."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from booking.models import Client
from checkout.models import InvoiceLine, InvoiceState, LineKind, RefundLine
from giftcards import selectors
from giftcards.models import (
    Coupon,
    CouponUse,
    GiftCard,
    GiftCardOrigin,
    TransactionKind,
    TransactionSource,
)
from giftcards.services.cards import (
    cancel_card,
    issue_card,
    posted_transaction,
    redeem,
    refund,
    unknown_card_error,
)
from giftcards.services.coupons import check_coupon, coupon_for, release_use, use_coupon
from tenancy.models import Business

# Cards sold at checkout carry no offer: they are valid this long.
CHECKOUT_VALIDITY_DAYS = 365


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
    redemption = posted_transaction(business, TransactionKind.REDEEM,
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
        issued.append(existing or issue_card(
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
        cancel_card(business, card.pk, by=refund_row.created_by, now=now)
    if invoice.state == InvoiceState.REFUNDED:
        for use in CouponUse.objects.for_business(business).filter(invoice=invoice,
                                                                    released_at__isnull=True):
            release_use(business, use, now=now)
