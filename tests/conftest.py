"""Fixtures for the whole suite.

Under CI=true every service a test needs must be there: a missing PostgreSQL,
Redis or browser fails the run instead of skipping tests.
"""

import os

import pytest
import redis
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from tenancy.models import Role
from tests import factories

pytest_plugins = ["tests.fixtures.mail", "tests.fixtures.worker", "tests.fixtures.browser"]

CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = "/usr/bin/chromium"
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _redis_reachable() -> bool:
    url = settings.REDIS_URL
    if not url:
        return False
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def pytest_configure(config):
    # Production hashing takes a good part of a second per user on purpose; tests make
    # hundreds of users and check sign-in, not the hasher's cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Parallel workers share one Redis database: each keeps its keys under its own prefix
    # and empties only those between tests.
    if XDIST_WORKER:
        settings.CACHES["default"]["KEY_PREFIX"] = XDIST_WORKER


def pytest_sessionstart(session):
    if not CI:
        return
    problems = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("CI=true needs DATABASE_URL pointing at PostgreSQL")
    if not _redis_reachable():
        problems.append(f"CI=true needs Redis at REDIS_URL={settings.REDIS_URL!r}")
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        problems.append("CI=true needs CELERY_BROKER_URL pointing at Redis")
    if not os.path.exists(CHROMIUM):
        problems.append(f"CI=true needs Debian chromium at {CHROMIUM}")
    if problems:
        pytest.exit("; ".join(problems), returncode=3)


def _missing_service(item) -> str | None:
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    if item.get_closest_marker("redis") and not _redis_reachable():
        return "needs Redis: set REDIS_URL=redis://..."
    if item.get_closest_marker("e2e") and not os.path.exists(CHROMIUM):
        return f"needs Debian chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(autouse=True)
def _empty_cache():
    """Sign-in failure counts live in the cache: one test's guesses must not lock another out."""
    from django.core.cache import cache

    if XDIST_WORKER and settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(match=f"{XDIST_WORKER}:*", count=1000):
            client.delete(key)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A back office request leaves its reader's language active in the thread (the next
    request sets its own); the next test starts in the default language all the same."""
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)


def pytest_runtest_setup(item):
    reason = _missing_service(item)
    if reason is None:
        return
    if CI:
        pytest.fail(f"CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


# People and businesses ------------------------------------------------------------

@pytest.fixture
def business(db):
    return factories.BusinessFactory(name="Atelier Test", slug="atelier-test")


@pytest.fixture
def other_business(db):
    return factories.BusinessFactory(name="Other Salon", slug="other-salon")


@pytest.fixture
def member_of(db):
    """member_of(business, role) -> StaffMembership of a new user."""

    def make(business, role=Role.STAFF):
        return factories.StaffMembershipFactory(business=business, role=role)

    return make


@pytest.fixture
def owner(business, member_of):
    return member_of(business, Role.OWNER).user


@pytest.fixture
def manager(business, member_of):
    return member_of(business, Role.MANAGER).user


@pytest.fixture
def staff(business, member_of):
    return member_of(business, Role.STAFF).user


@pytest.fixture
def salon_client(business):
    return factories.ClientFactory(business=business)


@pytest.fixture
def browser_for(client):
    """browser_for(user) -> Django's test client signed in as that user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def api_for(db):
    """api_for(business, role) -> DRF test client with a staff token of that role."""

    def make(business, role=Role.STAFF):
        membership = factories.StaffMembershipFactory(business=business, role=role)
        token = factories.ApiTokenFactory(membership=membership)
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.raw_key}")
        api.token = token
        return api

    return make
