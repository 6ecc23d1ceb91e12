"""Every write of reports: the export log, background export jobs and their cleanup.

A background export is a row (ExportJob) that a worker claims, fills with progress
as it writes the file, and finishes with the file's name and its expiry. Files live
as "<business id>/<random name>" in the "exports" storage of settings (a folder, or an
S3-compatible bucket), which the worker that writes them and every web process share;
only the download view reads them, after checking the user's business.
"""

import logging
import secrets
import time
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from tempfile import TemporaryFile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.replica import replica_reads
from core.validation import check_same_business, refuse
from reports import exporting
from reports.definitions import REPORTS, get_report
from reports.models import CommissionRate, ExportAudit, ExportFormat, ExportJob, ExportState
from tenancy.models import Business

logger = logging.getLogger(__name__)

# A running job whose progress has not moved for this long was lost with its worker.
STALE_AFTER = timedelta(minutes=15)
PROGRESS_EVERY = 0.5  # seconds


def export_storage() -> Storage:
    return storages["exports"]


def _check(report: str, fmt: str) -> None:
    if report not in REPORTS:
        raise ValidationError({"report": _("No such report.")})
    if fmt not in ExportFormat.values:
        raise ValidationError({"format": _("Choose CSV or Excel.")})


def _audit(*, business: Business, user, report: str, fmt: str, filter_summary: dict,
           row_count: int, job: ExportJob | None = None) -> ExportAudit:
    return ExportAudit.objects.create(
        business=business, user=user, user_email=getattr(user, "email", "") or "",
        report=report, format=fmt, filter_summary=filter_summary, row_count=row_count,
        background=job is not None, job=job)


@transaction.atomic(durable=True)
def record_export(*, business: Business, user, report: str, fmt: str, filter_summary: dict,
                  row_count: int) -> ExportAudit:
    """Log an export that was streamed to the user."""
    _check(report, fmt)
    return _audit(business=business, user=user, report=report, fmt=fmt,
                  filter_summary=filter_summary, row_count=row_count)


def _queue(job_pk: int) -> None:
    from reports.tasks import run_export_job_task  # the task module imports this one

    run_export_job_task.delay(job_pk)


@transaction.atomic(durable=True)
def start_export_job(*, business: Business, user, report: str, fmt: str, filters: dict,
                     filter_summary: dict, language: str, rows_total: int) -> ExportJob:
    """Queue an export for a worker; the task is sent once the job row is committed."""
    _check(report, fmt)
    job = ExportJob.objects.create(
        business=business, requested_by=user, report=report, format=fmt, filters=filters,
        filter_summary=filter_summary, language=language, rows_total=max(rows_total, 0))
    transaction.on_commit(lambda: _queue(job.pk))
    return job


def _claim(job_pk: int) -> ExportJob | None:
    """Take a queued job (or one lost by a dead worker); None if another worker has it."""
    with transaction.atomic():
        stale = timezone.now() - STALE_AFTER
        job = (ExportJob.objects.select_for_update(skip_locked=True, of=("self",))
               .filter(pk=job_pk)
               .filter(Q(state=ExportState.QUEUED)
                       | Q(state=ExportState.RUNNING, updated_at__lt=stale))
               .select_related("business", "requested_by").first())
        if job is None:
            return None
        job.state = ExportState.RUNNING
        job.rows_done = 0
        job.started_at = timezone.now()
        job.save(update_fields=["state", "rows_done", "started_at", "updated_at"])
        return job


class _ProgressWriter:
    """Stores a job's progress, at most every PROGRESS_EVERY seconds, on a connection of
    its own: on PostgreSQL the export reads inside a transaction (see exporting.py), and
    the page polling the job must see the count move before that transaction ends."""

    def __init__(self, job: ExportJob):
        self.job_pk = job.pk
        self.last = 0.0
        self.database = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, rows_done: int) -> None:
        if time.monotonic() - self.last < PROGRESS_EVERY:
            return
        self.last = time.monotonic()
        table = ExportJob._meta.db_table
        with self.database.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET rows_done = %s, updated_at = %s, "  # noqa: S608 - our table
                "rows_total = CASE WHEN rows_total < %s THEN %s ELSE rows_total END "
                "WHERE id = %s", [rows_done, timezone.now(), rows_done, rows_done, self.job_pk])

    def close(self) -> None:
        self.database.close()


