"""Cost that stays flat as history grows: the load test on a large tenant set against the
same test on a fresh database, the idle sweeps, and the capacity of this machine.

1. Builds (or reuses) salonbook_scale_big: 1,000 businesses with Loyalty on, 500,000
   clients, 2,000,000 appointments over the last two years and 10,000,000 points
   entries (500 clients, 2,000 visits and 10,000 entries a business), the large tables
   written with COPY. A second run finds the data and skips the build.
2. Drops and creates salonbook_scale_small, and runs bench/load.py's scenario (its
   business, locustfile and gunicorn configuration) on each database, then times the
   idle crediting and expiry sweeps, and the points report and the dashboard of one
   business (on the large database, one with two years of history).
3. Capacity at scale: the load mix with more and more users, until p95 passes 200 ms
   or a request fails; capacity_rps is the highest request rate that kept both.

Each measurement runs in its own process (`scale.py measure`) with DATABASE_URL set to
one of the two databases. Ends with one `BENCH {json}` line.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
SERVER = "postgres://postgres@127.0.0.1:5432/"
BIG_URL = os.environ.get("SCALE_BIG_URL", SERVER + "salonbook_scale_big")
SMALL_URL = os.environ.get("SCALE_SMALL_URL", SERVER + "salonbook_scale_small")

BUSINESSES = int(os.environ.get("SCALE_BUSINESSES", "1000"))
CLIENTS_EACH, VISITS_EACH, ENTRIES_EACH = 500, 2000, 10_000
STAFF_EACH = SERVICES_EACH = 5
HISTORY = timedelta(days=730)
SECONDS = int(os.environ.get("SCALE_SECONDS", "60"))
CAPACITY_SECONDS = int(os.environ.get("SCALE_CAPACITY_SECONDS", "40"))
CAPACITY_USERS = (10, 25, 50, 100, 150, 200, 300, 400)
P95_LIMIT_MS = 200
ENDPOINTS = ("availability", "balance", "book", "checkout: start", "checkout: add line",
             "checkout: pay")


# --- the build -------------------------------------------------------------------------

def build() -> float:
    """Fill the large database once; returns the seconds the build took (0: reused)."""
    os.environ["DATABASE_URL"] = BIG_URL
    from _setup import setup_django
    setup_django()
    from tenancy.models import Business
    if Business.objects.filter(slug__startswith="scale-").count() == BUSINESSES:
        return 0.0
    began = time.monotonic()
    _fill()
    return time.monotonic() - began


def _fill() -> None:
    from decimal import Decimal

    from django.db import connection, transaction

    from booking.models import Service, StaffMember
    from loyalty.models import Program, ProgramPeriod
    from tenancy.models import Business

    now = datetime.now(UTC).replace(microsecond=0)
    start = now - HISTORY
    with transaction.atomic():
        businesses = Business.objects.bulk_create(
            Business(name=f"Scale salon {n}", slug=f"scale-{n}", contact_email="s@example.com",
                     loyalty_enabled=True, accept_payments_enabled=True,
                     client_login_enabled=True, coupons_gift_cards_enabled=True)
            for n in range(BUSINESSES))
        Program.objects.bulk_create(Program(business=b, expiry_months=12, points_per_booking=1)
                                    for b in businesses)
        ProgramPeriod.objects.bulk_create(ProgramPeriod(business=b, started_at=start)
                                          for b in businesses)
        services = Service.objects.bulk_create(
            Service(business=b, name=f"Service {n}", duration_minutes=60, price=Decimal(50))
            for b in businesses for n in range(SERVICES_EACH))
        staff = StaffMember.objects.bulk_create(StaffMember(business=b, name=f"Stylist {n}")
                                                for b in businesses for n in range(STAFF_EACH))
        raw = connection.connection
        with raw.cursor() as cursor:
            # The ledger's triggers check each entry against the one before it: the rows
            # below are written consistent, and checked once after (ledger_violations).
            cursor.execute("SET LOCAL session_replication_role = replica")
            tables = ("booking_client", "booking_appointment", "loyalty_pointsaccount",
                      "loyalty_pointsentry")
            indexes = _drop_plain_indexes(cursor, tables)
            ids = {table: _next_id(cursor, table) for table in tables}
            _copy_rows(cursor, businesses, services, staff, ids, now=now, start=start)
            for definition in indexes:
                cursor.execute(definition)
            for table in tables:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT max(id) FROM {table}))")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _drop_plain_indexes(cursor, tables) -> list[str]:
    """Indexes not behind a constraint are built once after the COPY, not row by row."""
    cursor.execute("""
        SELECT i.indexname, i.indexdef FROM pg_indexes i
         WHERE i.tablename = ANY(%s) AND NOT EXISTS (
               SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
                   [list(tables)])
    rows = cursor.fetchall()
    for name, _definition in rows:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


