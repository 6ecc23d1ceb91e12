import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("salonbook")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The schedule lives here, in one place; each entry's task is a thin call into a service.
app.conf.beat_schedule = {
    "expire-waitlist-offers": {
        "task": "booking.tasks.expire_waitlist_offers_task",
        "schedule": 60.0,
    },
    "clear-old-history": {
        "task": "booking.tasks.clear_old_history_task",
        "schedule": crontab(hour=3, minute=30),
    },
    "credit-due-appointments": {
        "task": "loyalty.tasks.credit_due_appointments_task",
        "schedule": 60.0,
    },
    "expire-points": {
        "task": "loyalty.tasks.expire_points_task",
        "schedule": crontab(minute=5),
    },
    "warn-expiring-points": {
        "task": "loyalty.tasks.warn_expiring_points_task",
        "schedule": crontab(hour=9, minute=0),
    },
    # Messages whose sending task was lost (broker down at commit, worker killed).
    "requeue-stale-messages": {
        "task": "notifications.tasks.requeue_stale_messages_task",
        "schedule": 300.0,
    },
    "purge-expired-idempotency-keys": {
        "task": "core.tasks.purge_expired_idempotency_keys",
        "schedule": crontab(minute=17),
    },
    "purge-expired-exports": {
        "task": "reports.tasks.purge_expired_exports_task",
        "schedule": crontab(minute="*/15"),
    },
}
