from django.core.management.base import BaseCommand

from supervision.services.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Mark overdue supervision tasks and send deadline reminders and escalations. "
        "Idempotent: run it hourly or daily from cron or a systemd timer."
    )

    def handle(self, *args, **options):
        result = send_reminders()
        claimed = ", ".join(f"{k}={v}" for k, v in result.claimed.items())
        self.stdout.write(
            f"overdue marked: {result.overdue}; reminders claimed: {claimed}; requeued: {result.requeued}"
        )
