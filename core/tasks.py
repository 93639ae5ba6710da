"""Enqueueing background tasks so that they run only for work that was committed.

With the database queue (`django_tasks_db`, production) the task row is written inside the
caller's transaction: it commits with the record it is about (one commit instead of two, and no
window where the record exists but its task was lost), and a rollback takes it away. Any other
backend (the immediate backend of the embedded default and the tests) is enqueued after commit,
so a task never sees, nor runs inside, a transaction that may still roll back.
"""

from __future__ import annotations

from django.db import transaction
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
