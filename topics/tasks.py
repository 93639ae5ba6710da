from django_tasks import task

from topics.services.reminders import send_plan_reminders


@task()
def send_plan_reminders_task() -> int:
    """Daily reminders of the annual plan's steps and collection deadlines."""
    return send_plan_reminders()
