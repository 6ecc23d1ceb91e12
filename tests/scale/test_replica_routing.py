"""Where reads go (core/replica.py): reports, their exports and the dashboard read from the
replica; sign-in, the membership check, every write and every read in a write's
transaction stay on the primary. Here the replica is a second alias on the test database
("mirror") with its lag given by the test; tests/scale/test_replica.py runs the same
pages on a real streaming replica."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import replica
from loyalty.models import EntryKind, PointsEntry
from loyalty.services import ledger as ledger_services
from reports import services as report_services
from reports.models import ExportAudit, ExportJob, ExportState
from tests.factories import ClientFactory
from tests.loyalty.conftest import loyalty_on

pytestmark = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, "mirror"])

POINTS_TABLE = PointsEntry._meta.db_table


@pytest.fixture
def business(business):
    return loyalty_on(business)


@pytest.fixture
def fan(business):
    fan = ClientFactory(business=business, first_name="Léa")
    ledger_services.post_entry(business=business, client=fan, kind=EntryKind.ADJUST,
                               points=10, description="welcome")
    return fan


@pytest.fixture
def lag(monkeypatch):
    """lag(seconds): the replica's measured lag, its data as of that long ago."""

    def set_lag(seconds: float | None):
        def measured(alias):
            now = timezone.now()
            return seconds, (None if seconds is None else now - timedelta(seconds=seconds))
        monkeypatch.setattr(replica, "replica_lag", measured)

    set_lag(0)
    return set_lag


@pytest.fixture
def queries(mirror):
    """The SQL each alias ran inside the block: {"default": [...], "mirror": [...]}."""

    class Captured:
        def __enter__(self):
            self.contexts = {alias: CaptureQueriesContext(connections[alias])
                             for alias in (DEFAULT_DB_ALIAS, mirror)}
            for context in self.contexts.values():
                context.__enter__()
            return self

        def __exit__(self, *exc):
            for context in self.contexts.values():
                context.__exit__(*exc)

        def on(self, alias: str, table: str = POINTS_TABLE) -> list[str]:
            return [query["sql"] for query in self.contexts[alias].captured_queries
                    if table in query["sql"]]

    return Captured()


def points_page(browser_for, owner, business):
    return browser_for(owner).get(reverse("reports:points", args=[business.slug]))


def test_without_a_replica_every_read_goes_to_the_primary(business, fan, owner, browser_for,
                                                          settings, queries):
    settings.REPLICA_DATABASE = ""

    with queries, replica.replica_reads() as read:
        page = points_page(browser_for, owner, business)

    assert read == replica.ReplicaRead(DEFAULT_DB_ALIAS)
    assert page.status_code == 200
    assert queries.on(DEFAULT_DB_ALIAS)
    assert not queries.on("mirror")


def test_the_points_report_reads_its_rows_from_the_replica_and_signs_in_on_the_primary(
        business, fan, owner, browser_for, mirror, reads_to, lag, queries):
    reads_to(mirror)

    with queries:
        page = points_page(browser_for, owner, business)

    assert page.status_code == 200
    assert "welcome" in page.content.decode()
    assert queries.on(mirror)
    assert not queries.on(DEFAULT_DB_ALIAS)
    assert queries.on(DEFAULT_DB_ALIAS, "django_session")
    assert queries.on(DEFAULT_DB_ALIAS, "tenancy_staffmembership")
    assert 'id="figures-as-of"' not in page.content.decode()


def test_the_dashboard_reads_from_the_replica_raw_sql_included(business, fan, owner,
                                                               browser_for, mirror, reads_to,
                                                               lag, queries):
    reads_to(mirror)

    with queries:
        page = browser_for(owner).get(reverse("reports:dashboard", args=[business.slug]))

    assert page.status_code == 200
    assert '<span class="stat">10</span>' in page.content.decode()
    # The liability by age is written in SQL (OVER ...): it follows the router too.
    assert any("OVER" in sql for sql in queries.on(mirror))
    assert not queries.on(DEFAULT_DB_ALIAS)


