"""Key proposals (重点提案): the supervision task they open is announced to whoever must act on it, and its
deadline follows the proposal's reply deadline (hand-over, extension, re-handling)."""

import datetime as dt

import pytest
from constance.test import override_config

from core.models import StatusChange
from core.workflow import history_for, perform
from notifications.models import Notification
from proposals import services
from proposals.models import ReplyClass
from proposals.tests.factories import contact, filed, in_progress
from proposals.tests.test_reminders import at
from supervision.choices import TaskStatus
from supervision.services import tasks_for_source

pytestmark = pytest.mark.django_db

START = dt.date(2026, 3, 2)
DUE = START + dt.timedelta(days=90)  # PROPOSAL_REPLY_DAYS


@pytest.fixture
def key(cast):
    """A proposal being handled by 教育局 (due DUE), made a key proposal supervised by the chair."""
    with at(START):
        proposal = in_progress(cast)
        return services.mark_key(proposal=proposal, supervisor=cast.chair, actor=cast.proposal)


def task_of(proposal):
    return tasks_for_source(proposal).get()


def followed(task):
    return StatusChange.objects.filter(object_id=task.pk, action="follow_source_deadline").order_by("pk")


def test_marking_a_key_proposal_tells_the_government_office_and_the_supervising_leader_once(
    cast, django_capture_on_commit_callbacks
):
    with at(START):
        proposal = in_progress(cast)
        Notification.objects.all().delete()
        with django_capture_on_commit_callbacks(execute=True):
            services.mark_key(proposal=proposal, supervisor=cast.chair, actor=cast.proposal)
    task = task_of(proposal)
    assert (task.status, task.due_date, task.rater) == (TaskStatus.CREATED, DUE, cast.chair)
    told = Notification.objects.filter(object_id=task.pk, content_type__model="supervisiontask")
    office = told.get(recipient=cast.gov_office)  # the transfer office, who must 交办 it
    assert "待您交办" in office.shown_title and proposal.title[:20] in office.shown_title
    assert office.url == task.get_absolute_url() and DUE.isoformat() in office.shown_body
    leader = told.get(recipient=cast.chair)  # the supervising leader, who rates the reply
    assert "您督办的任务" in leader.shown_title and "请您评价" in leader.shown_body
    assert set(told.values_list("recipient__username", flat=True)) == {"govoffice", "chair"}
    assert not Notification.objects.filter(recipient=cast.proposal).exists()  # who marked it knows


def test_an_approved_extension_moves_the_key_tasks_deadline_audited_with_the_reason(key, cast):
    with at(START + dt.timedelta(days=10)):
        perform(key, "request_extension", actor=cast.liaison, note="需跨部门协调", data={"due": "2026-07-15"})
    with at(START + dt.timedelta(days=12)):
        perform(key, "approve_extension", actor=cast.gov_office, note="同意", data={"due": "2026-07-10"})
    task = task_of(key)
    assert task.due_date == dt.date(2026, 7, 10)
    step = followed(task).get()
    assert (step.actor, step.from_state, step.to_state) == (cast.gov_office, "created", "created")
    assert "办理期限由2026-05-31调整为2026-07-10" in step.note
    assert "依据提案“同意延期”" in step.note and "答复期限由2026-05-31延至2026-07-10" in step.note
    # On the task's timeline, for the offices and the supervising leader.
    events = [e for e in history_for(task, cast.chair) if e.get("action") == "follow_source_deadline"]
    assert events[0]["action_label"] == "随来源调整办理期限" and "调整为2026-07-10" in events[0]["note"]


def test_the_offices_own_extension_and_a_rehandling_move_it_too(key, cast):
    with at(START + dt.timedelta(days=5)):
        perform(key, "extend", actor=cast.proposal, note="统一延期", data={"due": "2026-06-20"})
    task = task_of(key)
    assert task.due_date == dt.date(2026, 6, 20)
    assert "依据提案“延期答复”：统一延期" in followed(task).get().note

    with at(START + dt.timedelta(days=20)):
        contact(cast, key)
        services.submit_reply(
            proposal=key,
            actor=cast.liaison,
            reply_class=ReplyClass.objects.get(code="A"),
            body="答复如下",
            signed_by="局长",
        )
        key.refresh_from_db()
        perform(key, "approve_reply", actor=cast.proposal)
        services.rate_reply(proposal=key, actor=cast.member, rating="unsatisfied", reason="未回应核心问题")
        key.refresh_from_db()
        with override_config(PROPOSAL_REHANDLE_DAYS=120):
            perform(key, "rehandle", actor=cast.proposal, note="请与委员面商")
    key.refresh_from_db()
    task.refresh_from_db()
    assert task.due_date == key.reply_due == START + dt.timedelta(days=140)
    last = followed(task).last()
    assert "依据提案“交重新办理”" in last.note and "请与委员面商" in last.note


def test_a_key_proposal_chosen_before_its_hand_over_takes_the_deadline_set_then(cast):
    with at(START):
        proposal = filed(cast)
        services.mark_key(proposal=proposal, supervisor=cast.chair, actor=cast.proposal)
        assert task_of(proposal).due_date is None
        perform(proposal, "set_units", actor=cast.proposal, data={"mode": "lead", "lead": cast.liaison.department_id})
        perform(proposal, "assign", actor=cast.proposal)
    assert task_of(proposal).due_date == DUE
    assert "办理期限由—调整为2026-05-31" in followed(task_of(proposal)).get().note


def test_a_refused_extension_or_a_plain_proposal_leaves_tasks_alone(key, cast):
    with at(START + dt.timedelta(days=10)):
        perform(key, "request_extension", actor=cast.liaison, note="需跨部门协调", data={"due": "2026-07-15"})
        perform(key, "refuse_extension", actor=cast.proposal, note="请按期答复")
    task = task_of(key)
    assert task.due_date == DUE and not followed(task).exists()
