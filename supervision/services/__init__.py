"""Writes on supervision tasks and special reports.

`create_task`, `tasks_for_source` and `follow_source_deadline` are the entry points other apps call; they
live in `supervision.services.tasks` and are re-exported here.
"""

from supervision.services.tasks import create_task, follow_source_deadline, tasks_for_source

__all__ = ["create_task", "follow_source_deadline", "tasks_for_source"]
