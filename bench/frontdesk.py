"""The front desk's three pages on PostgreSQL (issue 18), each at two sizes.

- calendar_week_ms: the calendar's week of events as JSON (what the week view fetches),
  20 staff members and 500 appointments in the week, with breaks, time off and classes;
  at the small size 100 appointments. Median of the whole response, signed in as the owner.
- register_ms: the register page over an open draft, built by bench/register.py's own
  code (40 lines, 2,000 services, 5,000 products, the client's gift cards and codes; at
  the small size 3 lines and 20 of each), kept between runs.
- dashboard_ms: the dashboard's month with 100,000 appointments and 1,000,000 points
  entries, built and measured by bench/dashboard.py's own code (its rows are kept
  between runs, so only the first run pays for them); at the small size 10,000 and
  100,000. `--without-dashboard` leaves it out for a quick run.
- calendar_week_cpu_ms, register_cpu_ms: the same medians in CPU time of this process.
- queries: each page's query count at the large size; `queries_small` the same at the
  small size. Equal counts mean the count does not grow with the rows.
"""

import argparse
import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from _setup import setup_django

setup_django()

from django.db import connection  # noqa: E402
from django.test import Client as TestClient  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from booking.models import (  # noqa: E402
    Appointment,
    ClassSession,
    ClassType,
    Client,
    ScheduleException,
    Service,
    StaffMember,
    WorkingHours,
)
from checkout.models import Invoice  # noqa: E402
from tenancy.models import Business, Role, StaffMembership  # noqa: E402

STAFF, RUNS = 20, 20
SIZES = {"small": {"appointments": 100}, "large": {"appointments": 500}}


def _business(size: str, owner: User) -> Business:
    slug = f"bench-frontdesk-{size}"
    left = Business.objects.filter(slug=slug).first()
    if left is not None:  # a run stopped half way
        _drop(left)
    business = Business.objects.create(
        name=f"Bench front desk {size}", slug=slug, contact_email="bench@example.com",
        language="fr", time_zone="Europe/Paris", currency="EUR")
    StaffMembership.objects.create(business=business, user=owner, role=Role.OWNER)
    return business


def _drop(business: Business) -> None:
    # Appointments and invoices protect what they name, so they go first.
    Invoice.objects.for_business(business).delete()
    Appointment.objects.for_business(business).delete()
    ClassSession.objects.for_business(business).delete()
    business.delete()


def _week(business: Business, appointments: int, rng: random.Random) -> datetime:
    """20 staff members working Monday to Saturday with a lunch break, `appointments` in
    next week, a day off for two of them and a class each day; the week's Monday."""
    staff = StaffMember.objects.bulk_create(
        StaffMember(business=business, name=f"Stylist {n:02d}", position=n)
        for n in range(STAFF))
    service = Service.objects.create(business=business, name="Coupe", duration_minutes=30,
                                     price=Decimal(35))
    clients = Client.objects.bulk_create(
        Client(business=business, first_name=rng.choice(["Léa", "Hugo", "Оксана"]),
               last_name=f"Client {n:04d}") for n in range(400))
    WorkingHours.objects.bulk_create(
        WorkingHours(business=business, staff_member=member, weekday=day, start_time=start,
                     end_time=end)
        for member in staff for day in range(6)
        for start, end in ((clock(9), clock(13)), (clock(14), clock(19))))
    today = timezone.localdate(timezone=business.zone)
    monday = today + timedelta(days=7 - today.weekday())
    ScheduleException.objects.bulk_create(
        ScheduleException(business=business, staff_member=member, date=monday,
                          kind=ScheduleException.Kind.TIME_OFF, note="Congé")
        for member in staff[:2])
    yoga = ClassType.objects.create(business=business, name="Yoga", capacity=8,
                                    duration_minutes=60, price=Decimal(15))
    ClassSession.objects.bulk_create(
        ClassSession(business=business, class_type=yoga, staff_member=staff[-1],
                     starts_at=datetime.combine(monday + timedelta(days=day), clock(18),
                                                tzinfo=business.zone),
                     ends_at=datetime.combine(monday + timedelta(days=day), clock(19),
                                              tzinfo=business.zone), capacity=8)
        for day in range(6))
    # Half-hour slots of the week, each staff member's own: no two overlap.
    slots = [(member, monday + timedelta(days=day), clock(hour, minute))
             for member in staff[:-1] for day in range(6)
             for hour in (9, 10, 11, 12, 14, 15, 16, 17) for minute in (0, 30)]
    rows = []
    for member, day, start_clock in rng.sample(slots, appointments):
        start = datetime.combine(day, start_clock, tzinfo=business.zone).astimezone(UTC)
        rows.append(Appointment(
            business=business, client=rng.choice(clients), staff_member=member,
            service=service, starts_at=start, ends_at=start + timedelta(minutes=30),
            busy_from=start, busy_until=start + timedelta(minutes=30), price=service.price,
            used_reward=rng.random() < .05, state=rng.choice(["booked"] * 8 + ["completed"])))
    Appointment.objects.bulk_create(rows)
    return datetime.combine(monday, clock(0))


