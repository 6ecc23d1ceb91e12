"""A second database alias for the read-replica tests, added to this test process only.

The alias exists for the whole session (Django checks a test's `databases` before any
function fixture runs), but reads go to it only in a test that asks for `reads_to`: that
fixture names it as settings.REPLICA_DATABASE, the one setting the router follows. Like
the replica of production, it is a test mirror: Django neither creates nor flushes a
database there.
"""

import copy
from contextlib import contextmanager

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

from core import replica
from tests.scale.standby import start_standby


@contextmanager
def extra_alias(alias: str, **changes):
    """connections[alias]: the test database's settings with `changes`, as a test mirror."""
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    configured = copy.deepcopy(primary)
    configured.update(changes)
    configured["TEST"] = {**configured.get("TEST", {}), "MIRROR": DEFAULT_DB_ALIAS}
    connections.settings[alias] = configured
    try:
        yield alias
    finally:
        if hasattr(connections[alias], "close_pool"):
            connections[alias].close_pool()
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


@pytest.fixture(scope="session")
def mirror(django_db_setup, django_db_blocker):
    """An alias reaching the primary's test database over other connections: a replica
    with no lag, to see where each query goes."""
    with django_db_blocker.unblock(), extra_alias("mirror") as alias:
        yield alias


@pytest.fixture
def reads_to(settings, monkeypatch):
    """reads_to(alias): reads in `replica_reads()` go there for this test."""
    monkeypatch.setattr(replica, "_down_until", 0.0)

    def use(alias: str) -> str:
        settings.REPLICA_DATABASE = alias
        return alias

    return use


@pytest.fixture(scope="session")
def streaming_replica(django_db_setup, django_db_blocker):
    """A real streaming replica of the primary (tests/scale/standby.py), reached by the
    alias "replica" on the test database."""
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    standby = start_standby({"host": primary["HOST"] or "127.0.0.1",
                             "port": int(primary["PORT"] or 5432),
                             "user": primary["USER"] or "postgres"})
    try:
        with django_db_blocker.unblock(), extra_alias("replica", HOST="127.0.0.1",
                                                      PORT=str(standby.port)) as alias:
            standby.alias = alias
            yield standby
    finally:
        standby.stop()