def test_a_write_and_what_its_transaction_reads_stay_on_the_primary(business, fan, mirror,
                                                                   reads_to, lag, queries):
    reads_to(mirror)

    with queries, replica.replica_reads() as read:
        assert read.alias == mirror
        with transaction.atomic():
            entry = ledger_services.post_entry(business=business, client=fan,
                                               kind=EntryKind.ADJUST, points=5,
                                               description="inside")
            assert PointsEntry.objects.filter(pk=entry.pk).exists()
        outside = PointsEntry.objects.filter(pk=entry.pk).exists()

    assert outside
    assert not any("inside" in sql or "INSERT" in sql or "UPDATE" in sql
                   for sql in queries.on(mirror))
    assert any(sql.startswith("INSERT") for sql in queries.on(DEFAULT_DB_ALIAS))
    # the read after the transaction went to the replica
    assert len(queries.on(mirror)) == 1


def test_a_streamed_export_reads_its_rows_from_the_replica_and_logs_on_the_primary(
        business, fan, owner, browser_for, mirror, reads_to, lag, queries):
    reads_to(mirror)
    browser = browser_for(owner)
    asked = browser.post(reverse("reports:points-export", args=[business.slug]),
                         {"format": "csv"})
    link = urlsplit(asked["Location"])

    with queries:
        download = browser.get(link.path, {"t": parse_qs(link.query)["t"][0]})
        body = b"".join(download.streaming_content).decode()

    assert "welcome" in body
    assert queries.on(mirror)
    assert not queries.on(DEFAULT_DB_ALIAS)
    assert queries.on(DEFAULT_DB_ALIAS, ExportAudit._meta.db_table)
    assert not queries.on(mirror, ExportAudit._meta.db_table)
    assert ExportAudit.objects.get().row_count == 1


def test_a_background_export_reads_from_the_replica_and_reports_progress_on_the_primary(
        business, fan, owner, mirror, reads_to, lag, queries):
    reads_to(mirror)
    job = report_services.start_export_job(
        business=business, user=owner, report="points", fmt="csv", filters={},
        filter_summary={}, language="en", rows_total=1)

    with queries:
        report_services.run_export_job(job_pk=job.pk)

    job = ExportJob.objects.get(pk=job.pk)
    assert job.state == ExportState.DONE
    assert job.rows_done == 1
    assert queries.on(mirror)
    assert not queries.on(DEFAULT_DB_ALIAS)
    assert not queries.on(mirror, ExportJob._meta.db_table)


def test_a_lagging_replica_is_read_and_the_page_says_how_old_its_figures_are(
        business, fan, owner, browser_for, mirror, reads_to, lag, queries, settings):
    reads_to(mirror)
    settings.DATABASE_REPLICA_NOTICE_LAG_SECONDS = 30
    lag(120)

    with queries:
        page = points_page(browser_for, owner, business)

    assert queries.on(mirror)
    assert not queries.on(DEFAULT_DB_ALIAS)
    assert 'id="figures-as-of"' in page.content.decode()
    assert "Figures as of" in page.content.decode()


def test_a_replica_further_behind_than_allowed_is_not_read(business, fan, owner, browser_for,
                                                           mirror, reads_to, lag, queries,
                                                           settings):
    reads_to(mirror)
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 300
    lag(301)

    with queries:
        page = points_page(browser_for, owner, business)

    assert queries.on(DEFAULT_DB_ALIAS)
    assert not queries.on(mirror)
    assert 'id="figures-as-of"' not in page.content.decode()


def test_an_unreachable_replica_is_left_alone_for_a_while(business, fan, mirror, reads_to,
                                                        monkeypatch):
    reads_to(mirror)
    tries = []

    def unreachable(alias):
        tries.append(alias)
        raise OperationalError("connection refused")

    monkeypatch.setattr(replica, "replica_lag", unreachable)

    with replica.replica_reads() as first:
        pass
    with replica.replica_reads() as second:
        pass

    assert first.alias == second.alias == DEFAULT_DB_ALIAS
    assert tries == [mirror]  # the second page did not wait for it again