def _median(browser: TestClient, url: str, params: dict | None = None
            ) -> tuple[float, int, float]:
    """Median wall time, queries, and median CPU time of this process (which a machine
    busy with other work inflates less than the wall clock)."""
    browser.get(url, params)  # the first visit notes the business in the session
    timings, cpu = [], []
    for _run in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            began, began_cpu = time.perf_counter(), time.process_time()
            response = browser.get(url, params)
            timings.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings), len(captured.captured_queries), statistics.median(cpu)


def _register() -> dict[str, tuple[float, int, float]]:
    import register as bench_register  # bench/register.py: its rows

    results = {}
    for size, spec in bench_register.SIZES.items():
        invoice = bench_register.make(size, spec)
        browser = TestClient(HTTP_HOST="localhost")
        browser.force_login(User.objects.get(email=bench_register.USER))
        results[size] = _median(browser, reverse("checkout:draft",
                                                 args=[invoice.business.slug, invoice.pk]))
        print(f"{size}: register of {spec['lines']} lines {results[size][0]:.1f} ms "
              f"({results[size][1]} queries)", flush=True)
    # Issuing the cards queued emails to made-up clients: no worker runs here.
    bench_register.celery_app.control.purge()
    return results


def _dashboard(owner: User) -> dict[str, tuple[float, int]]:
    import dashboard as bench_dashboard  # bench/dashboard.py: its rows and its measure

    results = {}
    for size, (appointments, entries) in bench_dashboard.SIZES.items():
        rng = random.Random(18)
        business = bench_dashboard._business(size, owner)
        bench_dashboard._appointments(business, appointments, rng)
        bench_dashboard._points(business, entries, rng)
        with connection.cursor() as cursor:
            for table in ("booking_appointment", "checkout_invoice", "checkout_invoiceline",
                          "checkout_payment", "loyalty_pointsentry"):
                cursor.execute(f"ANALYZE {table}")
        results[size] = bench_dashboard.measure(business, owner)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--without-dashboard", action="store_true",
                        help="leave out the dashboard (its first run builds 1,000,000 rows)")
    quick = parser.parse_args().without_dashboard
    owner = User.objects.filter(email="bench-dashboard@example.com").first() or \
        User.objects.create_user(email="bench-dashboard@example.com", full_name="Camille")
    calendar = {}
    for size, rows in SIZES.items():
        business = _business(size, owner)
        monday = _week(business, rows["appointments"], random.Random(18))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE booking_appointment")
        browser = TestClient(HTTP_HOST="localhost")
        browser.force_login(owner)
        calendar[size] = _median(
            browser, reverse("booking:calendar-events", args=[business.slug]),
            {"start": monday.isoformat(), "end": (monday + timedelta(days=7)).isoformat()})
        print(f"{size}: calendar week of {rows['appointments']} appointments "
              f"{calendar[size][0]:.1f} ms ({calendar[size][1]} queries)", flush=True)
        _drop(business)
    register = _register()
    dashboard = None if quick else _dashboard(owner)
    figures = {
        "calendar_week_ms": round(calendar["large"][0], 1),
        "register_ms": round(register["large"][0], 1),
        "dashboard_ms": round(dashboard["large"][0], 1) if dashboard else None,
        "calendar_week_cpu_ms": round(calendar["large"][2], 1),
        "register_cpu_ms": round(register["large"][2], 1),
        "queries": {"calendar_week": calendar["large"][1], "register": register["large"][1],
                    "dashboard": dashboard["large"][1] if dashboard else None},
        "queries_small": {"calendar_week": calendar["small"][1],
                          "register": register["small"][1],
                          "dashboard": dashboard["small"][1] if dashboard else None},
    }
    targets = {"calendar_week_ms": "< 100", "register_ms": "< 100", "dashboard_ms": "< 150",
               "queries": "== queries_small"}
    for name, value in figures.items():
        print(f"{name:>18}: {value}")
    print("BENCH " + json.dumps({"name": "frontdesk", "figures": figures, "targets": targets}))
    if figures["queries"] != figures["queries_small"]:
        sys.exit("query counts grow with the rows")


if __name__ == "__main__":
    main()
