"""A report's rows written as CSV or .xlsx: the database side of reports/exporters.py.

Rows come from a server-side cursor (`.iterator(chunk_size=...)`), so that the
exporting process holds one chunk at a time whatever the number of rows. On PostgreSQL
the cursor is read inside a transaction: outside one, Django declares it WITH HOLD and
PostgreSQL first copies the whole result aside, which halves the rate (bench/exports.py).
On SQLite it is read outside any: settings open every SQLite transaction with BEGIN
IMMEDIATE, which takes the database's only write lock, and an export holding it would
stop every other write, its own job's progress included (written on another connection),
until its last row. Outside a transaction the SELECT holds no lock that stops a writer
(the database is in WAL mode: settings), and it still reads one snapshot.
"""

from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from typing import IO

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from core.replica import read_alias
from reports.exporters import Progress, csv_chunks, csv_convention, write_csv, write_xlsx
from reports.models import ExportFormat
from reports.registry import Report
from tenancy.models import Business

CURSOR_CHUNK = 5_000
CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download_name(*, report: Report, business: Business, fmt: str,
                  when: datetime | None = None) -> str:
    """"atelier-lumiere-clients-20250503-1430.csv", in the business's local time."""
    local = timezone.localtime(when or timezone.now(), business.zone)
    return f"{business.slug}-{report.name}-{local:%Y%m%d-%H%M}.{fmt}"


def csv_times_from_database() -> bool:
    """On PostgreSQL, CSV date-times are formatted by the database (Report.export_rows)."""
    return connection.vendor == "postgresql"


def _reading() -> AbstractContextManager:
    """Where the export's rows are read: see the module's docstring. The transaction is on
    the database the rows come from (the replica, inside `core.replica.replica_reads()`)."""
    alias = read_alias()
    return (transaction.atomic(using=alias) if connections[alias].vendor == "postgresql"
            else nullcontext())


def export_rows(report: Report, business: Business, filters: dict, *, fmt: str,
                limit: int | None = None) -> Iterator[tuple]:
    """The export's cells, row by row, from a server-side cursor."""
    rows = report.export_rows(business=business, filters=filters,
                              local_time_text=fmt == ExportFormat.CSV
                              and csv_times_from_database())
    if limit is not None:
        rows = rows[:limit]
    return report.export_cells(business)(rows.iterator(chunk_size=CURSOR_CHUNK))


def csv_stream(*, report: Report, business: Business, filters: dict,
               on_rows: Progress | None = None) -> Iterator[bytes]:
    """The CSV export as chunks, for a streamed response. Headers in the active language
    (taken now, not when the chunks are read)."""
    columns = report.export_columns(business)

    def chunks() -> Iterator[bytes]:
        with _reading():
            yield from csv_chunks(columns, export_rows(report, business, filters,
                                                       fmt=ExportFormat.CSV),
                                  tz=business.zone,
                                  convention=csv_convention(business.language),
                                  on_rows=on_rows)

    return chunks()


def write_export(target: IO[bytes], *, report: Report, business: Business, filters: dict,
                 fmt: str, on_rows: Progress | None = None) -> int:
    """Write the export to a binary file; return its number of rows."""
    columns = report.export_columns(business)
    with _reading():
        rows = export_rows(report, business, filters, fmt=fmt)
        if fmt == ExportFormat.CSV:
            return write_csv(target, columns, rows, tz=business.zone,
                             convention=csv_convention(business.language), on_rows=on_rows)
        if fmt == ExportFormat.XLSX:
            return write_xlsx(target, columns, rows, tz=business.zone, title=str(report.title),
                              max_rows=settings.REPORTS_XLSX_MAX_ROWS, on_rows=on_rows)
    raise ValueError(f"unknown export format {fmt!r}")
