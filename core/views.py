from django.db import connection
from django.http import JsonResponse

from config.celery import app as celery_app


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as failure:
        return f"error: {failure.__class__.__name__}"
    return "ok"


def _broker_status() -> str:
    try:
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
    except Exception as failure:
        return f"error: {failure.__class__.__name__}"
    return "ok"


def health(request):
    """Readiness for load balancers and compose: the database and the broker answer."""
    checks = {"database": _database_status(), "broker": _broker_status()}
    healthy = all(status == "ok" for status in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)
