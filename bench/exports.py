"""Exports of the loyalty points report over 1,000,000 ledger entries, against baselines.

A business with 5,000 clients and 1,000,000 points entries (written once with COPY,
past the ledger service but through its triggers: each row's balance follows the
account's previous one; kept for the next run, since the ledger refuses DELETE).

Each export runs in a child process of its own, so that its peak memory (ru_maxrss)
is the exporting process's alone:
- csv_rows_per_s: the report's CSV export (reports.exporting, server-side cursor);
- csv_baseline_rows_per_s: plain csv.writer over a psycopg server-side cursor on the
  same SELECT, no conversion, no neutralisation;
- xlsx_rows_per_s: the report's .xlsx export (XlsxWriter, constant-memory mode);
- xlsx_baseline_rows_per_s: openpyxl in normal mode (100,000 rows: it holds them all);
- openpyxl_write_only_rows_per_s: the same rows and conversions written by openpyxl's
  write-only mode, and xlsxwriter_vs_openpyxl_write_only, the ratio (the rule: another
  well-kept writer 1.5 times faster than openpyxl write-only is used instead);
- peak_mb_100k, peak_mb_1m: peak memory of the CSV and .xlsx exports at 100,000 and
  1,000,000 rows (the larger of the two formats);
- page_ms: median time of the report's first page (its default filter, the last 30
  days, totals computed) and of a page 500,000 entries deep over all time (totals cached
  by its first page), the larger of the two; page_queries: the queries of each (the
  deep one has one less: the cached totals); page_all_time_ms: the first page over all
  time, its totals summed over 1,000,000 entries.
"""

import csv
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _setup import setup_django

setup_django()

from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client as TestClient  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from booking.models import Client  # noqa: E402
from loyalty.models import PointsAccount, PointsEntry  # noqa: E402
from reports import exporting  # noqa: E402
from reports.definitions import POINTS  # noqa: E402
from reports.exporters import csv_convention, write_csv, write_xlsx  # noqa: E402
from reports.selectors import _cursor  # noqa: E402
from tenancy.models import Business, Role, StaffMembership  # noqa: E402

SLUG = "bench-exports"
CLIENTS, ENTRIES = 5_000, 1_000_000
SIZES = (100_000, 1_000_000)
BASELINE_XLSX_ROWS = 100_000
PAGE_RUNS = 20
HERE = Path(__file__).resolve()
FILTERS = {"date_from": None, "date_to": None, "client": None, "q": "", "kind": "",
           "service": None}


# Data ------------------------------------------------------------------------------------

def make_data() -> Business:
    business = Business.objects.filter(slug=SLUG).first()
    if business and PointsEntry.objects.for_business(business).count() >= ENTRIES:
        return business
    if business is None:
        business = Business.objects.create(name="Bench exports", slug=SLUG,
                                           contact_email="bench@example.com",
                                           language="fr", time_zone="Europe/Paris")
    rng = random.Random(7)
    staff = User.objects.filter(email="bench-exports@example.com").first() or \
        User.objects.create_user(email="bench-exports@example.com", full_name="Inès Moreau")
    StaffMembership.objects.get_or_create(business=business, user=staff,
                                          defaults={"role": Role.OWNER})
    if not Client.objects.for_business(business).exists():
        Client.objects.bulk_create(
            Client(business=business, first_name=rng.choice(["Léa", "Hugo", "Оксана", "Zoé"]),
                   last_name=f"Client {n:05d}", email=f"c{n}@bench.test")
            for n in range(CLIENTS))
    clients = list(Client.objects.for_business(business).values_list("pk", flat=True))
    existing = set(PointsAccount.objects.for_business(business).values_list("client_id",
                                                                            flat=True))
    PointsAccount.objects.bulk_create(PointsAccount(business=business, client_id=pk)
                                      for pk in clients if pk not in existing)
    accounts = dict(PointsAccount.objects.for_business(business)
                    .values_list("client_id", "pk"))
    balances = dict.fromkeys(clients, 0)
    done = PointsEntry.objects.for_business(business).count()
    if done:
        for client_id, balance in PointsAccount.objects.for_business(business) \
                .values_list("client_id", "balance"):
            balances[client_id] = balance
    start = datetime.now(UTC) - timedelta(days=730)
    step = timedelta(days=730) / ENTRIES
    buffer = io.StringIO()
    for n in range(done, ENTRIES):
        client_id = rng.choice(clients)
        balance = balances[client_id]
        roll = rng.random()
        if balance >= 10 and roll < 0.25:
            kind, points = "redeem", -rng.randint(5, 10)
        elif balance >= 2 and roll < 0.3:
            kind, points = "expire", -rng.randint(1, 2)
        elif roll < 0.4:
            kind, points = "adjust", rng.randint(1, 20)
        else:
            kind, points = "earn", rng.randint(1, 12)
        balances[client_id] = balance + points
        created = start + step * n
        description = ("=1+1 injection" if n % 997 == 0
                       else f"{points} points pour Coupe & couleur le {created:%d/%m}")
        buffer.write("\t".join([
            str(business.pk), str(accounts[client_id]), str(client_id), kind, str(points),
            str(balances[client_id]), description,
            "Anniversaire" if kind == "adjust" else "",
            str(staff.pk) if kind == "adjust" else r"\N", created.isoformat()]) + "\n")
        if (n + 1) % 100_000 == 0 or n + 1 == ENTRIES:
            buffer.seek(0)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(
                    "COPY loyalty_pointsentry (business_id, account_id, client_id, kind, "
                    "points, balance_after, description, note, created_by_id, "
                    "created_at) FROM STDIN", buffer)
            buffer = io.StringIO()
            print(f"  {n + 1:,} entries", flush=True)
    for client_id, balance in balances.items():
        PointsAccount.objects.for_business(business).filter(client_id=client_id) \
            .update(balance=balance)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE loyalty_pointsentry")
    return business


