"""Reads of the back office dashboard: today's agenda, and the figures of a day, a week or
a month. Each figure is defined here once (the page shows the definitions as help text);
every query aggregates in the database, so the page costs the same few queries whatever
the rows.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from babel import Locale
from dateutil.relativedelta import relativedelta
from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Lookup,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, ExtractHour, TruncDate
from django.utils import timezone

from booking.availability import ExceptionRule, working_intervals
from booking.models import (
    HOLDING_STATES,
    Appointment,
    AppointmentState,
    ScheduleException,
    StaffMember,
    WorkingHours,
)
from checkout.models import Invoice, InvoiceLine
from core.dates import babel_locale, local_day_bounds
from reports.sales import (
    NET,
    NOT_GIFT_CARD,
    SPENDING_STATES,
    line_staff_id,
    money_sum,
)
from tenancy.models import Business

DAY, WEEK, MONTH = "day", "week", "month"
PERIODS = (DAY, WEEK, MONTH)
TOP = 5
# The hours a day's charts always show (widened to any hour with bookings or sales).
DAY_HOURS = range(8, 20)


@dataclass(frozen=True)
class Period:
    kind: str
    first: date  # the first local day
    last: date  # the last local day, included
    # Reads shared by the figures and the charts of one page.
    cache: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def bounds(self, business: Business) -> tuple[datetime, datetime]:
        return (local_day_bounds(self.first, business.zone)[0],
                local_day_bounds(self.last, business.zone)[1])

    def step(self, direction: int) -> date:
        """A day of the period before (-1) or after (+1) this one."""
        if self.kind == MONTH:
            return self.first + relativedelta(months=direction)
        return self.first + timedelta(days=direction * len(self.days))


def period_of(kind: str, day: date, *, language: str | None = None,
              time_zone: str | None = None) -> Period:
    """The day, the week (starting on the locale's first day of the week) or the month
    holding `day`."""
    if kind == DAY:
        return Period(DAY, day, day)
    if kind == WEEK:
        first_weekday = Locale.parse(babel_locale(language, time_zone)).first_week_day
        first = day - timedelta(days=(day.weekday() - first_weekday) % 7)
        return Period(WEEK, first, first + timedelta(days=6))
    first = day.replace(day=1)
    return Period(MONTH, first, first + relativedelta(months=1) - timedelta(days=1))


# Today's agenda -------------------------------------------------------------------------

def agenda(*, business: Business, day: date) -> QuerySet:
    """Every appointment starting on the local day, cancelled ones included (struck out):
    rows of its times, state, client, title (the service, or the class) and staff member,
    read as values since a busy day has a hundred of them."""
    start, end = local_day_bounds(day, business.zone)
    return (Appointment.objects.for_business(business)
            .filter(starts_at__gte=start, starts_at__lt=end)
            .order_by("starts_at", "staff_member__position", "pk")
            .values("pk", "starts_at", "ends_at", "state", "arrived_at", "started_at",
                    "client__first_name", "client__last_name",
                    staff_name=F("staff_member__name"),
                    title=Coalesce("service__name", "class_session__class_type__name")))


# The period's figures -------------------------------------------------------------------

@dataclass(frozen=True)
class Figures:
    revenue: Decimal
    bookings: int
    booked_hours: float
    working_hours: float
    no_shows: int
    attended: int
    new_clients: int
    returning_clients: int
    completed: int
    rebooked: int

    @staticmethod
    def _share(part: float, whole: float) -> float | None:
        return part / whole if whole else None

    @property
    def occupancy(self) -> float | None:
        """Booked hours over the staff's working hours (None when nobody works)."""
        return self._share(self.booked_hours, self.working_hours)

    @property
    def no_show_rate(self) -> float | None:
        """No-shows over appointments that were due (no-shows and visits)."""
        return self._share(self.no_shows, self.no_shows + self.attended)

    @property
    def rebooking_rate(self) -> float | None:
        """Completed visits after which the client booked again that day, over all of them."""
        return self._share(self.rebooked, self.completed)


def _appointment_figures(business: Business, start: datetime, end: datetime,
                         now: datetime) -> dict:
    """Bookings, booked time, no-shows, visits, completed visits and rebookings of the
    appointments starting in [start, end): one query."""
    # Another appointment of the client, made on the day of the visit, for later on.
    booked_again = (Appointment.objects.for_business(business)
                    .annotate(made_on=TruncDate("created_at", tzinfo=business.zone))
                    .filter(client=OuterRef("client"), starts_at__gt=OuterRef("starts_at"),
                            made_on=TruncDate(ExpressionWrapper(
                                OuterRef("starts_at"), output_field=DateTimeField()),
                                tzinfo=business.zone)))
    attended = Q(state=AppointmentState.COMPLETED) | Q(state=AppointmentState.BOOKED,
                                                       ends_at__lte=now)
    return (Appointment.objects.for_business(business)
            .filter(starts_at__gte=start, starts_at__lt=end)
            .aggregate(
                bookings=Count("pk", filter=~Q(state=AppointmentState.CANCELLED)),
                booked_time=Sum(F("ends_at") - F("starts_at"), output_field=DurationField(),
                                filter=Q(state__in=HOLDING_STATES, service__isnull=False)),
                no_shows=Count("pk", filter=Q(state=AppointmentState.NO_SHOW)),
                attended=Count("pk", filter=attended),
                completed=Count("pk", filter=Q(state=AppointmentState.COMPLETED)),
                rebooked=Count("pk", filter=Q(state=AppointmentState.COMPLETED)
                               & Q(Exists(booked_again)))))


def _client_figures(business: Business, start: datetime, end: datetime) -> dict:
    """Clients with an appointment (not cancelled) in [start, end): new ones had none
    before it, returning ones had one. One query."""
    kept = Appointment.objects.for_business(business).exclude(
        state=AppointmentState.CANCELLED)
    earlier = kept.filter(client=OuterRef("client"), starts_at__lt=start)
    # The others are new: the earlier visit is looked for once per appointment, not twice.
    counts = (kept.filter(starts_at__gte=start, starts_at__lt=end)
              .aggregate(clients=Count("client", distinct=True),
                         returning=Count("client", distinct=True, filter=Q(Exists(earlier)))))
    return {"new": counts["clients"] - counts["returning"], "returning": counts["returning"]}


def working_hours(*, business: Business, period: Period) -> float:
    """Hours the active staff members work in the period: their usual week, plus extra
    hours, less time off and the business's closed days. Two queries."""
    weekly: dict[tuple[int, int], list] = {}
    for staff_id, weekday, start, end in (
            WorkingHours.objects.for_business(business).filter(staff_member__is_active=True)
            .values_list("staff_member_id", "weekday", "start_time", "end_time")):
        weekly.setdefault((staff_id, weekday), []).append((start, end))
    exceptions = [ExceptionRule(*row) for row in ScheduleException.objects.for_business(business)
                  .filter(date__gte=period.first, date__lte=period.last)
                  .values_list("staff_member_id", "date", "kind", "start_time", "end_time")]
    extra_staff = {rule.staff_member_id for rule in exceptions if rule.kind == "extra_hours"}
    staff_ids = {staff_id for staff_id, _weekday in weekly} | (extra_staff - {None})
    seconds = 0.0
    for staff_id in staff_ids:
        for day in period.days:
            for interval in working_intervals(
                    day=day, tz=business.zone, staff_member_id=staff_id,
                    weekly=weekly.get((staff_id, day.weekday()), ()), exceptions=exceptions):
                seconds += (interval.end - interval.start).total_seconds()
    return seconds / 3600


def figures(*, business: Business, period: Period, now: datetime | None = None) -> Figures:
    now = now or timezone.now()
    start, end = period.bounds(business)
    visits = _appointment_figures(business, start, end, now)
    clients = _client_figures(business, start, end)
    booked = visits["booked_time"] or timedelta()
    return Figures(
        revenue=sum((net for _unit, net in _net_sales(business, period)), Decimal("0.00")),
        bookings=visits["bookings"], booked_hours=booked.total_seconds() / 3600,
        working_hours=working_hours(business=business, period=period),
        no_shows=visits["no_shows"], attended=visits["attended"],
        new_clients=clients["new"], returning_clients=clients["returning"],
        completed=visits["completed"], rebooked=visits["rebooked"])


# Charts and top lists -------------------------------------------------------------------

@dataclass(frozen=True)
class Bucket:
    key: date | int  # a day, or an hour of the day
    revenue: Decimal
    bookings: int


class AnyOf(Lookup):
    """`field = ANY(%s)`, the values as one array parameter: a month's thousand ids cost
    more to bind one by one (`IN (%s, %s, ...)`) than the lines cost to read."""

    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*params, list(self.rhs)]

    def as_sqlite(self, compiler, connection):
        # A laptop's `make run`: SQLite has no arrays; the ids go as one JSON parameter.
        lhs, params = self.process_lhs(compiler, connection)
        sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608 - lhs is a column
        return sql, [*params, json.dumps(list(self.rhs))]


