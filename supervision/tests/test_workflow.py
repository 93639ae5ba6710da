"""Every supervision-task and special-report transition, and every refusal, at service level."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from core.exceptions import ActionForbidden, NoteRequired, Refused, TransitionNotAllowed
from core.workflow import perform, workflow_for
from notifications.models import Notification
from supervision.choices import ReportStatus, TaskStatus
from supervision.services.reminders import mark_overdue_tasks
from supervision.services.tasks import assign_task, create_task, rate_reply
from supervision.tests.conftest import advance

pytestmark = pytest.mark.django_db


# ---- special report ---------------------------------------------------------------------------


def test_report_is_submitted_signed_and_issued_with_a_yearly_number(world):
    cast, report = world.cast, world.report
    perform(report, "submit", actor=cast.research)
    assert report.status == ReportStatus.SUBMITTED and report.number == ""
    perform(report, "sign", actor=cast.secgen)
    assert report.status == ReportStatus.SIGNED
    assert report.number == "同政协专报〔2022〕1号"
    assert report.signed_by == cast.secgen
    perform(report, "issue", actor=cast.research)
    assert report.status == ReportStatus.ISSUED and report.issued_at is not None


def test_only_the_secretary_general_signs_off(world):
    perform(world.report, "submit", actor=world.cast.research)
    for someone in (world.cast.research, world.cast.chair, world.cast.gov_office):
        with pytest.raises(ActionForbidden):
            perform(world.report, "sign", actor=someone)


def test_secretary_general_returns_with_a_reason(world):
    perform(world.report, "submit", actor=world.cast.research)
    with pytest.raises(NoteRequired):
        perform(world.report, "return", actor=world.cast.secgen)
    perform(world.report, "return", actor=world.cast.secgen, note="第二条表述需与教育局再核实")
    assert world.report.status == ReportStatus.DRAFT


def test_report_without_a_rater_cannot_be_submitted(world):
    world.report.lead = None
    world.report.save()
    with pytest.raises(Refused, match="牵头委员"):
        perform(world.report, "submit", actor=world.cast.research)


def test_report_cannot_be_issued_before_sign_off(world):
    with pytest.raises(TransitionNotAllowed):
        perform(world.report, "issue", actor=world.cast.research)


# ---- task: transfer, accept, dispute ----------------------------------------------------------


def test_transfer_creates_assigned_tasks_told_to_both_departments(world, django_capture_on_commit_callbacks):
    world.issue()
    with django_capture_on_commit_callbacks(execute=True):
        tasks = world.transfer()
    assert [t.status for t in tasks] == [TaskStatus.ASSIGNED, TaskStatus.ASSIGNED]
    t = tasks[0]
    assert (t.lead_department, list(t.co_departments.all()), t.rater) == (world.edu, [world.hr], world.cast.member)
    assert t.outcome_item == world.items[0] and t.special_report == world.report and t.assigned_at
    assert Notification.objects.filter(recipient=world.cast.liaison).count() == 2
    assert Notification.objects.filter(recipient=world.cast.other_liaison).count() == 2


def test_lead_department_accepts(task, cast):
    perform(task, "accept", actor=cast.liaison)
    assert task.status == TaskStatus.ACKED


def test_cooperating_department_cannot_accept_for_the_lead(task, cast):
    with pytest.raises(ActionForbidden):
        perform(task, "accept", actor=cast.other_liaison)


def test_reassignment_request_needs_a_reason_and_the_window(task, cast):
    with pytest.raises(NoteRequired):
        perform(task, "request_reassign", actor=cast.liaison)
    with time_machine.travel(timezone.now() + dt.timedelta(days=6)):
        with pytest.raises(Refused, match="5天"):
            perform(task, "request_reassign", actor=cast.liaison, note="属人社局职能")
    perform(task, "request_reassign", actor=cast.liaison, note="属人社局职能")
    assert task.status == TaskStatus.REASSIGN


def test_government_office_reassigns_to_another_department(task, cast, world):
    perform(task, "request_reassign", actor=cast.liaison, note="属人社局职能")
    with pytest.raises(Refused, match="相同"):
        perform(task, "reassign", actor=cast.gov_office, data={"lead_department": world.edu.pk})
    perform(task, "reassign", actor=cast.gov_office, data={"lead_department": world.hr.pk})
    assert task.status == TaskStatus.ASSIGNED
    assert task.lead_department == world.hr
    assert world.hr not in task.co_departments.all()
    perform(task, "accept", actor=cast.other_liaison)
    assert task.status == TaskStatus.ACKED


def test_government_office_keeps_the_assignment_with_a_reason(task, cast):
    perform(task, "request_reassign", actor=cast.liaison, note="属人社局职能")
    with pytest.raises(NoteRequired):
        perform(task, "keep_assignment", actor=cast.gov_office)
    perform(task, "keep_assignment", actor=cast.gov_office, note="校外培训监管由教育局牵头")
    assert task.status == TaskStatus.ASSIGNED


def test_a_task_opened_elsewhere_is_assigned_with_department_and_deadline(cast):
    task = create_task(source=None, title="社情民意批示：校车安全", actor=cast.info)
    assert task.status == TaskStatus.CREATED
    with pytest.raises(ActionForbidden):
        assign_task(task=task, actor=cast.clerk, lead_department=cast.liaison.department, due_date=None)
    with pytest.raises(Refused, match="办理期限"):
        assign_task(task=task, actor=cast.gov_office, lead_department=cast.liaison.department, due_date=None)
    with pytest.raises(Refused, match="牵头部门"):
        perform(task, "assign", actor=cast.gov_office, data={"due_date": "2099-01-01"})
    with pytest.raises(Refused, match="早于今天"):
        perform(
            task,
            "assign",
            actor=cast.gov_office,
            data={"lead_department": cast.liaison.department.pk, "due_date": "2001-01-01"},
        )
    assign_task(
        task=task,
        actor=cast.gov_office,
        lead_department=cast.liaison.department,
        due_date=timezone.localdate() + dt.timedelta(days=20),
        co_departments=[cast.other_liaison.department],
    )
    assert task.status == TaskStatus.ASSIGNED and task.assigned_at


# ---- handling, overdue, reminders ------------------------------------------------------------


def test_first_progress_report_starts_the_handling(task, cast):
    advance(task, cast, "in_progress")
    assert task.status == TaskStatus.IN_PROGRESS and task.progress == 40


@pytest.mark.parametrize("state", ["assigned", "acked", "in_progress"])
def test_scheduler_marks_open_tasks_overdue(task, cast, state):
    if state != "assigned":
        advance(task, cast, state)
    with time_machine.travel(task.due_date + dt.timedelta(days=1)):
        assert mark_overdue_tasks(today=timezone.localdate()) >= 1
    task.refresh_from_db()
    assert task.status == TaskStatus.OVERDUE and task.was_overdue


def test_nobody_but_the_scheduler_marks_overdue(task, cast):
    with pytest.raises(ActionForbidden):
        perform(task, "mark_overdue", actor=cast.gov_office)


def test_supervising_office_reminds_an_overdue_task(task, cast):
    perform(task, "mark_overdue", actor=None)
    with pytest.raises(ActionForbidden):
        perform(task, "remind", actor=cast.liaison, note="请尽快办理")
    perform(task, "remind", actor=cast.party_office, note="请于本周内报送办理情况")
    assert task.status == TaskStatus.REMINDED
    perform(task, "remind", actor=cast.gov_office, note="再次催办")
    assert task.status == TaskStatus.REMINDED


# ---- reply and rating ------------------------------------------------------------------------


def test_reply_moves_task_to_feedback_and_tells_the_rater(task, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        advance(task, cast, "feedback")
    assert task.status == TaskStatus.FEEDBACK and task.replied_at and task.progress == 100
    assert Notification.objects.filter(recipient=cast.member, object_id=task.pk).exists()


def test_reply_from_a_reminded_task_is_accepted(task, cast):
    from supervision.services.tasks import submit_reply

    perform(task, "mark_overdue", actor=None)
    perform(task, "remind", actor=cast.gov_office, note="请尽快答复")
    submit_reply(
        task=task,
        actor=cast.liaison,
        classification="planned",
        planned_date=timezone.localdate() + dt.timedelta(days=200),
        body="列入明年计划",
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.FEEDBACK and task.was_overdue


@pytest.mark.parametrize(("rating", "state"), [("satisfied", "closed"), ("basic", "closed")])
def test_satisfied_or_basically_satisfied_closes(task, cast, rating, state):
    advance(task, cast, "feedback")
    rate_reply(task=task, actor=cast.member, rating=rating)
    task.refresh_from_db()
    assert (task.status, task.rating) == (state, rating)
    assert task.closed_at and task.replies.get().rating == rating


def test_not_satisfied_reopens_with_reason_and_a_new_deadline(task, cast):
    from supervision.services.tasks import submit_reply

    advance(task, cast, "feedback")
    with pytest.raises(NoteRequired):
        rate_reply(task=task, actor=cast.member, rating="unsatisfied")
    rate_reply(task=task, actor=cast.member, rating="unsatisfied", note="未说明资金监管措施")
    task.refresh_from_db()
    assert task.status == TaskStatus.REOPENED
    assert task.due_date == timezone.localdate() + dt.timedelta(days=30)
    assert task.replies.get().rating_note == "未说明资金监管措施"
    # Re-handling: progress, then the second round's reply.
    from supervision.services.tasks import report_progress

    report_progress(task=task, actor=cast.liaison, percent=80, text="补充资金监管措施")
    assert task.status == TaskStatus.IN_PROGRESS
    submit_reply(task=task, actor=cast.liaison, classification="solved", body="已建立资金监管专户")
    task.refresh_from_db()
    assert task.status == TaskStatus.FEEDBACK
    assert list(task.replies.values_list("round", flat=True)) == [1, 2]


def test_not_satisfied_never_shortens_a_later_deadline_and_says_which_applies(task, cast):
    from core.models import StatusChange

    advance(task, cast, "feedback")
    later = timezone.localdate() + dt.timedelta(days=70)
    type(task).objects.filter(pk=task.pk).update(due_date=later)
    rate_reply(task=task, actor=cast.member, rating="unsatisfied", note="未说明资金监管措施")
    task.refresh_from_db()
    assert task.due_date == later
    change = StatusChange.objects.filter(object_id=task.pk, action="rate_unsatisfied").get()
    assert change.note.startswith("未说明资金监管措施")
    assert f"重新办理期限：{later.isoformat()}" in change.note and "保留原期限" in change.note


def test_rating_by_someone_who_is_not_the_lead_is_refused(task, cast):
    advance(task, cast, "feedback")
    for someone in (cast.other_member, cast.research, cast.liaison):
        with pytest.raises(ActionForbidden, match="牵头委员或调研组组长"):
            rate_reply(task=task, actor=someone, rating="satisfied")
    with pytest.raises(ActionForbidden):
        perform(task, "rate_satisfied", actor=cast.other_member)
    task.refresh_from_db()
    assert task.status == TaskStatus.FEEDBACK


def test_rating_needs_a_valid_choice(task, cast):
    advance(task, cast, "feedback")
    with pytest.raises(Refused, match="请选择评价"):
        rate_reply(task=task, actor=cast.member, rating="")


def test_task_workflow_states_are_the_domain_states(task):
    wf = workflow_for(task)
    assert set(wf.states.values) == {
        "created",
        "assigned",
        "reassign",
        "acked",
        "in_progress",
        "overdue",
        "reminded",
        "feedback",
        "reopened",
        "follow_up",
        "closed",
    }


def test_reply_on_a_task_without_rater_is_verified_by_the_supervising_office(
    cast, world, django_capture_on_commit_callbacks
):
    """A leader's instruction or an appeal opens a task with no rater: the reply must not wait forever."""
    from supervision.selectors import task_inbox
    from supervision.services.tasks import submit_reply

    task = create_task(
        source=None,
        title="落实领导批示：村道缺少错车道",
        actor=cast.gov_office,
        lead_department=world.edu,
        due_date=timezone.localdate() + dt.timedelta(days=20),
    )
    perform(task, "assign", actor=cast.gov_office)
    perform(task, "accept", actor=cast.liaison)
    with django_capture_on_commit_callbacks(execute=True):
        submit_reply(task=task, actor=cast.liaison, classification="solved", body="已增设错车道")
    task.refresh_from_db()
    assert task.status == TaskStatus.FEEDBACK and task.rater is None
    assert task in task_inbox(cast.gov_office)
    assert Notification.objects.filter(recipient=cast.gov_office, object_id=task.pk).exists()
    with pytest.raises(ActionForbidden):
        rate_reply(task=task, actor=cast.member, rating="satisfied")
    rate_reply(task=task, actor=cast.gov_office, rating="satisfied")
    task.refresh_from_db()
    assert task.status == TaskStatus.CLOSED


