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


# The interactive calendar's feed ---------------------------------------------------------

# The longest range one request may ask for: a month view and its edges.
MAX_FEED_DAYS = 42
# Colours by state; the page's legend says what each means.
STATE_CLASSES = {AppointmentState.BOOKED: "ev-booked", AppointmentState.COMPLETED: "ev-completed",
                 AppointmentState.NO_SHOW: "ev-no-show"}


def _wall(moment: datetime, tz) -> str:
    """The salon's wall-clock time, without an offset: the calendar shows it as it is."""
    return moment.astimezone(tz).replace(tzinfo=None).isoformat(timespec="minutes")


def _state_class(state: str, *, arrived_at: datetime | None, started_at: datetime | None
                 ) -> str:
    if state == AppointmentState.BOOKED:
        if started_at is not None:
            return "ev-started"
        if arrived_at is not None:
            return "ev-arrived"
    return STATE_CLASSES.get(state, "ev-booked")


def _gaps(day: date, working: list, tz) -> list[tuple[datetime, datetime]]:
    """The parts of a local day outside the working intervals (breaks, closed hours)."""
    start, end = local_day_bounds(day, tz)
    gaps, cursor = [], start
    for interval in sorted(working, key=lambda i: i.start):
        if interval.start > cursor:
            gaps.append((cursor, interval.start))
        cursor = max(cursor, interval.end)
    if cursor < end:
        gaps.append((cursor, end))
    return gaps


def feed_staff(*, business: Business, first_day: date, last_day: date,
               mine: StaffMember | None = None) -> list[StaffMember]:
    """The calendar's columns: the signed-in member's own first ("My calendar")."""
    start, _ = local_day_bounds(first_day, business.zone)
    _, end = local_day_bounds(last_day, business.zone)
    staff = list(_staff_for(business, start, end))
    if mine is not None:
        staff.sort(key=lambda member: member.pk != mine.pk)
    return staff


def calendar_feed(*, business: Business, first_day: date, last_day: date,
                  staff: list[StaffMember]) -> list[dict]:
    """EventCalendar's events for local days `first_day`..`last_day` and these staff
    members: appointments, class sessions, and as background the time they do not work
    (breaks, closed hours) and time off. Four queries, whatever the number of rows."""
    tz = business.zone
    start, _ = local_day_bounds(first_day, tz)
    _, end = local_day_bounds(last_day, tz)
    ids = {member.pk for member in staff}
    weekly, exceptions = _schedule(business, staff, first_day, last_day)
    rules = _rules(exceptions)
    events: list[dict] = []
    days = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    for member in staff:
        for day in days:
            working = working_intervals(day=day, tz=tz, staff_member_id=member.pk,
                                        weekly=weekly.get((member.pk, day.weekday()), []),
                                        exceptions=rules)
            events.extend({"start": _wall(gap_start, tz), "end": _wall(gap_end, tz),
                           "resourceIds": [member.pk], "display": "background",
                           "classNames": ["ev-closed"]}
                          for gap_start, gap_end in _gaps(day, working, tz))
    for exception in exceptions:
        if exception.kind != ScheduleException.Kind.TIME_OFF:
            continue
        first = datetime.combine(exception.date, exception.start_time or time(0), tzinfo=tz)
        last = (datetime.combine(exception.date, exception.end_time, tzinfo=tz)
                if exception.end_time else datetime.combine(
                    exception.date + timedelta(days=1), time(0), tzinfo=tz))
        members = ids if exception.staff_member_id is None else {exception.staff_member_id} & ids
        events.extend({"start": _wall(first, tz), "end": _wall(last, tz), "title": exception.note,
                       "resourceIds": [pk], "display": "background",
                       "classNames": ["ev-time-off"]} for pk in sorted(members))
    # Plain rows rather than models: a busy week is hundreds of appointments.
    rows = (_appointments(business, start, end).filter(staff_member__in=ids)
            .exclude(state=AppointmentState.CANCELLED)
            .values_list("pk", "staff_member_id", "starts_at", "ends_at", "state", "arrived_at",
                         "started_at", "used_reward", "client__first_name",
                         "client__last_name", "service__name"))
    for (pk, staff_id, starts_at, ends_at, state, arrived_at, started_at, reward, first_name,
         last_name, service_name) in rows:
        client_name = f"{first_name} {last_name}".strip()
        events.append({
            "id": f"a{pk}", "resourceIds": [staff_id],
            "start": _wall(starts_at, tz), "end": _wall(ends_at, tz),
            # The loyalty reward's stamp, as the list view and the client's page show it.
            "title": f"{'★ ' if reward else ''}{client_name} · {service_name}",
            "editable": state == AppointmentState.BOOKED,
            "classNames": [_state_class(state, arrived_at=arrived_at, started_at=started_at),
                           *(["ev-reward"] if reward else [])],
            "extendedProps": {"kind": "appointment", "pk": pk}})
    for session in catalog_selectors.class_sessions(business=business).filter(
            starts_at__lt=end, ends_at__gt=start, staff_member__in=ids):
        events.append({
            "id": f"c{session.pk}", "resourceIds": [session.staff_member_id],
            "start": _wall(session.starts_at, tz), "end": _wall(session.ends_at, tz),
            "title": f"{session.class_type.name} · {session.seats_taken}/{session.capacity}",
            "editable": False, "classNames": ["ev-class"],
            "extendedProps": {"kind": "class", "pk": session.pk}})
    return events


def last_visits(*, business: Business, appointment: Appointment, limit: int = 5
                ) -> list[Appointment]:
    """The client's visits before this appointment, latest first."""
    return list(Appointment.objects.for_business(business)
                .filter(client_id=appointment.client_id, starts_at__lt=appointment.starts_at)
                .exclude(state=AppointmentState.CANCELLED)
                .select_related("service", "staff_member", "class_session__class_type")
                .order_by("-starts_at", "-pk")[:limit])
