from django.core.management.base import BaseCommand

from webhooks.services import deliver_due


class Command(BaseCommand):
    help = "Send due webhook deliveries and their retries (run every minute by cron or a systemd timer)."

    def handle(self, *args, **options):
        outcomes = deliver_due()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in sorted(outcomes.items())) or "nothing due")
