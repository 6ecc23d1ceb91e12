"""The expiry sweeps read what is due through the accounts' due times: an idle run reads
one index, each expiry and each warning happens once, and the due times follow the
ledger, the program and the Loyalty switch."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from loyalty.models import EntryKind, PointsAccount, PointsEntry
from loyalty.services import expiry, ledger, program
from notifications.kinds import MessageKind
from notifications.models import OutboundMessage
from tenancy import services as tenant_services
from tenancy.models import Extension
from tests.factories import BusinessFactory, ClientFactory
from tests.loyalty.conftest import loyalty_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def yearly(business):
    program.update_program(business=business, expiry_months=12, expiry_notice_days=14)


def add(business, client, points, *, when):
    return ledger.post_entry(business=business, client=client, kind=EntryKind.ADJUST,
                             points=points, description="gift", now=when)


def account_of(client):
    return PointsAccount.objects.get(client=client)


def test_a_credit_sets_when_its_points_expire_and_when_to_warn(business, fan, yearly):
    now = timezone.now()
    add(business, fan, 5, when=now - timedelta(days=30))
    add(business, fan, 5, when=now - timedelta(days=60))
    first_expiry = now - timedelta(days=60) + relativedelta(months=12)
    account = account_of(fan)
    assert account.next_expiry_at == first_expiry
    assert account.next_warning_at == first_expiry - timedelta(days=14)


def test_after_an_expiry_the_account_is_due_at_its_next_lot(business, fan, yearly):
    now = timezone.now()
    add(business, fan, 4, when=now - timedelta(days=400))
    add(business, fan, 6, when=now - timedelta(days=100))
    assert expiry.expire_points(now=now) == 4
    assert account_of(fan).next_expiry_at == now - timedelta(days=100) + relativedelta(months=12)
    assert expiry.expire_points(now=now) == 0
    assert PointsEntry.objects.filter(kind=EntryKind.EXPIRE).count() == 1


def _idle_history(business, fan):
    """Accounts in two businesses with points that expire, none of them due."""
    other = loyalty_on(BusinessFactory())
    program.update_program(business=other, expiry_months=12)
    now = timezone.now()
    for owner, client in [(business, fan), *[(other, ClientFactory(business=other))
                                             for _ in range(5)]]:
        add(owner, client, 3, when=now - timedelta(days=20))
    expiry.expire_points(now=now)
    expiry.warn_expiring_points(now=now)
    return now


def test_an_idle_expiry_run_reads_the_due_index_and_nothing_else(business, fan, yearly):
    now = _idle_history(business, fan)
    for sweep in (expiry.expire_points, expiry.warn_expiring_points):
        with CaptureQueriesContext(connection) as idle:
            assert sweep(now=now) == 0
        statements = [query["sql"] for query in idle.captured_queries
                      if not query["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))]
        assert len(statements) == 1, statements
        assert "loyalty_pointsentry" not in statements[0]
        assert '"next_' in statements[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_idle_expiry_claims_are_index_probes_on_postgresql(business, fan, yearly):
    now = _idle_history(business, fan)
    for sweep, index in ((expiry.expire_points, "loyalty_account_expiry_due"),
                         (expiry.warn_expiring_points, "loyalty_account_warning_due")):
        with CaptureQueriesContext(connection) as idle:
            sweep(now=now)
        [claim] = [query["sql"] for query in idle.captured_queries
                   if "loyalty_pointsaccount" in query["sql"]]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE loyalty_pointsaccount")
            # A table this small would be read whole; ask whether the index can answer.
            cursor.execute("SET enable_seqscan = off")
            try:
                cursor.execute(f"EXPLAIN {claim}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
            finally:
                cursor.execute("RESET enable_seqscan")
        assert index in plan, plan


def test_a_warning_goes_out_once_per_expiry(business, fan, yearly):
    now = timezone.now()
    add(business, fan, 7, when=now - timedelta(days=360))
    assert expiry.warn_expiring_points(now=now) == 1
    assert expiry.warn_expiring_points(now=now + timedelta(days=1)) == 0
    # Points earned since expire later: they are announced on their own, once.
    add(business, fan, 3, when=now - timedelta(days=340))
    assert expiry.warn_expiring_points(now=now + timedelta(days=20)) == 1
    assert expiry.warn_expiring_points(now=now + timedelta(days=21)) == 0
    assert OutboundMessage.objects.filter(kind=MessageKind.POINTS_EXPIRING).count() == 2


def test_loyalty_off_stops_the_sweeps_and_on_again_expires_what_fell_due(business, fan,
                                                                        yearly):
    now = timezone.now()
    add(business, fan, 8, when=now - timedelta(days=300))
    business, _also = tenant_services.set_extension(business=business,
                                                    extension=Extension.LOYALTY, enabled=False)
    account = account_of(fan)
    assert (account.next_expiry_at, account.next_warning_at) == (None, None)
    later = now + timedelta(days=100)
    assert expiry.expire_points(now=later) == 0
    assert expiry.warn_expiring_points(now=later) == 0

    loyalty_on(business)
    assert account_of(fan).next_expiry_at <= later
    assert expiry.expire_points(now=later) == 8
    assert expiry.expire_points(now=later) == 0


def test_a_longer_notice_brings_the_warning_forward(business, fan, yearly):
    now = timezone.now()
    add(business, fan, 7, when=now - timedelta(days=300))
    expires_at = now - timedelta(days=300) + relativedelta(months=12)
    assert expiry.warn_expiring_points(now=now) == 0
    program.update_program(business=business, expiry_notice_days=90)
    assert expiry.warn_expiring_points() == 1
    assert account_of(fan).next_warning_at is None
    assert expires_at - timezone.now() < timedelta(days=90)


def test_without_an_expiry_nobody_is_warned_and_the_account_leaves_the_index(business, fan,
                                                                             yearly):
    now = timezone.now()
    add(business, fan, 7, when=now - timedelta(days=360))
    program.update_program(business=business, expiry_months=None)
    assert expiry.warn_expiring_points(now=now) == 0
    assert account_of(fan).next_warning_at is None