def _next_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
    return cursor.fetchone()[0]


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S+00")


def _copy(cursor, table: str, columns: str, lines) -> None:
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        chunk = []
        for line in lines:
            chunk.append(line)
            if len(chunk) >= 20_000:
                copy.write("".join(chunk))
                chunk.clear()
        copy.write("".join(chunk))


def _copy_rows(cursor, businesses, services, staff, ids, *, now, start) -> None:
    client_id, visit_id = ids["booking_client"], ids["booking_appointment"]
    account_id, entry_id = ids["loyalty_pointsaccount"], ids["loyalty_pointsentry"]
    created = _stamp(start)
    _copy(cursor, "booking_client",
          "id, first_name, last_name, email, phone, notes, marketing_opt_in, created_at, "
          "business_id",
          (f"{client_id + b * CLIENTS_EACH + c}\tClient\t{c}\tc{c}@example.com\t\t\tf\t"
           f"{created}\t{business.pk}\n"
           for b, business in enumerate(businesses) for c in range(CLIENTS_EACH)))
    # Visits one after the other through the two years (no two overlap), all attended.
    step = HISTORY / VISITS_EACH
    slots = [(_stamp(start + step * v), _stamp(start + step * v + timedelta(hours=1)))
             for v in range(VISITS_EACH)]
    _copy(cursor, "booking_appointment",
          "id, starts_at, ends_at, busy_from, busy_until, price, state, notes, created_at, "
          "business_id, client_id, service_id, staff_member_id, code_earns_points, discount, "
          "discount_code, used_reward",
          (f"{visit_id + b * VISITS_EACH + v}\t{begin}\t{end}\t{begin}\t{end}\t50\tcompleted\t"
           f"\t{begin}\t{business.pk}\t{client_id + b * CLIENTS_EACH + v % CLIENTS_EACH}\t"
           f"{services[b * SERVICES_EACH + v % SERVICES_EACH].pk}\t"
           f"{staff[b * STAFF_EACH + v % STAFF_EACH].pk}\tt\t0\t\tf\n"
           for b, business in enumerate(businesses) for v, (begin, end) in enumerate(slots)))
    accounts: list[str] = []
    _copy(cursor, "loyalty_pointsentry",
          "id, kind, points, balance_after, description, note, created_at, expires_at, "
          "account_id, business_id, client_id, appointment_id",
          _entries(businesses, client_id, visit_id, account_id, entry_id, accounts, now=now,
                   start=start))
    _copy(cursor, "loyalty_pointsaccount",
          "id, balance, updated_at, business_id, client_id, expiry_checked_at, "
          "next_expiry_at, next_warning_at", accounts)


