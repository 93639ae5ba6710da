from django.core.management.base import BaseCommand

from grassroots.services import remind_reception_days


class Command(BaseCommand):
    help = (
        "Remind the members on duty of their reception day RECEPTION_REMIND_DAYS_BEFORE days before it "
        "(run daily; once per member and day)."
    )

    def handle(self, *args, **options):
        sent = remind_reception_days()
        self.stdout.write(f"reception day reminders sent: {sent}")
