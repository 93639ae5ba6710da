from django.core.management.base import BaseCommand

from proposals.services.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Remind handling units of proposal replies due soon or overdue, and proposers who have not rated "
        "a reply. Idempotent: run it hourly or daily from cron or a systemd timer."
    )

    def handle(self, *args, **options):
        result = send_reminders()
        claimed = ", ".join(f"{k}={v}" for k, v in result.claimed.items())
        self.stdout.write(f"reminders claimed: {claimed}; requeued: {result.requeued}")
