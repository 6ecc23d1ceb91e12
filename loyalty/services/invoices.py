"""Points for paid invoices, and what a refund takes back (receivers of checkout's
events, inside the payment's or the refund's transaction)."""

from datetime import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loyalty import rules
from loyalty.models import EntryKind, EntrySource, PointsEntry, Program
from loyalty.selectors import invoice_money_paid, invoice_paid_lines, membership_stops_earning
from loyalty.services.crediting import points_credited_context
from loyalty.services.ledger import net_of, post_entry, reverse_entry
from notifications.kinds import MessageKind
from notifications.services import notify


def _notify_points_credited(entry: PointsEntry, *, item: str) -> None:
    notify(MessageKind.POINTS_CREDITED, entry.client,
           points_credited_context(entry, item=item))


def _invoice_earns(program: Program | None, invoice) -> bool:
    if program is None or not invoice.business.loyalty_enabled or invoice.client_id is None:
        return False
    if not program.earning_rules.has_invoice_rules:
        return False
    return not membership_stops_earning(business=invoice.business, program=program,
                                        client_id=invoice.client_id,
                                        moment=invoice.paid_at or timezone.now())


def credit_invoice(*, invoice, now: datetime | None = None) -> PointsEntry | None:
    """Invoice rules credit when the invoice is paid (receiver of checkout's
    invoice_paid, inside the payment's transaction)."""
    business = invoice.business
    program = Program.objects.for_business(business).first()
    if not _invoice_earns(program, invoice):
        return None
    given = rules.invoice_points_by_rule(
        lines=invoice_paid_lines(invoice, net_of_refunds=False),
        money_paid=invoice_money_paid(invoice, net_of_refunds=False),
        rules=program.earning_rules)
    points = sum(item.points for item in given)
    if points <= 0:
        return None
    with translation.override(business.language):
        description = ngettext("%(points)s point for %(invoice)s",
                               "%(points)s points for %(invoice)s", points) % {
            "points": points, "invoice": invoice.label}
    entry = post_entry(business=business, client=invoice.client, kind=EntryKind.EARN,
                       points=points, description=description,
                       source=EntrySource(invoice_id=invoice.pk),
                       breakdown=[item.as_json() for item in given], now=now)
    _notify_points_credited(entry, item=invoice.label)
    return entry


def reverse_for_refund(*, invoice, refund) -> PointsEntry | None:
    """A refund takes back what the invoice no longer earns, once per refund."""
    business = invoice.business
    earned = (PointsEntry.objects.for_business(business)
              .filter(kind=EntryKind.EARN, invoice=invoice).first())
    if earned is None:
        return None
    program = Program.objects.for_business(business).first()
    still_earned = rules.invoice_points(
        lines=invoice_paid_lines(invoice, net_of_refunds=True),
        money_paid=invoice_money_paid(invoice, net_of_refunds=True),
        rules=program.earning_rules) if program is not None else 0
    remaining = net_of(business, earned)
    to_take = remaining - min(still_earned, remaining)
    if to_take <= 0:
        return None
    with translation.override(business.language):
        description = _("Refund on %(invoice)s: points taken back") % {"invoice": invoice.label}
    return reverse_entry(business=business, entry=earned, points=to_take,
                         description=description, source=EntrySource(refund_id=refund.pk),
                         partial_ok=True)