def period_lines(business: Business, period: Period) -> QuerySet[InvoiceLine]:
    """The sold lines of the period (reports.sales), found through the ids of the invoices
    paid in it: an index probe per invoice of the period, where a join of the lines'
    table would read it whole. The ids are read once per page."""
    key = ("invoices", business.pk)
    if key not in period.cache:
        start, end = period.bounds(business)
        period.cache[key] = list(
            Invoice.objects.for_business(business)
            .filter(state__in=SPENDING_STATES, paid_at__gte=start, paid_at__lt=end)
            .order_by().values_list("pk", flat=True))
    return InvoiceLine.objects.for_business(business).filter(
        AnyOf(F("invoice_id"), period.cache[key]))


def _unit(period: Period, field, business: Business):
    """An hour of the day (a day's chart), or the local day."""
    if period.kind == DAY:
        return ExtractHour(field, tzinfo=business.zone)
    return TruncDate(field, tzinfo=business.zone)


def _net_sales(business: Business, period: Period) -> list[tuple]:
    """(hour or day, net sales) of the period: one query, cached on the period for the
    figures and the chart alike. Each line's payment time is read with a subquery (an
    index probe per line) where a join may hash every invoice."""
    key = ("net_sales", business.pk)
    if key not in period.cache:
        paid_at = Subquery(Invoice.objects.for_business(business)
                           .filter(pk=OuterRef("invoice_id")).order_by().values("paid_at"))
        period.cache[key] = list(
            period_lines(business, period)
            .annotate(unit=_unit(period, paid_at, business)).values("unit")
            .annotate(net=money_sum(NET, NOT_GIFT_CARD)).values_list("unit", "net"))
    return period.cache[key]


