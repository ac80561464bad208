"""Webhook deliveries in the background, retried with back-off.

Without Redis (the embedded default) Celery runs tasks in-process: the retries then
follow at once, without waiting, inside the request that emitted the event.
"""

from celery import shared_task

from . import webhooks

MAX_RETRIES = 5
BACKOFF_SECONDS = 30
"""The first retry waits 30 s, then 60, 120, 240, 480; after the last the delivery fails."""


@shared_task(bind=True, max_retries=MAX_RETRIES)
def deliver_webhook(self, delivery_id: int) -> bool:
    """Attempt one delivery; True once delivered, False when it has failed for good."""
    if webhooks.attempt(delivery_id):
        return True
    retries = self.request.retries
    if retries >= MAX_RETRIES:
        webhooks.give_up(delivery_id)
        return False
    if self.request.is_eager:
        return self.apply(args=[delivery_id], retries=retries + 1).result
    raise self.retry(countdown=BACKOFF_SECONDS * 2**retries)
