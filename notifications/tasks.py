from celery import shared_task

from notifications.services import deliver_message, requeue_stale_messages


# The row counts the attempts and says when to stop (max_retries=None: Celery never
# gives up first); Celery only waits the delay the row asks for.
@shared_task(bind=True, acks_late=True, max_retries=None)
def send_message_task(self, message_id: int) -> None:
    delay = deliver_message(message_id=message_id)
    if delay is not None:
        raise self.retry(countdown=delay)


@shared_task
def requeue_stale_messages_task() -> int:
    return requeue_stale_messages()
