from django_tasks import task

from webhooks.services import deliver


@task()
def deliver_webhook(delivery_id: int) -> str:
    """Send one webhook delivery (retries are rescheduled by deliver_webhooks)."""
    return deliver(delivery_id)
