from celery import shared_task

from core.idempotency import purge_expired_keys


@shared_task
def purge_expired_idempotency_keys() -> int:
    return purge_expired_keys()
