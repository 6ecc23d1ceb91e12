"""Periodic work runs in a real Celery worker process, through the real broker."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.celery import app as celery_app
from core.models import IdempotencyKey
from core.tasks import purge_expired_idempotency_keys
from tests.factories import IdempotencyKeyFactory
from tests.fixtures.worker import wait_until

pytestmark = pytest.mark.celery


def test_the_beat_schedule_purges_idempotency_keys_hourly():
    entry = celery_app.conf.beat_schedule["purge-expired-idempotency-keys"]

    assert entry["task"] == purge_expired_idempotency_keys.name
    assert entry["schedule"].minute == {17}


def test_a_worker_process_purges_expired_idempotency_keys(celery_worker_process, business):
    old = IdempotencyKeyFactory(business=business, key="old")
    IdempotencyKey.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=2))
    fresh = IdempotencyKeyFactory(business=business, key="fresh")

    purge_expired_idempotency_keys.delay()

    wait_until(lambda: not IdempotencyKey.objects.filter(pk=old.pk).exists(), timeout=60,
               message="the worker did not run the task:\n" + celery_worker_process.log())
    assert IdempotencyKey.objects.filter(pk=fresh.pk).exists()
