from django.core.management.base import BaseCommand

from topics.services.reminders import send_plan_reminders


class Command(BaseCommand):
    help = "Remind holders of stalled plan steps and suggesters with drafts before a round's deadline (run daily)."

    def handle(self, *args, **options):
        sent = send_plan_reminders()
        self.stdout.write(f"plan reminders sent: {sent}")
