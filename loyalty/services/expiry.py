"""Points past their expiry date: the periodic job that expires them, and the daily
one that warns clients ahead."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
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
    soonest-expiring taken first (rules.py). Returns the points expired."""
    now = now or timezone.now()
    expired = 0
    while True:
        count, points = _expire_batch(now=now, batch_size=batch_size)
        expired += points
        if count < batch_size:
            return expired


@transaction.atomic(durable=True)
def _expire_batch(*, now: datetime, batch_size: int) -> tuple[int, int]:
    newly_expired = PointsEntry.objects.filter(
        account=OuterRef("pk"), expires_at__lte=now).filter(
        Q(expires_at__gt=OuterRef("expiry_checked_at")) | Q(
            account__expiry_checked_at__isnull=True))
    accounts = list(PointsAccount.objects
                    .filter(business__loyalty_enabled=True, balance__gt=0)
                    .filter(Exists(newly_expired))
                    .select_for_update(skip_locked=True, of=("self",))
                    .select_related("business", "client").order_by("pk")[:batch_size])
    total = 0
    for account in accounts:
        business = account.business
        lots, spent = lots_and_spent(business=business, client=account.client)
        points = min(rules.points_expired_by(lots, spent=spent, now=now), account.balance)
        if points > 0:
            with translation.override(business.language):
                description = ngettext("%(count)s point expired", "%(count)s points expired",
                                       points) % {"count": points}
            write_entries(business, {account.client_id: account}, [NewEntry(
                client_id=account.client_id, kind=EntryKind.EXPIRE, points=-points,
                description=description)], now=now)
            total += points
        account.expiry_checked_at = now
        account.save(update_fields=["expiry_checked_at"])
    return len(accounts), total


def warn_expiring_points(*, now: datetime | None = None) -> int:
    """The daily job: tell clients, once per expiry, how many points expire when, the
    program's notice days ahead. Returns the number of clients told."""
    now = now or timezone.now()
    told = 0
    programs = (Program.objects.filter(business__loyalty_enabled=True,
                                       expiry_months__isnull=False)
                .select_related("business"))
    for program in programs:
        told += _warn_business(program, now=now)
    return told


@transaction.atomic(durable=True)
def _warn_business(program: Program, *, now: datetime) -> int:
    business = program.business
    horizon = now + timedelta(days=program.expiry_notice_days)
    unannounced = PointsEntry.objects.filter(
        account=OuterRef("pk"), expires_at__gt=now, expires_at__lte=horizon).filter(
        Q(expires_at__gt=OuterRef("expiry_warned_until"))
        | Q(account__expiry_warned_until__isnull=True))
    accounts = (PointsAccount.objects.for_business(business).filter(balance__gt=0)
                .filter(Exists(unannounced)).select_for_update(skip_locked=True, of=("self",))
                .select_related("client").order_by("pk"))
    told = 0
    for account in accounts:
        lots, spent = lots_and_spent(business=business, client=account.client)
        soon = [lot for lot in rules.upcoming_expiries(lots, spent=spent, now=now)
                if lot.expires_at <= horizon]
        if soon:
            _notify_points_expiring(business, account, soon, now=now)
            told += 1
        account.expiry_warned_until = horizon
        account.save(update_fields=["expiry_warned_until"])
    return told


def _notify_points_expiring(business: Business, account: PointsAccount, soon, *,
                            now: datetime) -> None:
    first_day = local_day(soon[0].expires_at, business.time_zone)
    notify(MessageKind.POINTS_EXPIRING, account.client, {
        "points": str(sum(lot.points for lot in soon)),
        "expiry_date": format_day(first_day, business.language, business.time_zone,
                                  today=local_day(now, business.time_zone)),
        "balance": str(account.balance)})
