from celery import shared_task

from loyalty.services.crediting import credit_due_appointments
from loyalty.services.expiry import expire_points, warn_expiring_points


@shared_task
def credit_due_appointments_task() -> int:
    return credit_due_appointments()


@shared_task
def expire_points_task() -> int:
    return expire_points()


@shared_task
def warn_expiring_points_task() -> int:
    return warn_expiring_points()
