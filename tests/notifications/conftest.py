"""Notifications tests: clients with and without marketing consent, and a real worker
that sends through the test's real SMTP server."""

import pytest

from tests.factories import ClientFactory


@pytest.fixture
def consenting_client(business):
    return ClientFactory(business=business, first_name="Olena", email="olena@example.com",
                         marketing_opt_in=True, marketing_opt_in_at="2026-01-05T10:00:00Z")


@pytest.fixture
def worker_env(smtp_server):
    """The worker process sends to the test's SMTP server, retrying at once, five times
    (more than Celery's own default of three, which must not cut the retries short)."""
    return {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_server.port),
            "EMAIL_USE_TLS": "0", "EMAIL_HOST_USER": "", "EMAIL_HOST_PASSWORD": "",
            "NOTIFICATION_RETRY_DELAY_SECONDS": "0", "NOTIFICATION_MAX_RETRIES": "5"}
