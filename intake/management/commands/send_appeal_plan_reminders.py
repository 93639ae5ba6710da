from django.core.management.base import BaseCommand

from intake.services import remind_due_plans


class Command(BaseCommand):
    help = (
        "Remind the handlers of closed appeals whose plan (a resolution by a set date) is due or overdue with "
        "nothing recorded (run daily; on the plan's date, then once every ISSUE_PLAN_REMIND_EVERY_DAYS days while "
        "overdue; from its new date once rescheduled)."
    )

    def handle(self, *args, **options):
        sent = remind_due_plans()
        self.stdout.write(f"appeal plan reminders sent: {sent}")
