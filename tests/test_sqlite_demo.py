"""`make run` works on SQLite while the suite runs on PostgreSQL: the demo's back office
pages, loaded and opened on SQLite, so that PostgreSQL-only SQL (AT TIME ZONE, arrays)
in a page is caught here rather than by the first person trying the demo."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fixtures.worker import SESSION_QUEUE

PROJECT_DIR = Path(__file__).resolve().parent.parent

OPEN_PAGES = """
import json
from datetime import timedelta
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from checkout.models import Invoice
from tenancy.models import Business

call_command("migrate", verbosity=0)
call_command("load_demo", verbosity=0)
atelier = Business.objects.get(slug="atelier-lumiere")
draft = Invoice.objects.for_business(atelier).drafts().first()
today = timezone.localdate(timezone=atelier.zone)
web = Client(HTTP_HOST="127.0.0.1")  # an address `make run` serves
assert web.login(username="owner@salonbook.test", password="salonbook-demo")
slug = atelier.slug
pages = [reverse("booking:backoffice-home", args=[slug]) + f"?period={period}"
         for period in ("day", "week", "month")]
pages += [reverse(name, args=[slug]) for name in (
    "booking:calendar-day", "booking:calendar-week", "checkout:start", "reports:points",
    "reports:sales-by-day", "reports:sales-by-staff", "reports:commissions", "reports:dashboard")]
pages.append(reverse("booking:calendar-events", args=[slug])
             + f"?start={today - timedelta(days=today.weekday())}"
             + f"&end={today + timedelta(days=7 - today.weekday())}")
pages.append(reverse("checkout:draft", args=[slug, draft.pk]))
print(json.dumps({page: web.get(page).status_code for page in pages}))
"""


def test_the_demo_back_office_opens_on_sqlite(tmp_path):
    env = {name: value for name, value in os.environ.items()
           if name not in {"DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL",
                           "CELERY_BROKER_URL", "SITE_URL"}}
    env.update({"DJANGO_DEBUG": "1", "VAR_DIR": str(tmp_path),
                "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
                "CELERY_TASK_DEFAULT_QUEUE": SESSION_QUEUE})

    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", OPEN_PAGES],
                          cwd=PROJECT_DIR, env=env, capture_output=True, text=True,
                          timeout=600, check=False)

    assert done.returncode == 0, done.stderr[-3000:]
    statuses = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(statuses) == 13
    assert set(statuses.values()) == {200}, statuses
