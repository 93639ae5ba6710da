"""Reviewers' findings on appeals: referral access, forwarding as 社情民意, messages on account
appeals, merging into handled cases, closing with a referral running, erasing on a closed appeal."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from core.exceptions import Refused
from core.workflow import perform
from intake import selectors, services
from intake.models import AppealStatus, Outcome, Route
from intake.tests.factories import AppealFactory

pytestmark = pytest.mark.django_db


def _referred(cast, **fields):
    appeal = AppealFactory(contact_phone="13812345678", **fields)
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    due = timezone.localdate() + datetime.timedelta(days=10)
    task = services.refer_to_department(
        appeal=appeal, department=cast.liaison.department, actor=cast.clerk, due_date=due
    )
    perform(task, "assign", actor=cast.gov_office)  # the government office transfers it (交办)
    return appeal, task


def _close_task(task):
    type(task).objects.filter(pk=task.pk).update(status="closed")


# R2#2: a department's access ends with its referral.


def test_a_liaison_handles_and_sees_contacts_only_while_the_referral_runs(client, cast):
    appeal, task = _referred(cast)
    perform(task, "accept", actor=cast.liaison)  # signed for (签收): see test_review1_fixes
    assert selectors.may_see_contact(cast.liaison, appeal)
    assert selectors.inbox(cast.liaison).filter(pk=appeal.pk).exists()
    _close_task(task)
    assert not selectors.may_see_contact(cast.liaison, appeal)
    assert not selectors.inbox(cast.liaison).filter(pk=appeal.pk).exists()
    with pytest.raises(Refused):
        services.reveal_contact(appeal=appeal, viewer=cast.liaison)
    client.force_login(cast.liaison)
    # The page still opens, read-only and masked (not redirected to the citizen's tracking page).
    response = client.get(f"/appeals/office/{appeal.pk}/")
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="referrals"' in page
    assert 'data-testid="reveal"' not in page and "13812345678" not in page
    assert 'data-testid="form-answer"' not in page
    assert client.post(f"/appeals/office/{appeal.pk}/contact/").status_code == 403
    response = client.post(f"/appeals/office/{appeal.pk}/act/answer/", {"note": "已处理"})
    assert response.status_code == 400
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ROUTED


def test_a_co_department_loses_access_when_the_referral_is_closed(cast):
    appeal, task = _referred(cast)
    task.co_departments.add(cast.other_liaison.department)
    perform(task, "accept", actor=cast.liaison)
    assert selectors.may_see_contact(cast.other_liaison, appeal)
    _close_task(task)
    assert not selectors.may_see_contact(cast.other_liaison, appeal)


# R2#3: 社情民意 is the CPPCC's channel, not the referred department's.


def test_a_referred_department_cannot_forward_the_appeal_as_an_opinion_report(client, cast):
    from opinions.models import OpinionReport

    appeal, _task = _referred(cast)
    with pytest.raises(Refused, match="社情民意"):
        services.forward_as_opinion(appeal=appeal, actor=cast.liaison)
    client.force_login(cast.liaison)
    assert 'data-testid="forward"' not in client.get(f"/appeals/office/{appeal.pk}/").content.decode()
    client.post(f"/appeals/office/{appeal.pk}/forward/")
    assert not OpinionReport.objects.exists()
    client.force_login(cast.clerk)
    assert 'data-testid="forward"' in client.get(f"/appeals/office/{appeal.pk}/").content.decode()


# R4#6: only the signed-in sender writes on an account appeal.


def test_a_code_holder_cannot_write_as_the_citizen_on_an_account_appeal(client, cast):
    appeal = AppealFactory(citizen=cast.citizen)
    url = f"/appeals/track/{appeal.tracking_code}/"
    page = client.get(url).content.decode()
    assert 'data-testid="reply-form"' not in page and 'data-testid="reply-why-not"' in page
    assert "请登录该账号后留言" in page
    response = client.post(url, {"op": "reply", "body": "我不是本人，但可以留言"})
    assert response.status_code == 400 and not appeal.messages.exists()
    with pytest.raises(Refused, match="请登录该账号后留言"):
        services.add_citizen_message(appeal=appeal, body="我不是本人")
    client.force_login(cast.citizen)
    assert 'data-testid="reply-form"' in client.get(url).content.decode()
    assert client.post(url, {"op": "reply", "body": "本人补充"}).status_code == 302
    assert appeal.messages.get().body == "本人补充"


def test_staff_do_not_write_as_the_citizen_on_the_tracking_page(client, cast):
    appeal = AppealFactory()
    client.force_login(cast.clerk)
    url = f"/appeals/track/{appeal.tracking_code}/"
    assert 'data-testid="reply-form"' not in client.get(url).content.decode()
    assert client.post(url, {"op": "reply", "body": "代为留言"}).status_code == 400
    assert not appeal.messages.exists()


# R4#2: nothing is merged into an answered or closed case.


@pytest.mark.parametrize("state", ["answered", "closed"])
def test_merging_into_an_answered_or_closed_appeal_is_refused(cast, state):
    target = AppealFactory()
    perform(target, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    perform(target, "answer", actor=cast.clerk, note="已协调")
    if state == "closed":
        perform(target, "close", actor=cast.clerk, note="已办结", data={"outcome": Outcome.ON_THE_SPOT})
    new = AppealFactory()
    with pytest.raises(Refused, match="单独办理") as err:
        perform(new, "merge", actor=cast.clerk, data={"into": target.tracking_code})
    assert target.tracking_code in err.value.message and "into" in err.value.fields
    new.refresh_from_db()
    assert new.status == AppealStatus.RECEIVED and new.merged_into_id is None


# R4#4: closing waits for the referral.


def test_an_appeal_is_not_closed_while_its_referral_runs(cast):
    from core.workflow import workflow_for

    appeal, task = _referred(cast)
    type(appeal).objects.filter(pk=appeal.pk).update(status=AppealStatus.ANSWERED)  # answered before the rule
    appeal.refresh_from_db()
    assert "close" not in {a.name for a in workflow_for(appeal).available(appeal, cast.clerk)}
    with pytest.raises(Refused, match=cast.liaison.department.name) as err:
        perform(appeal, "close", actor=cast.clerk, note="已办结", data={"outcome": Outcome.ON_THE_SPOT})
    assert "督办任务" in err.value.message and task.title in err.value.message
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ANSWERED
    _close_task(task)
    assert "close" in {a.name for a in workflow_for(appeal).available(appeal, cast.clerk)}
    perform(appeal, "close", actor=cast.clerk, note="已办结", data={"outcome": Outcome.ON_THE_SPOT})
    assert appeal.status == AppealStatus.CLOSED


# R4#9: erasing contacts on a closed appeal does not promise more handling.


def test_erasing_contacts_on_a_closed_appeal_does_not_say_it_will_be_handled(client, cast):
    appeal = AppealFactory()
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    perform(appeal, "answer", actor=cast.clerk, note="已修复")
    perform(appeal, "close", actor=cast.clerk, note="已办结", data={"outcome": Outcome.ON_THE_SPOT})
    response = client.post(f"/appeals/track/{appeal.tracking_code}/", {"op": "withdraw"})
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts and "继续办理" not in texts[0] and "已办结" in texts[0]
    open_one = AppealFactory()
    response = client.post(f"/appeals/track/{open_one.tracking_code}/", {"op": "withdraw"})
    assert any("继续办理" in str(m) for m in get_messages(response.wsgi_request))


# R2#6, R5#1: the appeal's handlers hear of the department's reply once the supervising office has
# accepted it, and of a reply sent back for re-handling.


def test_the_appeal_handler_hears_of_the_accepted_reply_not_the_submitted_one(cast, django_capture_on_commit_callbacks):
    from notifications.models import Notification
    from supervision.services import tasks as task_services

    appeal, task = _referred(cast, title="校门口拥堵")  # transferred by the government office
    perform(task, "accept", actor=cast.liaison)
    perform(task, "start", actor=cast.liaison)
    Notification.objects.all().delete()
    told = Notification.objects.filter(recipient=cast.clerk, event_key__startswith="intake.referral-progress")
    with django_capture_on_commit_callbacks(execute=True):
        task_services.submit_reply(task=task, actor=cast.liaison, classification="solved", body="已增派交警疏导。")
    assert not told.exists()  # not yet: the office has not rated the reply
    with django_capture_on_commit_callbacks(execute=True):
        task_services.rate_reply(task=task, actor=cast.gov_office, rating="unsatisfied", note="未说明时限")
    again = told.get()
    assert "重新办理" in again.title and "校门口拥堵" in again.title and "请据此答复群众" not in again.title
    assert "未说明时限" not in again.body  # the office's reasons stay on the task
    assert again.url == appeal.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        task_services.submit_reply(task=task, actor=cast.liaison, classification="solved", body="已设潮汐车道。")
    assert told.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        task_services.rate_reply(task=task, actor=cast.gov_office, rating="satisfied")
    accepted = told.order_by("pk").last()
    assert told.count() == 2 and "请据此答复群众" in accepted.title and "已设潮汐车道。" in accepted.body
    assert not Notification.objects.filter(recipient=cast.liaison, event_key__startswith="intake.referral").exists()


def test_the_citizen_is_answered_only_once_the_referral_is_settled(client, cast):
    from core.workflow import workflow_for
    from supervision.services import tasks as task_services

    appeal, task = _referred(cast)
    for state in ("assigned", "acked", "feedback", "reopened"):
        if state == "acked":
            perform(task, "accept", actor=cast.liaison)
        elif state == "feedback":
            task_services.submit_reply(task=task, actor=cast.liaison, classification="solved", body="已修复。")
        elif state == "reopened":
            task_services.rate_reply(task=task, actor=cast.gov_office, rating="unsatisfied", note="未说明时限")
        task.refresh_from_db()
        assert task.status == state
        assert "answer" not in {a.name for a in workflow_for(appeal).available(appeal, cast.clerk)}, state
        with pytest.raises(Refused) as err:
            perform(appeal, "answer", actor=cast.clerk, note="已修复")
        assert task.title in err.value.message and task.get_status_display() in err.value.message
        assert "暂不能答复群众" in err.value.message
    client.force_login(cast.clerk)
    page = client.get(f"/appeals/office/{appeal.pk}/")
    assert 'data-action="answer"' not in page.content.decode() and 'data-action="close"' not in page.content.decode()
    response = client.post(f"/appeals/office/{appeal.pk}/act/answer/", {"note": "已修复"})
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ROUTED and not appeal.answer
    assert response.status_code == 400 and "暂不能答复群众" in response.content.decode()
    task_services.submit_reply(task=task, actor=cast.liaison, classification="solved", body="已修复，设临时警示。")
    task_services.rate_reply(task=task, actor=cast.gov_office, rating="basic")
    page = client.get(f"/appeals/office/{appeal.pk}/")
    assert 'data-action="answer"' in page.content.decode()
    perform(appeal, "answer", actor=cast.clerk, note="已修复，设临时警示。")
    assert appeal.status == AppealStatus.ANSWERED
