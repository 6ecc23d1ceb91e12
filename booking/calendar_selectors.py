"""Reads of the back office calendar, tenant-scoped by `business`.

The day and week views load in a fixed number of queries whatever the number of
staff members, appointments or sessions: staff members, weekly hours, dated
exceptions, appointments, class sessions. Everything else is computed here.

Blocks are placed by local wall-clock minutes from midnight, because that is what
the time axis shows: on a daylight-saving day, 10:00 sits next to the 10:00 label.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Q, QuerySet, When
from django.utils import timezone

from booking import catalog_selectors, selectors
from booking.availability import ExceptionRule, working_intervals
from booking.models import (
    HOLDING_STATES,
    Appointment,
    AppointmentEvent,
    AppointmentState,
    ClassSession,
    Client,
    ScheduleException,
    StaffMember,
    WaitlistEntry,
    WorkingHours,
)
from core.dates import local_day_bounds
from tenancy.models import Business

DAY_MINUTES = 24 * 60
FALLBACK_AXIS = (8 * 60, 20 * 60)
# Empty spots of the calendar link to a new appointment at this granularity at least.
MIN_SPOT_MINUTES = 15
CLIENT_CHOICES = 20


@dataclass
class Block:
    """An appointment or a class session placed on a column."""

    item: Appointment | ClassSession
    start: int  # local minutes from midnight, clipped to the day
    end: int
    lane: int = 0
    lanes: int = 1

    @property
    def is_class_session(self) -> bool:
        return isinstance(self.item, ClassSession)


@dataclass
class Span:
    start: int
    end: int
    label: str = ""

    @property
    def start_clock(self) -> str:
        return _clock(self.start)

    @property
    def end_clock(self) -> str:
        return _clock(self.end)


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@dataclass
class Column:
    staff_member: StaffMember
    working: list[Span] = field(default_factory=list)
    time_off: list[Span] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    spots: list[Span] = field(default_factory=list)  # free-to-click starts, label = local ISO


@dataclass
class DayCalendar:
    day: date
    columns: list[Column]
    axis_start: int
    axis_end: int
    cancelled: list[Appointment]
    closed: list[str]  # notes of whole-business time off covering the day
    now_minute: int | None  # where "now" is, when the day is today

    @property
    def hour_marks(self) -> list[tuple[int, str]]:
        """(minute, "09:00") of every hour line on the axis."""
        return [(hour * 60, _clock(hour * 60))
                for hour in range(self.axis_start // 60, -(-self.axis_end // 60))]


@dataclass
class WeekCell:
    day: date
    working: list[Span]
    entries: list[Block]


@dataclass
class WeekRow:
    staff_member: StaffMember
    cells: list[WeekCell]


@dataclass
class WeekCalendar:
    days: list[date]
    rows: list[WeekRow]


def _minute_of(moment: datetime, day: date, tz) -> int:
    local = moment.astimezone(tz)
    if local.date() < day:
        return 0
    if local.date() > day:
        return DAY_MINUTES
    return local.hour * 60 + local.minute


def _clock_minute(clock: time | None, default: int) -> int:
    return default if clock is None else clock.hour * 60 + clock.minute


def _lay_out(blocks: list[Block]) -> None:
    """Side by side where blocks overlap (a no-show and the booking that took its time)."""
    blocks.sort(key=lambda b: (b.start, b.end))
    cluster: list[Block] = []
    lane_ends: list[int] = []
    for block in blocks:
        if cluster and block.start >= max(lane_ends):
            _close(cluster, len(lane_ends))
            cluster, lane_ends = [], []
        lane = next((i for i, end in enumerate(lane_ends) if end <= block.start), None)
        if lane is None:
            lane = len(lane_ends)
            lane_ends.append(block.end)
        else:
            lane_ends[lane] = block.end
        block.lane = lane
        cluster.append(block)
    _close(cluster, len(lane_ends))


def _close(cluster: list[Block], lanes: int) -> None:
    for block in cluster:
        block.lanes = lanes


def _block(item: Appointment | ClassSession, day: date, tz) -> Block:
    start = _minute_of(item.starts_at, day, tz)
    # max(): across the repeated hour of autumn, an end can read earlier than its start.
    return Block(item, start, max(_minute_of(item.ends_at, day, tz), start))


def _staff_for(business: Business, start: datetime, end: datetime) -> QuerySet[StaffMember]:
    """Active staff members, and inactive ones still holding appointments or sessions then,
    so that nothing booked disappears from the calendar."""
    booked = (Appointment.objects.for_business(business).holding()
              .filter(starts_at__lt=end, ends_at__gt=start).values("staff_member_id"))
    leading = (ClassSession.objects.for_business(business)
               .filter(is_cancelled=False, starts_at__lt=end, ends_at__gt=start)
               .values("staff_member_id"))
    return (StaffMember.objects.for_business(business)
            .filter(Q(is_active=True) | Q(pk__in=booked) | Q(pk__in=leading))
            .order_by("position", "name", "pk"))


def _schedule(business: Business, staff: list[StaffMember], first_day: date, last_day: date):
    """Weekly hours by (staff id, weekday) and the exceptions of the days: two queries."""
    weekly: dict[tuple[int, int], list[tuple[time, time]]] = defaultdict(list)
    for staff_id, weekday, start, end in (
            WorkingHours.objects.for_business(business)
            .filter(staff_member__in=[member.pk for member in staff])
            .values_list("staff_member_id", "weekday", "start_time", "end_time")):
        weekly[staff_id, weekday].append((start, end))
    exceptions = list(ScheduleException.objects.for_business(business)
                      .filter(date__range=(first_day, last_day))
                      .order_by("date", "start_time", "pk"))
    return weekly, exceptions


def _rules(exceptions: list[ScheduleException]) -> list[ExceptionRule]:
    return [ExceptionRule(e.staff_member_id, e.date, e.kind, e.start_time, e.end_time)
            for e in exceptions]


def _appointments(business: Business, start: datetime, end: datetime) -> QuerySet[Appointment]:
    """Service appointments touching [start, end); class seats show as their session."""
    return (Appointment.objects.for_business(business)
            .filter(service__isnull=False, starts_at__lt=end, ends_at__gt=start)
            .select_related("client", "service", "staff_member")
            .order_by("starts_at", "pk"))


def _spans(intervals, day: date, tz) -> list[Span]:
    return [Span(_minute_of(i.start, day, tz), _minute_of(i.end, day, tz)) for i in intervals]


def _spots(working: list[Span], day: date, step: int, not_before: int | None) -> list[Span]:
    spots = []
    for span in working:
        minute = -(-span.start // step) * step
        while minute + step <= span.end:
            if not_before is None or minute >= not_before:
                spots.append(Span(minute, minute + step, f"{day.isoformat()}T{_clock(minute)}"))
            minute += step
    return spots


def day_calendar(*, business: Business, day: date, now: datetime | None = None) -> DayCalendar:
    """The calendar of one local day: a column per staff member, in five queries."""
    tz = business.zone
    now = now or timezone.now()
    start, end = local_day_bounds(day, tz)
    staff = list(_staff_for(business, start, end))
    weekly, exceptions = _schedule(business, staff, day, day)
    rules = _rules(exceptions)
    today = now.astimezone(tz).date()
    not_before = (None if day > today else DAY_MINUTES if day < today
                  else _minute_of(now, day, tz))
    step = max(business.slot_step_minutes, MIN_SPOT_MINUTES)

    columns = {}
    for member in staff:
        working = _spans(working_intervals(day=day, tz=tz, staff_member_id=member.pk,
                                           weekly=weekly.get((member.pk, day.weekday()), []),
                                           exceptions=rules), day, tz)
        off = [Span(_clock_minute(e.start_time, 0), _clock_minute(e.end_time, DAY_MINUTES),
                    e.note) for e in exceptions
               if e.kind == ScheduleException.Kind.TIME_OFF
               and e.staff_member_id in (None, member.pk)]
        columns[member.pk] = Column(member, working, off, spots=_spots(working, day, step,
                                                                       not_before))
    cancelled = []
    for appointment in _appointments(business, start, end):
        if appointment.state == AppointmentState.CANCELLED:
            cancelled.append(appointment)
        elif appointment.staff_member_id in columns:
            columns[appointment.staff_member_id].blocks.append(_block(appointment, day, tz))
    for session in catalog_selectors.class_sessions(business=business).filter(
            starts_at__lt=end, ends_at__gt=start):
        if session.staff_member_id in columns:
            columns[session.staff_member_id].blocks.append(_block(session, day, tz))

    edges = [(s.start, s.end) for column in columns.values()
             for s in [*column.working, *column.blocks]]
    if edges:
        axis_start = min(first for first, _last in edges) // 60 * 60
        axis_end = min(-(-max(last for _first, last in edges) // 60) * 60, DAY_MINUTES)
    else:
        axis_start, axis_end = FALLBACK_AXIS
    for column in columns.values():
        _lay_out(column.blocks)
        column.time_off = [Span(max(s.start, axis_start), min(s.end, axis_end), s.label)
                           for s in column.time_off if s.start < axis_end and s.end > axis_start]
    closed = [e.note for e in exceptions if e.staff_member_id is None
              and e.kind == ScheduleException.Kind.TIME_OFF and e.start_time is None]
    now_minute = not_before if day == today and axis_start <= not_before <= axis_end else None
    return DayCalendar(day, list(columns.values()), axis_start, axis_end, cancelled, closed,
                       now_minute)


def week_calendar(*, business: Business, day: date) -> WeekCalendar:
    """Monday to Sunday around `day`: a row per staff member, a cell per day; five queries."""
    tz = business.zone
    monday = day - timedelta(days=day.weekday())
    days = [monday + timedelta(days=offset) for offset in range(7)]
    start, _ = local_day_bounds(days[0], tz)
    _, end = local_day_bounds(days[-1], tz)
    staff = list(_staff_for(business, start, end))
    weekly, exceptions = _schedule(business, staff, days[0], days[-1])
    rules = _rules(exceptions)
    entries: dict[tuple[int, date], list[Block]] = defaultdict(list)
    items = [*_appointments(business, start, end),
             *catalog_selectors.class_sessions(business=business).filter(
                 starts_at__lt=end, ends_at__gt=start)]
    for item in items:
        local_day = item.starts_at.astimezone(tz).date()
        entries[item.staff_member_id, local_day].append(_block(item, local_day, tz))
    rows = []
    for member in staff:
        cells = []
        for one_day in days:
            working = working_intervals(day=one_day, tz=tz, staff_member_id=member.pk,
                                        weekly=weekly.get((member.pk, one_day.weekday()), []),
                                        exceptions=rules)
            cells.append(WeekCell(one_day, _spans(working, one_day, tz),
                                  sorted(entries[member.pk, one_day],
                                         key=lambda b: (b.item.starts_at, b.item.pk))))
        rows.append(WeekRow(member, cells))
    return WeekCalendar(days, rows)


# Pages of one appointment or session ------------------------------------------------------

def appointments(*, business: Business) -> QuerySet[Appointment]:
    return Appointment.objects.for_business(business).select_related(
        "client", "service", "staff_member", "class_session__class_type", "series", "booked_by")


def appointment_history(*, business: Business, appointment: Appointment
                        ) -> QuerySet[AppointmentEvent]:
    return (AppointmentEvent.objects.for_business(business).filter(appointment=appointment)
            .select_related("changed_by").order_by("changed_at", "pk"))


def class_sessions(*, business: Business) -> QuerySet[ClassSession]:
    return catalog_selectors.class_sessions(business=business)


def seats(*, business: Business, class_session: ClassSession) -> QuerySet[Appointment]:
    """Every seat of the session, those still held first."""
    return (Appointment.objects.for_business(business).filter(class_session=class_session)
            .select_related("client")
            .order_by(Case(When(state__in=HOLDING_STATES, then=0), default=1),
                      "created_at", "pk"))


def waitlist(*, business: Business, class_session: ClassSession) -> QuerySet[WaitlistEntry]:
    return (WaitlistEntry.objects.for_business(business)
            .filter(class_session=class_session,
                    state__in=[WaitlistEntry.State.WAITING, WaitlistEntry.State.OFFERED])
            .select_related("client").order_by("joined_at", "pk"))


def client_choices(*, business: Business, search: str, selected: Client | None = None
                   ) -> list[Client]:
    """Clients to pick from: the selected one first, then those matching `search`."""
    found = (list(selectors.clients(business=business, search=search)[:CLIENT_CHOICES])
             if search.strip() else [])
    if selected is not None:
        found = [selected, *(c for c in found if c.pk != selected.pk)]
    return found
