"""Data migrations of the supervision app, run forward and back on rows built with the historical models."""

import pytest

from accounts.tests.factories import UserFactory
from core.tests.migrations import migrate_to, migrated_to

BEFORE = ("supervision", "0007_task_follow_up")
AFTER = ("supervision", "0008_task_reply_classes")


@pytest.fixture
def at_0007():
    """The database with supervision at 0007; put back to the latest migration afterwards."""
    with migrated_to(BEFORE) as apps:
        yield apps


@pytest.mark.django_db(transaction=True)
def test_replies_keep_their_class_as_a_row_of_the_districts_list_and_back(at_0007):
    user = UserFactory()
    task = at_0007.get_model("supervision", "SupervisionTask").objects.create(
        title="校门口交通整治", created_by_id=user.pk
    )
    replies = at_0007.get_model("supervision", "TaskReply").objects
    planned = replies.create(task=task, round=1, classification="planned", body="列入计划", author_id=user.pk)
    draft = replies.create(task=task, round=2, classification="", body="写到一半", author_id=user.pk)
    at_0007.get_model("supervision", "HistoricalTaskReply").objects.create(
        id=planned.pk, task_id=task.pk, round=1, classification="planned", body="列入计划", author_id=user.pk,
        created_at=planned.created_at, updated_at=planned.updated_at, history_date=planned.created_at,
        history_type="+",
    )  # fmt: skip

    after = migrate_to(AFTER)
    TaskReply = after.get_model("supervision", "TaskReply")
    assert TaskReply.objects.get(pk=planned.pk).reply_class.code == "planned"
    assert TaskReply.objects.get(pk=draft.pk).reply_class is None
    history = after.get_model("supervision", "HistoricalTaskReply").objects.get(id=planned.pk)
    assert history.reply_class_id == TaskReply.objects.get(pk=planned.pk).reply_class_id
    # The district's own class, then back: it reads as the kind it was given.
    own = after.get_model("supervision", "TaskReplyClass").objects.create(
        code="partly", name="部分解决", kind="planned"
    )
    TaskReply.objects.filter(pk=draft.pk).update(reply_class=own)

    before = migrate_to(BEFORE)
    back = before.get_model("supervision", "TaskReply").objects
    assert dict(back.values_list("pk", "classification")) == {planned.pk: "planned", draft.pk: "planned"}
