"""Export files reach the web process wherever the worker runs: both write and read them
through the "exports" storage. Here it is an S3-compatible bucket (moto's S3 server on
loopback), configured from the environment alone; the worker process also has a folder of
its own that the web process never sees, as two containers that share no volume."""

import runpy

import pytest
from django.urls import reverse

from reports import services
from reports.models import ExportJob, ExportState
from tests.factories import ClientFactory
from tests.fixtures.worker import PROJECT_DIR, wait_until
from tests.reports.conftest import body, csv_rows, report_url

moto_server = pytest.importorskip("moto.server")
boto3 = pytest.importorskip("boto3")

BUCKET = "salonbook-exports"
REGION = "us-east-1"
KEY, SECRET = "testing", "testing"


@pytest.fixture
def s3_endpoint():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint):
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION,
                          aws_access_key_id=KEY, aws_secret_access_key=SECRET)
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture
def bucket_env(s3_endpoint):
    return {"REPORTS_EXPORT_S3_BUCKET": BUCKET, "REPORTS_EXPORT_S3_ENDPOINT_URL": s3_endpoint,
            "REPORTS_EXPORT_S3_REGION": REGION, "REPORTS_EXPORT_S3_ACCESS_KEY_ID": KEY,
            "REPORTS_EXPORT_S3_SECRET_ACCESS_KEY": SECRET}


@pytest.fixture
def worker_env(bucket_env, tmp_path):
    return {**bucket_env, "REPORTS_EXPORT_DIR": str(tmp_path / "worker-disk")}


@pytest.fixture
def web_settings(bucket_env, settings, monkeypatch):
    """This process, the web one, configured as config/settings.py reads the environment."""
    for name, value in bucket_env.items():
        monkeypatch.setenv(name, value)
    read = runpy.run_path(str(PROJECT_DIR / "config" / "settings.py"))
    settings.STORAGES = {**settings.STORAGES, "exports": read["STORAGES"]["exports"]}
    return settings


def bucket_keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


@pytest.mark.celery
def test_a_file_written_by_a_worker_downloads_from_the_web_process_through_a_bucket(
        bucket, celery_worker_process, web_settings, manager_browser, business, tmp_path):
    # Given clients too many to stream, and export files kept in a bucket
    web_settings.REPORTS_STREAM_MAX_ROWS = 2
    for n in range(5):
        ClientFactory(business=business, last_name=f"N{n}")

    # When the manager exports and a worker writes the file
    manager_browser.post(report_url(business, "clients", "-export"), {"format": "csv"})
    job = ExportJob.objects.for_business(business).get()
    wait_until(lambda: ExportJob.objects.get(pk=job.pk).state in ("done", "failed"),
               timeout=90, message=celery_worker_process.log())

    # Then the web process downloads it from the bucket, and nothing is on the worker's disk
    job.refresh_from_db()
    assert job.state == ExportState.DONE, celery_worker_process.log()
    download = manager_browser.get(reverse("reports:export-download",
                                           args=[business.slug, job.pk]))
    assert download.status_code == 200
    assert sorted(line[0] for line in csv_rows(body(download))[1:]) == [
        f"N{n}" for n in range(5)]
    assert bucket_keys(bucket) == [f"exports/{job.file_name}"]
    assert not list((tmp_path / "worker-disk").glob("**/*.csv"))

    # And once its time has passed, the cleanup removes it from the bucket
    removed = services.purge_expired_exports(now=job.expires_at)
    assert removed == 1
    assert bucket_keys(bucket) == []
