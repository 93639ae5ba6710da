"""The classes a department gives its reply to a supervised task (督办答复类别) are the district's own list,
seeded with the three of domain.md §2 (c); each class's kind decides what the workflow asks for and does."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core.exceptions import Refused
from core.workflow import perform, workflow_for
from supervision.choices import ReplyKind, TaskStatus
from supervision.models import TaskReplyClass
from supervision.services.tasks import rate_reply, save_reply_draft, submit_reply
from supervision.tests.conftest import advance

pytestmark = pytest.mark.django_db


def _reply_page(client, task, user):
    client.force_login(user)
    return client.get(reverse("supervision:task", args=[task.pk])).content.decode()


def test_the_three_default_classes_are_there_with_their_kinds_and_english_names():
    rows = {c.code: (c.name, c.name_en, c.kind) for c in TaskReplyClass.objects.all()}
    assert rows == {
        "solved": ("已解决或采纳", "Resolved or adopted", ReplyKind.SOLVED),
        "planned": ("正在解决或列入计划", "Being resolved or included in a plan", ReplyKind.PLANNED),
        "cannot": ("因条件限制暂不能解决", "Cannot be resolved for now due to constraints", ReplyKind.CANNOT),
    }


def test_a_class_the_district_adds_is_offered_and_works_as_its_kind(cast, task, client):
    TaskReplyClass.objects.create(code="partly", name="部分解决、其余列入计划", kind=ReplyKind.PLANNED, order=4)
    advance(task, cast, "acked")
    page = _reply_page(client, task, cast.liaison)
    assert '<option value="partly">部分解决、其余列入计划</option>' in page

    # Its kind asks for a planned date ...
    with pytest.raises(Refused, match="答复类别为“部分解决、其余列入计划”时，请填写计划解决时间"):
        submit_reply(task=task, actor=cast.liaison, classification="partly", body="主体已完成，配套设施列入明年计划")
    planned = timezone.localdate() + dt.timedelta(days=30)
    submit_reply(
        task=task, actor=cast.liaison, classification="PARTLY", planned_date=planned, body="配套设施列入明年计划"
    )
    # ... and a good rating leaves the task to be followed up, as for the district's 列入计划.
    offered = {a.name for a in workflow_for(task).available(task, cast.member)}
    assert "rate_basic_follow_up" in offered and "rate_basic" not in offered
    rate_reply(task=task, actor=cast.member, rating="basic", note="请按计划落实")
    task.refresh_from_db()
    assert task.status == TaskStatus.FOLLOW_UP and task.follow_up_date == planned
    assert "部分解决、其余列入计划" in _reply_page(client, task, cast.member)


def test_a_solved_kind_under_another_name_completes_the_progress(cast, task):
    TaskReplyClass.objects.filter(code="solved").update(name="已解决")
    advance(task, cast, "acked")
    submit_reply(task=task, actor=cast.liaison, classification="solved", body="已完成专项治理")
    task.refresh_from_db()
    assert task.progress == 100


def test_a_retired_class_is_no_longer_offered_and_a_draft_holding_it_is_asked_to_choose_again(cast, task, client):
    advance(task, cast, "acked")
    save_reply_draft(task=task, actor=cast.liaison, classification="cannot", reason="缺资金", body="暂不能解决")
    TaskReplyClass.objects.filter(code="cannot").update(is_active=False)

    page = _reply_page(client, task, cast.liaison)
    assert 'value="cannot"' not in page and 'value="solved"' in page
    # Submitting the saved draft as it stands (the API's submit_reply transition) names the retired class.
    with pytest.raises(Refused, match="答复类别“因条件限制暂不能解决”已停用，请重新选择") as refused:
        perform(task, "submit_reply", actor=cast.liaison)
    assert "classification" in refused.value.fields
    # Nor can it be chosen again, from the page or the API.
    with pytest.raises(Refused, match="答复类别无效"):
        save_reply_draft(task=task, actor=cast.liaison, classification="cannot", body="暂不能解决")
    response = client.post(
        reverse("supervision:task_reply", args=[task.pk]),
        {"classification": "cannot", "reason": "缺资金", "body": "我写的答复正文", "submit": "1"},
    )
    assert response.status_code == 400 and "我写的答复正文" in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.ACKED


def test_the_missing_class_message_names_the_districts_classes(cast, task):
    TaskReplyClass.objects.filter(code="cannot").update(is_active=False)
    TaskReplyClass.objects.create(code="later", name="另行答复", kind=ReplyKind.CANNOT, order=9)
    advance(task, cast, "acked")
    with pytest.raises(Refused) as refused:
        submit_reply(task=task, actor=cast.liaison, body="正文")
    assert str(refused.value.message) == "请选择答复类别：已解决或采纳、正在解决或列入计划、另行答复。"


def test_the_api_takes_and_gives_the_class_by_its_code(cast, task, api_client):
    TaskReplyClass.objects.create(code="later", name="另行答复", kind=ReplyKind.CANNOT, order=9)
    advance(task, cast, "acked")
    api_client.force_authenticate(cast.liaison)
    url = f"/api/v1/supervision-tasks/{task.pk}/reply-draft/"
    r = api_client.put(url, {"classification": "nonesuch", "body": "正文"}, format="json")
    assert r.status_code == 400 and r.json()["error"]["fields"] == {"classification": ["请重新选择。"]}
    r = api_client.put(url, {"body": "正文"}, format="json")
    assert r.status_code == 200 and r.json()["classification"] == ""
    r = api_client.put(url, {"classification": "later", "reason": "待市里统筹", "body": "正文"}, format="json")
    assert r.status_code == 200 and r.json()["classification"] == "later"


def test_a_class_reads_in_english_for_an_english_reader(cast, task, client):
    advance(task, cast, "acked")
    submit_reply(task=task, actor=cast.liaison, classification="solved", body="已完成专项治理")
    client.force_login(cast.member)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("supervision:task", args=[task.pk])).content.decode()
    translation.activate("zh-hans")
    assert "Resolved or adopted" in page
