"""Load on loopback: gunicorn on PostgreSQL and Redis, a locust crowd of clients and desk
staff, and the crediting job sweeping meanwhile. Writes bench/load.md.

A business with 10 services, 10 staff members working every day, 2,000 clients (half
with points) and 5,000 past visits due for crediting. 50 users for 60 s (4 clients
for 1 desk). After the run: no double booking, every balance the sum of its entries.
Figures: availability and balance p50/p95/p99 (ms), requests/s, errors,
double_bookings, ledger_violations.
"""

import csv
import json
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import time as clock
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from _setup import PROJECT_DIR, setup_django

setup_django()

from django.db import connection  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.utils import timezone  # noqa: E402

from booking.models import (  # noqa: E402
    Appointment,
    AppointmentState,
    Client,
    Service,
    ServiceStaff,
    StaffMember,
    WorkingHours,
)
from loyalty.models import PointsAccount, PointsEntry  # noqa: E402
from loyalty.services import credit_queue, crediting, program  # noqa: E402
from tenancy.models import Business, Role, StaffMembership  # noqa: E402
from tenancy.services import issue_api_token  # noqa: E402

USERS, SPAWN_RATE = 50, 10
WORKERS, THREADS = 4, 4
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
SERVICES, STAFF, CLIENTS, PAST_VISITS = 10, 10, 2000, 5000
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/8")
BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/9")


