"""Points past their expiry date: the periodic job that expires them, and the daily
one that warns clients ahead."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone, translation
from django.utils.translation import ngettext

from core.dates import format_day, local_day
from loyalty import rules
from loyalty.models import EntryKind, PointsAccount, PointsEntry, Program
from loyalty.selectors import lots_and_spent
from loyalty.services.ledger import NewEntry, write_entries
from notifications.kinds import MessageKind
from notifications.services import notify
from tenancy.models import Business

EXPIRY_BATCH = 200


def expire_points(*, now: datetime | None = None, batch_size: int = EXPIRY_BATCH) -> int:
    """The periodic job: post an expire entry for points past their expiry date, the
    soonest-expiring taken first (rules.py). Returns the points expired.

    It reads the accounts whose `next_expiry_at` has come, across all businesses, through
    a partial index, in batches claimed with SKIP LOCKED: an idle run is one index probe
    whatever the history. Each account handled is due again at its next expiry."""
    now = now or timezone.now()
    expired = 0
    while True:
        count, points = _expire_batch(now=now, batch_size=batch_size)
        expired += points
        if count < batch_size:
            return expired


def _claim(due_field: str, *, now: datetime, batch_size: int) -> list[PointsAccount]:
    # Every account handled leaves the due rows (its due time moves past `now` or is
    # cleared), so the next batch starts from the index's head again.
    return list(PointsAccount.objects.filter(**{f"{due_field}__lte": now})
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("business", "client").order_by(due_field, "pk")[:batch_size])


@transaction.atomic(durable=True)
def _expire_batch(*, now: datetime, batch_size: int) -> tuple[int, int]:
    accounts = _claim("next_expiry_at", now=now, batch_size=batch_size)
    total = 0
    for account in accounts:
        business = account.business
        if not business.loyalty_enabled:
            # Off: nothing expires until it is on again, which re-arms the account.
            account.next_expiry_at = None
            account.save(update_fields=["next_expiry_at"])
            continue
        if account.balance > 0:
            total += _expire_account(business, account, now=now)
        account.expiry_checked_at = now
        account.next_expiry_at = _next_expiry(account, after=now)
        account.save(update_fields=["expiry_checked_at", "next_expiry_at"])
    return len(accounts), total


def _expire_account(business: Business, account: PointsAccount, *, now: datetime) -> int:
    lots, spent = lots_and_spent(business=business, client=account.client)
    points = min(rules.points_expired_by(lots, spent=spent, now=now), account.balance)
    if points > 0:
        with translation.override(business.language):
            description = ngettext("%(count)s point expired", "%(count)s points expired",
                                   points) % {"count": points}
        write_entries(business, {account.client_id: account}, [NewEntry(
            client_id=account.client_id, kind=EntryKind.EXPIRE, points=-points,
            description=description)], now=now)
    return points


def _next_expiry(account: PointsAccount, *, after: datetime) -> datetime | None:
    return (PointsEntry.objects.filter(account=account, expires_at__gt=after)
            .aggregate(soonest=Min("expires_at"))["soonest"])


def warn_expiring_points(*, now: datetime | None = None, batch_size: int = EXPIRY_BATCH
                         ) -> int:
    """The daily job: tell clients, once per expiry, how many points expire when, the
    program's notice days ahead. Returns the number of clients told. Like the expiry
    job, it reads only the accounts whose `next_warning_at` has come."""
    now = now or timezone.now()
    told = 0
    while True:
        count, batch_told = _warn_batch(now=now, batch_size=batch_size)
        told += batch_told
        if count < batch_size:
            return told


@transaction.atomic(durable=True)
def _warn_batch(*, now: datetime, batch_size: int) -> tuple[int, int]:
    accounts = _claim("next_warning_at", now=now, batch_size=batch_size)
    programs = {program.business_id: program for program in Program.objects.filter(
        business_id__in={account.business_id for account in accounts})}
    told = 0
    for account in accounts:
        business, program = account.business, programs.get(account.business_id)
        if not business.loyalty_enabled or program is None or program.expiry_months is None:
            # No warnings while off or without an expiry: switching either back re-arms.
            account.next_warning_at = None
            account.save(update_fields=["next_warning_at"])
            continue
        notice = timedelta(days=program.expiry_notice_days)
        horizon = now + notice
        if account.balance > 0:
            lots, spent = lots_and_spent(business=business, client=account.client)
            soon = [lot for lot in rules.upcoming_expiries(lots, spent=spent, now=now)
                    if lot.expires_at <= horizon]
            if soon:
                _notify_points_expiring(business, account, soon, now=now)
                told += 1
        account.expiry_warned_until = horizon
        following = _next_expiry(account, after=horizon)
        account.next_warning_at = None if following is None else following - notice
        account.save(update_fields=["expiry_warned_until", "next_warning_at"])
    return len(accounts), told


def arm_business(business: Business, *, now: datetime | None = None) -> None:
    """Loyalty came on, or the program's expiry or notice changed: every account with
    points is due for a look at the next runs, which set its exact due times (and expire
    what expired while Loyalty was off). Early is allowed, and costs this business's
    accounts one look each; reading their entries here would cost it in this request."""
    now = now or timezone.now()
    program = Program.objects.for_business(business).first()
    warns = program is not None and program.expiry_months is not None
    accounts = PointsAccount.objects.for_business(business)
    accounts.filter(balance__gt=0).update(next_expiry_at=now,
                                          next_warning_at=now if warns else None)
    if not warns:
        accounts.filter(next_warning_at__isnull=False).update(next_warning_at=None)


def disarm_business(business: Business) -> None:
    """Loyalty went off: nothing expires or is announced until it comes on again."""
    (PointsAccount.objects.for_business(business)
     .filter(Q(next_expiry_at__isnull=False) | Q(next_warning_at__isnull=False))
     .update(next_expiry_at=None, next_warning_at=None))


def _notify_points_expiring(business: Business, account: PointsAccount, soon, *,
                            now: datetime) -> None:
    first_day = local_day(soon[0].expires_at, business.time_zone)
    notify(MessageKind.POINTS_EXPIRING, account.client, {
        "points": str(sum(lot.points for lot in soon)),
        "expiry_date": format_day(first_day, business.language, business.time_zone,
                                  today=local_day(now, business.time_zone)),
        "balance": str(account.balance)})
