from django.core.management.base import BaseCommand

from notifications.services import retry_unsent_emails


class Command(BaseCommand):
    help = (
        "Queue again the single e-mails of notifications not sent yet (mail server down, worker died); "
        "run every 15 minutes by cron or a timer."
    )

    def handle(self, *args, **options):
        queued = retry_unsent_emails()
        self.stdout.write(f"notification e-mails queued again: {queued}")
