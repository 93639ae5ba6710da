"""A reply that only plans (正在解决或列入计划), rated satisfied or basic, is followed up (跟踪落实) until the
department reports it done; and the transfer, reassignment, reply-date, public-page and report-access rules
around it (domain.md §2, §5)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import Role
from core.exceptions import Refused
from core.workflow import perform, workflow_for
from district.tests.factories import DepartmentFactory
from notifications.models import Notification
from supervision import selectors
from supervision.choices import TaskStatus
from supervision.models import ReminderLog
from supervision.services.reminders import deliver, send_reminders
from supervision.services.tasks import Assignment, rate_reply, submit_reply, transfer_outcome_items
from supervision.tests.conftest import advance

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _planned_reply(task, cast, days: int = 20):
    advance(task, cast, "acked")
    return submit_reply(
        task=task,
        actor=cast.liaison,
        classification="planned",
        planned_date=TODAY() + dt.timedelta(days=days),
        body="已列入年度计划，预计下月印发。",
    )


# ---- #3 follow-up ------------------------------------------------------------------------------


def test_planned_reply_rated_basic_stays_in_follow_up_until_the_department_reports_it_done(
    cast, task, django_capture_on_commit_callbacks
):
    _planned_reply(task, cast)
    wf = workflow_for(task)
    # The rater is offered the same two buttons; they lead to 跟踪落实, not 已办结.
    offered = {a.name for a in wf.available(task, cast.member)}
    assert offered == {"rate_satisfied_follow_up", "rate_basic_follow_up", "rate_unsatisfied"}
    with pytest.raises(Refused, match="跟踪落实"):
        perform(task, "rate_basic", actor=cast.member)
    with django_capture_on_commit_callbacks(execute=True):
        rate_reply(task=task, actor=cast.member, rating="basic", note="请按计划落实")
    task.refresh_from_db()
    assert task.status == TaskStatus.FOLLOW_UP and task.closed_at is None
    assert task.follow_up_date == TODAY() + dt.timedelta(days=20) and task.rating == "basic"
    # Waiting on the lead department, which is told.
    assert task in selectors.task_inbox(cast.liaison)
    assert Notification.objects.filter(recipient=cast.liaison, title__contains="跟踪落实").exists()
    # Not closed anywhere the public or the ranking looks.
    listed = selectors.public_reports().get(pk=task.special_report_id)
    assert listed.closed_count == 0
    outcome = next(o for o in selectors.public_outcomes(task.special_report) if o["task"] == task)
    assert str(outcome["status_label"]) == "跟踪落实"
    assert selectors.department_ranking().get(pk=cast.liaison.department_id).closed == 0
    # The department reports it done: closed, and the rater reads what was done.
    assert [a.name for a in wf.available(task, cast.liaison)] == ["report_done"]
    with django_capture_on_commit_callbacks(execute=True):
        perform(task, "report_done", actor=cast.liaison, note="办法已于本月印发实施。")
    task.refresh_from_db()
    assert task.status == TaskStatus.CLOSED and task.closed_at and task.progress == 100
    told = Notification.objects.filter(recipient=cast.member).latest("id")
    assert "已办结" in told.title and told.body == "办法已于本月印发实施。"


def test_a_solved_reply_still_closes_on_a_good_rating(cast, task):
    advance(task, cast, "feedback")
    assert {a.name for a in workflow_for(task).available(task, cast.member)} == {
        "rate_satisfied",
        "rate_basic",
        "rate_unsatisfied",
    }
    rate_reply(task=task, actor=cast.member, rating="satisfied")
    assert task.status == TaskStatus.CLOSED and task.follow_up_date is None


def test_the_department_is_reminded_once_on_the_planned_date(cast, task):
    _planned_reply(task, cast, days=3)
    rate_reply(task=task, actor=cast.member, rating="satisfied")
    assert send_reminders(today=TODAY()).claimed[ReminderLog.Kind.FOLLOW_UP] == 0
    planned = TODAY() + dt.timedelta(days=3)
    assert send_reminders(today=planned).claimed[ReminderLog.Kind.FOLLOW_UP] == 1
    assert send_reminders(today=planned + dt.timedelta(days=1)).claimed[ReminderLog.Kind.FOLLOW_UP] == 0
    log = ReminderLog.objects.get(task=task, kind=ReminderLog.Kind.FOLLOW_UP)
    assert deliver(reminder_id=log.pk) == 1
    note = Notification.objects.get(recipient=cast.liaison, event_key=f"reminder:{log.pk}")
    assert "计划落实时间已到" in note.title


# ---- #2 planned date -----------------------------------------------------------------------------


def test_a_planned_date_in_the_past_is_refused_on_the_field(cast, task, client):
    advance(task, cast, "acked")
    with pytest.raises(Refused, match="不能早于今天") as err:
        submit_reply(
            task=task, actor=cast.liaison, classification="planned", planned_date=dt.date(2019, 5, 1), body="计划"
        )
    assert "planned_date" in err.value.fields
    task.refresh_from_db()
    assert task.status == TaskStatus.ACKED
    client.force_login(cast.liaison)
    response = client.post(
        f"/supervision/tasks/{task.pk}/reply/",
        {"classification": "planned", "planned_date": "2019-05-01", "body": "计划", "submit": "1"},
    )
    assert response.status_code == 400
    assert "不能早于今天" in response.content.decode() and "2019-05-01" in response.content.decode()


# ---- #1 no liaison in post -------------------------------------------------------------------------


def test_a_task_cannot_go_to_a_department_without_a_liaison_in_post(world):
    world.issue()
    empty = DepartmentFactory(name="区委办公室")
    due = TODAY() + dt.timedelta(days=30)
    with pytest.raises(Refused, match="没有在岗联络员"):
        transfer_outcome_items(
            report=world.report,
            assignments=[Assignment(item=world.items[0], lead_department=empty, due_date=due)],
            actor=world.cast.gov_office,
        )
    assert not world.report.tasks.exists()


def test_the_transfer_form_marks_and_refuses_a_department_without_liaison(world, client):
    world.issue()
    empty = DepartmentFactory(name="区委办公室")
    client.force_login(world.cast.gov_office)
    page = client.get(f"/supervision/reports/{world.report.pk}/").content.decode()
    assert "区委办公室（无在岗联络员）" in page
    item = world.items[0]
    due = (TODAY() + dt.timedelta(days=30)).isoformat()
    response = client.post(
        f"/supervision/reports/{world.report.pk}/transfer/",
        {f"include_{item.pk}": "on", f"lead_{item.pk}": empty.pk, f"due_{item.pk}": due},
    )
    assert response.status_code == 400 and "没有在岗联络员" in response.content.decode()
    assert not world.report.tasks.exists()


def test_the_government_office_corrects_a_wrong_lead_department_before_it_accepts(
    cast, task, django_capture_on_commit_callbacks
):
    assert task.status == TaskStatus.ASSIGNED
    with django_capture_on_commit_callbacks(execute=True):
        perform(
            task,
            "reassign",
            actor=cast.gov_office,
            note="牵头部门选错，改由人社局牵头。",
            data={"lead_department": cast.other_liaison.department_id, "co_departments": []},
        )
    task.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED and task.lead_department == cast.other_liaison.department
    # The department it was taken from is told where it went and why (#4), without a link it cannot open.
    told = Notification.objects.get(recipient=cast.liaison, event_key__startswith="supervision-reassigned-from")
    assert "人社局" in told.body and "牵头部门选错" in told.body and told.url == ""


# ---- #4 the department that asked hears the answer ---------------------------------------------------


def test_a_granted_reassignment_request_is_answered_to_the_department_that_asked(
    cast, task, django_capture_on_commit_callbacks
):
    perform(task, "request_reassign", actor=cast.liaison, note="不属于我局职责")
    with django_capture_on_commit_callbacks(execute=True):
        perform(
            task,
            "reassign",
            actor=cast.gov_office,
            note="由人社局统筹。",
            data={"lead_department": cast.other_liaison.department_id, "co_departments": []},
        )
    told = Notification.objects.get(recipient=cast.liaison, event_key__startswith="supervision-reassigned-from")
    assert "同意了贵单位的改派申请" in told.body and "由人社局统筹。" in told.body
    assert "督办任务已改派" in told.title


# ---- #5 co-departments do not get the offices' internal notes ---------------------------------------


def test_a_co_department_is_told_of_keep_assignment_without_the_reason(cast, task, django_capture_on_commit_callbacks):
    # 人社局 (other_liaison) cooperates.
    perform(task, "request_reassign", actor=cast.liaison, note="不属于我局职责")
    with django_capture_on_commit_callbacks(execute=True):
        perform(task, "keep_assignment", actor=cast.gov_office, note="教育局为主管部门，维持原交办。")
    lead = Notification.objects.filter(recipient=cast.liaison).latest("id")
    co = Notification.objects.filter(recipient=cast.other_liaison).latest("id")
    assert lead.body == "教育局为主管部门，维持原交办。"
    assert co.body == "" and "已交办" in co.title


# ---- #6 public page counts every item ----------------------------------------------------------------


def test_the_public_page_counts_and_lists_items_not_yet_transferred(world, client):
    world.issue()
    due = TODAY() + dt.timedelta(days=30)
    transfer_outcome_items(
        report=world.report,
        assignments=[Assignment(item=world.items[0], lead_department=world.edu, due_date=due)],
        actor=world.cast.gov_office,
    )
    listed = selectors.public_reports().get(pk=world.report.pk)
    assert (listed.task_count, listed.closed_count) == (2, 0)
    page = client.get(f"/supervision/public/{world.report.pk}/").content.decode()
    assert page.count('data-testid="outcome"') == 2
    assert world.items[1].recommendation in page and "待交办" in page
    assert "成果事项 2 项" in client.get("/supervision/public/").content.decode()


# ---- #7 a department reads the report it acts on -----------------------------------------------------


def test_a_department_reads_and_downloads_the_report_its_task_came_from(cast, task, client, api_client):
    report = task.special_report
    client.force_login(cast.liaison)
    assert f'href="/supervision/reports/{report.pk}/"' in client.get(f"/supervision/tasks/{task.pk}/").content.decode()
    assert client.get(f"/supervision/reports/{report.pk}/").status_code == 200
    assert client.get(f"/supervision/reports/{report.pk}/document.docx").status_code == 200
    api_client.force_authenticate(cast.liaison)
    assert api_client.get(f"/api/v1/special-reports/{report.pk}/").status_code == 200
    # A department with no task from it still does not.
    outsider = DepartmentFactory(name="文旅局")
    cast.other_member.groups.clear()
    cast.other_member.groups.add(Group.objects.get(name=Role.DEPT_LIAISON))
    cast.other_member.department = outsider
    cast.other_member.save()
    client.force_login(cast.other_member)
    assert client.get(f"/supervision/reports/{report.pk}/").status_code == 404
