"""Tasks are enqueued with the commit of the work they are about (core.tasks.enqueue_on_commit)."""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from intake import services
from intake.models import Appeal

pytestmark = pytest.mark.django_db(transaction=True)

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _queued(task_name: str) -> int:
    return DBTaskResult.objects.filter(task_path__endswith=task_name).count()


def test_with_the_database_queue_the_appeal_and_its_analysis_task_commit_together(settings):
    settings.TASKS = DB_QUEUE
    appeal, created = services.submit_appeal(title="路灯不亮", body="东门路灯坏了一个月。", idempotency_key="tx-1")
    assert created
    assert _queued("analyse_appeal") == 1
    row = DBTaskResult.objects.get(task_path__endswith="analyse_appeal")
    assert row.args_kwargs["args"][0] == appeal.pk


def test_with_the_database_queue_a_rolled_back_appeal_leaves_no_task(settings):
    settings.TASKS = DB_QUEUE

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        services.submit_appeal(title="路灯不亮", body="东门路灯坏了一个月。")
        assert _queued("analyse_appeal") == 1  # written inside the transaction…
        raise Abort
    assert not Appeal.objects.exists()
    assert _queued("analyse_appeal") == 0  # …and gone with it: no task for an appeal that never was


def test_a_repeated_key_returns_the_first_appeal_and_queues_nothing_more(settings):
    settings.TASKS = DB_QUEUE
    first, _ = services.submit_appeal(title="路灯不亮", body="东门路灯坏了一个月。", idempotency_key="tx-2")
    again, created = services.submit_appeal(title="路灯不亮", body="东门路灯坏了一个月。", idempotency_key="tx-2")
    assert not created and again.pk == first.pk
    assert Appeal.objects.count() == 1 and _queued("analyse_appeal") == 1


def test_other_backends_run_the_task_only_after_commit(settings):
    from analytics.models import SearchDocument

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with transaction.atomic():
        appeal, _ = services.submit_appeal(title="路灯不亮", body="东门路灯坏了一个月。")
        # The immediate backend has not run the analysis (which indexes the appeal) inside the
        # open transaction…
        assert not SearchDocument.objects.filter(object_id=appeal.pk).exists()
    # …but right after the commit.
    assert SearchDocument.objects.filter(object_id=appeal.pk).exists()
    assert DBTaskResult.objects.count() == 0