# ---- review 2 ---------------------------------------------------------------------------------


def test_after_the_office_keeps_the_assignment_the_department_cannot_ask_again(task, cast, world):
    from core.workflow import workflow_for

    wf = workflow_for(task)
    assert "request_reassign" in [a.name for a in wf.available(task, cast.liaison)]
    perform(task, "request_reassign", actor=cast.liaison, note="属人社局职能")
    perform(task, "keep_assignment", actor=cast.gov_office, note="校外培训监管由教育局牵头")
    # The ruling stands: neither offered nor accepted.
    assert "request_reassign" not in [a.name for a in wf.available(task, cast.liaison)]
    with pytest.raises(Refused, match="维持原交办"):
        perform(task, "request_reassign", actor=cast.liaison, note="仍认为属人社局职能")
    assert task.status == TaskStatus.ASSIGNED
    # A new assignment (to another department after all) may be disputed again.
    type(task).objects.filter(pk=task.pk).update(status=TaskStatus.REASSIGN)
    perform(task, "reassign", actor=cast.gov_office, data={"lead_department": world.hr.pk})
    assert "request_reassign" in [a.name for a in wf.available(task, cast.other_liaison)]
    perform(task, "request_reassign", actor=cast.other_liaison, note="属教育局职能")
    assert task.status == TaskStatus.REASSIGN


