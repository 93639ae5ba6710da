"""R5#7: a task a killed worker left RUNNING is put back in the queue (requeue_stale_tasks) and runs."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.tasks import RERUNNABLE_TASKS
from intake import services
from notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _left_running(row, minutes_ago):
    """What a worker killed mid-task leaves: the row claimed, RUNNING, never finished."""
    row.claim("dead-worker")
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - timedelta(minutes=minutes_ago))


def _run_queue():
    call_command("db_worker", "--batch", "--interval", "0", stdout=StringIO(), stderr=StringIO())


def test_a_new_appeals_notice_left_running_by_a_dead_worker_reaches_the_clerks(settings, cast):
    settings.TASKS = DB_QUEUE
    appeal, _ = services.submit_appeal(title="路灯不亮", body="东门路灯坏了一个月。", idempotency_key="stale-1")
    tell = DBTaskResult.objects.get(task_path="intake.tasks.tell_of_new_appeal")
    _left_running(tell, minutes_ago=45)
    out = StringIO()
    call_command("requeue_stale_tasks", stdout=out)
    assert "tasks re-queued: 1" in out.getvalue()
    _run_queue()
    tell.refresh_from_db()
    assert tell.status == TaskResultStatus.SUCCESSFUL
    assert Notification.objects.filter(event_key=f"intake.new-appeal:{appeal.pk}").exists()
    # Done: nothing left to re-queue, and running it once more would tell nobody twice.
    out = StringIO()
    call_command("requeue_stale_tasks", stdout=out)
    assert "tasks re-queued: 0" in out.getvalue()


def test_a_task_still_within_its_time_or_not_safe_to_repeat_is_left_alone(settings, cast):
    settings.TASKS = DB_QUEUE
    services.submit_appeal(title="路灯不亮", body="东门路灯坏了一个月。", idempotency_key="stale-2")
    analysis = DBTaskResult.objects.get(task_path="analytics.tasks.analyse_appeal")
    _left_running(analysis, minutes_ago=5)  # a slow worker, maybe still at it
    from accounts.tasks import send_account_mail

    mail = send_account_mail.enqueue("重置密码", "…", "a@example.org")
    mail_row = DBTaskResult.objects.get(pk=mail.id)
    _left_running(mail_row, minutes_ago=120)  # an e-mail may have gone out: never sent twice
    out = StringIO()
    call_command("requeue_stale_tasks", stdout=out)
    assert "tasks re-queued: 0, stale tasks left alone: 1" in out.getvalue()
    assert DBTaskResult.objects.get(pk=analysis.pk).status == TaskResultStatus.RUNNING
    assert DBTaskResult.objects.get(pk=mail_row.pk).status == TaskResultStatus.RUNNING
    assert "accounts.tasks.send_account_mail" not in RERUNNABLE_TASKS
