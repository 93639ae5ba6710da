"""Extension requests (延期申请): a handling unit asks, the assigning offices approve or refuse."""

import datetime as dt

import pytest
from constance.test import override_config
from django.urls import reverse

from core.exceptions import ActionForbidden, NoteRequired, Refused, TransitionNotAllowed
from core.models import StatusChange
from core.workflow import history_for, perform
from notifications.models import Notification
from proposals.models import ExtensionRequest, ExtensionState, Proposal, Status
from proposals.selectors import inbox, proposal_list
from proposals.services import rate_reply
from proposals.tests.factories import assigned, contact, filed, in_progress, replied
from proposals.tests.test_reminders import at, reminders_to, run_at

pytestmark = pytest.mark.django_db

START = dt.date(2026, 3, 2)
DUE = START + dt.timedelta(days=90)  # PROPOSAL_REPLY_DAYS
LATEST = START + dt.timedelta(days=180)  # PROPOSAL_REPLY_MAX_DAYS


@pytest.fixture
def handling(cast):
    with at(START):
        return in_progress(cast)


def ask(proposal, actor, due=DUE + dt.timedelta(days=30), note="需跨部门协调，申请延期", action="request_extension"):
    with at(START + dt.timedelta(days=10)):
        return perform(proposal, action, actor=actor, note=note, data={"due": str(due)})


def decide(proposal, actor, action, note="", due=None, day=START + dt.timedelta(days=12)):
    with at(day):
        return perform(proposal, action, actor=actor, note=note, data={"due": str(due)} if due else {})


# Requests


@pytest.mark.parametrize("situation", ["open", "pending", "past_due", "past_due_allowed", "at_latest"])
def test_the_request_is_offered_exactly_when_it_would_be_taken(handling, cast, api_client, situation):
    """The page's form, the API's transitions and the action itself follow one rule
    (`services.extension.check_request_open`): never offered only to be refused, nor refused unoffered."""
    from proposals.selectors import viewer_flags

    day = DUE + dt.timedelta(days=1) if situation.startswith("past_due") else START + dt.timedelta(days=10)
    if situation == "pending":
        ask(handling, cast.liaison)
    if situation == "at_latest":
        Proposal.objects.filter(pk=handling.pk).update(reply_due=LATEST)
        handling.refresh_from_db()
    api_client.force_authenticate(cast.liaison)
    with override_config(PROPOSAL_EXTENSION_AFTER_DUE=situation == "past_due_allowed"), at(day):
        on_page = viewer_flags(cast.liaison, handling)["can_request_extension"]
        listed = api_client.get(f"/api/v1/proposals/{handling.pk}/transitions/").json()
        in_api = "request_extension" in {a["action"] for a in listed}
        try:
            perform(handling, "request_extension", actor=cast.liaison, note="申请延期", data={"due": str(LATEST)})
            taken = True
        except Refused:
            taken = False
    assert on_page == in_api == taken
    assert taken == (situation in ("open", "past_due_allowed"))


def test_the_handling_unit_asks_and_the_office_is_told(handling, cast):
    ask(handling, cast.liaison)
    request = ExtensionRequest.objects.get()
    assert (request.state, request.department, request.requested_by) == (
        ExtensionState.PENDING,
        cast.liaison.department,
        cast.liaison,
    )
    assert (request.current_due, request.requested_due) == (DUE, DUE + dt.timedelta(days=30))
    handling.refresh_from_db()
    assert handling.reply_due == DUE and handling.status == Status.IN_PROGRESS  # nothing moves before approval
    note = Notification.objects.get(recipient=cast.proposal, event_key__contains=":extension:")
    assert "申请延期答复" in note.shown_title and "需跨部门协调" in note.shown_body
    # The units (the holders of 办理中) are not told "waiting for you" about the request.
    change = StatusChange.objects.get(action="request_extension")
    assert not Notification.objects.filter(event_key=f"status:{change.pk}").exists()


