"""Points moved by hand: a staff member's adjustment and its undoing, and points spent
on something bought with them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from booking.models import Client
from loyalty import locks
from loyalty.models import EntryKind, EntrySource, PointsEntry
from loyalty.services.ledger import post_entry, reverse_entry
from notifications.kinds import MessageKind
from notifications.services import notify
from tenancy.models import Business


def _refuse_while_off(business: Business) -> None:
    """While the program is off, balances are kept as they are (SPEC 3.6)."""
    if not business.loyalty_enabled:
        raise ValidationError(_("Loyalty is off: turn it on in Settings to change points."))


@transaction.atomic(durable=True)
def adjust_points(*, business: Business, client: Client, points: int, description: str,
                  note: str = "", by) -> PointsEntry:
    """A staff member adds (or, negative, deducts) points, saying why to the client."""
    _refuse_while_off(business)
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Say why: the client sees this text.")})
    entry = post_entry(business=business, client=client, kind=EntryKind.ADJUST, points=points,
                       description=description, note=(note or "").strip(), created_by=by)
    _notify_balance_updated(entry)
    return entry


@transaction.atomic(durable=True)
def undo_adjustment(*, business: Business, entry: PointsEntry, by) -> PointsEntry:
    _refuse_while_off(business)
    if entry.kind != EntryKind.ADJUST:
        raise ValidationError(_("Only a manual adjustment can be undone here."))
    # Lock, then decide: a second undo, even a concurrent one, finds the first.
    locks.lock_account(business, entry.client_id)
    undone = (PointsEntry.objects.for_business(business)
              .filter(kind=EntryKind.REVERSE, reverses=entry).exists())
    reversal = None if undone else reverse_entry(business=business, entry=entry, created_by=by)
    if reversal is None:
        raise ValidationError(_("This adjustment has already been undone."))
    _notify_balance_updated(reversal)
    return reversal


def spend_points(*, business: Business, client: Client, points: int, description: str,
                 source: EntrySource) -> PointsEntry:
    """Take `points` for something bought with them (a gift card); once per source.
    Runs inside the caller's transaction, so that the purchase and the points go
    together."""
    if not isinstance(points, int) or points <= 0:
        raise ValidationError({"points": _("Enter a whole number of points above 0.")})
    return post_entry(business=business, client=client, kind=EntryKind.REDEEM, points=-points,
                      description=description, source=source)


def _notify_balance_updated(entry: PointsEntry) -> None:
    notify(MessageKind.BALANCE_UPDATED, entry.client, {
        "points": f"{entry.points:+d}", "balance": str(entry.balance_after),
        "description": entry.description})
