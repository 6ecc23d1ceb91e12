from bisect import bisect_left, bisect_right
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from booking.availability import ExceptionRule, merge, working_intervals
from booking.models import (
    Appointment,
    AppointmentState,
    ClassSession,
    Client,
    ScheduleException,
    Service,
    ServiceStaff,
    StaffMember,
    WaitlistEntry,
    WorkingHours,
)
from booking.slots import Interval, free_slots_any_staff
from core.dates import local_day_bounds
from tenancy.models import Business


def clients(*, business: Business, search: str = "") -> QuerySet[Client]:
    return Client.objects.for_business(business).search(search)


def client_of_user(*, business: Business, user: User) -> Client | None:
    if not user.is_authenticated:
        return None
    return Client.objects.for_business(business).filter(user=user).first()


# Availability --------------------------------------------------------------------------

class Slot(NamedTuple):
    start: datetime
    staff_member_ids: tuple[int, ...]


def performers(*, business: Business, service: Service) -> QuerySet[StaffMember]:
    return StaffMember.objects.for_business(business).filter(
        is_active=True, pk__in=ServiceStaff.objects.for_business(business)
        .filter(service=service).values("staff_member_id"))


def availability(*, business: Business, service: Service, start_day: date, days: int = 1,
                 staff_member_id: int | None = None, not_before: datetime | None = None,
                 ) -> dict[date, list[Slot]]:
    """Free start times for `service` per local day, with who is free at each.

    Three queries, whatever the number of staff or appointments: weekly hours,
    exceptions, and busy time (appointments and class sessions) of the performers.
    """
    tz = business.zone
    last_day = start_day + timedelta(days=days - 1)
    range_start, _ = local_day_bounds(start_day, tz)
    _, range_end = local_day_bounds(last_day, tz)
    staff_ids = performers(business=business, service=service).values("pk")
    if staff_member_id is not None:
        staff_ids = staff_ids.filter(pk=staff_member_id)

    weekly: dict[tuple[int, int], list[tuple[time, time]]] = defaultdict(list)
    for staff_id, weekday, start, end in (
            WorkingHours.objects.for_business(business).filter(staff_member__in=staff_ids)
            .values_list("staff_member_id", "weekday", "start_time", "end_time")):
        weekly[staff_id, weekday].append((start, end))
    exceptions = [ExceptionRule(*row) for row in (
        ScheduleException.objects.for_business(business)
        .filter(date__range=(start_day, last_day))
        .filter(Q(staff_member__isnull=True) | Q(staff_member__in=staff_ids))
        .values_list("staff_member_id", "date", "kind", "start_time", "end_time"))]
    busy_rows: dict[int, list[Interval]] = defaultdict(list)
    for staff_id, start, end in busy_times(business=business, staff_ids=staff_ids,
                                           start=range_start, end=range_end):
        busy_rows[staff_id].append(Interval(start, end))
    # Merged once per staff member; each day then takes the slice that can touch it.
    busy = {staff_id: merge(rows) for staff_id, rows in busy_rows.items()}
    busy_ends = {staff_id: [i.end for i in rows] for staff_id, rows in busy.items()}
    reach = timedelta(minutes=service.duration_minutes + service.buffer_before_minutes
                      + service.buffer_after_minutes)

    candidates = sorted({staff_id for staff_id, _weekday in weekly}
                        | {e.staff_member_id for e in exceptions
                           if e.kind == "extra_hours" and e.staff_member_id is not None})
    step = timedelta(minutes=business.slot_step_minutes)
    duration = timedelta(minutes=service.duration_minutes)
    before = timedelta(minutes=service.buffer_before_minutes)
    after = timedelta(minutes=service.buffer_after_minutes)
    result = {}
    for offset in range(days):
        day = start_day + timedelta(days=offset)
        day_start, day_end = local_day_bounds(day, tz)
        staff = {}
        for staff_id in candidates:
            working = working_intervals(day=day, tz=tz, staff_member_id=staff_id,
                                        weekly=weekly.get((staff_id, day.weekday()), []),
                                        exceptions=exceptions)
            if working:
                rows = busy.get(staff_id, [])
                first = bisect_right(busy_ends.get(staff_id, []), day_start - reach)
                last = bisect_left(rows, day_end + reach, key=lambda i: i.start)
                staff[staff_id] = (working, rows[first:last])
        slots = free_slots_any_staff(day=day, tz=tz, staff=staff, duration=duration,
                                     buffer_before=before, buffer_after=after, step=step,
                                     not_before=not_before) if staff else []
        result[day] = list(map(Slot._make, slots))
    return result