def test_every_assigning_office_who_decides_is_told_of_the_request_and_reads_its_reason(client, handling, cast):
    """The party and government offices decide a request as the proposal office does (同意/不同意延期): each is
    told of it with the unit's reason, and reads it on the page's table and the timeline; the proposer not."""
    ask(handling, cast.liaison)
    for assigner in (cast.clerk, cast.gov_office, cast.party_office):
        note = Notification.objects.get(recipient=assigner, event_key__contains=":extension:")
        assert "需跨部门协调" in note.shown_body
        steps = [e for e in history_for(handling, assigner) if e.get("action") == "request_extension"]
        assert steps[0]["note"].startswith("需跨部门协调，申请延期")
        client.force_login(assigner)
        table = client.get(reverse("proposals:detail", args=[handling.pk])).content.decode()
        assert "需跨部门协调，申请延期" in table[table.index('data-testid="extension-requests"') :]
    assert not Notification.objects.filter(recipient=cast.member, event_key__contains=":extension:").exists()
    assert all(e.get("note", "") == "" for e in history_for(handling, cast.member) if e.get("action") != "set_units")


@pytest.mark.parametrize("who", ["other_liaison", "member", "citizen", "proposal"])
def test_only_a_liaison_of_a_handling_unit_may_ask(handling, cast, who):
    with pytest.raises(ActionForbidden):
        ask(handling, getattr(cast, who))
    assert not ExtensionRequest.objects.exists()


def test_a_pending_request_blocks_a_second_one(handling, cast):
    ask(handling, cast.liaison)
    with pytest.raises(Refused, match="正在等待审批"):
        ask(handling, cast.liaison, due=DUE + dt.timedelta(days=20))
    assert ExtensionRequest.objects.count() == 1


def test_a_date_past_the_limit_is_refused_in_chinese(handling, cast):
    with pytest.raises(Refused) as err:
        ask(handling, cast.liaison, due=LATEST + dt.timedelta(days=1))
    assert "不能晚于交办后180天" in str(err.value.message) and err.value.fields["due"]
    for bad, words in (("", "请填写新的答复期限"), ("明天", "请填写新的答复期限"), (str(DUE), "须晚于原期限")):
        with pytest.raises(Refused, match=words):
            ask(handling, cast.liaison, due=bad)
    with pytest.raises(NoteRequired):
        ask(handling, cast.liaison, note="  ")
    assert not ExtensionRequest.objects.exists()


def test_asking_after_the_deadline_depends_on_the_district_rule(handling, cast):
    late = DUE + dt.timedelta(days=3)
    with at(late), pytest.raises(Refused, match="答复期限.*已过"):
        perform(handling, "request_extension", actor=cast.liaison, note="迟了", data={"due": str(LATEST)})
    with at(late), override_config(PROPOSAL_EXTENSION_AFTER_DUE=True):
        perform(handling, "request_extension", actor=cast.liaison, note="迟了", data={"due": str(LATEST)})
    assert ExtensionRequest.objects.filter(state=ExtensionState.PENDING).count() == 1


def test_no_request_before_the_unit_acknowledges(cast):
    with at(START):
        proposal = assigned(cast)
    with pytest.raises(TransitionNotAllowed):
        ask(proposal, cast.liaison)


# Decisions


def test_the_office_approves_and_the_deadline_moves(handling, cast):
    ask(handling, cast.liaison)
    decide(handling, cast.proposal, "approve_extension", note="同意")
    handling.refresh_from_db()
    assert handling.reply_due == DUE + dt.timedelta(days=30)
    request = ExtensionRequest.objects.get()
    assert (request.state, request.decided_by, request.granted_due) == (
        ExtensionState.APPROVED,
        cast.proposal,
        DUE + dt.timedelta(days=30),
    )
    assert request.decided_at is not None


def test_the_office_may_grant_another_date_but_not_past_the_limit(handling, cast):
    ask(handling, cast.liaison, due=LATEST)
    with pytest.raises(Refused, match="不能晚于交办后180天"):
        decide(handling, cast.proposal, "approve_extension", due=LATEST + dt.timedelta(days=5))
    decide(handling, cast.proposal, "approve_extension", due=DUE + dt.timedelta(days=15))
    handling.refresh_from_db()
    assert handling.reply_due == DUE + dt.timedelta(days=15)
    assert ExtensionRequest.objects.get().granted_due == DUE + dt.timedelta(days=15)


