"""Reports on a real streaming replica (tests/scale/standby.py): the dashboard's queries go
to the replica; a write made while a page reads there goes to the primary; and while the
replica lags, the page shows its older figures and says how old they are, or reads the
primary once the lag passes DATABASE_REPLICA_MAX_LAG_SECONDS.

The data is committed on the primary (transactional tests) and reaches the replica by
streaming replication, as in production.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import dates
from loyalty.models import EntryKind, PointsAccount
from loyalty.services import ledger as ledger_services
from reports.models import ExportAudit
from tests.factories import ClientFactory
from tests.loyalty.conftest import loyalty_on

pytestmark = [pytest.mark.postgres,
              pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, "replica"])]

ACCOUNTS = PointsAccount._meta.db_table


@pytest.fixture
def replica(streaming_replica, reads_to):
    reads_to(streaming_replica.alias)
    yield streaming_replica
    streaming_replica.resume_replay()


@pytest.fixture
def business(business):
    return loyalty_on(business)


@pytest.fixture
def fan(business):
    fan = ClientFactory(business=business)
    add_points(business, fan, 10)
    return fan


def add_points(business, client, points):
    ledger_services.post_entry(business=business, client=client, kind=EntryKind.ADJUST,
                               points=points, description="points")


def dashboard(browser, business, alias: str):
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary, \
            CaptureQueriesContext(connections[alias]) as replica:
        page = browser.get(reverse("reports:dashboard", args=[business.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    read_on = {name for name, captured in [("primary", primary), ("replica", replica)]
               if any(ACCOUNTS in query["sql"] for query in captured.captured_queries)}
    return html, read_on


def total_shown(html: str) -> int:
    """The dashboard's outstanding points ("In total")."""
    before, _in_total, _after = html.partition("</span> In total")
    return int(before.rsplit('<span class="stat">', 1)[1])


def test_the_dashboard_reads_from_the_streaming_replica(replica, business, fan, owner,
                                                        browser_for):
    # Given points committed on the primary and streamed to the replica
    replica.catch_up()

    # When the owner opens the dashboard
    html, read_on = dashboard(browser_for(owner), business, replica.alias)

    # Then its figures were read on the replica, a server in recovery
    assert read_on == {"replica"}
    assert total_shown(html) == 10
    with connections[replica.alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (True,)


def test_an_export_read_on_the_replica_is_logged_on_the_primary(replica, business, fan, owner,
                                                                browser_for):
    # Given an export link of the points report, with the replica caught up
    browser = browser_for(owner)
    link = urlsplit(browser.post(reverse("reports:points-export", args=[business.slug]),
                                 {"format": "csv"})["Location"])
    replica.catch_up()

    # When the file is downloaded (rows from the replica, which refuses any write)
    download = browser.get(link.path, {"t": parse_qs(link.query)["t"][0]})
    body = b"".join(download.streaming_content).decode()

    # Then the audit log of the export was written on the primary
    assert "points" in body
    assert ExportAudit.objects.using(DEFAULT_DB_ALIAS).get().row_count == 1


def test_a_lagging_replica_shows_older_figures_as_of_its_last_replay_then_the_primary_takes_over(
        replica, business, fan, owner, browser_for, settings):
    # Given a replica that has the 10 points, then stops replaying
    replica.catch_up()
    replica.pause_replay()
    # When 5 more points are committed on the primary and reach the paused replica
    add_points(business, fan, 5)
    replica.received_unreplayed()
    [as_of] = replica.query("SELECT pg_last_xact_replay_timestamp()")
    browser = browser_for(owner)

    # Then, lagging less than the limit, the dashboard shows the replica's 10 points and
    # the time they are from
    settings.DATABASE_REPLICA_NOTICE_LAG_SECONDS = 0
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 3600
    html, read_on = dashboard(browser, business, replica.alias)
    assert read_on == {"replica"}
    assert total_shown(html) == 10
    clock = dates.format_time(as_of, "en", business.time_zone)
    assert f"Figures as of {clock}:" in html

    # And past the limit, it reads the primary's 15 points, with no notice
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 0
    html, read_on = dashboard(browser, business, replica.alias)
    assert read_on == {"primary"}
    assert total_shown(html) == 15
    assert "Figures as of" not in html

    # And once replay resumes, the replica has them too
    replica.resume_replay()
    replica.catch_up()
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 3600
    html, read_on = dashboard(browser, business, replica.alias)
    assert read_on == {"replica"}
    assert total_shown(html) == 15