def _entries(businesses, client_id, visit_id, account_id, entry_id, accounts, *, now, start):
    """Each client's entries through the two years, as COPY lines: earnings (the first
    2,000 of a business name its visits) and a redemption every fifth entry, balances
    following; points expire a year after they are earned. Appends each account's line
    with its balance and its due times as the ledger keeps them (checked up to now)."""
    per_client = ENTRIES_EACH // CLIENTS_EACH
    gap = HISTORY / per_client
    moments = [start + gap * k for k in range(per_client)]
    stamps = [_stamp(moment) for moment in moments]
    expiries = [moment + timedelta(days=365) for moment in moments]
    expiry_stamps = [_stamp(moment) for moment in expiries]
    updated = _stamp(now)
    for b, business in enumerate(businesses):
        for c in range(CLIENTS_EACH):
            client = client_id + b * CLIENTS_EACH + c
            account = account_id + b * CLIENTS_EACH + c
            balance, next_expiry = 0, None
            for k in range(per_client):
                n = c * per_client + k
                if k % 5 == 4 and balance > 0:
                    points = -min(balance, 5)
                    kind, expires, visit = "redeem", "\\N", "\\N"
                else:
                    points = 1 + n % 7
                    kind, expires = "earn", expiry_stamps[k]
                    # A client's first earnings are for their visits (v % 500 == c).
                    visit = (visit_id + b * VISITS_EACH + c + CLIENTS_EACH * k
                             if k < VISITS_EACH // CLIENTS_EACH else "\\N")
                    if next_expiry is None and expiries[k] > now:
                        next_expiry = expiries[k]
                balance += points
                yield (f"{entry_id}\t{kind}\t{points}\t{balance}\tvisit\t\t{stamps[k]}\t"
                       f"{expires}\t{account}\t{business.pk}\t{client}\t{visit}\n")
                entry_id += 1
            due = (f"{_stamp(next_expiry)}\t{_stamp(next_expiry - timedelta(days=14))}"
                   if next_expiry else "\\N\t\\N")
            accounts.append(f"{account}\t{balance}\t{updated}\t{business.pk}\t{client}\t"
                            f"{updated}\t{due}\n")


# --- one measurement, in its own process ------------------------------------------------

def measure(users: int, seconds: int, *, sweeps: bool) -> dict:
    """bench/load.py's scenario on DATABASE_URL; with `sweeps`, the idle sweeps and the
    reports too."""
    import load
    from django.db import connection

    from tenancy.models import Business
    setup = load.make_business()
    rows, _credited = load.run_locust(setup, users=users, seconds=seconds,
                                      name=f"scale-{users}")
    aggregated = rows["Aggregated"]
    result = {"p95": {name: float(rows[name]["95%"]) for name in ENDPOINTS if name in rows},
              "p95_all": float(aggregated["95%"]), "rps": float(aggregated["Requests/s"]),
              "errors": int(aggregated["Failure Count"])}
    if sweeps:
        business = Business.objects.get(pk=setup["business"])
        result["ledger_violations"] = load._ledger_violations(business)
        result.update(_idle_sweeps())
        # The business with the longest history: one of the built ones where there are.
        historic = (Business.objects.filter(slug="scale-0").first() or business)
        result.update(_pages(historic))
    connection.close()
    return result


def _timed(call, runs: int = 7) -> float:
    times = []
    for _run in range(runs):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return round(statistics.median(times), 2)


def _idle_sweeps() -> dict:
    from loyalty.services import crediting, expiry
    # A first run does whatever came due since the data was made; then they are idle.
    crediting.credit_due_appointments()
    expiry.expire_points()
    expiry.warn_expiring_points()
    return {"idle_credit_sweep_ms": _timed(crediting.credit_due_appointments),
            "idle_expiry_sweep_ms": _timed(expiry.expire_points),
            "idle_warning_sweep_ms": _timed(expiry.warn_expiring_points)}


def _pages(business) -> dict:
    from django.test import Client

    from accounts.models import User
    from tenancy.models import Role, StaffMembership
    owner = User.objects.create_user(email=f"owner-{time.time_ns()}@example.com", password=None)
    StaffMembership.objects.create(business=business, user=owner, role=Role.OWNER)
    browser = Client(SERVER_NAME="localhost")
    browser.force_login(owner)
    figures = {}
    for name, url in (("points_report_ms", f"/manage/{business.slug}/reports/points/"),
                      ("dashboard_ms", f"/manage/{business.slug}/reports/loyalty/")):
        answer = browser.get(url)
        if answer.status_code != 200:
            raise SystemExit(f"{url} answered {answer.status_code}")
        figures[name] = _timed(lambda url=url: browser.get(url), runs=5)
    return figures


def _run_measure(url: str, users: int, seconds: int, *, sweeps: bool) -> dict:
    env = {**os.environ, "DATABASE_URL": url}
    args = [sys.executable, str(BENCH_DIR / "scale.py"), "measure", str(users), str(seconds)]
    if sweeps:
        args.append("sweeps")
    out = subprocess.run(args, env=env, check=True, capture_output=True, text=True).stdout
    [line] = [line for line in out.splitlines() if line.startswith("MEASURE ")]
    return json.loads(line.removeprefix("MEASURE "))


def _fresh_small() -> None:
    import psycopg
    name = SMALL_URL.rsplit("/", 1)[1]
    with psycopg.connect(SERVER + "postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    build_s = _run_build()
    _fresh_small()
    small = _run_measure(SMALL_URL, 50, SECONDS, sweeps=True)
    big = _run_measure(BIG_URL, 50, SECONDS, sweeps=True)
    capacity, steps = 0.0, []
    for users in CAPACITY_USERS:
        step = _run_measure(BIG_URL, users, CAPACITY_SECONDS, sweeps=False)
        steps.append({"users": users, "rps": round(step["rps"], 1),
                      "p95_ms": step["p95_all"], "errors": step["errors"]})
        print(f"capacity step: {steps[-1]}", flush=True)
        if step["errors"] or step["p95_all"] >= P95_LIMIT_MS:
            break
        capacity = max(capacity, step["rps"])
    ratios = {name: round(big["p95"][name] / small["p95"][name], 2)
              for name in big["p95"] if small["p95"].get(name)}
    figures = {
        "build_s": round(build_s, 1),
        "p95_ratio_max": max(ratios.values()),
        "idle_sweep_ms": max(big["idle_credit_sweep_ms"], big["idle_expiry_sweep_ms"],
                             big["idle_warning_sweep_ms"]),
        "idle_credit_sweep_ms": big["idle_credit_sweep_ms"],
        "idle_expiry_sweep_ms": big["idle_expiry_sweep_ms"],
        "idle_warning_sweep_ms": big["idle_warning_sweep_ms"],
        "errors": small["errors"] + big["errors"],
        "ledger_violations": small["ledger_violations"] + big["ledger_violations"],
        **{f"p95_ms_{name.replace(': ', '_').replace(' ', '_')}_small": value
           for name, value in small["p95"].items()},
        **{f"p95_ms_{name.replace(': ', '_').replace(' ', '_')}_big": value
           for name, value in big["p95"].items()},
        "points_report_ms_small": small["points_report_ms"],
        "points_report_ms_big": big["points_report_ms"],
        "dashboard_ms_small": small["dashboard_ms"], "dashboard_ms_big": big["dashboard_ms"],
        "capacity_rps": round(capacity, 1), "capacity_steps": steps}
    targets = {"p95_ratio_max": "<= 1.5", "idle_sweep_ms": "< 50", "errors": "== 0",
               "ledger_violations": "== 0"}
    print("BENCH " + json.dumps({"name": "scale", "figures": figures, "targets": targets}))


def _run_build() -> float:
    out = subprocess.run([sys.executable, str(BENCH_DIR / "scale.py"), "build"], check=True,
                         capture_output=True, text=True).stdout
    [line] = [line for line in out.splitlines() if line.startswith("BUILD ")]
    seconds = float(line.removeprefix("BUILD "))
    print(f"large database: {'reused' if not seconds else f'built in {seconds:.0f} s'}",
          flush=True)
    return seconds


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH_DIR))
    if sys.argv[1:2] == ["build"]:
        print(f"BUILD {build():.1f}")
    elif sys.argv[1:2] == ["measure"]:
        from _setup import setup_django
        setup_django()
        print("MEASURE " + json.dumps(measure(int(sys.argv[2]), int(sys.argv[3]),
                                              sweeps=sys.argv[4:5] == ["sweeps"])))
    else:
        main()