def test_the_office_refuses_with_a_reason_and_the_deadline_stays(handling, cast):
    ask(handling, cast.liaison)
    with pytest.raises(NoteRequired):
        decide(handling, cast.proposal, "refuse_extension")
    decide(handling, cast.proposal, "refuse_extension", note="理由不充分，请按期答复")
    handling.refresh_from_db()
    request = ExtensionRequest.objects.get()
    assert handling.reply_due == DUE
    assert (request.state, request.decision_note) == (ExtensionState.REFUSED, "理由不充分，请按期答复")
    ask(handling, cast.liaison, note="补充理由后再次申请")  # a refused request no longer blocks
    assert ExtensionRequest.objects.filter(state=ExtensionState.PENDING).count() == 1


@pytest.mark.parametrize("who", ["liaison", "other_liaison", "member", "citizen"])
def test_only_the_assigning_offices_decide(handling, cast, who):
    ask(handling, cast.liaison)
    for action in ("approve_extension", "refuse_extension"):
        with pytest.raises(ActionForbidden):
            decide(handling, getattr(cast, who), action, note="x")
    assert ExtensionRequest.objects.get().state == ExtensionState.PENDING


def test_nothing_to_decide_without_a_pending_request(handling, cast):
    with pytest.raises(Refused, match="没有待审批的延期申请"):
        decide(handling, cast.proposal, "approve_extension")
    with pytest.raises(Refused, match="没有待审批的延期申请"):
        decide(handling, cast.proposal, "refuse_extension", note="x")


def test_the_requester_and_the_units_liaisons_are_told_the_answer(handling, cast):
    from accounts.roles import Role
    from accounts.services import create_user

    colleague = create_user(
        username="liaison_b", password="x-Strong-pass-1", roles=[Role.DEPT_LIAISON], department=cast.liaison.department
    )
    ask(handling, cast.liaison)
    decide(handling, cast.proposal, "refuse_extension", note="请按期答复")
    for user in (cast.liaison, colleague):
        note = Notification.objects.get(recipient=user, event_key__contains=":extension:")
        assert "未同意" in note.shown_title and "请按期答复" in note.shown_body
    assert not Notification.objects.filter(recipient=cast.other_liaison, event_key__contains=":extension:").exists()


def test_the_proposer_is_told_of_an_approved_extension_not_of_the_units_reasons(handling, cast):
    ask(handling, cast.liaison)
    decide(handling, cast.proposal, "refuse_extension", note="请按期答复")
    assert not Notification.objects.filter(recipient=cast.member, event_key__contains=":extension:").exists()
    ask(handling, cast.liaison)
    decide(handling, cast.proposal, "approve_extension", note="同意延期一个月")
    note = Notification.objects.get(recipient=cast.member, event_key__contains=":extension:")
    handling.refresh_from_db()
    assert "答复期限延长" in note.shown_title and handling.reply_due.isoformat() in note.shown_body
    assert "需跨部门协调" not in note.shown_body


def test_every_step_is_on_the_timeline_with_who_and_why(handling, cast):
    ask(handling, cast.liaison)
    decide(handling, cast.proposal, "approve_extension", note="同意延期一个月")
    changes = list(StatusChange.objects.filter(object_id=handling.pk, action__contains="extension").order_by("id"))
    assert [(c.action, c.actor) for c in changes] == [
        ("request_extension", cast.liaison),
        ("approve_extension", cast.proposal),
    ]
    assert "需跨部门协调" in changes[0].note and str(DUE + dt.timedelta(days=30)) in changes[0].note
    assert "同意延期一个月" in changes[1].note and "延至" in changes[1].note
    labels = [e.get("action_label") for e in history_for(handling, cast.proposal)]
    assert "申请延期答复" in labels and "同意延期" in labels
    assert ExtensionRequest.history.count() == 2  # created, then decided


def test_the_offices_direct_extension_still_works_and_answers_a_pending_request(handling, cast):
    ask(handling, cast.liaison)
    with at(START + dt.timedelta(days=12)):
        perform(
            handling, "extend", actor=cast.proposal, note="统一延期", data={"due": str(DUE + dt.timedelta(days=40))}
        )
    handling.refresh_from_db()
    request = ExtensionRequest.objects.get()
    assert handling.reply_due == DUE + dt.timedelta(days=40)
    assert (request.state, request.granted_due) == (ExtensionState.APPROVED, DUE + dt.timedelta(days=40))


