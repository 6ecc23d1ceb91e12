"""Availability for "any staff" over 30 days: the slot engine against naive baselines.

A business with 20 staff, 40 services and 3,000 appointments in the next 30 days.
Figures:
- median_ms: the whole availability selector, its three queries included;
- speedup_vs_naive: against the issue's baseline, which tests every step of every
  staff member against every appointment (measured once: it takes seconds);
- speedup_vs_per_staff_naive: against a stronger baseline that tests every step
  only against that staff member's own appointments;
- queries: SQL queries of one availability call.
Both baselines fetch the same rows and must find exactly the engine's slots.
"""

import json
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock

from _setup import setup_django

setup_django()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from booking import selectors  # noqa: E402
from booking.availability import ExceptionRule, working_intervals  # noqa: E402
from booking.models import (  # noqa: E402
    Appointment,
    Client,
    Service,
    ServiceStaff,
    StaffMember,
    WorkingHours,
)
from booking.slots import Interval, naive_free_slots  # noqa: E402
from tenancy.models import Business  # noqa: E402

STAFF, SERVICES, DAYS, APPOINTMENTS, RUNS = 20, 40, 30, 3000, 15


def make_business() -> tuple[Business, Service]:
    rng = random.Random(42)
    business = Business.objects.create(
        name="Bench salon", slug=f"bench-{int(time.time() * 1000)}", time_zone="Europe/Paris",
        contact_email="bench@example.com", minimum_notice_minutes=0)
    staff = StaffMember.objects.bulk_create(
        StaffMember(business=business, name=f"Stylist {n}") for n in range(STAFF))
    services = Service.objects.bulk_create(
        Service(business=business, name=f"Service {n}",
                duration_minutes=rng.choice([30, 45, 60, 90]),
                price=40, buffer_after_minutes=rng.choice([0, 0, 10])) for n in range(SERVICES))
    ServiceStaff.objects.bulk_create(
        ServiceStaff(business=business, service=service, staff_member=member)
        for service in services for member in staff)
    WorkingHours.objects.bulk_create(
        WorkingHours(business=business, staff_member=member, weekday=weekday, start_time=start,
                     end_time=end)
        for member in staff for weekday in range(6)
        for start, end in ((clock(9), clock(13)), (clock(14), clock(19))))
    clients = Client.objects.bulk_create(
        Client(business=business, first_name=f"Client {n}") for n in range(300))
    today = timezone.localdate(timezone=business.zone)
    appointments, per_staff_day = [], {}
    while len(appointments) < APPOINTMENTS:
        member = rng.choice(staff)
        day = today + timedelta(days=rng.randrange(DAYS))
        taken = per_staff_day.setdefault((member.pk, day), set())
        hour = rng.choice([9, 10, 11, 14, 15, 16, 17, 18])
        if hour in taken:
            continue
        taken.add(hour)
        start = datetime.combine(day, clock(hour), tzinfo=business.zone).astimezone(UTC)
        appointments.append(Appointment(
            business=business, client=rng.choice(clients), staff_member=member,
            service=services[0], starts_at=start, ends_at=start + timedelta(minutes=45),
            busy_from=start, busy_until=start + timedelta(minutes=50), price=40))
    Appointment.objects.bulk_create(appointments)
    return business, services[1]


def fetch_rows(business: Business):
    weekly = {}
    for staff_id, weekday, start, end in WorkingHours.objects.for_business(business) \
            .values_list("staff_member_id", "weekday", "start_time", "end_time"):
        weekly.setdefault((staff_id, weekday), []).append((start, end))
    appointments = list(Appointment.objects.for_business(business)
                        .values_list("staff_member_id", "busy_from", "busy_until"))
    return weekly, appointments