def timeline(*, business: Business, period: Period) -> list[Bucket]:
    """Net sales and bookings per hour (a day) or per day (a week, a month)."""
    start, end = period.bounds(business)
    revenue = dict(_net_sales(business, period))
    bookings = dict(Appointment.objects.for_business(business)
                    .filter(starts_at__gte=start, starts_at__lt=end)
                    .exclude(state=AppointmentState.CANCELLED)
                    .annotate(unit=_unit(period, "starts_at", business)).values("unit")
                    .annotate(n=Count("pk")).values_list("unit", "n"))
    if period.kind == DAY:
        hours = [*DAY_HOURS, *revenue, *bookings]
        keys: Iterable = range(min(hours), max(hours) + 1)
    else:
        keys = period.days
    return [Bucket(key, revenue.get(key, Decimal("0.00")), bookings.get(key, 0)) for key in keys]


def top_services(*, business: Business, period: Period) -> list[dict]:
    """The services that sold the most (net), with how many were sold. One query."""
    return list(period_lines(business, period)
                .filter(kind="service", service__isnull=False)
                .values("service_id", "service__name")
                .annotate(net=money_sum(NET), sold=Sum("quantity"))
                .order_by("-net", "service__name")[:TOP])


def top_staff(*, business: Business, period: Period) -> list[dict]:
    """The staff members whose sales were highest (net), with their visits. Two queries:
    the period's sales per staff member (one row each), then their names."""
    sales = {row["staff_id"]: row for row in (
        period_lines(business, period)
        .annotate(staff_id=line_staff_id(business, probe=True))
        .values("staff_id")
        .annotate(net=money_sum(NET, NOT_GIFT_CARD), visits=Count("appointment", distinct=True))
        .order_by()) if row["staff_id"] is not None}
    names = dict(StaffMember.objects.for_business(business).filter(pk__in=sales)
                 .values_list("pk", "name")) if sales else {}
    rows = [{**row, "staff_name": names.get(staff_id, "")} for staff_id, row in sales.items()]
    return sorted(rows, key=lambda row: (-row["net"], row["staff_name"]))[:TOP]
