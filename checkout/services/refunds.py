"""Refunding some or all of a paid invoice to the tenders it was paid with; products go
back to stock and `events.invoice_refunded` is sent inside the transaction (a receiver
that raises undoes the refund)."""

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from checkout import events, hooks, locks, pricing
from checkout.models import (
    Invoice,
    InvoiceLine,
    InvoiceState,
    Payment,
    Refund,
    RefundAllocation,
    RefundLine,
    Tender,
)
from checkout.services.drafts import invoice_lines
from checkout.services.stock import move_stock, units_by_product
from core.validation import check_same_business
from tenancy.models import Business

# Refunds go back to money first, card before cash; gift cards last.
REFUND_ORDER = {Tender.CARD: 0, Tender.CASH: 1, Tender.GIFT_CARD: 2}


def _refund_quantities(lines: Mapping[int, InvoiceLine], quantities: Mapping[int, int] | None
                       ) -> dict[int, int]:
    if quantities is None:
        return {pk: line.refundable_quantity for pk, line in lines.items()
                if line.refundable_quantity}
    chosen = {}
    for pk, quantity in quantities.items():
        line = lines.get(pk)
        if line is None:
            raise ValidationError({"lines": _("This line is not on this invoice.")})
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
            raise ValidationError({"lines": _("Enter whole numbers of units to refund.")})
        if quantity > line.refundable_quantity:
            raise ValidationError({"lines": _(
                "%(line)s: only %(left)d of %(quantity)d can still be refunded.") % {
                "line": line.description, "left": line.refundable_quantity,
                "quantity": line.quantity}})
        if quantity:
            chosen[pk] = quantity
    if not chosen:
        raise ValidationError({"lines": _("Choose what to refund.")})
    return chosen


def _allocate(business: Business, invoice: Invoice, refund: Refund) -> None:
    """Give `refund.amount` back through the invoice's payments, money first."""
    payments = sorted(Payment.objects.for_business(business).filter(invoice=invoice),
                      key=lambda p: (REFUND_ORDER[p.tender], -p.pk))
    left = refund.amount
    for payment in payments:
        take = min(left, payment.amount - payment.refunded_amount)
        if take <= 0:
            continue
        if payment.tender == Tender.GIFT_CARD:
            redeemer = hooks.gift_card_redeemer()
            if redeemer is None:
                raise ValidationError(_("Gift card refunds are not available: the gift card "
                                        "app is not installed."))
            redeemer.refund(business=business, payment=payment, amount=take, refund=refund)
        RefundAllocation.objects.create(business=business, refund=refund, payment=payment,
                                        amount=take)
        payment.refunded_amount += take
        payment.save(update_fields=["refunded_amount"])
        left -= take
        if not left:
            return
    if left:
        raise ValidationError(_("A refund cannot exceed what was paid."))


@transaction.atomic(durable=True)
def refund_invoice(*, business: Business, invoice: Invoice,
                   quantities: Mapping[int, int] | None = None, reason: str = "", by=None,
                   now=None) -> Refund:
    """Refund some units of some lines (`{line_id: quantity}`), or all that is left
    (`quantities=None`), to the tenders the invoice was paid with; restock products."""
    check_same_business(business, invoice, field="__all__")
    locked = locks.lock_invoice(business, invoice.pk)
    if locked.is_draft:
        raise ValidationError(_("A draft has not been paid: discard it instead."))
    if locked.state == InvoiceState.REFUNDED:
        raise ValidationError(_("%(invoice)s is already refunded in full.")
                              % {"invoice": locked.label})
    lines = {line.pk: line for line in invoice_lines(business, locked)}
    chosen = _refund_quantities(lines, quantities)
    shares = {pk: pricing.refund_share(
        amount=lines[pk].amount, quantity=lines[pk].quantity,
        refunded_quantity=lines[pk].refunded_quantity,
        refunded_amount=lines[pk].refunded_amount, refund_quantity=quantity)
        for pk, quantity in chosen.items()}
    total = sum(shares.values(), Decimal(0))
    if total > locked.paid_amount - locked.refunded_amount:
        raise ValidationError(_("A refund cannot exceed what was paid."))

    refund = Refund.objects.create(business=business, invoice=locked, amount=total,
                                   reason=(reason or "").strip()[:200], created_by=by,
                                   created_at=now or timezone.now())
    RefundLine.objects.bulk_create([
        RefundLine(business=business, refund=refund, line=lines[pk], quantity=quantity,
                   amount=shares[pk]) for pk, quantity in chosen.items()])
    for pk, quantity in chosen.items():
        lines[pk].refunded_quantity += quantity
        lines[pk].refunded_amount += shares[pk]
    InvoiceLine.objects.bulk_update([lines[pk] for pk in chosen],
                                    ["refunded_quantity", "refunded_amount"])
    move_stock(business, units_by_product([lines[pk] for pk in chosen],
                                          lambda line: chosen[line.pk]), sign=1)
    _allocate(business, locked, refund)
    locked.refunded_amount += total
    fully = all(not line.refundable_quantity for line in lines.values())
    locked.state = InvoiceState.REFUNDED if fully else InvoiceState.PARTIALLY_REFUNDED
    locked.save(update_fields=["refunded_amount", "state"])
    events.invoice_refunded.send(sender=Invoice, invoice=locked, refund=refund)
    return refund
