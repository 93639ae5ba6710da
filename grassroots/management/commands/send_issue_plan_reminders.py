from django.core.management.base import BaseCommand

from grassroots.services import remind_due_plans, remind_follow_up_tasks


class Command(BaseCommand):
    help = (
        "Remind duty groups of issues whose plan (a resolution by a set date) is due or overdue with nothing recorded "
        "(run daily; on the plan's date, then once every ISSUE_PLAN_REMIND_EVERY_DAYS days while overdue); and remind "
        "the responsible departments' liaisons and the recorder of community follow-up tasks not done (3 days before "
        "their date, on it, then once every ISSUE_PLAN_REMIND_EVERY_DAYS days while overdue)."
    )

    def handle(self, *args, **options):
        sent = remind_due_plans()
        self.stdout.write(f"issue plan reminders sent: {sent}")
        tasks = remind_follow_up_tasks()
        self.stdout.write(f"community follow-up task reminders sent: {tasks}")