def test_the_reassignment_request_button_has_its_own_label_apart_from_the_state(task):
    from django.utils import translation

    from core.workflow import workflow_for

    action = workflow_for(task).action("request_reassign")
    assert str(action.label) == "申请改派" == str(TaskStatus.REASSIGN.label)
    with translation.override("en"):
        # Different msgids: the button is not worded as the state "Reassignment requested".
        assert str(action.label) != str(TaskStatus.REASSIGN.label)


@pytest.mark.parametrize(("reported", "expected"), [(None, 0), (60, 60)])
def test_not_satisfied_puts_progress_back_to_the_last_reported(task, cast, reported, expected):
    from supervision.services.tasks import report_progress, submit_reply

    perform(task, "accept", actor=cast.liaison)
    if reported is not None:
        report_progress(task=task, actor=cast.liaison, percent=reported, text="已完成摸底排查")
        # A cooperating department's report never moved the lead percentage and does not count here.
        report_progress(task=task, actor=cast.other_liaison, percent=90, text="协办部门进展")
    submit_reply(task=task, actor=cast.liaison, classification="solved", body="已完成专项治理")
    task.refresh_from_db()
    assert task.progress == 100
    rate_reply(task=task, actor=cast.member, rating="unsatisfied", note="未说明资金监管措施")
    task.refresh_from_db()
    assert (task.status, task.progress) == (TaskStatus.REOPENED, expected)
