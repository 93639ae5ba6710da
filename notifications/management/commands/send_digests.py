from django.core.management.base import BaseCommand

from notifications.services import send_digests


class Command(BaseCommand):
    help = "E-mail the daily digest to users who chose it (run once a day by cron or a timer)."

    def handle(self, *args, **options):
        sent = send_digests()
        self.stdout.write(f"digests sent: {sent}")