def test_a_unit_in_the_rehandling_round_may_ask_too(cast):
    proposal = replied(cast)
    rate_reply(proposal=proposal, actor=cast.member, rating="unsatisfied", reason="未回应核心问题")
    proposal.refresh_from_db()
    perform(proposal, "rehandle", actor=cast.proposal, note="请重新办理")
    due = proposal.reply_due + dt.timedelta(days=10)
    perform(proposal, "request_extension_rehandling", actor=cast.liaison, note="需再次调研", data={"due": str(due)})
    perform(proposal, "approve_extension_rehandling", actor=cast.proposal)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reply_due) == (Status.REHANDLING, due)
    assert ExtensionRequest.objects.get().round == 2


def test_a_co_unit_does_not_ask_the_lead_unit_that_answers_does(client, cast):
    """A co-unit gives its opinion to the lead unit, whose reply (and deadline) answers the member."""
    with at(START):
        proposal = in_progress(cast, co=cast.other_liaison)
    with pytest.raises(ActionForbidden):
        ask(proposal, cast.other_liaison)
    login(client, cast.other_liaison)
    with at(START + dt.timedelta(days=10)):
        page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
        offered = [a["action"] for a in client.get(f"/api/v1/proposals/{proposal.pk}/transitions/").json()]
    assert 'data-testid="extension-request"' not in page and "request_extension" not in offered
    ask(proposal, cast.liaison)
    assert ExtensionRequest.objects.get().department == cast.liaison.department


def test_each_separate_unit_may_ask(cast):
    with at(START):
        proposal = filed(cast)
        units = f"{cast.liaison.department_id},{cast.other_liaison.department_id}"
        perform(proposal, "set_units", actor=cast.proposal, data={"mode": "separate", "units": units})
        perform(proposal, "assign", actor=cast.proposal)
        perform(proposal, "acknowledge", actor=cast.liaison)
    ask(proposal, cast.other_liaison)
    assert ExtensionRequest.objects.get().department == cast.other_liaison.department


# Reminders and overdue lists read the new deadline


def test_reminders_follow_the_approved_deadline(handling, cast, django_capture_on_commit_callbacks):
    ask(handling, cast.liaison)
    decide(handling, cast.proposal, "approve_extension")
    run_at(DUE - dt.timedelta(days=3), django_capture_on_commit_callbacks)  # the old "due soon" window
    run_at(DUE + dt.timedelta(days=2), django_capture_on_commit_callbacks)  # not late any more
    assert reminders_to(cast.liaison, handling) == []
    run_at(DUE + dt.timedelta(days=27), django_capture_on_commit_callbacks)
    titles = [n.title for n in reminders_to(cast.liaison, handling)]
    assert len(titles) == 1 and "即将到期" in titles[0]
    with at(DUE + dt.timedelta(days=2)):
        assert not proposal_list(cast.proposal, filters={"overdue": True}).filter(pk=handling.pk).exists()


# Office lists


def test_pending_requests_are_in_the_offices_inbox_and_list_filter(handling, cast):
    with at(START):
        other = in_progress(cast, title="另一件提案")
    assert handling not in inbox(cast.proposal)
    ask(handling, cast.liaison)
    assert handling in inbox(cast.proposal) and other not in inbox(cast.proposal)
    assert list(proposal_list(cast.proposal, filters={"extension_pending": True})) == [handling]
    decide(handling, cast.proposal, "refuse_extension", note="不同意")
    assert handling not in inbox(cast.proposal)


# Pages


def login(client, user):
    client.force_login(user)


def test_the_unit_asks_on_the_page_and_sees_its_request_pending(client, cast, handling):
    login(client, cast.liaison)
    with at(START + dt.timedelta(days=10)):  # before the deadline: after it the form is not offered
        page = client.get(reverse("proposals:detail", args=[handling.pk])).content.decode()
    assert page.count('data-action="request_extension"') == 1  # its own form, not also a panel button
    assert "当前没有需要您执行的流程操作" not in page
    url = reverse("core:transition", args=["proposals.proposal", handling.pk])
    with at(START + dt.timedelta(days=10)):
        client.post(url, {"action": "request_extension", "note": "需协调", "data_due": str(DUE + dt.timedelta(days=9))})
        page = client.get(reverse("proposals:detail", args=[handling.pk])).content.decode()
    assert 'data-testid="extension-pending"' in page and 'data-testid="extension-request"' not in page
    assert 'data-testid="extension-requests"' in page and "需协调" in page