def every_appointment_naive(business: Business, service: Service) -> int:
    """Every step of every staff member, tested against every appointment of the business."""
    tz = business.zone
    weekly, appointments = fetch_rows(business)
    duration = timedelta(minutes=service.duration_minutes)
    before = timedelta(minutes=service.buffer_before_minutes)
    after = timedelta(minutes=service.buffer_after_minutes)
    step = timedelta(minutes=business.slot_step_minutes)
    found = set()
    start_day = timezone.localdate(timezone=tz)
    for offset in range(DAYS):
        day = start_day + timedelta(days=offset)
        for staff_id in {s for s, _w in weekly}:
            for shift in working_intervals(day=day, tz=tz, staff_member_id=staff_id,
                                           weekly=weekly.get((staff_id, day.weekday()), []),
                                           exceptions=[]):
                start = shift.start + before
                while start + duration + after <= shift.end:
                    padded_from, padded_until = start - before, start + duration + after
                    if not any(owner == staff_id and busy_from < padded_until
                               and padded_from < busy_until
                               for owner, busy_from, busy_until in appointments):
                        found.add(start)
                    start += step
    return len(found)


def naive_any_staff(business: Business, service: Service) -> int:
    """Test every step of every staff member against every one of their own appointments."""
    tz = business.zone
    start_day = timezone.localdate(timezone=tz)
    weekly, appointments = fetch_rows(business)
    busy = {}
    for staff_id, start, end in appointments:
        busy.setdefault(staff_id, []).append(Interval(start, end))
    exceptions: list[ExceptionRule] = []
    found = set()
    for offset in range(DAYS):
        day = start_day + timedelta(days=offset)
        for staff_id in {s for s, _w in weekly}:
            working = working_intervals(day=day, tz=tz, staff_member_id=staff_id,
                                        weekly=weekly.get((staff_id, day.weekday()), []),
                                        exceptions=exceptions)
            if not working:
                continue
            found.update(naive_free_slots(
                day=day, tz=tz, working=working, busy=busy.get(staff_id, []),
                duration=timedelta(minutes=service.duration_minutes),
                buffer_before=timedelta(minutes=service.buffer_before_minutes),
                buffer_after=timedelta(minutes=service.buffer_after_minutes),
                step=timedelta(minutes=business.slot_step_minutes)))
    return len(found)


def engine_any_staff(business: Business, service: Service) -> int:
    days = selectors.availability(business=business, service=service,
                                  start_day=timezone.localdate(timezone=business.zone), days=DAYS)
    return sum(len(slots) for slots in days.values())


def median_ms(function, *args) -> tuple[float, int]:
    timings, result = [], 0
    for _run in range(RUNS):
        started = time.perf_counter()
        result = function(*args)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), result


def main() -> None:
    business, service = make_business()
    try:
        engine_any_staff(business, service)  # warm caches and connections
        with CaptureQueriesContext(connection) as captured:
            engine_any_staff(business, service)
        engine_ms, engine_slots = median_ms(engine_any_staff, business, service)
        per_staff_ms, per_staff_slots = median_ms(naive_any_staff, business, service)
        started = time.perf_counter()
        every_slots = every_appointment_naive(business, service)
        every_ms = (time.perf_counter() - started) * 1000
        if not engine_slots == per_staff_slots == every_slots:
            raise SystemExit(f"engine and baselines disagree: {engine_slots}, "
                             f"{per_staff_slots}, {every_slots}")
        figures = {"median_ms": round(engine_ms, 2),
                   "speedup_vs_naive": round(every_ms / engine_ms, 1),
                   "speedup_vs_per_staff_naive": round(per_staff_ms / engine_ms, 1),
                   "queries": len(captured.captured_queries),
                   "naive_ms": round(every_ms, 1), "per_staff_naive_median_ms":
                   round(per_staff_ms, 2), "slots": engine_slots}
        print(f"{STAFF} staff, {SERVICES} services, {APPOINTMENTS} appointments, {DAYS} days")
        print(f"engine: {engine_ms:.1f} ms median, {figures['queries']} queries; "
              f"every-appointment baseline: {every_ms:.0f} ms ({figures['speedup_vs_naive']}x); "
              f"per-staff baseline: {per_staff_ms:.0f} ms "
              f"({figures['speedup_vs_per_staff_naive']}x)")
        print("BENCH " + json.dumps({
            "name": "slots", "figures": figures,
            "targets": {"median_ms": "< 50", "speedup_vs_naive": ">= 20", "queries": "<= 3"}}))
    finally:
        # Appointments protect their clients, so they go first.
        Appointment.objects.for_business(business).delete()
        business.delete()


if __name__ == "__main__":
    main()
