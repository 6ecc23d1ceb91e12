"""Reads that may come from a streaming replica of PostgreSQL (DATABASE_REPLICA_URL).

Reports, their exports and the dashboard only read, and may be a little behind: they run
inside `replica_reads()` (views: `@reads_from_replica`), and there the router sends their
queries to the replica, whichever app's models they read. Everything else stays on the
primary:
- every write (`db_for_write`);
- every read inside a transaction of the primary, so that a service in such a page reads
  what it wrote (and a test case's own transaction sees its data);
- every read outside the context: sign-in, sessions, the membership check, forms, the API.

The replica's lag is measured once when the context is entered. Up to
DATABASE_REPLICA_NOTICE_LAG_SECONDS the replica is read as if it were the primary; beyond
it, pages say how old their figures are ("Figures as of 14:05", from the last transaction
the replica replayed); beyond DATABASE_REPLICA_MAX_LAG_SECONDS, or when the replica cannot
be reached, the context reads from the primary instead (for REPLICA_RETRY_SECONDS after a
failure, without trying the replica again). Without DATABASE_REPLICA_URL there is no
replica and the context changes nothing.
"""

import contextvars
import functools
import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import FileResponse

logger = logging.getLogger(__name__)

# After a failure to reach the replica, read from the primary this long before trying again.
REPLICA_RETRY_SECONDS = 30


@dataclass(frozen=True)
class ReplicaRead:
    """Where the reads of a `replica_reads()` context go, and how old their data may be."""

    alias: str
    # Set when the replica lags by more than the notice threshold: its data is at least as
    # recent as this (the commit time of the last transaction it replayed).
    as_of: datetime | None = None

    @property
    def from_replica(self) -> bool:
        return self.alias != DEFAULT_DB_ALIAS


_current: contextvars.ContextVar[ReplicaRead | None] = contextvars.ContextVar(
    "replica_read", default=None)
_down_until = 0.0

# A role without pg_read_all_stats sees the WAL receiver's row (it runs) but not its status.
LAG_SQL = """
    SELECT pg_is_in_recovery(),
           pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(),
           EXISTS (SELECT 1 FROM pg_stat_wal_receiver
                    WHERE status IS NULL OR status = 'streaming'),
           pg_last_xact_replay_timestamp(),
           now()
"""


def replica_alias() -> str:
    """The replica's database alias, or "" when there is none."""
    return getattr(settings, "REPLICA_DATABASE", "")


def replica_lag(alias: str) -> tuple[float | None, datetime | None]:
    """(seconds behind the primary, the replica's data as of), measured on the replica.

    A replica that has replayed all it received, while streaming, is not behind. One that
    still has WAL to replay, or has lost its primary, is behind by the time since the
    last transaction it replayed (None: not known, it has replayed none since it started).
    """
    with connections[alias].cursor() as cursor:
        cursor.execute(LAG_SQL)
        in_recovery, replayed_all, streaming, replayed_at, now = cursor.fetchone()
    if not in_recovery or (replayed_all and streaming):
        return 0.0, now
    if replayed_at is None:
        return None, None
    return max((now - replayed_at).total_seconds(), 0.0), replayed_at


def _choose() -> ReplicaRead:
    global _down_until
    alias = replica_alias()
    if not alias or time.monotonic() < _down_until:
        return ReplicaRead(DEFAULT_DB_ALIAS)
    try:
        lag, as_of = replica_lag(alias)
    except DatabaseError:
        logger.warning("replica %r unreachable: reading from the primary for %s s", alias,
                       REPLICA_RETRY_SECONDS, exc_info=True)
        _down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        connections[alias].close()
        return ReplicaRead(DEFAULT_DB_ALIAS)
    if lag is None or lag > settings.DATABASE_REPLICA_MAX_LAG_SECONDS:
        logger.info("replica %r lags by %s s: reading from the primary", alias, lag)
        return ReplicaRead(DEFAULT_DB_ALIAS)
    notice = lag >= settings.DATABASE_REPLICA_NOTICE_LAG_SECONDS
    return ReplicaRead(alias, as_of if notice else None)


@contextmanager
def replica_reads() -> Iterator[ReplicaRead]:
    """Reads inside go to the replica (see the module's docstring); nests, and the inner
    context keeps the outer one's choice."""
    current = _current.get()
    if current is not None:
        yield current
        return
    token = _current.set(_choose())
    try:
        yield _current.get()
    finally:
        _current.reset(token)


@contextmanager
def on_primary() -> Iterator[None]:
    """Reads inside go to the primary, even within `replica_reads()`: a page's list of what
    its user just did (read your own writes). Evaluate querysets inside."""
    token = _current.set(None)
    try:
        yield
    finally:
        _current.reset(token)


def read_alias() -> str:
    """Where a read made now goes: what the router answers, for raw SQL and transactions."""
    current = _current.get()
    if current is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return current.alias


def _within(context: contextvars.Context, chunks: Iterable) -> Iterator:
    """Iterate `chunks` inside `context`: a streamed response is read after its view returned."""
    iterator = iter(chunks)
    try:
        while True:
            try:
                chunk = context.run(next, iterator)
            except StopIteration:
                return
            yield chunk
    finally:
        if hasattr(iterator, "close"):
            context.run(iterator.close)


def reads_from_replica(view):
    """A view whose reads go to the replica; `request.replica_read` tells the template how
    old its figures are. A streamed response keeps reading there while it is sent."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        with replica_reads() as read:
            request.replica_read = read
            response = view(request, *args, **kwargs)
            if response.streaming and not isinstance(response, FileResponse):
                response.streaming_content = _within(contextvars.copy_context(),
                                                     response.streaming_content)
        return response

    return wrapper


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: reads in a `replica_reads()` context go to the replica;
    everything else, and every write, to the primary."""

    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # the replica follows the primary's schema