def make_business() -> dict:
    from accounts.models import User
    stamp = int(time.time() * 1000)
    business = Business.objects.create(
        name="Load salon", slug=f"load-{stamp}", contact_email="load@example.com",
        minimum_notice_minutes=0, booking_horizon_days=60, accept_payments_enabled=True,
        client_login_enabled=True, coupons_gift_cards_enabled=True, loyalty_enabled=True)
    program.on_loyalty_switched(business=business, enabled=True,
                                now=timezone.now() - timedelta(days=20))
    program.update_program(business=business, points_per_booking=1)
    services = Service.objects.bulk_create(
        Service(business=business, name=f"Service {n}", duration_minutes=45, price=Decimal(50))
        for n in range(SERVICES))
    staff = StaffMember.objects.bulk_create(StaffMember(business=business, name=f"Stylist {n}")
                                            for n in range(STAFF))
    ServiceStaff.objects.bulk_create(ServiceStaff(business=business, service=s, staff_member=m)
                                     for s in services for m in staff)
    WorkingHours.objects.bulk_create(
        WorkingHours(business=business, staff_member=m, weekday=d, start_time=clock(9),
                     end_time=clock(19)) for m in staff for d in range(7))
    clients = Client.objects.bulk_create(Client(business=business, first_name=f"C{n}")
                                         for n in range(CLIENTS))
    end = timezone.now() - timedelta(hours=4)
    Appointment.objects.bulk_create(
        Appointment(business=business, client=clients[i % CLIENTS], staff_member=staff[i % STAFF],
                    service=services[0], starts_at=end - timedelta(minutes=30 * (i // STAFF) + 30),
                    ends_at=end - timedelta(minutes=30 * (i // STAFF)),
                    busy_from=end - timedelta(minutes=30 * (i // STAFF) + 30),
                    busy_until=end - timedelta(minutes=30 * (i // STAFF)), price=Decimal(50),
                    state=AppointmentState.COMPLETED) for i in range(PAST_VISITS))
    # bulk_create sends no post_save: queue them as the switch to Loyalty on would.
    credit_queue.queue_business(business)
    user = User.objects.create_user(email=f"desk-{stamp}@example.com", password=None)
    membership = StaffMembership.objects.create(business=business, user=user, role=Role.OWNER)
    _token, raw_key = issue_api_token(business=business, membership=membership, name="load")
    return {"business": business.pk, "token": raw_key,
            "services": [s.pk for s in services], "clients": [c.pk for c in clients],
            "first_day": (timezone.localdate(timezone=business.zone) + timedelta(days=1))
            .isoformat()}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def warm_up(port: int, token: str, deadline: float) -> None:
    """Every worker imports Django on its first request: as many requests at once as
    there are threads, until they all answer, so that the crowd measures the app and
    not the workers' start."""
    from concurrent.futures import ThreadPoolExecutor
    from urllib.request import Request, urlopen

    def ask(_n):
        request = Request(f"http://127.0.0.1:{port}/api/v1/business/",
                          headers={"Authorization": f"Token {token}"})
        with urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback
            return answer.status
    with ThreadPoolExecutor(WORKERS * THREADS) as pool:
        while time.monotonic() < deadline:
            try:
                if set(pool.map(ask, range(WORKERS * THREADS * 2))) == {200}:
                    return
            except OSError:
                time.sleep(0.5)
    raise SystemExit("gunicorn did not answer")


def sweep_until(stop: threading.Event, credited: list) -> None:
    """The crediting job, every few seconds, as beat would run it."""
    while not stop.is_set():
        credited.append(crediting.credit_due_appointments())
        stop.wait(5)
    connection.close()


def percentile_rows(stats_csv: Path) -> dict[str, dict]:
    rows = {}
    with stats_csv.open() as handle:
        for row in csv.DictReader(handle):
            rows[row["Name"]] = row
    return rows


def run_locust(setup: dict, *, users: int = USERS, seconds: int = SECONDS,
               spawn_rate: int = SPAWN_RATE, name: str = "load") -> tuple[dict, int]:
    """gunicorn on a free port, the crediting job sweeping, and the locust crowd against
    the business of `setup` (make_business). Returns locust's rows by name and the
    appointments credited meanwhile."""
    port = free_port()
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "load-" + "x" * 50,
           "SITE_URL": f"http://127.0.0.1:{port}",
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "REDIS_URL": REDIS_URL,
           "CELERY_BROKER_URL": BROKER_URL, "DJANGO_SECURE_SSL_REDIRECT": "0",
           "LOAD_SETUP": json.dumps(setup)}
    server = subprocess.Popen(
        # The production configuration (config/gunicorn.py), at the size the figures are for.
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--config", "config/gunicorn.py",
         "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--threads", str(THREADS),
         "--log-level", "warning"], cwd=PROJECT_DIR, env={**env, "GUNICORN_ACCESS_LOG": ""})
    stop, credited = threading.Event(), []
    sweeper = threading.Thread(target=sweep_until, args=(stop, credited))
    prefix = PROJECT_DIR / "var" / name
    try:
        wait_for_port(port, time.monotonic() + 30)
        warm_up(port, setup["token"], time.monotonic() + 60)
        sweeper.start()
        prefix.parent.mkdir(exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(PROJECT_DIR / "bench" / "locustfile.py"),
             "--headless", "-u", str(users), "-r", str(spawn_rate), "-t", f"{seconds}s",
             "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary"],
            cwd=PROJECT_DIR, env=env, check=False, stdout=subprocess.DEVNULL)
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=30)
        if sweeper.is_alive():
            sweeper.join()
    return percentile_rows(prefix.with_name(f"{name}_stats.csv")), sum(credited)


def main() -> None:
    setup = make_business()
    rows, credited = run_locust(setup)
    business = Business.objects.get(pk=setup["business"])
    double_bookings = _double_bookings(business)
    violations = _ledger_violations(business)
    report(rows, double_bookings, violations, credited)


def _double_bookings(business) -> int:
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT count(*) FROM booking_appointment a JOIN booking_appointment b
              ON a.staff_member_id = b.staff_member_id AND a.id < b.id
             AND a.busy_from < b.busy_until AND b.busy_from < a.busy_until
             WHERE a.business_id = %s AND a.state IN ('booked', 'completed')
               AND b.state IN ('booked', 'completed')""", [business.pk])
        return cursor.fetchone()[0]


def _ledger_violations(business) -> int:
    sums = dict(PointsEntry.objects.for_business(business).values_list("account_id")
                .annotate(total=Sum("points")))
    return sum(1 for account in PointsAccount.objects.for_business(business)
               if account.balance != sums.get(account.pk, 0) or account.balance < 0)


def report(rows, double_bookings, violations, credited) -> None:
    aggregated = rows["Aggregated"]
    lines = ["# Load on loopback", "",
             f"`.venv/bin/python bench/load.py`: gunicorn (config/gunicorn.py, {WORKERS} "
             f"workers x {THREADS} threads) on "
             f"PostgreSQL and Redis, {USERS} locust users for {SECONDS} s on this 2-core machine, "
             "the crediting job sweeping every 5 s.", "",
             "| endpoint | requests | failures | req/s | p50 ms | p95 ms | p99 ms |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, row in rows.items():
        lines.append(f"| {name} | {row['Request Count']} | {row['Failure Count']} | "
                     f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | "
                     f"{row['99%']} |")
    lines += ["", f"Appointments credited during the run: {credited}. "
              f"Double bookings after the run: {double_bookings}. "
              f"Ledger invariant violations: {violations}.", ""]
    (PROJECT_DIR / "bench" / "load.md").write_text("\n".join(lines))
    print("\n".join(lines))
    figures = {
        "availability_p95_ms": float(rows["availability"]["95%"]),
        "balance_p95_ms": float(rows["balance"]["95%"]),
        "requests_per_s": round(float(aggregated["Requests/s"]), 1),
        "errors": int(aggregated["Failure Count"]),
        "double_bookings": double_bookings, "ledger_violations": violations}
    targets = {"availability_p95_ms": "< 100", "balance_p95_ms": "< 100", "errors": "== 0",
               "double_bookings": "== 0", "ledger_violations": "== 0"}
    print("BENCH " + json.dumps({"name": "load", "figures": figures, "targets": targets}))


if __name__ == "__main__":
    main()
