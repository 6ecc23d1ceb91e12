"""The points ledger: `post_entry` is the one way into it, with `write_entries`, its
bulk form for the jobs that credit and expire points.

`post_entry` locks the client's account, computes the balance after, refuses a
negative one, and writes the entry and the new balance together. A source
(an appointment, an invoice: EntrySource) is posted at most once per kind: a retried or
concurrent second posting returns the first entry, and the database's unique
constraint backs that up. Every batch written goes past the stamp card
(services/stamp_card.py) in the same transaction.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum, Value
from django.db.models.functions import Coalesce, Least
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from booking.models import Client
from loyalty import locks
from loyalty.models import MAX_POINTS, NO_SOURCE, EntryKind, EntrySource, PointsAccount, PointsEntry
from loyalty.services import stamp_card
from tenancy.models import Business


@dataclass(frozen=True)
class NewEntry:
    client_id: int
    kind: str
    points: int
    description: str
    source: EntrySource | None = None
    note: str = ""
    created_by_id: int | None = None
    reverses_id: int | None = None
    expires_at: datetime | None = None
    breakdown: list[dict] | None = None


def expiry_for(expiry_months: int | None, kind: str, points: int, now: datetime):
    if not expiry_months or points <= 0 or kind not in (EntryKind.EARN, EntryKind.ADJUST):
        return None
    return now + relativedelta(months=expiry_months)


def write_entries(business: Business, accounts: dict[int, PointsAccount],
                   new_entries: list[NewEntry], *, now: datetime) -> list[PointsEntry]:
    """Write entries on LOCKED accounts, in order; refuse the whole lot if any balance
    would go below zero."""
    previous = {client_id: account.balance for client_id, account in accounts.items()}
    rows = []
    for new in new_entries:
        account = accounts[new.client_id]
        balance_after = account.balance + new.points
        if balance_after < 0:
            raise ValidationError(
                {"points": ngettext("The client has only %(balance)s point.",
                                    "The client has only %(balance)s points.",
                                    account.balance) % {"balance": account.balance}})
        account.balance = balance_after
        account.updated_at = now
        rows.append(PointsEntry(
            business=business, account=account, client_id=new.client_id, kind=new.kind,
            points=new.points, balance_after=balance_after,
            **(new.source or NO_SOURCE).as_fields(), reverses_id=new.reverses_id,
            description=new.description[:200],
            note=new.note[:200], created_by_id=new.created_by_id, created_at=now,
            expires_at=new.expires_at, breakdown=new.breakdown))
    if len(rows) == 1:
        _insert_entry(rows[0])
    else:
        PointsEntry.objects.bulk_create(rows)
    touched = {row.client_id: accounts[row.client_id] for row in rows}
    _update_balances(list(touched.values()), now)
    _arm_expiry_sweeps(accounts, rows)
    running = dict(previous)
    changes = []
    for row in rows:
        changes.append((row, running[row.client_id]))
        running[row.client_id] = row.balance_after
    # The stamp card reads every batch: a reward reached is announced, and a resetting
    # tier's points taken off, with the entries or not at all.
    stamp_card.reward_crossings(changes=changes)
    return rows


# A posting's INSERT and UPDATE are written out like its lock (locks.py): building them
# with the ORM took longer than running them, and they run for every entry.

def _insert_entry(entry: PointsEntry) -> None:
    """What entry.save(force_insert=True) does, for the one-entry case."""
    fields = [field for field in PointsEntry._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    table = quote(PointsEntry._meta.db_table)
    sql = (f"INSERT INTO {table} ({', '.join(quote(field.column) for field in fields)}) "  # noqa: S608 - names from the model
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    values = [field.get_db_prep_save(field.pre_save(entry, True), connection)
              for field in fields]
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(f"{sql} RETURNING {quote('id')}", values)
            entry.pk = cursor.fetchone()[0]
        else:
            cursor.execute(sql, values)
            entry.pk = connection.ops.last_insert_id(cursor, PointsEntry._meta.db_table, "id")
    entry._state.adding = False
    entry._state.db = connection.alias


def _update_balances(accounts: list[PointsAccount], now: datetime) -> None:
    """One UPDATE ... FROM (VALUES ...) for one account or a batch: bulk_update's CASE
    expression costs more to build than the crediting job's whole batch of entries."""
    quote = connection.ops.quote_name
    table = quote(PointsAccount._meta.db_table)
    rows = ", ".join(["(%s, %s)"] * len(accounts))
    params = [value for account in accounts for value in (account.pk, account.balance)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH batch(id, balance) AS (VALUES {rows}) "  # noqa: S608 - only placeholders
            f"UPDATE {table} SET balance = batch.balance, updated_at = %s "
            f"FROM batch WHERE {table}.id = batch.id",
            [*params, connection.ops.adapt_datetimefield_value(now)])