# Children: one export each -----------------------------------------------------------------

def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _report_rows(business: Business, rows: int, fmt: str = "xlsx"):
    return exporting.export_rows(POINTS, business, FILTERS, fmt=fmt, limit=rows)


def _baseline_csv(business: Business, rows: int, target) -> int:
    sql, params = POINTS.export_rows(business=business, filters=FILTERS)[:rows].query \
        .sql_with_params()
    connection.ensure_connection()
    with transaction.atomic(), connection.connection.cursor(name="bench_baseline") as cursor:
        cursor.itersize = exporting.CURSOR_CHUNK
        cursor.execute(sql, params)
        text = io.TextIOWrapper(target, encoding="utf-8", newline="")
        writer = csv.writer(text)
        count = 0
        for row in cursor:
            writer.writerow(row)
            count += 1
        text.flush()
        text.detach()
    return count


def _baseline_xlsx(business: Business, rows: int, target) -> int:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    count = 0
    for row in _report_rows(business, rows):
        sheet.append([value.replace(tzinfo=None) if isinstance(value, datetime) else value
                      for value in row])
        count += 1
    workbook.save(target)
    return count


def _openpyxl_write_only(business: Business, rows: int, target) -> int:
    """The same rows and conversions as the export, written by openpyxl's write-only mode."""
    from openpyxl import Workbook

    from reports.exporters import _batch_converter, _xlsx_converters, batches

    columns = POINTS.export_columns(business)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(POINTS.title))
    sheet.append([column.header for column in columns])
    convert = _batch_converter(_xlsx_converters(columns, business.zone))
    count = 0
    for batch in batches(_report_rows(business, rows)):
        for row in convert(batch):
            sheet.append(row)
        count += len(batch)
    workbook.save(target)
    return count


def child(mode: str, rows: int) -> None:
    # In a transaction, as reports.exporting.write_export reads (no WITH HOLD cursor).
    with transaction.atomic():
        _child(mode, rows)


def _child(mode: str, rows: int) -> None:
    business = Business.objects.get(slug=SLUG)
    columns = POINTS.export_columns(business)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export.{mode}"
        started = time.perf_counter()
        with path.open("wb") as target:
            if mode == "csv":
                count = write_csv(target, columns, _report_rows(business, rows, "csv"),
                                  tz=business.zone, convention=csv_convention(business.language))
            elif mode == "xlsx":
                count = write_xlsx(target, columns, _report_rows(business, rows),
                                   tz=business.zone, title=str(POINTS.title))
            elif mode == "csv_baseline":
                count = _baseline_csv(business, rows, target)
            elif mode == "xlsx_baseline":
                count = _baseline_xlsx(business, rows, target)
            else:
                count = _openpyxl_write_only(business, rows, target)
        seconds = time.perf_counter() - started
        size = path.stat().st_size
    print("CHILD " + json.dumps({"rows": count, "seconds": seconds, "peak_mb": _peak_mb(),
                                 "bytes": size}))


def run_child(mode: str, rows: int) -> dict:
    result = subprocess.run([sys.executable, str(HERE), "--child", mode, str(rows)],
                            capture_output=True, text=True, env=os.environ, check=False)
    lines = [line for line in result.stdout.splitlines() if line.startswith("CHILD ")]
    if result.returncode != 0 or not lines:
        raise SystemExit(f"{mode} {rows} failed:\n{result.stdout}\n{result.stderr}")
    measured = json.loads(lines[-1][len("CHILD "):])
    if measured["rows"] != rows:
        raise SystemExit(f"{mode} wrote {measured['rows']} rows, not {rows}")
    measured["rows_per_s"] = rows / measured["seconds"]
    print(f"{mode:14} {rows:>9,} rows: {measured['rows_per_s']:>9,.0f} rows/s, "
          f"peak {measured['peak_mb']:.0f} MB, {measured['bytes'] / 1e6:.0f} MB file", flush=True)
    return measured


