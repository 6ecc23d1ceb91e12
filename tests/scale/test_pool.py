"""Django's connection pool (psycopg 3) under the locks the app relies on.

Every thread takes its own connection from its process's pool, so two requests that lock
the same row still run one after the other: the second one's connection waits in
PostgreSQL until the first one's transaction ends, and a lock never outlives the
transaction that took it (a connection goes back to the pool clean).
"""

import threading
import time

import pytest
from django.conf import settings
from django.db import connection, transaction

from loyalty import locks as loyalty_locks
from tests.factories import ClientFactory
from tests.fixtures.worker import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _wait_event_of(pid: int) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row and row[0]


def contend(lock) -> dict:
    """Two threads run `lock()` in a transaction each; the first holds its lock until the
    second is seen waiting in PostgreSQL. What each saw, in order."""
    seen, held, release = {}, threading.Event(), threading.Event()

    def run(name: str):
        try:
            if name == "second":
                held.wait(10)
            with transaction.atomic():
                connection.ensure_connection()
                seen[name] = {"pid": connection.connection.info.backend_pid,
                              "pool": connection.connection._pool}
                lock()
                seen[name]["locked_at"] = time.monotonic()
                if name == "first":
                    held.set()
                    release.wait(10)
                    seen[name]["released_at"] = time.monotonic()
        finally:
            connection.close()  # back to the pool

    first = threading.Thread(target=run, args=("first",))
    second = threading.Thread(target=run, args=("second",))
    first.start()
    second.start()
    try:
        assert held.wait(10), "the first connection never took the lock"
        wait_until(lambda: "second" in seen and _wait_event_of(seen["second"]["pid"]) == "Lock",
                   timeout=10, message="the second connection never waited for the lock")
    finally:
        release.set()
        first.join(10)
        second.join(10)
    return seen


def test_the_postgresql_suite_runs_through_the_pool():
    assert settings.DATABASES["default"]["OPTIONS"]["pool"]
    assert connection.pool is not None


def test_a_locked_points_account_makes_the_next_posting_wait_for_the_commit(business):
    # Given a client's points account, locked by the ledger's own lock in one transaction
    client = ClientFactory(business=business)
    loyalty_locks.ensure_accounts(business, [client.pk])

    # When a second transaction, on another connection of the same pool, locks it too
    seen = contend(lambda: loyalty_locks.lock_account(business, client.pk))

    # Then it waited in PostgreSQL until the first one ended
    first, second = seen["first"], seen["second"]
    assert first["pool"] is second["pool"] is connection.pool
    assert first["pid"] != second["pid"]
    assert second["locked_at"] >= first["released_at"]


def test_a_transaction_advisory_lock_holds_through_the_pool_and_ends_with_its_transaction():
    # Given a transaction-level advisory lock (session-level ones would stay with a pooled
    # connection after its request: the app takes none)
    def advisory_lock():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [4217])

    # When two pooled connections take it
    seen = contend(advisory_lock)

    # Then the second waited for the first, and neither connection kept it afterwards
    assert seen["second"]["locked_at"] >= seen["first"]["released_at"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks "
                       "WHERE locktype = 'advisory' AND pid = ANY(%s)",
                       [[seen["first"]["pid"], seen["second"]["pid"]]])
        assert cursor.fetchone()[0] == 0
