"""Faults in the middle of work: PostgreSQL restarted while gunicorn serves requests and a
worker credits points, Redis restarted, the worker killed. The app recovers by itself
(database connections checked and reopened, the broker reconnected, due work found
again by the next sweep) and the ledger holds: every due appointment credited exactly
once, every balance the sum of its entries.

It restarts the machine's PostgreSQL and Redis, so it runs in CI (CI=true) or when
asked (SALONBOOK_FAULTS=1), never by surprise on a developer's laptop.
"""

import http.client
import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Count, Sum
from django.utils import timezone

from loyalty.models import AppointmentCredit, EntryKind, PointsAccount, PointsEntry
from loyalty.services import program
from loyalty.tasks import credit_due_appointments_task
from tenancy.models import Role
from tenancy.services import issue_api_token
from tests.factories import ClientFactory, ServiceFactory, StaffMembershipFactory
from tests.fixtures.mail import free_port
from tests.fixtures.worker import (
    PROJECT_DIR,
    SESSION_QUEUE,
    WorkerProcess,
    database_url_of_test_db,
    purge_session_queue,
    wait_until,
)
from tests.loyalty.conftest import loyalty_on
from tests.loyalty.test_crash import make_due_appointments

CI = os.environ.get("CI", "").lower() == "true"
pytestmark = [
    pytest.mark.exclusive, pytest.mark.celery, pytest.mark.postgres, pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (CI or os.environ.get("SALONBOOK_FAULTS")),
                       reason="restarts PostgreSQL and Redis: runs under CI=true or with "
                              "SALONBOOK_FAULTS=1"),
]

DUE = 2000


def restart_postgresql() -> None:
    cluster = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart"],
                   check=True, capture_output=True, timeout=120)
    wait_until(lambda: subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0,
               timeout=60, message="PostgreSQL did not come back")


def restart_redis() -> None:
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"],
                   capture_output=True, timeout=30)
    subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port",
                    "6379", "--save", "", "--appendonly", "no"], check=True, timeout=30)
    wait_until(lambda: subprocess.run(["redis-cli", "-h", "127.0.0.1", "ping"],
                                      capture_output=True).stdout.strip() == b"PONG",
               timeout=30, message="Redis did not come back")


def reconnect() -> None:
    """The test process's own connection died with the server, like any other."""
    connection.close()
    close_old_connections()


class Gunicorn:
    def __init__(self):
        self.port = free_port()
        env = {**os.environ, "DATABASE_URL": database_url_of_test_db(), "DJANGO_DEBUG": "0",
               "DJANGO_SECRET_KEY": "faults-" + "x" * 50, "DJANGO_SECURE_SSL_REDIRECT": "0",
               "SITE_URL": f"http://127.0.0.1:{self.port}",
               "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
        log = (Path(settings.VAR_DIR) / "gunicorn-faults.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind",
             f"127.0.0.1:{self.port}", "--workers", "2", "--log-level", "warning"],
            cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)

    def get(self, path: str, token: str) -> int:
        server = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            server.request("GET", path, headers={"Authorization": f"Token {token}"})
            return server.getresponse().status
        except OSError:
            return 0
        finally:
            server.close()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def test_the_app_recovers_from_database_broker_and_worker_failures(business):
    # Given due appointments, a worker, and gunicorn serving the balance endpoint
    business = loyalty_on(business)
    program.on_loyalty_switched(business=business, enabled=True,
                                now=timezone.now() - timedelta(days=7))
    colour = ServiceFactory(business=business, name="Colour")
    program.set_catalog_points(business=business, service=colour, is_enabled=True,
                               points=2)
    fan = ClientFactory(business=business)
    make_due_appointments(business, colour, DUE)
    membership = StaffMembershipFactory(business=business, role=Role.MANAGER)
    _token, raw_key = issue_api_token(business=business, membership=membership, name="faults")
    balance_path = f"/api/v1/loyalty/clients/{fan.pk}/"
    web = Gunicorn()
    purge_session_queue()
    worker = WorkerProcess(SESSION_QUEUE, {})
    worker.start()
    statuses, stop = [], threading.Event()

    def browse():
        while not stop.is_set():
            statuses.append(web.get(balance_path, raw_key))
            stop.wait(0.05)

    browser = threading.Thread(target=browse)
    try:
        wait_until(lambda: web.get("/health/", raw_key) == 200, timeout=60,
                   message="gunicorn did not start")
        browser.start()

        # When PostgreSQL restarts while the worker credits
        credit_due_appointments_task.delay()
        wait_until(lambda: AppointmentCredit.objects.exists(), timeout=60,
                   message="the worker never started:\n" + worker.log())
        restart_postgresql()
        reconnect()
        # And Redis restarts (the queued tasks are gone with it: beat sends the sweep again)
        restart_redis()
        # And the worker is killed and started again
        worker.stop(sig_kill=True)
        worker = WorkerProcess(SESSION_QUEUE, {})
        worker.start()
        wait_until(lambda: _sent(credit_due_appointments_task), timeout=60,
                   message="the broker did not come back")

        # Then the sweeps finish the work, and the web answers again without a restart
        wait_until(lambda: AppointmentCredit.objects.count() == DUE, timeout=180,
                   interval=0.5, message="crediting did not finish:\n" + worker.log())
        wait_until(lambda: web.get(balance_path, raw_key) == 200, timeout=30,
                   message="the web did not recover")
        served_after = len(statuses)
        wait_until(lambda: len(statuses) > served_after + 5, timeout=30)
        assert set(statuses[served_after:]) == {200}
    finally:
        stop.set()
        if browser.is_alive():
            browser.join()
        worker.stop()
        web.stop()

    # And the ledger holds: each appointment credited once, balances the sum of entries
    reconnect()
    assert not (PointsEntry.objects.filter(kind=EntryKind.EARN).values("appointment", "invoice")
                .annotate(n=Count("id")).filter(n__gt=1).exists())
    assert PointsEntry.objects.filter(kind=EntryKind.EARN).count() == DUE
    sums = dict(PointsEntry.objects.values_list("account_id").annotate(total=Sum("points")))
    for account in PointsAccount.objects.all():
        assert account.balance == sums.get(account.pk, 0) >= 0


def _sent(task) -> bool:
    """Send the sweep once the broker accepts it again (beat does this every minute)."""
    try:
        task.delay()
    except Exception:
        return False
    return True
