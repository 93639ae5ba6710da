"""Enqueueing background tasks so that they run only for work that was committed.

With the database queue (`django_tasks_db`, production) the task row is written inside the
caller's transaction: it commits with the record it is about (one commit instead of two, and no
window where the record exists but its task was lost), and a rollback takes it away. Any other
backend (the immediate backend of the embedded default and the tests) is enqueued after commit,
so a task never sees, nor runs inside, a transaction that may still roll back.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend


def _queued_in_database(task) -> bool:
    return isinstance(task_backends[task.backend], DatabaseBackend)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Enqueue `task(*args, **kwargs)` as part of the current transaction (see the module doc)."""
    if _queued_in_database(task):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))


def requeue_stale(model, task, *, older_than: timedelta) -> int:
    """Enqueue `task(pk)` again for rows of `model` claimed over `older_than` ago and still unsent.

    For claimed-row outboxes (reminders): each row has `enqueued_at` and `sent_at`; a run or worker
    killed between claiming and sending leaves the row unsent, and the next periodic run calls this.
    A guarded update stamps each row first, so of two concurrent runs only one re-enqueues it.
    """
    now = timezone.now()
    count = 0
    stale = model._default_manager.filter(sent_at__isnull=True, enqueued_at__lt=now - older_than)
    for row in stale.only("pk", "enqueued_at"):
        claimed = model._default_manager.filter(pk=row.pk, enqueued_at=row.enqueued_at, sent_at__isnull=True)
        if claimed.update(enqueued_at=now):
            enqueue_on_commit(task, row.pk)
            count += 1
    return count


# Tasks that a worker killed mid-way (OOM, machine lost, SIGKILL after systemd's stop timeout) may run
# again from the start: each one checks the state of its record before it acts and records what it did
# under a unique key (notifications once per recipient and event, the e-mail claimed under a row lock),
# so a second run repeats nothing that the first one finished. Task paths as django-tasks-db stores them.
RERUNNABLE_TASKS = (
    "analytics.tasks.analyse_appeal",  # routing suggestion, fingerprint, duplicate pairs, search index: upserts
    "analytics.tasks.reindex_record",
    "insight.tasks.refresh_dashboard",  # replaces a cache entry
    "intake.tasks.tell_of_new_appeal",  # notifications keyed intake.new-appeal:<id>
    "grassroots.tasks.tell_members_on_duty",  # notifications keyed by booking and event
    "notifications.tasks.send_notification_email",  # marked e-mailed in the transaction that sends it
    "topics.tasks.send_plan_reminders_task",  # notifications keyed by plan, step and day
)
# Not re-run from here: the reminder and webhook tasks are recovered by their own outboxes
# (send_reminders, send_proposal_reminders and deliver_webhooks re-enqueue claimed rows still unsent);
# an account e-mail (accounts.tasks.send_password_reset_mail, send_account_mail) is never sent twice: the person
# asks again.


def requeue_stale_tasks(*, older_than: timedelta, now=None) -> tuple[int, list[str]]:
    """Put back in the queue the database-queue tasks left RUNNING for over `older_than` by a worker that
    died (django-tasks-db claims a row without a lease: nothing else ever runs it again). Only the tasks in
    RERUNNABLE_TASKS; `older_than` must exceed the longest task's run time, or a slow task still running
    would be started a second time. Returns (how many were re-queued, the ids of stale rows left alone)."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    stale = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=now - older_than)
    requeued, left = 0, []
    for row in stale.only("pk", "task_path", "started_at"):
        if row.task_path not in RERUNNABLE_TASKS:
            left.append(f"{row.pk} {row.task_path}")
            continue
        # Guarded: of two runs at once (or a worker finishing just now) only one changes the row.
        requeued += DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
        ).update(status=TaskResultStatus.READY, started_at=None)
    return requeued, left