def test_a_refused_request_keeps_what_was_typed(client, cast, handling):
    login(client, cast.liaison)
    url = reverse("core:transition", args=["proposals.proposal", handling.pk])
    too_late = str(LATEST + dt.timedelta(days=3))
    with at(START + dt.timedelta(days=10)):
        response = client.post(
            url, {"action": "request_extension", "note": "市里统一部署，需等文件", "data_due": too_late}
        )
        page = client.get(response.url).content.decode()
    assert "不能晚于交办后180天" in page
    assert "市里统一部署，需等文件" in page and f'value="{too_late}"' in page
    assert not ExtensionRequest.objects.exists()


def test_the_office_decides_on_the_page(client, cast, handling):
    ask(handling, cast.liaison)
    login(client, cast.proposal)
    with at(START + dt.timedelta(days=11)):
        page = client.get(reverse("proposals:detail", args=[handling.pk])).content.decode()
    assert 'data-testid="extension-approve"' in page and 'data-testid="extension-refuse"' in page
    assert f'value="{DUE + dt.timedelta(days=30)}"' in page  # the requested date, ready to approve
    url = reverse("core:transition", args=["proposals.proposal", handling.pk])
    with at(START + dt.timedelta(days=11)):
        client.post(url, {"action": "approve_extension", "note": "", "data_due": str(DUE + dt.timedelta(days=20))})
    handling.refresh_from_db()
    assert handling.reply_due == DUE + dt.timedelta(days=20)


def test_others_see_no_extension_forms(client, cast, handling):
    ask(handling, cast.liaison)
    for user in (cast.member, cast.liaison):
        login(client, user)
        page = client.get(reverse("proposals:detail", args=[handling.pk])).content.decode()
        assert 'data-testid="extension-approve"' not in page and 'data-testid="extension-request"' not in page


def test_list_and_detail_query_counts_do_not_grow_with_requests(client, cast, django_assert_max_num_queries):
    with at(START):
        first = in_progress(cast)
    ask(first, cast.liaison)
    login(client, cast.proposal)
    with at(START + dt.timedelta(days=11)):
        with django_assert_max_num_queries(40) as list_run:
            client.get(reverse("proposals:list"), {"extension_pending": "on"})
        with django_assert_max_num_queries(80) as detail_run:
            client.get(reverse("proposals:detail", args=[first.pk]))
    for n in range(4):
        with at(START):
            ask(in_progress(cast, title=f"提案{n}"), cast.liaison)
        decide(first, cast.proposal, "refuse_extension", note="不同意")
        ask(first, cast.liaison, note=f"第{n}次申请")
    with at(START + dt.timedelta(days=11)):
        with django_assert_max_num_queries(len(list_run.captured_queries)):
            response = client.get(reverse("proposals:list"), {"extension_pending": "on"})
        with django_assert_max_num_queries(len(detail_run.captured_queries)):
            client.get(reverse("proposals:detail", args=[first.pk]))
    assert response.context["page"].paginator.count == 5


def test_api_offers_the_request_to_the_unit_with_the_same_checks(client, cast, handling):
    url = f"/api/v1/proposals/{handling.pk}/transitions/"
    login(client, cast.liaison)
    with at(START + dt.timedelta(days=10)):
        assert "request_extension" in [a["action"] for a in client.get(url).json()]
        body = {"action": "request_extension", "note": "需协调", "data": {"due": str(LATEST + dt.timedelta(days=1))}}
        response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400 and "180" in response.json()["error"]["message"]
    login(client, cast.other_liaison)
    assert client.post(url, {"action": "request_extension"}, content_type="application/json").status_code == 404
    assert Proposal.objects.get(pk=handling.pk).reply_due == DUE


def test_contact_is_not_needed_to_ask(cast, handling):
    """A unit may ask for time before it has met the proposer (it may be why it needs time)."""
    assert not handling.contacts.exists()
    ask(handling, cast.liaison)
    contact(cast, handling)
    assert ExtensionRequest.objects.count() == 1