def run_export_job(*, job_pk: int) -> ExportJob | None:
    """Write a job's file, reporting progress, then mark it ready and log it.

    Not one transaction: progress must be seen while the file is written. Running a
    job twice does nothing the second time (it is no longer queued).
    """
    job = _claim(job_pk)
    if job is None:
        return None
    business = job.business
    try:
        report = get_report(job.report)
        with translation.override(job.language):
            form = report.filter_form(job.filters, business=business)
            if not form.is_valid():
                raise ValueError(f"stored filters no longer valid: {form.errors.as_json()}")
            progress = _ProgressWriter(job)
            # Written whole before it is stored: an .xlsx is finished only at its end, and
            # the storage may be a bucket that takes a file in one piece.
            with TemporaryFile() as target:
                try:
                    # The rows from the replica, if there is one; progress to the primary.
                    with replica_reads():
                        rows = exporting.write_export(target, report=report, business=business,
                                                      filters=form.cleaned_data,
                                                      fmt=job.format, on_rows=progress)
                finally:
                    progress.close()
                job.file_name = export_storage().save(
                    f"{business.pk}/{secrets.token_urlsafe(24)}.{job.format}", File(target))
            job.download_name = exporting.download_name(report=report, business=business,
                                                        fmt=job.format, when=job.created_at)
    except Exception as failure:
        logger.exception("export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportState.FAILED, error=str(failure)[:300], finished_at=timezone.now())
        return None
    return _finish(job, rows)


@transaction.atomic(durable=True)
def _finish(job: ExportJob, rows: int) -> ExportJob:
    now = timezone.now()
    job.state = ExportState.DONE
    job.rows_done = job.rows_total = rows
    job.finished_at = now
    job.expires_at = now + timedelta(hours=settings.REPORTS_EXPORT_TTL_HOURS)
    job.save(update_fields=["state", "rows_done", "rows_total", "finished_at", "expires_at",
                            "file_name", "download_name", "updated_at"])
    _audit(business=job.business, user=job.requested_by, report=job.report, fmt=job.format,
           filter_summary=job.filter_summary, row_count=rows, job=job)
    return job


def _stored_files(storage: Storage) -> Iterator[str]:
    """Every export file in the storage: "<business id>/<name>"."""
    try:
        folders, _files = storage.listdir("")
    except FileNotFoundError:  # a folder that no export has created yet
        return
    for folder in folders:
        for name in storage.listdir(folder)[1]:
            yield f"{folder}/{name}"


def purge_expired_exports(*, now=None) -> int:
    """Remove the files of exports kept past their time, and files no job owns (left by a
    crash); return how many files were removed."""
    now = now or timezone.now()
    storage = export_storage()
    removed = 0
    expired = ExportJob.objects.filter(state=ExportState.DONE, expires_at__lte=now)
    for job in expired.only("pk", "file_name"):
        if storage.exists(job.file_name):
            storage.delete(job.file_name)
            removed += 1
        ExportJob.objects.filter(pk=job.pk, state=ExportState.DONE).update(
            state=ExportState.EXPIRED, file_name="")
    kept = set(ExportJob.objects.filter(state=ExportState.DONE)
               .values_list("file_name", flat=True))
    in_progress = now - STALE_AFTER
    for name in _stored_files(storage):
        if name not in kept and storage.get_modified_time(name) < in_progress:
            storage.delete(name)
            removed += 1
    return removed


# Commission rates -----------------------------------------------------------------------

@transaction.atomic(durable=True)
def set_commission_rate(*, business: Business, staff_member, rate: Decimal, service=None,
                        product=None) -> CommissionRate:
    """Set a staff member's default rate (no service or product), or their rate for one
    service or product; setting it again changes it."""
    check_same_business(business, staff_member, service, product)
    refuse({
        "rate": (None if isinstance(rate, Decimal) and rate.is_finite() and 0 <= rate <= 100
                 and rate == rate.quantize(Decimal("0.01"))
                 else _("Enter a rate from 0 to 100, with at most two decimals.")),
        "item": (_("Choose a service or a product, not both.")
                 if service is not None and product is not None else None),
    })
    same = CommissionRate.objects.for_business(business).select_for_update().filter(
        staff_member=staff_member, service=service, product=product)
    found = same.first()
    if found is None:
        try:
            # A savepoint: another manager may be saving the same new rate this moment.
            with transaction.atomic():
                return CommissionRate.objects.create(
                    business=business, staff_member=staff_member, service=service,
                    product=product, rate=rate)
        except IntegrityError:
            # Theirs was saved first: this save changes it, as if made just after.
            found = same.first()
        if found is None:
            raise ValidationError(
                {"rate": _("This rate was being changed at the same time. Save it again.")})
    found.rate = rate
    found.save(update_fields=["rate"])
    return found


@transaction.atomic(durable=True)
def remove_commission_rate(*, business: Business, commission_rate: CommissionRate) -> None:
    check_same_business(business, commission_rate)
    commission_rate.delete()
