"""Background tasks (django.tasks): the messages of the proposal reminders."""

from django_tasks import task

from proposals.services.reminders import deliver


@task()
def deliver_reminder(reminder_id: int) -> int:
    """Send one claimed proposal reminder."""
    return deliver(reminder_id=reminder_id)
