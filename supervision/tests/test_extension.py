"""Extension requests (延期申请): the lead department asks, the government office approves or refuses."""

import datetime as dt
from contextlib import contextmanager

import pytest
import time_machine
from constance.test import override_config
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.services import create_user
from core.exceptions import ActionForbidden, NoteRequired, Refused, TransitionNotAllowed
from core.models import StatusChange
from core.workflow import history_for, perform
from notifications.models import Notification
from supervision.choices import HANDLING_STATES, ExtensionState, TaskStatus
from supervision.models import ReminderLog, SupervisionTask, TaskExtensionRequest
from supervision.selectors import task_inbox, task_list
from supervision.services import reminders
from supervision.services.tasks import rate_reply, report_progress, submit_reply
from supervision.tests.test_reminders import reminders_to, run_at
from supervision.workflow import EXTENSION_SUFFIX

pytestmark = pytest.mark.django_db

START = dt.date(2026, 6, 1)
DUE = dt.date(2026, 6, 30)
LATEST = DUE + dt.timedelta(days=90)  # SUPERVISION_EXTENSION_MAX_DAYS
ASKED = DUE + dt.timedelta(days=30)


@contextmanager
def at(day: dt.date):
    moment = dt.datetime.combine(day, dt.time(9, 0), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(moment, tick=False):
        yield


@pytest.fixture
def handling(world, cast):
    """A task in 办理中 for 教育局 (lead, cast.liaison) with 人社局 cooperating (cast.other_liaison)."""
    with at(START):
        world.issue()
        task = world.transfer(due=DUE)[0]
        perform(task, "accept", actor=cast.liaison)
        report_progress(task=task, actor=cast.liaison, percent=30, text="已开展摸底")
    task.refresh_from_db()
    return task


def ask(task, actor, due=ASKED, note="需等待市级文件，申请延期", day=START + dt.timedelta(days=10)):
    task.refresh_from_db()
    action = f"request_extension{EXTENSION_SUFFIX.get(task.status, '')}"
    with at(day):
        return perform(task, action, actor=actor, note=note, data={"due_date": str(due)})


def decide(task, actor, step, note="", due=None, day=START + dt.timedelta(days=12)):
    task.refresh_from_db()
    action = f"{step}_extension{EXTENSION_SUFFIX.get(task.status, '')}"
    with at(day):
        return perform(task, action, actor=actor, note=note, data={"due_date": str(due)} if due else {})


def make_overdue(task, day=DUE + dt.timedelta(days=2)):
    with at(day):
        reminders.mark_overdue_tasks(today=day)
    task.refresh_from_db()
    assert task.status == TaskStatus.OVERDUE
    return task


def outsider(cast):
    """A liaison of a department with nothing to do with the task."""
    from district.tests.factories import DepartmentFactory

    return create_user(
        username="liaison_ws", password="x-Strong-pass-1", roles=[Role.DEPT_LIAISON], department=DepartmentFactory()
    )


def test_every_handling_state_has_its_extension_actions():
    assert set(EXTENSION_SUFFIX) == set(HANDLING_STATES)


# Requests


def test_the_lead_department_asks_and_the_government_office_is_told(handling, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask(handling, cast.liaison)
    request = TaskExtensionRequest.objects.get()
    assert (request.state, request.department, request.requested_by, request.round) == (
        ExtensionState.PENDING,
        cast.liaison.department,
        cast.liaison,
        1,
    )
    assert (request.current_due, request.requested_due) == (DUE, ASKED)
    handling.refresh_from_db()
    assert (handling.due_date, handling.status) == (DUE, TaskStatus.IN_PROGRESS)  # nothing moves before approval
    note = Notification.objects.get(recipient=cast.gov_office, event_key__startswith="supervision-extension:")
    assert "申请督办任务延期" in note.shown_title and "需等待市级文件" in note.shown_body
    assert str(ASKED) in note.shown_body
    # Nobody gets the generic "waiting for you" of the (unchanged) state.
    change = StatusChange.objects.get(action="request_extension")
    assert not Notification.objects.filter(event_key=f"status:{change.pk}").exists()


@pytest.mark.parametrize("who", ["other_liaison", "outsider", "member", "citizen", "gov_office", "party_office"])
def test_only_a_liaison_of_the_lead_department_may_ask(handling, cast, who):
    actor = outsider(cast) if who == "outsider" else getattr(cast, who)
    with pytest.raises(ActionForbidden):
        ask(handling, actor)
    assert not TaskExtensionRequest.objects.exists()


def test_a_pending_request_blocks_a_second_one(handling, cast):
    ask(handling, cast.liaison)
    with pytest.raises(Refused, match="正在等待审批"):
        ask(handling, cast.liaison, due=DUE + dt.timedelta(days=20))
    assert TaskExtensionRequest.objects.count() == 1


def test_dates_are_checked_with_chinese_messages(handling, cast):
    with pytest.raises(Refused) as err:
        ask(handling, cast.liaison, due=LATEST + dt.timedelta(days=1))
    assert f"不能晚于原办理期限后90天（{LATEST}）" in err.value.message and err.value.fields["due_date"]
    for bad, words in (
        ("", "请填写延期后的办理期限"),
        ("下个月", "格式不正确"),
        ("2026-02-30", "格式不正确"),
        (str(DUE), "须晚于原办理期限2026-06-30"),
    ):
        with pytest.raises(Refused, match=words):
            ask(handling, cast.liaison, due=bad)
    with pytest.raises(NoteRequired):
        ask(handling, cast.liaison, note="  ")
    assert not TaskExtensionRequest.objects.exists()


def test_an_overdue_task_may_ask_by_default_but_not_for_a_date_already_past(handling, cast):
    make_overdue(handling)
    late = DUE + dt.timedelta(days=5)
    with pytest.raises(Refused, match="须晚于今天"):
        ask(handling, cast.liaison, due=DUE + dt.timedelta(days=4), day=late)
    ask(handling, cast.liaison, day=late)
    assert TaskExtensionRequest.objects.get().current_due == DUE


def test_the_district_may_forbid_asking_after_the_deadline(handling, cast):
    make_overdue(handling)
    with override_config(SUPERVISION_EXTENSION_AFTER_DUE=False), pytest.raises(Refused, match="已过，不能再申请延期"):
        ask(handling, cast.liaison, day=DUE + dt.timedelta(days=5))
    assert not TaskExtensionRequest.objects.exists()


@pytest.mark.parametrize("state", ["assigned", "feedback", "closed"])
def test_no_request_outside_the_handling_states(task, cast, state):
    SupervisionTask.objects.filter(pk=task.pk).update(status=state)
    task.refresh_from_db()
    with pytest.raises(TransitionNotAllowed):
        perform(task, "request_extension", actor=cast.liaison, note="x", data={"due_date": str(ASKED)})


@pytest.mark.parametrize(
    "situation", ["open", "pending", "past_due", "past_due_allowed", "at_latest", "overdue_at_latest", "withdrawn"]
)
def test_the_request_is_offered_exactly_when_it_would_be_taken(client, api_client, cast, handling, situation):
    """The page's form, the API's transitions and the action itself follow one rule
    (`services.extension.check_request_open`): never offered only to be refused, nor refused unoffered."""
    day = DUE + dt.timedelta(days=1) if "past_due" in situation else START + dt.timedelta(days=10)
    if situation == "pending":
        ask(handling, cast.liaison)
    if situation.endswith("at_latest"):  # the whole limit already granted
        ask(handling, cast.liaison, due=LATEST)
        decide(handling, cast.gov_office, "approve")
    if situation == "overdue_at_latest":
        day = LATEST + dt.timedelta(days=1)
        make_overdue(handling, day=day)
    if situation == "withdrawn":
        SupervisionTask.objects.filter(pk=handling.pk).update(source_withdrawn_at=timezone.now())
    handling.refresh_from_db()
    action = f"request_extension{EXTENSION_SUFFIX.get(handling.status, '')}"
    client.force_login(cast.liaison)
    api_client.force_authenticate(cast.liaison)
    with override_config(SUPERVISION_EXTENSION_AFTER_DUE=situation != "past_due"), at(day):
        on_page = 'data-testid="extension-request"' in page_of(client, handling, day=day)
        listed = api_client.get(f"/api/v1/supervision-tasks/{handling.pk}/transitions/").json()
        in_api = action in {a["action"] for a in listed}
        try:
            perform(handling, action, actor=cast.liaison, note="申请延期", data={"due_date": str(LATEST)})
            taken = True
        except Refused:
            taken = False
    assert on_page == in_api == taken
    assert taken == (situation in ("open", "past_due_allowed"))


def test_no_request_once_the_citizen_withdrew_the_appeal(handling, cast):
    SupervisionTask.objects.filter(pk=handling.pk).update(source_withdrawn_at=timezone.now())
    with pytest.raises(Refused, match="撤回"):
        ask(handling, cast.liaison)


# Decisions


def test_the_government_office_approves_and_the_deadline_moves(handling, cast):
    ask(handling, cast.liaison)
    decide(handling, cast.gov_office, "approve", note="同意")
    handling.refresh_from_db()
    assert (handling.due_date, handling.status) == (ASKED, TaskStatus.IN_PROGRESS)
    request = TaskExtensionRequest.objects.get()
    assert (request.state, request.decided_by, request.granted_due) == (ExtensionState.APPROVED, cast.gov_office, ASKED)
    assert request.decided_at is not None


def test_the_office_may_grant_another_date_but_not_past_the_limit(handling, cast):
    ask(handling, cast.liaison, due=LATEST)
    with pytest.raises(Refused, match="不能晚于原办理期限后90天"):
        decide(handling, cast.gov_office, "approve", due=LATEST + dt.timedelta(days=5))
    with pytest.raises(Refused, match="格式不正确"):
        decide(handling, cast.gov_office, "approve", due="七月底")
    decide(handling, cast.gov_office, "approve", due=DUE + dt.timedelta(days=15))
    handling.refresh_from_db()
    assert handling.due_date == DUE + dt.timedelta(days=15)
    assert TaskExtensionRequest.objects.get().granted_due == DUE + dt.timedelta(days=15)


def test_the_limit_counts_from_the_original_deadline_over_several_extensions(handling, cast):
    ask(handling, cast.liaison, due=DUE + dt.timedelta(days=60))
    decide(handling, cast.gov_office, "approve")
    with pytest.raises(Refused, match=str(LATEST)):
        ask(handling, cast.liaison, due=DUE + dt.timedelta(days=100), day=START + dt.timedelta(days=20))
    ask(handling, cast.liaison, due=LATEST, day=START + dt.timedelta(days=20))
    assert TaskExtensionRequest.objects.filter(state=ExtensionState.PENDING).get().current_due == DUE + dt.timedelta(
        days=60
    )


def test_an_overdue_task_granted_a_later_date_is_handled_again_and_stays_on_record_as_late(handling, cast):
    make_overdue(handling)
    ask(handling, cast.liaison, day=DUE + dt.timedelta(days=3))
    decide(handling, cast.gov_office, "approve", day=DUE + dt.timedelta(days=4))
    handling.refresh_from_db()
    assert (handling.status, handling.due_date, handling.was_overdue) == (TaskStatus.IN_PROGRESS, ASKED, True)
    change = StatusChange.objects.get(action="approve_extension_overdue")
    assert (change.from_state, change.to_state) == (TaskStatus.OVERDUE, TaskStatus.IN_PROGRESS)


def test_a_chased_task_granted_a_later_date_is_handled_again(handling, cast):
    make_overdue(handling)
    perform(handling, "remind", actor=cast.party_office, note="请加快办理")
    ask(handling, cast.liaison, day=DUE + dt.timedelta(days=3))
    decide(handling, cast.gov_office, "approve", day=DUE + dt.timedelta(days=4))
    handling.refresh_from_db()
    assert (handling.status, handling.was_overdue) == (TaskStatus.IN_PROGRESS, True)


def test_a_refused_overdue_task_stays_overdue(handling, cast):
    make_overdue(handling)
    ask(handling, cast.liaison, day=DUE + dt.timedelta(days=3))
    decide(handling, cast.gov_office, "refuse", note="请按原期限尽快答复", day=DUE + dt.timedelta(days=4))
    handling.refresh_from_db()
    assert (handling.status, handling.due_date) == (TaskStatus.OVERDUE, DUE)


def test_the_office_refuses_with_a_reason_and_the_deadline_stays(handling, cast):
    ask(handling, cast.liaison)
    with pytest.raises(NoteRequired):
        decide(handling, cast.gov_office, "refuse")
    decide(handling, cast.gov_office, "refuse", note="理由不充分，请按期办理")
    handling.refresh_from_db()
    request = TaskExtensionRequest.objects.get()
    assert handling.due_date == DUE
    assert (request.state, request.decision_note) == (ExtensionState.REFUSED, "理由不充分，请按期办理")
    ask(handling, cast.liaison, note="补充理由后再次申请")  # a refused request no longer blocks
    assert TaskExtensionRequest.objects.filter(state=ExtensionState.PENDING).count() == 1


@pytest.mark.parametrize("who", ["liaison", "other_liaison", "member", "party_office", "clerk", "citizen"])
def test_only_the_office_that_sets_deadlines_decides(handling, cast, who):
    ask(handling, cast.liaison)
    for step in ("approve", "refuse"):
        with pytest.raises(ActionForbidden):
            decide(handling, getattr(cast, who), step, note="x")
    assert TaskExtensionRequest.objects.get().state == ExtensionState.PENDING


def test_nothing_to_decide_without_a_pending_request(handling, cast):
    with pytest.raises(Refused, match="没有待审批的延期申请"):
        decide(handling, cast.gov_office, "approve")
    with pytest.raises(Refused, match="没有待审批的延期申请"):
        decide(handling, cast.gov_office, "refuse", note="x")


def test_the_requester_and_the_departments_liaisons_are_told_the_answer(
    handling, cast, django_capture_on_commit_callbacks
):
    colleague = create_user(
        username="liaison_b", password="x-Strong-pass-1", roles=[Role.DEPT_LIAISON], department=cast.liaison.department
    )
    ask(handling, cast.liaison)
    with django_capture_on_commit_callbacks(execute=True):
        decide(handling, cast.gov_office, "refuse", note="请按期办理")
    for user in (cast.liaison, colleague):
        note = Notification.objects.get(recipient=user, event_key__startswith="supervision-extension:")
        assert "未同意" in note.shown_title and "请按期办理" in note.shown_body and str(DUE) in note.shown_body
    assert not Notification.objects.filter(
        recipient=cast.other_liaison, event_key__startswith="supervision-extension:"
    ).exists()


def test_every_step_is_on_the_timeline_and_in_the_requests_history(handling, cast):
    ask(handling, cast.liaison)
    decide(handling, cast.gov_office, "approve", note="同意延期一个月")
    changes = list(StatusChange.objects.filter(object_id=handling.pk, action__contains="extension").order_by("id"))
    assert [(c.action, c.actor) for c in changes] == [
        ("request_extension", cast.liaison),
        ("approve_extension", cast.gov_office),
    ]
    assert "需等待市级文件" in changes[0].note and str(ASKED) in changes[0].note
    assert "同意延期一个月" in changes[1].note and f"由{DUE}延至{ASKED}" in changes[1].note
    events = history_for(handling, cast.gov_office)
    labels = [e.get("action_label") for e in events]
    assert "申请延期" in labels and "同意延期" in labels
    assert any(c["field"] == "due_date" for e in events for c in e.get("changes", ()))  # the edit, by whom
    assert TaskExtensionRequest.history.count() == 2  # created, then decided


def test_a_reply_sent_while_a_request_waits_settles_it(handling, cast):
    ask(handling, cast.liaison)
    assert handling in task_inbox(cast.gov_office)
    with at(START + dt.timedelta(days=11)):
        submit_reply(task=handling, actor=cast.liaison, classification="solved", body="已完成整治")
    request = TaskExtensionRequest.objects.get()
    assert request.state == ExtensionState.LAPSED and request.decided_by is None
    assert handling not in task_inbox(cast.gov_office)


def test_a_reopened_task_asks_in_its_new_round_with_its_own_limit(handling, cast):
    ask(handling, cast.liaison)
    decide(handling, cast.gov_office, "approve")
    with at(START + dt.timedelta(days=20)):
        submit_reply(task=handling, actor=cast.liaison, classification="solved", body="已完成整治")
        rate_reply(task=handling, actor=cast.member, rating="unsatisfied", note="未回应家长关切")
    handling.refresh_from_db()
    assert handling.status == TaskStatus.REOPENED
    rehandle_due = handling.due_date
    ask(handling, cast.liaison, due=rehandle_due + dt.timedelta(days=90), day=START + dt.timedelta(days=21))
    decide(handling, cast.gov_office, "approve", day=START + dt.timedelta(days=22))
    handling.refresh_from_db()
    assert (handling.status, handling.due_date) == (TaskStatus.REOPENED, rehandle_due + dt.timedelta(days=90))
    assert list(TaskExtensionRequest.objects.values_list("round", flat=True)) == [1, 2]


# Reminders and the overdue chase read the new deadline


def test_reminders_follow_the_approved_deadline(handling, cast, django_capture_on_commit_callbacks):
    ask(handling, cast.liaison)
    decide(handling, cast.gov_office, "approve")
    run_at(DUE - dt.timedelta(days=3), django_capture_on_commit_callbacks)  # the old "due soon" window
    run_at(DUE + dt.timedelta(days=2), django_capture_on_commit_callbacks)  # not late any more
    handling.refresh_from_db()
    assert handling.status == TaskStatus.IN_PROGRESS and not handling.was_overdue
    assert reminders_to(cast.liaison, handling) == []
    run_at(ASKED - dt.timedelta(days=3), django_capture_on_commit_callbacks)
    titles = [n.title for n in reminders_to(cast.liaison, handling)]
    assert len(titles) == 1 and "即将到期" in titles[0]
    run_at(ASKED + dt.timedelta(days=1), django_capture_on_commit_callbacks)
    handling.refresh_from_db()
    assert handling.status == TaskStatus.OVERDUE  # late again, against the new date


def test_the_overdue_chase_stops_when_a_later_date_is_granted(handling, cast, django_capture_on_commit_callbacks):
    run_at(DUE + dt.timedelta(days=1), django_capture_on_commit_callbacks)
    handling.refresh_from_db()
    assert handling.status == TaskStatus.OVERDUE
    chased = len(reminders_to(cast.gov_office, handling))
    ask(handling, cast.liaison, day=DUE + dt.timedelta(days=2))
    decide(handling, cast.gov_office, "approve", day=DUE + dt.timedelta(days=2))
    run_at(DUE + dt.timedelta(days=3), django_capture_on_commit_callbacks)
    assert len(reminders_to(cast.gov_office, handling)) == chased
    assert ReminderLog.objects.filter(task=handling, kind="overdue", due_date=ASKED).count() == 0


def test_a_reminder_claimed_for_the_old_date_is_not_sent_after_the_extension(handling, cast):
    with at(DUE - dt.timedelta(days=3)):
        log = ReminderLog.objects.create(
            task=handling, kind="before", due_date=DUE, claimed_at=timezone.now(), enqueued_at=timezone.now()
        )
    ask(handling, cast.liaison)
    decide(handling, cast.gov_office, "approve")
    assert reminders.deliver(reminder_id=log.pk) == 0
    log.refresh_from_db()
    assert log.sent_at is not None and reminders_to(cast.liaison, handling) == []


# Office lists


def test_pending_requests_are_in_the_offices_inbox_and_list_filter(handling, world, cast):
    other = SupervisionTask.objects.exclude(pk=handling.pk).get()
    assert handling not in task_inbox(cast.gov_office)
    ask(handling, cast.liaison)
    assert handling in task_inbox(cast.gov_office) and other not in task_inbox(cast.gov_office)
    assert handling not in task_inbox(cast.party_office)  # the government office decides
    assert list(task_list(cast.gov_office, extension_pending=True)) == [handling]
    decide(handling, cast.gov_office, "refuse", note="不同意")
    assert handling not in task_inbox(cast.gov_office)
    assert list(task_list(cast.gov_office, extension_pending=True)) == []


# Pages


def transition_url(task):
    return reverse("core:transition", args=["supervision.supervisiontask", task.pk])


def page_of(client, task, day=START + dt.timedelta(days=10)):
    with at(day):
        return client.get(reverse("supervision:task", args=[task.pk])).content.decode()


def test_the_lead_liaison_asks_on_the_page_and_sees_the_request_pending(client, cast, handling):
    client.force_login(cast.liaison)
    page = page_of(client, handling)
    assert page.count('data-action="request_extension"') == 1  # its own form, not also a panel button
    assert f'max="{LATEST}"' in page
    with at(START + dt.timedelta(days=10)):
        client.post(
            transition_url(handling), {"action": "request_extension", "note": "需协调", "data_due_date": str(ASKED)}
        )
    page = page_of(client, handling)
    assert 'data-testid="extension-pending"' in page and 'data-testid="extension-request"' not in page
    assert 'data-testid="extension-requests"' in page and "需协调" in page


def test_a_refused_request_keeps_what_was_typed_in_its_own_form(client, cast, handling):
    client.force_login(cast.liaison)
    too_late = str(LATEST + dt.timedelta(days=3))
    with at(START + dt.timedelta(days=10)):
        response = client.post(
            transition_url(handling),
            {"action": "request_extension", "note": "市里统一部署，需等文件", "data_due_date": too_late},
        )
        page = client.get(response.url).content.decode()
    assert "不能晚于原办理期限后90天" in page
    assert "市里统一部署，需等文件" in page and f'value="{too_late}"' in page
    assert not TaskExtensionRequest.objects.exists()
    assert "市里统一部署，需等文件" not in page_of(client, handling)  # shown once, not kept for ever


def test_the_office_decides_on_the_page_and_a_refusal_keeps_its_note(client, cast, handling):
    ask(handling, cast.liaison)
    client.force_login(cast.gov_office)
    page = page_of(client, handling, day=START + dt.timedelta(days=11))
    assert 'data-testid="extension-approve"' in page and 'data-testid="extension-refuse"' in page
    assert f'value="{ASKED}"' in page  # the requested date, ready to approve
    with at(START + dt.timedelta(days=11)):
        response = client.post(
            transition_url(handling),
            {
                "action": "approve_extension",
                "note": "同意，但请月底前报送进展",
                "data_due_date": str(LATEST + dt.timedelta(days=1)),
            },
        )
        page = client.get(response.url).content.decode()
    assert "不能晚于原办理期限后90天" in page and "同意，但请月底前报送进展" in page
    assert f'value="{LATEST + dt.timedelta(days=1)}"' in page
    with at(START + dt.timedelta(days=11)):
        client.post(
            transition_url(handling),
            {"action": "approve_extension", "note": "", "data_due_date": str(DUE + dt.timedelta(days=20))},
        )
    handling.refresh_from_db()
    assert handling.due_date == DUE + dt.timedelta(days=20)


@pytest.mark.parametrize("who", ["member", "other_liaison", "party_office", "clerk"])
def test_others_see_the_request_but_no_extension_forms(client, cast, handling, who):
    ask(handling, cast.liaison)
    client.force_login(getattr(cast, who))
    page = page_of(client, handling)
    assert 'data-testid="extension-pending"' in page
    assert 'data-testid="extension-approve"' not in page and 'data-testid="extension-request"' not in page


def test_the_task_list_flags_and_filters_pending_requests(client, cast, handling):
    ask(handling, cast.liaison)
    client.force_login(cast.gov_office)
    with at(START + dt.timedelta(days=11)):
        response = client.get(reverse("supervision:tasks"), {"extension_pending": "1"})
    assert response.context["page"].paginator.count == 1
    assert 'data-testid="extension-badge"' in response.content.decode()


def test_list_and_detail_query_counts_do_not_grow_with_requests(
    client, cast, world, handling, django_assert_max_num_queries
):
    def extension_queries(run):
        return [q for q in run.captured_queries if "taskextensionrequest" in q["sql"]]

    ask(handling, cast.liaison)
    client.force_login(cast.gov_office)
    url = reverse("supervision:task", args=[handling.pk])
    with at(START + dt.timedelta(days=11)):
        with django_assert_max_num_queries(60) as list_run:
            client.get(reverse("supervision:tasks"), {"extension_pending": "1"})
        with django_assert_max_num_queries(80) as detail_run:
            client.get(url)
    other = SupervisionTask.objects.exclude(pk=handling.pk).get()
    with at(START + dt.timedelta(days=1)):
        perform(other, "accept", actor=cast.liaison)
    ask(other, cast.liaison)
    for n in range(3):
        decide(handling, cast.gov_office, "refuse", note="不同意")
        ask(handling, cast.liaison, note=f"第{n}次申请")
    with at(START + dt.timedelta(days=11)):
        with django_assert_max_num_queries(len(list_run.captured_queries)):
            response = client.get(reverse("supervision:tasks"), {"extension_pending": "1"})
        with django_assert_max_num_queries(len(detail_run.captured_queries)) as detail_again:
            page = client.get(url).content.decode()
    assert response.context["page"].paginator.count == 2
    # The requests cost the same few queries however many there are, and so does the page's timeline
    # (core.workflow.history_for reads the co-departments' history rows once for all records).
    assert len(extension_queries(detail_again)) == len(extension_queries(detail_run))
    assert "第0次申请" in page and "第2次申请" in page


# API


def test_api_offers_the_request_to_the_lead_department_with_the_same_checks(api_client, cast, handling):
    url = f"/api/v1/supervision-tasks/{handling.pk}/transitions/"
    api_client.force_authenticate(cast.liaison)
    with at(START + dt.timedelta(days=10)):  # before the latest date an extension may give (offered then only)
        offered = {a["action"]: a for a in api_client.get(url).json()}
        assert offered["request_extension"]["fields"] == ["due_date"]
        body = {
            "action": "request_extension",
            "note": "需协调",
            "data": {"due_date": str(LATEST + dt.timedelta(days=1))},
        }
        response = api_client.post(url, body, format="json")
        assert response.status_code == 400 and "90" in response.json()["error"]["message"]
        assert "due_date" in response.json()["error"]["fields"]
        body["data"]["due_date"] = str(ASKED)
        assert api_client.post(url, body, format="json").status_code == 200
    api_client.force_authenticate(cast.other_liaison)  # co-department: sees the task, may not ask or decide
    for action in ("request_extension", "approve_extension"):
        response = api_client.post(url, {"action": action, "note": "x"}, format="json")
        assert response.status_code == 403 and response.json()["error"]["message"]
    api_client.force_authenticate(outsider(cast))
    assert api_client.post(url, {"action": "approve_extension"}, format="json").status_code == 404
    assert api_client.get(f"/api/v1/supervision-tasks/{handling.pk}/extension-requests/").status_code == 404
    api_client.force_authenticate(cast.gov_office)
    with at(START + dt.timedelta(days=11)):
        response = api_client.post(url, {"action": "approve_extension", "data": {}}, format="json")
    assert response.status_code == 200
    assert SupervisionTask.objects.get(pk=handling.pk).due_date == ASKED
    api_client.force_authenticate(cast.liaison)
    rows = api_client.get(f"/api/v1/supervision-tasks/{handling.pk}/extension-requests/").json()
    assert [(r["state"], r["requested_due"], r["granted_due"]) for r in rows] == [("approved", str(ASKED), str(ASKED))]


# Public page


def test_the_public_page_shows_the_new_deadline_but_not_the_reasons(client, cast, handling):
    ask(handling, cast.liaison, note="内部原因：局长出差")
    decide(handling, cast.gov_office, "approve", note="内部意见：同意")
    page = client.get(reverse("supervision:public_report", args=[handling.special_report_id])).content.decode()
    assert "经批准延长办理期限" in page and str(ASKED) in page
    assert "局长出差" not in page and "内部意见" not in page


def test_a_withdrawn_appeal_task_is_not_offered_the_request_form(client, cast, handling):
    SupervisionTask.objects.filter(pk=handling.pk).update(source_withdrawn_at=timezone.now())
    client.force_login(cast.liaison)
    assert 'data-testid="extension-request"' not in page_of(client, handling)


@pytest.mark.parametrize("situation", ["none", "pending", "decided"])
def test_the_decision_is_offered_exactly_when_a_request_waits(api_client, cast, handling, situation):
    """Review 2 #6 (the same pattern): 同意延期 / 不同意延期 are listed in the API's transitions only while a
    request waits for a decision; otherwise they could only be refused."""
    if situation != "none":
        ask(handling, cast.liaison)
    if situation == "decided":
        decide(handling, cast.gov_office, "refuse", note="请按期办理")
    handling.refresh_from_db()
    api_client.force_authenticate(cast.gov_office)
    with at(START + dt.timedelta(days=12)):
        listed = {a["action"] for a in api_client.get(f"/api/v1/supervision-tasks/{handling.pk}/transitions/").json()}
        outcomes = set()
        for step in ("approve", "refuse"):
            try:
                with transaction.atomic():
                    perform(handling, f"{step}_extension", actor=cast.gov_office, note="不同意", data={})
                    raise _Rollback
            except _Rollback:
                outcomes.add(True)
            except Refused:
                outcomes.add(False)
            handling.refresh_from_db()
    offered = {"approve_extension", "refuse_extension"} <= listed
    assert offered == (situation == "pending") == (outcomes == {True})
    assert not (listed & {"approve_extension", "refuse_extension"}) or offered


class _Rollback(Exception):
    """Undo a step taken only to see whether it would be taken."""
