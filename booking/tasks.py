from celery import shared_task

from booking.services.appointments import clear_old_history, expire_waitlist_offers


@shared_task
def expire_waitlist_offers_task() -> int:
    return expire_waitlist_offers()


@shared_task
def clear_old_history_task() -> int:
    return clear_old_history()
