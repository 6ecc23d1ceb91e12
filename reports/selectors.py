"""Reads of the reports, tenant-scoped by `business`.

Report pages are paginated by keyset (the position is the last row's sort key, not
an offset), so that any page costs the same one query at a million rows.
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise

from dateutil.relativedelta import relativedelta
from django.core import signing
from django.core.cache import cache
from django.db import connections
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    Concat,
    NullIf,
    TruncMonth,
    TruncWeek,
)
from django.utils import timezone

from booking.models import Appointment, Client, Service
from checkout.models import Invoice, InvoiceLine, InvoiceState
from core.dates import local_day_bounds
from core.replica import read_alias
from giftcards.models import GiftCard, GiftCardOffer, TransactionKind
from loyalty import selectors as loyalty_selectors
from loyalty.models import EntryKind, PointsAccount, PointsEntry
from loyalty.selectors import CREDITS
from reports.models import ExportAudit, ExportJob, ExportState
from tenancy.models import Business

CURSOR_SALT = "reports.keyset"
TOTALS_CACHE_SECONDS = 60
SPENDING_STATES = (InvoiceState.PAID, InvoiceState.PARTIALLY_REFUNDED, InvoiceState.REFUNDED)
MONEY_SUM = DecimalField(max_digits=14, decimal_places=2)


# Keyset pagination ----------------------------------------------------------------------

@dataclass(frozen=True)
class KeysetPage:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.previous_cursor)


def _jsonable(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _cursor(row, names: Sequence[str]) -> str:
    """The signed sort key of a row (a dict from .values(), or a model instance)."""
    values = [row[name] if isinstance(row, dict) else getattr(row, name) for name in names]
    return signing.dumps([_jsonable(value) for value in values], salt=CURSOR_SALT)


def _read_cursor(cursor: str | None, size: int) -> list | None:
    """The sort key in a cursor, or None for a missing, tampered or stale one."""
    if not cursor:
        return None
    try:
        values = signing.loads(cursor, salt=CURSOR_SALT)
    except signing.BadSignature:
        return None
    return values if isinstance(values, list) and len(values) == size else None


def _beyond(ordering: Sequence[str], values: list, *, forward: bool) -> Q:
    """Rows after `values` in `ordering` (before them when not `forward`).

    (a, b) after (x, y) is a > x OR (a = x AND b > y); the extra a >= x lets the
    database start its index scan at the cursor instead of filtering up to it.
    """
    fields = [(name.lstrip("-"), name.startswith("-") == forward) for name in ordering]
    condition = Q()
    for index, (name, descending) in enumerate(fields):
        step = Q(**{f"{name}__{'lt' if descending else 'gt'}": values[index]})
        for position in range(index):
            step &= Q(**{fields[position][0]: values[position]})
        condition |= step
    first, descending = fields[0]
    return Q(**{f"{first}__{'lte' if descending else 'gte'}": values[0]}) & condition


def keyset_page(rows: QuerySet, *, ordering: Sequence[str], size: int,
                after: str | None = None, before: str | None = None) -> KeysetPage:
    """One page of `rows` (dicts holding the ordering fields), after or before a cursor."""
    names = [name.lstrip("-") for name in ordering]
    after_values = _read_cursor(after, len(names))
    before_values = None if after_values else _read_cursor(before, len(names))
    if before_values is not None:
        reverse = [name[1:] if name.startswith("-") else f"-{name}" for name in ordering]
        found = list(rows.filter(_beyond(ordering, before_values, forward=False))
                     .order_by(*reverse)[:size + 1])
        more_before = len(found) > size
        page = list(reversed(found[:size]))
        return KeysetPage(page, _cursor(page[-1], names) if page else None,
                          _cursor(page[0], names) if page and more_before else None)
    if after_values is not None:
        rows = rows.filter(_beyond(ordering, after_values, forward=True))
    found = list(rows.order_by(*ordering)[:size + 1])
    page = found[:size]
    return KeysetPage(page, _cursor(page[-1], names) if len(found) > size else None,
                      _cursor(page[0], names) if page and after_values is not None else None)


# Clients report -------------------------------------------------------------------------

def clients_report(*, business: Business, date_from: date | None = None,
                   date_to: date | None = None, search: str = "") -> QuerySet[Client]:
    """Clients with their visits (attended appointments), last visit and spend (paid
    invoices less refunds) within the local days given, by name."""
    visits = Appointment.objects.for_business(business).attended().filter(client=OuterRef("pk"))
    spending = Invoice.objects.for_business(business).filter(client=OuterRef("pk"),
                                                             state__in=SPENDING_STATES)
    if date_from is not None:
        start = local_day_bounds(date_from, business.zone)[0]
        visits = visits.filter(starts_at__gte=start)
        spending = spending.filter(paid_at__gte=start)
    if date_to is not None:
        end = local_day_bounds(date_to, business.zone)[1]
        visits = visits.filter(starts_at__lt=end)
        spending = spending.filter(paid_at__lt=end)
    money = DecimalField(max_digits=14, decimal_places=2)
    balance = PointsAccount.objects.for_business(business).filter(client=OuterRef("pk"))
    return (Client.objects.for_business(business).search(search).annotate(
        balance=Coalesce(Subquery(balance.values("balance")[:1]), 0),
        visits=Coalesce(Subquery(visits.order_by().values("client")
                                 .annotate(n=Count("pk")).values("n")), 0),
        last_visit=Subquery(visits.order_by("-starts_at").values("starts_at")[:1]),
        spend=Coalesce(Subquery(spending.order_by().values("client")
                                .annotate(total=Sum(F("total") - F("refunded_amount")))
                                .values("total"), output_field=money),
                       Decimal("0.00"), output_field=money))
            .order_by("last_name", "first_name", "pk"))


# Loyalty points report ------------------------------------------------------------------

def points_entries(*, business: Business, date_from: date | None = None,
                   date_to: date | None = None, client: Client | None = None,
                   search: str = "", kind: str = "", service: Service | None = None
                   ) -> QuerySet[PointsEntry]:
    """Ledger entries matching the report's filters: local days, one client or a name,
    a kind, and a service (entries of its appointments and of invoices that sold it)."""
    entries = PointsEntry.objects.for_business(business)
    if date_from is not None:
        entries = entries.filter(created_at__gte=local_day_bounds(date_from, business.zone)[0])
    if date_to is not None:
        entries = entries.filter(created_at__lt=local_day_bounds(date_to, business.zone)[1])
    if client is not None:
        entries = entries.filter(client=client)
    if search.strip():
        entries = entries.filter(client__in=Client.objects.for_business(business)
                                 .search(search).values("pk"))
    if kind:
        entries = entries.filter(kind=kind)
    if service is not None:
        appointments = Appointment.objects.for_business(business).filter(service=service)
        invoices = InvoiceLine.objects.for_business(business).filter(service=service)
        entries = entries.filter(Q(appointment__in=appointments.values("pk"))
                                 | Q(invoice__in=invoices.values("invoice_id")))
    return entries


def points_totals(*, business: Business, **filters) -> dict[str, int]:
    """Earned, spent and expired points of the filtered entries (loyalty's definitions).

    Summing a million entries takes longer than a page may, and entries are never
    changed or deleted (the ledger's trigger refuses it): the totals of a filter change
    only when an entry is added. So they are cached under the business's newest entry,
    for TOTALS_CACHE_SECONDS at most (an entry posted back-dated is seen by then).
    """
    newest = (PointsEntry.objects.for_business(business).order_by("-created_at", "-pk")
              .values_list("pk", flat=True).first())
    described = sorted((name, str(getattr(value, "pk", value))) for name, value in
                       filters.items() if value not in (None, ""))
    key = "reports:points-totals:" + hashlib.sha256(
        json.dumps([business.pk, newest, described]).encode()).hexdigest()
    return cache.get_or_set(
        key, lambda: loyalty_selectors.totals(points_entries(business=business, **filters)),
        TOTALS_CACHE_SECONDS)


class IntegerAsIs(Coalesce):
    """Coalesce of integers, read as the driver gives them (already int): Django's
    generic int() per row is the only converter of the export query, and without one
    it skips its per-row conversion loop (about 0.5 s per million rows)."""

    @property
    def convert_value(self):
        return self._convert_value_noop


def points_report(*, business: Business, **filters) -> QuerySet[PointsEntry]:
    """The entries of `points_entries`, newest first, with the client's and the staff
    user's names, and what their source names (the appointment's start, the invoice's
    number, the gift card's code) for its label: joined in the same query."""
    text = CharField()
    return points_entries(business=business, **filters).annotate(
        client_name=Concat("client__first_name", Value(" "), "client__last_name",
                           output_field=text),
        staff_name=Coalesce(NullIf("created_by__full_name", Value("")), "created_by__email",
                            output_field=text),
        source_moment=F("appointment__starts_at"),
        source_number=IntegerAsIs("invoice__number", "refund__invoice__number"),
        source_code=F("gift_card__code"),
        # What the description is worded from (loyalty.descriptions.EntryFacts).
        source_item=Coalesce("appointment__service__name",
                             "appointment__class_session__class_type__name",
                             output_field=text),
        source_state=F("appointment__state"), source_offer=F("gift_card__offer__name"),
        reversed_kind=F("reverses__kind"), reversed_description=F("reverses__description"),
        reversed_card_code=F("reverses__gift_card__code"),
    ).order_by("-created_at", "-pk")


# Gift card report -----------------------------------------------------------------------

def gift_cards_issued(*, business: Business, date_from: date | None = None,
                      date_to: date | None = None, offer: GiftCardOffer | None = None
                      ) -> QuerySet[GiftCard]:
    """Cards issued on the local days given, of one offer or all."""
    cards = GiftCard.objects.for_business(business)
    if date_from is not None:
        cards = cards.filter(created_at__gte=local_day_bounds(date_from, business.zone)[0])
    if date_to is not None:
        cards = cards.filter(created_at__lt=local_day_bounds(date_to, business.zone)[1])
    if offer is not None:
        cards = cards.filter(offer=offer)
    return cards


def _gift_card_figures(now: datetime) -> dict:
    """Cards, value issued, and where that value went, summed over the cards' ledger.

    A card's balance is the sum of its transactions, so every figure sums the same joined
    rows (summing `value` or `balance` over the join would count a card once per
    transaction): issued = redeemed + cancelled + outstanding + expired + deactivated.
    A deactivated card counts as deactivated whether or not it has expired too.
    """
    amount = "transactions__amount"

    def total(condition: Q, *, taken: bool = False):
        value = Sum(amount, filter=condition)
        return Coalesce(-value if taken else value, Decimal("0.00"), output_field=MONEY_SUM)

    kind = "transactions__kind"
    return {
        "cards": Count("pk", distinct=True),
        "issued": total(Q(**{kind: TransactionKind.ISSUE})),
        # Spent, less what was given back (a cancelled booking, a refunded payment).
        "redeemed": total(Q(**{f"{kind}__in": [TransactionKind.REDEEM,
                                               TransactionKind.REFUND]}), taken=True),
        "cancelled": total(Q(**{kind: TransactionKind.CANCEL}), taken=True),
        "outstanding": total(Q(is_active=True, expires_at__gt=now)),
        "expired": total(Q(is_active=True, expires_at__lte=now)),
        "deactivated": total(Q(is_active=False)),
    }


def gift_card_report(*, business: Business, now: datetime | None = None, **filters
                     ) -> QuerySet[GiftCard]:
    """One row per local month of issue and offer (cards without one: per origin), newest
    month first, with the figures of `_gift_card_figures`: one query, whatever the cards."""
    text = CharField()
    return (gift_cards_issued(business=business, **filters)
            .annotate(month=TruncMonth("created_at", tzinfo=business.zone,
                                       output_field=DateField()),
                      offer_name=Coalesce("offer__name", Value(""), output_field=text),
                      without_offer=Case(When(offer__isnull=True, then=F("origin")),
                                         default=Value(""), output_field=text),
                      # Unique within a month, and never null (pages compare it).
                      group_key=Case(When(offer__isnull=True,
                                          then=Concat(Value("origin:"), "origin",
                                                      output_field=text)),
                                     default=Concat(Value("offer:"), Cast("offer_id", text),
                                                    output_field=text)))
            .values("month", "offer_name", "without_offer", "group_key")
            .annotate(**_gift_card_figures(now or timezone.now()))
            .order_by("-month", "offer_name", "group_key"))


def gift_card_totals(*, business: Business, now: datetime | None = None, **filters) -> dict:
    return gift_cards_issued(business=business, **filters).aggregate(
        **_gift_card_figures(now or timezone.now()))


# Loyalty dashboard ----------------------------------------------------------------------

# Ages of outstanding points, in months: under 3, 3 to 6, 6 to 12, 12 and more.
AGE_LIMITS_MONTHS = (3, 6, 12)
WEEKS = 12


def outstanding_points(*, business: Business) -> int:
    return (PointsAccount.objects.for_business(business)
            .aggregate(total=Sum("balance"))["total"] or 0)


def points_liability_by_age(*, business: Business, now: datetime | None = None) -> list[int]:
    """Outstanding points by the age of the credit they come from, oldest spent first
    (SPEC 3.2): what a client still holds is their most recent credits, so each credit
    keeps min(points, balance - newer credits), counted from the newest back."""
    now = now or timezone.now()
    limits = [now - relativedelta(months=months) for months in AGE_LIMITS_MONTHS]
    entries, accounts = PointsEntry._meta.db_table, PointsAccount._meta.db_table
    # One pass with a window function; CASE rather than GREATEST/LEAST works on SQLite too.
    sql = f"""
        SELECT CASE WHEN credit.created_at >= %s THEN 0 WHEN credit.created_at >= %s THEN 1
                    WHEN credit.created_at >= %s THEN 2 ELSE 3 END AS age,
               SUM(CASE WHEN account.balance - credit.newer + credit.points <= 0 THEN 0
                        WHEN account.balance - credit.newer + credit.points >= credit.points
                        THEN credit.points
                        ELSE account.balance - credit.newer + credit.points END)
        FROM (SELECT client_id, points, created_at,
                     SUM(points) OVER (PARTITION BY client_id
                                       ORDER BY created_at DESC, id DESC) AS newer
              FROM {entries} WHERE business_id = %s AND points > 0) AS credit
        JOIN {accounts} AS account
          ON account.business_id = %s AND account.client_id = credit.client_id
        GROUP BY 1
    """  # noqa: S608 - table names from the models; values are parameters
    ages = [0] * (len(AGE_LIMITS_MONTHS) + 1)
    with connections[read_alias()].cursor() as cursor:  # the replica, for the dashboard
        cursor.execute(sql, [*limits, business.pk, business.pk])
        for age, points in cursor.fetchall():
            ages[age] = int(points or 0)
    return ages


@dataclass(frozen=True)
class GiftCardLiability:
    cards: int  # all the business's cards, usable or not
    ages: list[Decimal]  # balance of usable cards by the card's age, as the points

    @property
    def total(self) -> Decimal:
        return sum(self.ages, Decimal("0.00"))


def gift_card_liability_by_age(*, business: Business, now: datetime | None = None
                               ) -> GiftCardLiability:
    """The balance of usable cards (active, not expired) by the age of the card, in
    AGE_LIMITS_MONTHS: one query."""
    now = now or timezone.now()
    limits = [now - relativedelta(months=months) for months in AGE_LIMITS_MONTHS]
    bounds = [Q(created_at__gte=limits[0])]
    bounds += [Q(created_at__lt=newer, created_at__gte=older)
               for newer, older in pairwise(limits)]
    bounds.append(Q(created_at__lt=limits[-1]))
    usable = Q(is_active=True, expires_at__gt=now)
    found = GiftCard.objects.for_business(business).aggregate(
        cards=Count("pk"),
        **{f"age{index}": Coalesce(Sum("balance", filter=usable & bound), Decimal("0.00"),
                                   output_field=MONEY_SUM)
           for index, bound in enumerate(bounds)})
    return GiftCardLiability(cards=found["cards"],
                             ages=[found[f"age{index}"] for index in range(len(bounds))])


@dataclass(frozen=True)
class Week:
    start: date
    earned: int
    spent: int
    expired: int
    members: int


def weekly_points(*, business: Business, weeks: int = WEEKS,
                  now: datetime | None = None) -> list[Week]:
    """Points earned, spent and expired, and active members (clients with an entry), per
    local week (Monday first), for the last `weeks` weeks, this one included."""
    today = timezone.localtime(now or timezone.now(), business.zone).date()
    first = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    start = local_day_bounds(first, business.zone)[0]
    rows = (PointsEntry.objects.for_business(business).filter(created_at__gte=start)
            .annotate(week=TruncWeek("created_at", tzinfo=business.zone))
            .values("week").order_by("week")
            .annotate(earned=Sum("points", filter=Q(kind__in=CREDITS, points__gt=0)),
                      spent=Sum("points", filter=Q(kind__in=[EntryKind.REDEEM,
                                                             EntryKind.REWARD])
                                | Q(kind=EntryKind.ADJUST, points__lt=0)),
                      expired=Sum("points", filter=Q(kind=EntryKind.EXPIRE)),
                      members=Count("client", distinct=True)))
    found = {timezone.localtime(row["week"], business.zone).date(): row for row in rows}
    result = []
    for index in range(weeks):
        day = first + timedelta(weeks=index)
        row = found.get(day, {})
        result.append(Week(start=day, earned=row.get("earned") or 0,
                           spent=-(row.get("spent") or 0), expired=-(row.get("expired") or 0),
                           members=row.get("members") or 0))
    return result


# Exports --------------------------------------------------------------------------------

def recent_jobs(*, business: Business, user, report: str, limit: int = 5
                ) -> QuerySet[ExportJob]:
    """The user's latest background exports of a report, still pending or downloadable."""
    return (ExportJob.objects.for_business(business)
            .filter(requested_by=user, report=report)
            .filter(Q(state__in=[ExportState.QUEUED, ExportState.RUNNING, ExportState.FAILED])
                    | Q(state=ExportState.DONE, expires_at__gt=timezone.now()))
            .order_by("-created_at", "-pk")[:limit])


def export_log(*, business: Business) -> QuerySet[ExportAudit]:
    return ExportAudit.objects.for_business(business).select_related("user")
