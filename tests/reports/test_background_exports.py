"""Large exports run in a real Celery worker: progress in the job's row, a file in the
private "exports" storage, a download link only for the user who asked, removal after its time."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, connections
from django.urls import reverse
from django.utils import timezone

from booking.models import Client
from config.celery import app as celery_app
from reports import exporters, services, tasks
from reports.models import ExportAudit, ExportJob, ExportState
from tenancy.models import Role
from tests.factories import ClientFactory, ExportJobFactory
from tests.fixtures.worker import wait_until
from tests.reports.conftest import body, csv_rows, report_url, xlsx_sheets


def job_url(business, job, download: bool = False) -> str:
    name = "reports:export-download" if download else "reports:export-job"
    return reverse(name, args=[business.slug, job.pk])


@pytest.fixture
def export_dir(tmp_path, settings):
    """Export files in a folder, as `make run` keeps them (a worker process reaches it)."""
    settings.STORAGES = {**settings.STORAGES, "exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tmp_path}}}
    return tmp_path


@pytest.fixture
def worker_env(export_dir):
    # The worker writes where this test reads, and puts at most 3 rows on a sheet.
    return {"REPORTS_EXPORT_DIR": str(export_dir), "REPORTS_XLSX_MAX_ROWS": "3"}


def stored_files(storage) -> list[str]:
    return [f"{folder}/{name}" for folder in storage.listdir("")[0]
            for name in storage.listdir(folder)[1]]


def finished_job(business, *, user, content=b"data", expires_in=timedelta(hours=1)):
    job = ExportJobFactory(business=business, requested_by=user)
    job.file_name = storages["exports"].save(f"{business.pk}/{job.pk}.csv",
                                             ContentFile(content))
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportState.DONE, file_name=job.file_name, download_name="clients.csv",
        rows_done=1, rows_total=1, finished_at=timezone.now(),
        expires_at=timezone.now() + expires_in)
    job.refresh_from_db()
    return job


def many_clients(business, count: int) -> None:
    Client.objects.bulk_create(ClientFactory.build(business=business, last_name=f"N{n:05d}")
                               for n in range(count))


# On the stack the run is given: SQLite and the filesystem broker (`make run`) on a laptop,
# PostgreSQL and Redis in CI.
@pytest.mark.celery
def test_a_large_export_shows_its_progress_then_downloads(celery_worker_process,
                                                          manager_browser, business, settings):
    # Given more clients than a batch (progress is reported after each), too many to stream
    settings.REPORTS_STREAM_MAX_ROWS = 100
    rows = 2 * exporters.BATCH_ROWS + 500
    many_clients(business, rows)

    # When the manager exports to CSV and the page polls the job's progress bar
    manager_browser.post(report_url(business, "clients", "-export"), {"format": "csv"})
    job = ExportJob.objects.for_business(business).get()

    def finished_partial():
        partial = manager_browser.get(job_url(business, job), HTTP_HX_REQUEST="true")
        return None if "hx-trigger" in partial.content.decode() else partial.content.decode()

    partial = wait_until(finished_partial, timeout=90, interval=0.2,
                         message=celery_worker_process.log())

    # Then the bar gives way to the download link, and the file holds every client
    assert job_url(business, job, download=True) in partial, celery_worker_process.log()
    download = manager_browser.get(job_url(business, job, download=True))
    lines = csv_rows(body(download))
    assert len(lines) == rows + 1
    assert sorted(line[0] for line in lines[1:]) == [f"N{n:05d}" for n in range(rows)]


@pytest.mark.celery
def test_a_large_export_is_written_by_a_worker_and_downloaded_from_the_page(
        celery_worker_process, client, business, member_of, export_dir, settings):
    # Given 5 clients and a threshold of 2 rows for streaming
    settings.REPORTS_STREAM_MAX_ROWS = 2
    for n in range(5):
        ClientFactory(business=business, first_name=f"Client {n}", last_name=f"N{n}")
    manager = member_of(business, Role.MANAGER).user
    client.force_login(manager)

    # When the manager exports to Excel
    client.post(report_url(business, "clients", "-export"), {"format": "xlsx"})

    # Then a worker writes it, the job's partial shows the link, and it downloads
    job = ExportJob.objects.for_business(business).get()
    wait_until(lambda: ExportJob.objects.get(pk=job.pk).state in ("done", "failed"),
               timeout=60, message=celery_worker_process.log())
    job.refresh_from_db()
    assert job.state == ExportState.DONE, celery_worker_process.log()
    assert (job.rows_done, job.rows_total) == (5, 5)
    assert job.expires_at > timezone.now() + timedelta(hours=23)
    partial = client.get(job_url(business, job), HTTP_HX_REQUEST="true").content.decode()
    assert job_url(business, job, download=True) in partial
    assert "hx-trigger" not in partial
    download = client.get(job_url(business, job, download=True))
    sheets = xlsx_sheets(b"".join(download.streaming_content))
    assert list(sheets) == ["Clients", "Clients (2)", "Clients (3)"]
    assert [row[0] for rows in sheets.values() for row in rows[1:]] == [
        "N0", "N1", "N2", "N3", "N4"]
    assert download["Content-Disposition"].startswith('attachment; filename="atelier-test-')
    assert job.file_name.startswith(f"{business.pk}/")
    assert (export_dir / job.file_name).is_file()
    entry = ExportAudit.objects.for_business(business).get()
    assert (entry.user, entry.row_count, entry.background, entry.job_id) == (
        manager, 5, True, job.pk)


# Committed, as a worker's rows are: the job's progress is written on a connection of its own.
@pytest.mark.django_db(transaction=True)
def test_the_progress_of_a_running_export_is_seen_from_another_connection(
        business, owner, stored, monkeypatch):
    # Given three batches of clients, and a progress report after each batch
    batch = exporters.BATCH_ROWS
    many_clients(business, 2 * batch + 500)
    job = ExportJobFactory(business=business, requested_by=owner, rows_total=1)
    monkeypatch.setattr(services, "PROGRESS_EVERY", 0)
    page = connections.create_connection(DEFAULT_DB_ALIAS)  # as the polling page reads
    seen = []
    report = services._ProgressWriter.__call__

    def reported_then_read(writer, rows_done):
        report(writer, rows_done)
        with page.cursor() as cursor:
            cursor.execute(f"SELECT rows_done FROM {ExportJob._meta.db_table} "  # noqa: S608
                           "WHERE id = %s", [job.pk])
            seen.append(cursor.fetchone()[0])

    monkeypatch.setattr(services._ProgressWriter, "__call__", reported_then_read)

    # When a worker runs the job
    try:
        services.run_export_job(job_pk=job.pk)
    finally:
        page.close()

    # Then the count moved while the file was being written, and the export is ready
    job.refresh_from_db()
    assert job.state == ExportState.DONE, job.error
    assert seen == [batch, 2 * batch, 2 * batch + 500]
    assert (job.rows_done, job.rows_total) == (2 * batch + 500, 2 * batch + 500)


@pytest.mark.django_db(transaction=True)
def test_running_a_job_twice_writes_it_once(business, owner, stored):
    ClientFactory(business=business)
    job = ExportJobFactory(business=business, requested_by=owner, rows_total=1)

    services.run_export_job(job_pk=job.pk)
    first = ExportJob.objects.get(pk=job.pk)
    again = services.run_export_job(job_pk=job.pk)

    assert first.state == ExportState.DONE
    assert again is None
    assert ExportJob.objects.get(pk=job.pk).file_name == first.file_name
    assert ExportAudit.objects.count() == 1
    assert stored_files(stored) == [first.file_name]


@pytest.mark.django_db
def test_a_job_whose_filter_no_longer_holds_fails_and_leaves_no_file(business, owner,
                                                                     stored):
    job = ExportJobFactory(business=business, requested_by=owner,
                           filters={"date_from": "not a date"})

    services.run_export_job(job_pk=job.pk)

    job.refresh_from_db()
    assert job.state == ExportState.FAILED
    assert stored.listdir("") == ([], [])
    assert not ExportAudit.objects.exists()


@pytest.mark.django_db
def test_a_download_link_cannot_be_fetched_by_another_business_or_a_colleague(
        client, business, other_business, member_of, stored):
    mine = member_of(business, Role.MANAGER).user
    job = finished_job(business, user=mine)
    their_owner = member_of(other_business, Role.OWNER).user
    colleague = member_of(business, Role.OWNER).user
    url = job_url(business, job, download=True)
    their_url = reverse("reports:export-download", args=[other_business.slug, job.pk])

    client.force_login(their_owner)
    outsider, outsider_own_slug = client.get(url), client.get(their_url)
    client.force_login(colleague)
    by_colleague = client.get(url)
    client.force_login(mine)
    by_requester = client.get(url)

    assert outsider.status_code == 404
    assert outsider_own_slug.status_code == 404
    assert by_colleague.status_code == 404
    assert by_requester.status_code == 200
    assert b"".join(by_requester.streaming_content) == b"data"


@pytest.mark.django_db
def test_the_cleanup_removes_expired_files_and_leftovers_and_keeps_the_rest(
        client, business, member_of, stored):
    user = member_of(business, Role.MANAGER).user
    old = finished_job(business, user=user, expires_in=-timedelta(minutes=1))
    fresh = finished_job(business, user=user)
    with time_machine.travel(timezone.now() - timedelta(hours=1)):
        leftover = stored.save(f"{business.pk}/crashed.csv", ContentFile(b"half"))
    being_written = stored.save(f"{business.pk}/running.csv", ContentFile(b"half"))

    removed = services.purge_expired_exports()

    old.refresh_from_db()
    assert removed == 2
    assert old.state == ExportState.EXPIRED
    assert sorted(stored_files(stored)) == sorted([fresh.file_name, being_written])
    assert leftover not in stored_files(stored)
    client.force_login(user)
    assert client.get(job_url(business, old, download=True)).status_code == 404
    assert "no longer available" in client.get(job_url(business, old)).content.decode()


def test_the_cleanup_runs_from_beat():
    entry = celery_app.conf.beat_schedule["purge-expired-exports"]

    assert entry["task"] == tasks.purge_expired_exports_task.name