def busy_times(*, business: Business, staff_ids, start: datetime, end: datetime):
    """(staff_member_id, from, until) of all that holds staff time in [start, end): one query."""
    appointments = (Appointment.objects.for_business(business).holding()
                    .filter(service__isnull=False, staff_member__in=staff_ids)
                    .overlapping(start, end).order_by()
                    .values_list("staff_member_id", "busy_from", "busy_until"))
    sessions = (ClassSession.objects.for_business(business)
                .filter(is_cancelled=False, staff_member__in=staff_ids,
                        starts_at__lt=end, ends_at__gt=start).order_by()
                .values_list("staff_member_id", "starts_at", "ends_at"))
    return appointments.union(sessions, all=True)


def client_appointments(*, business: Business, client: Client) -> QuerySet[Appointment]:
    return (Appointment.objects.for_business(business).filter(client=client)
            .select_related("service", "class_session__class_type", "staff_member")
            .order_by("-starts_at"))


def working_time(*, business: Business, staff_member_id: int, day: date) -> list[Interval]:
    """A staff member's working intervals (UTC) on one local day: two queries."""
    weekly = list(WorkingHours.objects.for_business(business)
                  .filter(staff_member_id=staff_member_id, weekday=day.weekday())
                  .values_list("start_time", "end_time"))
    exceptions = [ExceptionRule(*row) for row in ScheduleException.objects.for_business(business)
                  .filter(date=day)
                  .filter(Q(staff_member__isnull=True) | Q(staff_member_id=staff_member_id))
                  .values_list("staff_member_id", "date", "kind", "start_time", "end_time")]
    return working_intervals(day=day, tz=business.zone, staff_member_id=staff_member_id,
                             weekly=weekly, exceptions=exceptions)


def within_working_hours(*, business: Business, staff_member_id: int, busy_from: datetime,
                         busy_until: datetime) -> bool:
    """The whole of [busy_from, busy_until) falls inside one working interval."""
    tz = business.zone
    first_day = busy_from.astimezone(tz).date()
    last_day = (busy_until - timedelta(microseconds=1)).astimezone(tz).date()
    working = merge(interval for offset in range((last_day - first_day).days + 1)
                    for interval in working_time(business=business,
                                                 staff_member_id=staff_member_id,
                                                 day=first_day + timedelta(days=offset)))
    return any(w.start <= busy_from and busy_until <= w.end for w in working)


def staff_is_free(*, business: Business, staff_member_id: int, busy_from: datetime,
                  busy_until: datetime, ignore_appointment_id: int | None = None) -> bool:
    """Inside one working interval, and clear of every appointment and class session."""
    return within_working_hours(business=business, staff_member_id=staff_member_id,
                                busy_from=busy_from, busy_until=busy_until) and is_clear(
        business=business, staff_member_id=staff_member_id, busy_from=busy_from,
        busy_until=busy_until, ignore_appointment_id=ignore_appointment_id)


def is_clear(*, business: Business, staff_member_id: int, busy_from: datetime,
             busy_until: datetime, ignore_appointment_id: int | None = None) -> bool:
    """No appointment or class session of the staff member overlaps the time."""
    clashes = (Appointment.objects.for_business(business).holding()
               .filter(service__isnull=False, staff_member_id=staff_member_id)
               .overlapping(busy_from, busy_until).exclude(pk=ignore_appointment_id))
    sessions = (ClassSession.objects.for_business(business)
                .filter(is_cancelled=False, staff_member_id=staff_member_id,
                        starts_at__lt=busy_until, ends_at__gt=busy_from))
    return not clashes.exists() and not sessions.exists()


def can_client_cancel(appointment: Appointment, *, now: datetime | None = None) -> bool:
    """Clients cancel online only outside the business's notice period."""
    now = now or timezone.now()
    notice = timedelta(hours=appointment.business.cancellation_notice_hours)
    return appointment.state == AppointmentState.BOOKED and appointment.starts_at - now >= notice


def seats_taken(*, business: Business, class_session: ClassSession) -> int:
    """Seats booked plus seats held by open waitlist offers."""
    booked = (Appointment.objects.for_business(business).holding()
              .filter(class_session=class_session).count())
    held = (WaitlistEntry.objects.for_business(business)
            .filter(class_session=class_session, state=WaitlistEntry.State.OFFERED).count())
    return booked + held
