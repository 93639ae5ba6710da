"""Reviewer 1's findings on appeals: a department handles a referred appeal only once it signed for it
and answers through its task; the routed members hear of an answer they must close; a merged
appeal's public timeline; the demo's dates."""

import datetime

import pytest
from django.utils import timezone

from core.exceptions import Refused
from core.workflow import perform, workflow_for
from intake import selectors, services
from intake.models import AppealStatus, Route
from intake.tests.factories import AppealFactory

pytestmark = pytest.mark.django_db


def _workstation_appeal(cast, **fields):
    from grassroots.tests.factories import WorkstationFactory

    ws = WorkstationFactory()
    ws.members.add(cast.member.member, cast.other_member.member)
    appeal = AppealFactory(contact_phone="13812345678", **fields)
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.WORKSTATION, "workstation": ws.pk})
    return appeal


def _refer(cast, appeal):
    due = timezone.localdate() + datetime.timedelta(days=10)
    department = cast.liaison.department
    task = services.refer_to_department(appeal=appeal, department=department, actor=cast.member, due_date=due)
    perform(task, "assign", actor=cast.gov_office)
    return task


# #8: an unsigned referral gives the department no handling rights; it answers through its task.


def test_a_liaison_gets_no_handling_rights_before_signing_for_the_referral(client, cast):
    appeal = _workstation_appeal(cast)
    task = _refer(cast, appeal)
    assert task.status == "assigned"
    assert not selectors.may_see_contact(cast.liaison, appeal)
    with pytest.raises(Refused):
        services.reveal_contact(appeal=appeal, viewer=cast.liaison)
    with pytest.raises(Refused):
        services.add_staff_message(appeal=appeal, body="您好", actor=cast.liaison)
    assert not selectors.inbox(cast.liaison).filter(pk=appeal.pk).exists()
    assert workflow_for(appeal).available(appeal, cast.liaison) == []
    client.force_login(cast.liaison)
    page = client.get(f"/appeals/office/{appeal.pk}/")
    assert page.status_code == 200  # it reads the appeal it was given, masked
    assert "13812345678" not in page.content.decode() and 'data-testid="reveal"' not in page.content.decode()
    assert client.post(f"/appeals/office/{appeal.pk}/contact/").status_code == 403
    client.post(f"/appeals/office/{appeal.pk}/act/answer/", {"note": "已处理"})
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ROUTED and appeal.answer == ""


def test_once_signed_the_liaison_handles_but_answers_only_through_the_task(client, cast):
    appeal = _workstation_appeal(cast)
    task = _refer(cast, appeal)
    perform(task, "accept", actor=cast.liaison)
    assert selectors.may_see_contact(cast.liaison, appeal)
    assert services.reveal_contact(appeal=appeal, viewer=cast.liaison)["contact_phone"] == "13812345678"
    assert selectors.inbox(cast.liaison).filter(pk=appeal.pk).exists()
    # The citizen is answered by the routed members from the department's reply, not by the department.
    assert "answer" not in {a.name for a in workflow_for(appeal).available(appeal, cast.liaison)}
    client.force_login(cast.liaison)
    client.post(f"/appeals/office/{appeal.pk}/act/answer/", {"note": "已处理"})
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ROUTED


def test_the_routed_members_hear_of_an_answer_given_by_someone_else(cast, django_capture_on_commit_callbacks):
    from notifications.models import Notification

    appeal = _workstation_appeal(cast)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        perform(appeal, "answer", actor=cast.clerk, note="已联系施工方。")
    told = set(Notification.objects.filter(object_id=appeal.pk).values_list("recipient__username", flat=True))
    assert {cast.member.username, cast.other_member.username} <= told
    # The members who must close it are told it waits for them.
    note = Notification.objects.get(recipient=cast.member, object_id=appeal.pk)
    assert "待您处理" in note.title


def test_the_other_members_are_not_told_when_one_of_them_answers(cast, django_capture_on_commit_callbacks):
    from notifications.models import Notification

    appeal = _workstation_appeal(cast)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        perform(appeal, "answer", actor=cast.member, note="已联系施工方。")
    assert not Notification.objects.filter(recipient=cast.other_member, object_id=appeal.pk).exists()


# #3: a merged citizen's timeline shows the main case's steps from the merge on only.


def test_a_merged_timeline_leaves_out_the_main_cases_steps_before_the_merge(cast):
    from core.models import StatusChange

    main = _workstation_appeal(cast, title="路灯不亮")
    task = _refer(cast, main)
    type(task).objects.filter(pk=task.pk).update(status="closed")  # the department's reply accepted
    earlier = timezone.now() - datetime.timedelta(days=5)
    StatusChange.objects.filter(object_id__in=[main.pk, task.pk]).update(created_at=earlier)
    type(main).objects.filter(pk=main.pk).update(created_at=earlier - datetime.timedelta(hours=1))
    main.refresh_from_db()
    dup = AppealFactory(title="路灯又不亮")
    services.merge_appeals(duplicate=dup, into=main, actor=cast.clerk)
    perform(main, "answer", actor=cast.clerk, note="已修复")
    dup.refresh_from_db()
    steps = selectors.public_timeline(dup, selectors.case_of(dup))
    labels = [s["label"] for s in steps]
    assert labels == ["诉求已受理", "与相同问题合并办理", "办理人员已答复"]
    assert all(s["at"] >= dup.created_at for s in steps)
    # The main case's own citizen still sees its whole handling.
    own = [s["label"] for s in selectors.public_timeline(main, main)]
    assert own[:2] == ["诉求已受理", "已交办理单位办理"] and f"已转交{cast.liaison.department.name}办理" in own


# #10: a referral waits for the government office's assignment, and says so.


def test_a_members_referral_tells_the_government_office_and_the_citizen_it_awaits_assignment(
    client, cast, django_capture_on_commit_callbacks
):
    from notifications.models import Notification
    from supervision.models import SupervisionTask

    appeal = _workstation_appeal(cast)
    Notification.objects.all().delete()
    client.force_login(cast.member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/appeals/office/{appeal.pk}/refer/", {"department": cast.liaison.department.pk})
    assert response.status_code == 302
    task = SupervisionTask.objects.get()
    assert task.status == "created"
    told = Notification.objects.filter(recipient=cast.gov_office, event_key=f"intake.referral-created:{task.pk}")
    assert told.count() == 1 and "待您交办" in told.get().title and told.get().url == task.get_absolute_url()
    assert not Notification.objects.filter(recipient=cast.member).exists()
    name = cast.liaison.department.name
    labels = [s["label"] for s in selectors.public_timeline(appeal)]
    assert f"拟转交{name}办理，等待交办" in labels and f"已转交{name}办理" not in labels
    perform(task, "assign", actor=cast.gov_office, data={"due_date": "2099-01-01"})
    labels = [s["label"] for s in selectors.public_timeline(appeal)]
    assert f"已转交{name}办理" in labels and not any("等待交办" in label for label in labels)


def test_a_created_task_is_held_by_the_government_office(cast):
    from supervision.choices import TaskStatus
    from supervision.selectors import task_holders
    from supervision.services import create_task

    task = create_task(source=None, title="转交", actor=cast.clerk, lead_department=cast.liaison.department)
    assert {u.username for u in task_holders(task, TaskStatus.CREATED)} == {cast.gov_office.username}
