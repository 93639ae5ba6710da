"""Put back in the queue the tasks a dead `db_worker` left RUNNING (run every few minutes by cron or a timer)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.tasks import requeue_stale_tasks

logger = logging.getLogger("xieshang.tasks")


class Command(BaseCommand):
    help = (
        "Re-queue database-queue tasks left RUNNING longer than --older-than-minutes by a worker that died "
        "(only tasks safe to run twice: core.tasks.RERUNNABLE_TASKS)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=settings.TASK_STALE_MINUTES,
            help="a task started this long ago and still RUNNING is stale (default: TASK_STALE_MINUTES, %(default)s)",
        )

    def handle(self, *args, older_than_minutes, **options):
        if older_than_minutes < 1:
            raise CommandError("--older-than-minutes must be at least 1")
        requeued, left = requeue_stale_tasks(older_than=timedelta(minutes=older_than_minutes))
        for row in left:
            logger.warning("task left RUNNING by a dead worker, not re-run (not safe to run twice): %s", row)
        if requeued:
            logger.warning("re-queued %s task(s) left RUNNING by a dead worker", requeued)
        self.stdout.write(f"tasks re-queued: {requeued}, stale tasks left alone: {len(left)}")
