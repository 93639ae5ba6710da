from django.core.management.base import BaseCommand

from intake.services import remind_due_plans


class Command(BaseCommand):
    help = (
        "Remind the handlers of closed appeals whose plan (a resolution by a set date) is due or overdue with "
        "nothing recorded (run daily; once per appeal and plan date, again after the plan is rescheduled)."
    )

    def handle(self, *args, **options):
        sent = remind_due_plans()
        self.stdout.write(f"appeal plan reminders sent: {sent}")
