"""Paying a draft in full, with one or several tenders: it gets its number, product
stock is taken, the draft's code is used, and `events.invoice_paid` is sent inside the
transaction (a receiver that raises undoes the payment)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from checkout import events, hooks, locks
from checkout.models import Invoice, InvoiceCounter, InvoiceState, Payment, Tender
from checkout.services.checks import price_error
from checkout.services.drafts import reprice, use_code
from checkout.services.stock import move_stock, units_by_product
from core.money import format_money
from core.validation import check_same_business, refuse
from tenancy.models import Business


@dataclass(frozen=True)
class TenderInput:
    """One way the client pays: `reference` is the card terminal's receipt number or
    the gift card's code."""

    tender: str
    amount: Decimal
    reference: str = ""


@dataclass(frozen=True)
class PaymentResult:
    invoice: Invoice
    change: Decimal
    warnings: list[str] = field(default_factory=list)


def _check_tenders(tenders: Sequence[TenderInput], due: Decimal, currency: str) -> Decimal:
    """Refuse tenders that do not settle `due`; return the change to give back."""
    for tender in tenders:
        if tender.tender not in Tender.values:
            raise ValidationError({"tenders": _("Choose cash, card or gift card.")})
        refuse({tender.tender: price_error(tender.amount, positive=True)})
    gift_cards = [t for t in tenders if t.tender == Tender.GIFT_CARD]
    if gift_cards and hooks.gift_card_redeemer() is None:
        raise ValidationError({"gift_card": _(
            "Gift cards cannot pay at checkout yet: take another payment method.")})
    if any(not t.reference.strip() for t in gift_cards):
        raise ValidationError({"gift_card_code": _("Enter the gift card's code.")})
    cash = sum((t.amount for t in tenders if t.tender == Tender.CASH), Decimal(0))
    other = sum((t.amount for t in tenders if t.tender != Tender.CASH), Decimal(0))
    if other > due:
        raise ValidationError({"card": _(
            "Card and gift card payments cannot exceed the %(due)s due; give change "
            "only for cash.") % {"due": format_money(due, currency)}})
    if cash + other < due:
        raise ValidationError(_("%(missing)s is still due.") % {
            "missing": format_money(due - cash - other, currency)})
    if cash and other == due:
        raise ValidationError({"cash": _("The other payments already cover the total: "
                                         "no cash is needed.")})
    return cash + other - due


def _next_number(business: Business) -> int:
    InvoiceCounter.objects.get_or_create(business=business)
    counter = locks.lock_invoice_counter(business)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _record_payments(business: Business, invoice: Invoice, tenders: Sequence[TenderInput],
                     change: Decimal) -> None:
    for tender in (t for t in tenders if t.tender == Tender.GIFT_CARD):
        payment = Payment.objects.create(business=business, invoice=invoice,
                                         tender=Tender.GIFT_CARD, amount=tender.amount,
                                         received=tender.amount)
        reference = hooks.gift_card_redeemer().redeem(business=business, payment=payment,
                                                       code=tender.reference.strip())
        payment.reference = (reference or "")[:100]
        payment.save(update_fields=["reference"])
    for tender in (t for t in tenders if t.tender == Tender.CARD):
        Payment.objects.create(business=business, invoice=invoice, tender=Tender.CARD,
                               amount=tender.amount, received=tender.amount,
                               reference=tender.reference.strip()[:100])
    cash = sum((t.amount for t in tenders if t.tender == Tender.CASH), Decimal(0))
    if cash:
        # Cash is one payment however it was keyed in: change comes out of it.
        Payment.objects.create(business=business, invoice=invoice, tender=Tender.CASH,
                               amount=cash - change, received=cash)


@transaction.atomic(durable=True)
def pay_invoice(*, business: Business, invoice: Invoice, tenders: Sequence[TenderInput],
                by=None, now=None) -> PaymentResult:
    """Take payment for a draft in full, with one or several tenders, and number it.

    Cash may exceed what is due (the rest is change); card and gift card may not.
    Product stock is taken now; selling more than the stock is allowed and warned
    about (the client has the product in hand; the count was wrong).
    """
    check_same_business(business, invoice, field="__all__")
    locked = locks.lock_invoice(business, invoice.pk)
    if not locked.is_draft:
        raise ValidationError(_("%(invoice)s is already paid.") % {"invoice": locked.label})
    # Read from the row: the caller's copy of the business may predate the switch.
    if not Business.objects.filter(pk=business.pk, accept_payments_enabled=True).exists():
        raise ValidationError(_("Turn on Accept payments under Settings, Business extensions, "
                                "to take payments."))
    lines = reprice(business, locked)
    if not lines:
        raise ValidationError(_("Add at least one line before taking payment."))
    change = _check_tenders(tenders, locked.total, business.currency)

    now = now or timezone.now()
    locked.number = _next_number(business)
    warnings = move_stock(business, units_by_product(lines, lambda line: line.quantity),
                          sign=-1)
    if locked.code:
        use_code(business, locked, now)
    _record_payments(business, locked, tenders, change)
    locked.state = InvoiceState.PAID
    locked.paid_at = now
    locked.paid_by = by
    locked.paid_amount = locked.total
    locked.change_given = change
    locked.save(update_fields=["number", "state", "paid_at", "paid_by", "paid_amount",
                               "change_given"])
    events.invoice_paid.send(sender=Invoice, invoice=locked)
    return PaymentResult(invoice=locked, change=change, warnings=warnings)
