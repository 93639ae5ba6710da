"""Deadlines: overdue detection, reminders before and on the deadline, escalation after it.

`send_reminders` is run by cron or a systemd timer (docs/supervision.md). It may run any number of
times a day and may be killed at any point:
- each reminder is claimed by inserting a ReminderLog row under a unique key (task, kind, deadline);
  a second run (or a concurrent one) fails the insert and sends nothing;
- the message itself goes out in a background task (django.tasks) enqueued on commit; the task
  creates the notifications and marks the row sent in one transaction, so a worker killed halfway
  leaves the row unsent, and a later run re-enqueues rows left unsent for STALE_AFTER.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from constance import config
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import tasks as queue
from core.exceptions import DomainError
from core.workflow import perform
from supervision.choices import OPEN_STATES, TaskStatus
from supervision.models import ReminderLog, SupervisionTask

STALE_AFTER = timedelta(minutes=15)
# Before and on the deadline the task is still on time; after it, it is overdue.
ON_TIME_STATES = [s for s in OPEN_STATES if s not in (TaskStatus.OVERDUE, TaskStatus.REMINDED)]
LATE_STATES = [TaskStatus.OVERDUE, TaskStatus.REMINDED]


@dataclass
class RunResult:
    overdue: int = 0
    claimed: dict = field(default_factory=dict)
    requeued: int = 0


def send_reminders(*, today: date | None = None) -> RunResult:
    """Mark overdue tasks, claim each due reminder once, and enqueue the sending."""
    today = today or timezone.localdate()
    result = RunResult(overdue=mark_overdue_tasks(today=today))
    before = config.SUPERVISION_REMIND_BEFORE_DAYS
    chased = _chased()
    plans = {
        ReminderLog.Kind.BEFORE: chased.filter(
            status__in=ON_TIME_STATES, due_date__gt=today, due_date__lte=today + timedelta(days=before)
        ),
        ReminderLog.Kind.DUE: chased.filter(status__in=ON_TIME_STATES, due_date=today),
        ReminderLog.Kind.OVERDUE: chased.filter(status__in=LATE_STATES, due_date__lt=today),
        ReminderLog.Kind.ESCALATE: chased.filter(status__in=LATE_STATES, due_date__lt=today),
    }
    for kind, tasks in plans.items():
        result.claimed[kind] = sum(claim_reminder(task=t, kind=kind) for t in tasks.only("pk", "due_date"))
    # A task followed up (跟踪落实) is reminded once its planned date has come, once per planned date.
    follow_up = chased.filter(status=TaskStatus.FOLLOW_UP, follow_up_date__lte=today)
    result.claimed[ReminderLog.Kind.FOLLOW_UP] = sum(
        claim_reminder(task=t, kind=ReminderLog.Kind.FOLLOW_UP, due=t.follow_up_date)
        for t in follow_up.only("pk", "follow_up_date")
    )
    result.requeued = requeue_stale()
    return result


def _chased():
    """Tasks the scheduler watches: not those whose appeal the citizen withdrew (nobody is chased
    for a request that no longer stands)."""
    return SupervisionTask.objects.filter(source_withdrawn_at__isnull=True)


def mark_overdue_tasks(*, today: date) -> int:
    """Move every open task past its deadline to OVERDUE (the scheduler is the actor)."""
    count = 0
    late = _chased().filter(status__in=ON_TIME_STATES, due_date__lt=today)
    for task in late.only("pk", "status"):
        try:
            perform(task, "mark_overdue", actor=None, note=_("超过办理期限，系统自动标记逾期。"))
        except DomainError:
            continue  # moved on (replied, reassigned) since we read it
        count += 1
    return count


def claim_reminder(*, task, kind: str, due: date | None = None) -> bool:
    """Insert the reminder's log row; False if it was already claimed (this deadline, this kind). The
    date is the task's deadline, or `due` (a followed-up task's planned date)."""
    from supervision.tasks import deliver_reminder

    now = timezone.now()
    try:
        with transaction.atomic():
            log = ReminderLog.objects.create(
                task=task, kind=kind, due_date=due or task.due_date, claimed_at=now, enqueued_at=now
            )
            queue.enqueue_on_commit(deliver_reminder, log.pk)
    except IntegrityError:
        return False
    return True


def requeue_stale() -> int:
    """Enqueue again the reminders claimed long ago and still unsent (a killed run or worker)."""
    from supervision.tasks import deliver_reminder

    return queue.requeue_stale(ReminderLog, deliver_reminder, older_than=STALE_AFTER)


def deliver(*, reminder_id: int) -> int:
    """Send one claimed reminder (notifications and e-mail); returns recipients, 0 if already sent."""
    from notifications.services import notify
    from supervision.selectors import liaisons_of, supervising_office_users

    with transaction.atomic():
        log = (
            ReminderLog.objects.select_for_update(of=("self",))
            .filter(pk=reminder_id, sent_at__isnull=True)
            .select_related("task")
            .first()
        )
        if log is None:
            return 0
        task = log.task
        if log.kind == ReminderLog.Kind.FOLLOW_UP:
            current = task.follow_up_date if task.status == TaskStatus.FOLLOW_UP else None
        else:
            current = task.due_date
        if current != log.due_date:
            # The deadline moved (an extension, a reassignment) after the claim, or the followed-up task was
            # closed: this reminder is about a date that no longer applies; the new date gets its own.
            log.sent_at = timezone.now()
            log.save(update_fields=["sent_at"])
            return 0
        if log.kind == ReminderLog.Kind.ESCALATE:
            recipients = supervising_office_users()
        else:
            recipients = liaisons_of([task.lead_department_id])
        title, body, params = _message(log, task)
        notify(
            recipients=recipients, event_key=f"reminder:{log.pk}", title=title, body=body, params=params, target=task
        )
        log.sent_at = timezone.now()
        log.recipients = len(recipients)
        log.save(update_fields=["sent_at", "recipients"])
        return len(recipients)


def _message(log: ReminderLog, task: SupervisionTask) -> tuple:
    """Title, body and their values, worded later in each recipient's language."""
    values = {
        "title": task.title[:60],
        "due": log.due_date.isoformat(),
        "dept": task.lead_department.name if task.lead_department_id else "—",
        "days": (timezone.localdate() - log.due_date).days,
    }
    title, body = MESSAGES.get(log.kind, MESSAGES[ReminderLog.Kind.ESCALATE])
    return title, body, values


# Title and body of each kind of reminder, worded in each recipient's language when read.
MESSAGES = {
    ReminderLog.Kind.BEFORE: (
        gettext_lazy("督办任务即将到期：%(title)s"),
        gettext_lazy("办理期限为%(due)s，请抓紧办理并按时答复。"),
    ),
    ReminderLog.Kind.DUE: (
        gettext_lazy("督办任务今日到期：%(title)s"),
        gettext_lazy("今天（%(due)s）是办理期限，请按时答复。"),
    ),
    ReminderLog.Kind.OVERDUE: (
        gettext_lazy("督办任务已逾期：%(title)s"),
        gettext_lazy("办理期限%(due)s已过，请尽快办理并答复。"),
    ),
    ReminderLog.Kind.ESCALATE: (
        gettext_lazy("督办任务逾期，请督办：%(title)s"),
        gettext_lazy("牵头部门%(dept)s承办的任务已超过办理期限（%(due)s），请督促办理。"),
    ),
    ReminderLog.Kind.FOLLOW_UP: (
        gettext_lazy("督办任务计划落实时间已到：%(title)s"),
        gettext_lazy("贵单位答复计划于%(due)s前解决。请落实后在任务页“报告落实完成”，说明落实情况。"),
    ),
}