def _arm_expiry_sweeps(accounts: dict[int, PointsAccount], rows: list[PointsEntry]) -> None:
    """Bring the accounts' expiry due times forward to the new entries' expiries: one
    UPDATE per distinct expiry in the batch (a crediting batch has one), none for
    entries that never expire."""
    by_expiry: dict[datetime, set[int]] = {}
    for row in rows:
        if row.expires_at is not None:
            by_expiry.setdefault(row.expires_at, set()).add(row.client_id)
    for expires_at, client_ids in by_expiry.items():
        locked = [accounts[client_id] for client_id in client_ids]
        # An entry expires only under a program with an expiry: its notice came with the
        # lock (locks.py), the same for every account of the business.
        warn_at = expires_at - timedelta(days=locked[0].program_expiry_notice_days)
        ids = [account.pk for account in locked]
        # Least of Coalesce: a NULL due time means nothing due yet on every database.
        PointsAccount.objects.filter(pk__in=ids).update(
            next_expiry_at=Least(Coalesce("next_expiry_at", Value(expires_at)),
                                 Value(expires_at)),
            next_warning_at=Least(Coalesce("next_warning_at", Value(warn_at)), Value(warn_at)))


def post_entry(*, business: Business, client: Client, kind: str, points: int,
               description: str, source: EntrySource | None = None, note: str = "",
               created_by=None,
               reverses: PointsEntry | None = None, breakdown: list[dict] | None = None,
               now: datetime | None = None) -> PointsEntry:
    """Post one entry; runs inside the caller's transaction (or its own)."""
    if client.business_id != business.pk:
        raise ValidationError(_("This client belongs to another business."))
    if not isinstance(points, int) or isinstance(points, bool) or points == 0:
        raise ValidationError({"points": _("Enter a whole number of points other than 0.")})
    if abs(points) > MAX_POINTS:
        raise ValidationError({"points": ngettext("Enter at most %(max)s point.",
                                                  "Enter at most %(max)s points.", MAX_POINTS)
                               % {"max": MAX_POINTS}})
    now = now or timezone.now()
    with transaction.atomic():
        account = locks.lock_account(business, client.pk)
        if source is not None:
            # After the lock: a concurrent posting of this source has committed by now.
            existing = (PointsEntry.objects.for_business(business)
                        .filter(kind=kind, **source.as_fields()).first())
            if existing is not None:
                return existing
        return write_entries(business, {client.pk: account}, [NewEntry(
            client_id=client.pk, kind=kind, points=points, description=description,
            source=source, note=note, created_by_id=getattr(created_by, "pk", None),
            reverses_id=getattr(reverses, "pk", None), breakdown=breakdown,
            expires_at=expiry_for(account.program_expiry_months, kind, points, now))],
            now=now)[0]


def net_of(business: Business, entry: PointsEntry) -> int:
    """What is left of `entry` once its reversals are taken off."""
    reversed_points = (PointsEntry.objects.for_business(business)
                       .filter(kind=EntryKind.REVERSE, reverses=entry)
                       .aggregate(total=Sum("points"))["total"] or 0)
    return entry.points + reversed_points


def reverse_entry(*, business: Business, entry: PointsEntry, description: str = "",
                  source: EntrySource = NO_SOURCE, points: int | None = None, created_by=None,
                  partial_ok: bool = False, now: datetime | None = None) -> PointsEntry | None:
    """Undo `entry` (or `points` of it) once per `source` (default: the entry itself).

    Taking back points the client has already spent is refused, unless `partial_ok`
    (automatic reversals): then what is left is taken and the rest stays with the
    client. Returns None when there is nothing left to reverse.
    """
    if entry.business_id != business.pk:
        raise ValidationError(_("This entry belongs to another business."))
    if entry.kind == EntryKind.REVERSE:
        raise ValidationError(_("A reversal cannot itself be reversed."))
    now = now or timezone.now()
    with transaction.atomic():
        account = locks.lock_account(business, entry.client_id)
        # NO_SOURCE is once per reversed entry (loyalty_entry_reversed_once).
        reversals = PointsEntry.objects.for_business(business).filter(kind=EntryKind.REVERSE)
        existing = (reversals.filter(reverses=entry) if source == NO_SOURCE
                    else reversals).filter(**source.as_fields()).first()
        if existing is not None:
            return existing
        remaining = net_of(business, entry)
        wanted = remaining if points is None else min(points, abs(remaining))
        amount = -wanted if remaining > 0 else abs(wanted)
        if amount < 0 and account.balance < -amount:
            if not partial_ok:
                raise ValidationError(
                    ngettext("This cannot be undone: the client has only %(balance)s "
                             "point left.",
                             "This cannot be undone: the client has only %(balance)s "
                             "points left.", account.balance) % {"balance": account.balance})
            amount = -account.balance
        if amount == 0:
            return None
        client = entry.client
        with translation.override(business.language):
            description = description or _("Reversal: %(description)s") % {
                "description": entry.description}
        return write_entries(business, {client.pk: account}, [NewEntry(
            client_id=client.pk, kind=EntryKind.REVERSE, points=amount,
            description=description, source=source, reverses_id=entry.pk,
            created_by_id=getattr(created_by, "pk", None))], now=now)[0]
