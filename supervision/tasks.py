"""Background tasks (django.tasks): the messages of the supervision reminders."""

from django_tasks import task

from supervision.services.reminders import deliver


@task()
def deliver_reminder(reminder_id: int) -> int:
    """Send one claimed supervision reminder."""
    return deliver(reminder_id=reminder_id)
