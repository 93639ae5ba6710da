import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType

from core.exceptions import ActionForbidden, NoteRequired, Refused, TransitionNotAllowed
from core.models import StatusChange
from core.tests.testapp.models import Memo
from core.workflow import all_workflows, history_for, perform, workflow_for
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def memo(cast):
    return Memo.objects.create(title="计划", body="正文", owner=cast.member)


def test_perform_moves_state_and_records_who_when_why(cast, memo):
    perform(memo, "submit", actor=cast.member, note="请审阅")
    memo.refresh_from_db()
    assert memo.status == "submitted"
    change = StatusChange.objects.get(content_type=ContentType.objects.get_for_model(Memo), object_id=memo.pk)
    assert (change.action, change.from_state, change.to_state, change.actor, change.note) == (
        "submit",
        "draft",
        "submitted",
        cast.member,
        "请审阅",
    )


def test_perform_refuses_action_not_allowed_from_current_state(cast, memo):
    with pytest.raises(TransitionNotAllowed) as err:
        perform(memo, "accept", actor=cast.clerk)
    assert "draft" in str(err.value.message)
    memo.refresh_from_db()
    assert memo.status == "draft"


def test_perform_refuses_wrong_role(cast, memo):
    perform(memo, "submit", actor=cast.member)
    with pytest.raises(ActionForbidden):
        perform(memo, "accept", actor=cast.member)


def test_perform_refuses_other_users_object(cast, memo):
    with pytest.raises(ActionForbidden):
        perform(memo, "submit", actor=cast.other_member)


def test_return_requires_a_reason(cast, memo):
    perform(memo, "submit", actor=cast.member)
    with pytest.raises(NoteRequired):
        perform(memo, "return", actor=cast.clerk, note="   ")
    perform(memo, "return", actor=cast.clerk, note="缺少数据")
    memo.refresh_from_db()
    assert memo.status == "returned"


def test_guard_refusal_leaves_state_untouched(cast):
    memo = Memo.objects.create(title="空", body="", owner=cast.member)
    with pytest.raises(Refused):
        perform(memo, "submit", actor=cast.member)
    memo.refresh_from_db()
    assert memo.status == "draft"
    assert not StatusChange.objects.filter(object_id=memo.pk).exists()


def test_effect_runs_in_same_transaction_with_payload(cast, memo):
    perform(memo, "submit", actor=cast.member)
    perform(memo, "accept", actor=cast.clerk, data={"stamp": "已阅"})
    memo.refresh_from_db()
    assert memo.title.endswith("[已阅]")
    assert memo.status == "accepted"


def test_unknown_action_is_a_clear_refusal(cast, memo):
    with pytest.raises(TransitionNotAllowed):
        perform(memo, "explode", actor=cast.member)


def test_available_lists_only_what_the_user_may_do_now(cast, memo):
    wf = workflow_for(memo)
    assert [a.name for a in wf.available(memo, cast.member)] == ["submit"]
    assert wf.available(memo, cast.clerk) == []
    perform(memo, "submit", actor=cast.member)
    assert {a.name for a in wf.available(memo, cast.clerk)} == {"accept", "return"}


