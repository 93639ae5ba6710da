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