# Page ------------------------------------------------------------------------------------

def page_timings(business: Business) -> tuple[float, int, int, float]:
    """(worst median ms of the first and a deep page, queries of each, first page over all
    time ms). First pages are timed cold: their totals are computed, not cached; the deep
    page, 500,000 entries in, finds the totals its first page cached, as when paging."""
    browser = TestClient(HTTP_HOST="localhost")
    browser.force_login(StaffMembership.objects.for_business(business)
                        .select_related("user").first().user)
    url = reverse("reports:points", args=[business.slug])
    middle = PointsEntry.objects.for_business(business).order_by("-created_at", "-pk") \
        .values("created_at", "pk")[ENTRIES // 2]
    all_time = {"date_from": "", "date_to": ""}
    deep = {"after": _cursor(middle, ["created_at", "pk"]), **all_time}

    def median_ms(params, *, cold: bool) -> tuple[float, int]:
        browser.get(url, params)
        timings = []
        for _run in range(PAGE_RUNS):
            if cold:
                cache.clear()
            started = time.perf_counter()
            response = browser.get(url, params)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            browser.get(url, params)
        return statistics.median(timings), len(captured)

    first_ms, first_queries = median_ms({}, cold=True)
    browser.get(url, all_time)
    deep_ms, deep_queries = median_ms(deep, cold=False)
    all_time_ms, _queries = median_ms(all_time, cold=True)
    print(f"page: first (last 30 days) {first_ms:.1f} ms ({first_queries} queries), "
          f"500,000 entries in {deep_ms:.1f} ms ({deep_queries} queries), first page over "
          f"all time {all_time_ms:.1f} ms (totals of 1,000,000 entries computed)")
    return max(first_ms, deep_ms), first_queries, deep_queries, all_time_ms


def main() -> None:
    started = time.perf_counter()
    business = make_data()
    print(f"{ENTRIES:,} entries ready in {time.perf_counter() - started:.0f} s", flush=True)
    small, large = SIZES
    runs = {(mode, rows): run_child(mode, rows)
            for mode, rows in [("csv_baseline", large), ("csv", small), ("csv", large),
                               ("xlsx", small), ("xlsx", large),
                               ("xlsx_baseline", BASELINE_XLSX_ROWS)]}
    write_only = run_child("openpyxl_write_only", small)["rows_per_s"]
    xlsxwriter_speedup = runs["xlsx", small]["rows_per_s"] / write_only
    timezone.activate(business.zone)
    page_ms, first_queries, deep_queries, all_time_ms = page_timings(business)
    figures = {
        "csv_rows_per_s": round(runs["csv", large]["rows_per_s"]),
        "xlsx_rows_per_s": round(runs["xlsx", large]["rows_per_s"]),
        "csv_baseline_rows_per_s": round(runs["csv_baseline", large]["rows_per_s"]),
        "xlsx_baseline_rows_per_s": round(runs["xlsx_baseline", BASELINE_XLSX_ROWS]
                                          ["rows_per_s"]),
        "openpyxl_write_only_rows_per_s": round(write_only),
        "xlsxwriter_vs_openpyxl_write_only": round(xlsxwriter_speedup, 2),
        "peak_mb_100k": round(max(runs["csv", small]["peak_mb"],
                                  runs["xlsx", small]["peak_mb"]), 1),
        "peak_mb_1m": round(max(runs["csv", large]["peak_mb"],
                                runs["xlsx", large]["peak_mb"]), 1),
        "xlsx_baseline_peak_mb_100k": round(runs["xlsx_baseline", BASELINE_XLSX_ROWS]
                                            ["peak_mb"], 1),
        "page_ms": round(page_ms, 1),
        "page_queries": [first_queries, deep_queries],
        "page_all_time_cold_ms": round(all_time_ms, 1),
        "openpyxl_xml_writer": "lxml" if _has_lxml() else "et_xmlfile",
    }
    print("BENCH " + json.dumps({
        "name": "exports", "figures": figures,
        "targets": {"csv_rows_per_s": ">= 100000", "xlsx_rows_per_s": ">= 12000",
                    "peak_mb_100k": "< 200", "peak_mb_1m": "< 200, about peak_mb_100k",
                    "page_ms": "< 150", "page_queries": "constant in the rows"}}))


def _has_lxml() -> bool:
    from openpyxl.xml import LXML

    return bool(LXML)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]))
    else:
        main()