def test_holders_of_next_step_are_told_once_after_commit(cast, memo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        perform(memo, "submit", actor=cast.member)
    notes = Notification.objects.filter(recipient=cast.clerk)
    assert notes.count() == 1
    assert "计划" in notes.get().title
    assert not Notification.objects.filter(recipient=cast.member).exists()


def test_only_those_with_a_next_step_are_told_it_waits_for_them(cast, memo, django_capture_on_commit_callbacks):
    """A returned memo waits for its owner; an accepted one is only news to them (nothing left to do)."""
    with django_capture_on_commit_callbacks(execute=True):
        perform(memo, "submit", actor=cast.member)
        perform(memo, "return", actor=cast.clerk, note="请补充")
    assert "待您处理" in Notification.objects.get(recipient=cast.member).title
    with django_capture_on_commit_callbacks(execute=True):
        perform(memo, "submit", actor=cast.member)
        perform(memo, "accept", actor=cast.clerk)
    latest = Notification.objects.filter(recipient=cast.member).latest("id")
    assert "有新进展" in latest.title and "待您处理" not in latest.title


def test_a_holder_who_may_not_read_the_note_is_told_of_the_step_without_it(
    cast, memo, monkeypatch, django_capture_on_commit_callbacks
):
    """The notice carries the step's note only to those who read it on the timeline (`note_reader`): the
    owner (addressee) reads the return reason; another holder, who reads no note, is told the step alone."""
    from core.tests.testapp.workflow import WORKFLOW

    with django_capture_on_commit_callbacks(execute=True):
        perform(memo, "submit", actor=cast.member)
    monkeypatch.setattr(WORKFLOW, "holders", lambda obj, state: [obj.owner, cast.other_member])
    with django_capture_on_commit_callbacks(execute=True):
        perform(memo, "return", actor=cast.clerk, note="内部意见：预算不实")
    owner = Notification.objects.filter(recipient=cast.member).latest("id")
    other = Notification.objects.get(recipient=cast.other_member)
    assert owner.body == "内部意见：预算不实"
    assert other.body == "" and "预算" not in other.title


def test_history_merges_transitions_and_field_edits(cast, memo):
    memo.body = "修改后的正文"
    memo._history_user = cast.member
    memo.save()
    perform(memo, "submit", actor=cast.member, note="提交")
    events = history_for(memo, cast.member)
    kinds = [e["kind"] for e in events]
    assert kinds == ["created", "edited", "transition"]
    assert events[1]["changes"][0]["field"] == "body"
    assert events[2]["to_state"] == "submitted"


def test_history_of_a_record_without_history_rows_shows_its_transitions(cast, memo):
    """Records loaded in bulk (imports, the demo) have no history rows: the page still shows its timeline."""
    perform(memo, "submit", actor=cast.member, note="提交")
    memo.history.all().delete()
    assert [e["kind"] for e in history_for(memo, cast.member)] == ["transition"]


def test_history_shows_every_step_and_each_note_to_whom_the_workflow_lets_read_it(cast, memo):
    """The clerks (reads_notes) read every note; the owner (addressee) those told to him and his own;
    another viewer, or nobody signed in, sees the steps without notes, a system step's included."""
    from core.services import record_status_change

    perform(memo, "submit", actor=cast.member, note="请审阅")
    perform(memo, "return", actor=cast.clerk, note="请补充预算")
    record_status_change(memo, "archive_copy", "returned", "returned", actor=None, note="系统备份")

    def notes(viewer):
        events = [e for e in history_for(memo, viewer) if e["kind"] == "transition"]
        assert [e["action"] for e in events] == ["submit", "return", "archive_copy"]
        return [e["note"] for e in events]

    assert notes(cast.clerk) == ["请审阅", "请补充预算", "系统备份"]
    # The system step is no action of the workflow: nobody is told of it, so its note is the clerks'.
    assert notes(cast.member) == ["请审阅", "请补充预算", ""]
    assert notes(cast.other_member) == ["", "", ""]
    assert notes(AnonymousUser()) == ["", "", ""]


@pytest.mark.parametrize("wf", all_workflows(), ids=lambda w: w.model)
def test_every_declared_workflow_is_complete(wf):
    table = wf.table()
    assert set(table) == set(wf.states.values)
    assert wf.reachable() == set(wf.states.values), "every state must be reachable from the initial one"
    assert wf.visible is not None, "every workflow declares who may see its objects"
    assert wf.reads_notes is not None, "every workflow declares who reads the notes of its timeline"


def test_no_owner_predicate_lets_a_signed_out_user_through_on_an_unsaved_record(cast):
    """An unsaved record has no owner id, and neither has an anonymous user: that must not match."""
    from django.apps import apps

    for wf in all_workflows():
        obj = apps.get_model(wf.model)()
        assert wf.available(obj, cast.anonymous) == [], wf.model


def test_history_shows_recorded_values_as_readers_know_them(django_assert_max_num_queries):
    """Choices by their label, related rows by their name, empty as —, flags as 是/否 (not "False → True")."""
    from analytics.models import DuplicateCandidate
    from district.tests.factories import DepartmentFactory
    from intake.models import Channel
    from intake.tests.factories import AppealFactory

    first, second = DepartmentFactory(name="区教育局"), DepartmentFactory(name="区人社局")
    appeal = AppealFactory(channel=Channel.WEB, department=None)
    appeal.channel, appeal.department = Channel.PHONE, first
    appeal.save()
    appeal.department = second
    appeal.save()
    with django_assert_max_num_queries(6):  # one read of the departments for both edits
        edits = [c for e in history_for(appeal, AnonymousUser()) if e["kind"] == "edited" for c in e["changes"]]
    shown = {(c["field"], c["old"], c["new"]) for c in edits}
    assert ("channel", str(Channel.WEB.label), str(Channel.PHONE.label)) in shown
    assert ("department", "—", "区教育局") in shown
    assert ("department", "区教育局", "区人社局") in shown

    from core.workflow import _show_values

    flag = DuplicateCandidate._meta.get_field("merged_in_intake")
    changes = [{"field_obj": flag, "label": "x", "old": False, "new": True}]
    _show_values(changes)
    assert (changes[0]["old"], changes[0]["new"]) == ("否", "是")


def test_history_names_many_to_many_rows_and_shows_times_in_local_time(settings):
    import datetime

    from core.workflow import _show_values
    from district.tests.factories import DepartmentFactory
    from supervision.models import SupervisionTask

    edu, hr = DepartmentFactory(name="区教育局"), DepartmentFactory(name="区人社局")
    co = SupervisionTask._meta.get_field("co_departments")
    signed = SupervisionTask._meta.get_field("created_at")
    changes = [
        {
            "field_obj": co,
            "label": "x",
            "old": [],
            "new": [{"supervisiontask": 6, "department": edu.pk}, {"supervisiontask": 6, "department": hr.pk}],
        },
        {
            "field_obj": signed,
            "label": "y",
            "old": None,
            "new": datetime.datetime(2026, 12, 5, 23, 35, 43, tzinfo=datetime.UTC),
        },
    ]
    _show_values(changes)
    assert (changes[0]["old"], changes[0]["new"]) == ("—", "区教育局、区人社局")
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert (changes[1]["old"], changes[1]["new"]) == ("—", "2026-12-06 07:35")


def test_history_of_many_to_many_edits_costs_the_same_queries_however_long_the_timeline(django_assert_max_num_queries):
    """A task's co-departments are recorded with each history row; the page reads them once for the
    whole timeline and still shows each change by name."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from district.tests.factories import DepartmentFactory
    from supervision.models import SupervisionTask

    edu, hr, fin = (DepartmentFactory(name=n) for n in ("区教育局", "区人社局", "区财政局"))
    task = SupervisionTask.objects.create(title="督办：推进托育服务", lead_department=edu)

    def edit(*departments):
        task.co_departments.set(departments)
        task.save()

    edit(edu)
    with CaptureQueriesContext(connection) as short:
        history_for(task, AnonymousUser())
    for departments in ((edu, hr), (hr,), (hr, fin), (fin,), (edu, fin)):
        edit(*departments)
    with django_assert_max_num_queries(len(short.captured_queries)):
        events = history_for(task, AnonymousUser())
    shown = [
        (c["old"], c["new"])
        for e in events
        if e["kind"] == "edited"
        for c in e["changes"]
        if c["field"] == "co_departments"
    ]
    assert ("区教育局", "区教育局、区人社局") in shown
    assert ("区人社局", "区人社局、区财政局") in shown
    assert shown[-1] == ("区财政局", "区教育局、区财政局")
