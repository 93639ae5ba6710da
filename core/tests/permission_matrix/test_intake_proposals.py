"""The permission matrix: every role × every action × own/other object, declared here as data.

The expected matrix is written from the domain rules (who does what in a district 政协), not read
from the code. It is compared with `workflow.available()` for every role of the `cast` fixture, then
a sample is fired for real through the HTML transition form and the API `transitions/` endpoint.
Page access (list/detail: 200, 404 or the login redirect) is checked per role as well.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from core.tests.permission_matrix.common import CLERKS, INFO_OFFICE, LEADERS, NOBODY, OFFICE, ROLES, allowed
from core.workflow import all_workflows, workflow_for

# Appeals. The fixture routes the appeal to a workstation where `member` is on duty and refers it to
# the department of `liaison`, which signed for the referral task: they handle it ("own");
# `other_member`/`other_liaison` do not ("other"). Public appeals are handled by the office's clerks
# (not the research, information or proposals staff, who read them masked) and by whoever the appeal
# is routed or referred to; the citizen is answered, and the appeal closed, by the clerks and the
# routed members: the department answers through its referral task (its reply, verified by the
# supervising offices), not on the appeal. Who may answer and close is declared below; when is the
# referral's business: while its task runs (in the fixture it does) neither is offered, and both are
# refused with the task and its state named, until the office accepts the department's reply.
APPEAL_MATRIX = {
    "received": {"route": CLERKS, "merge": CLERKS},
    "routed": {"reroute": CLERKS, "merge": CLERKS, "answer": CLERKS | {"member"}},
    "answered": {"close": CLERKS | {"member"}},
    # An appeal closed with a plan (制定计划限期解决) is followed up by who answers and closes it: they
    # record the plan carried out or move its date (offered while a plan is open; see the test below).
    "closed": {"reopen": CLERKS, "complete_plan": CLERKS | {"member"}, "reschedule_plan": CLERKS | {"member"}},
    "merged": {},
    "withdrawn": {},
}
# `withdraw` is the citizen's own action: in the fixture the appeal was sent without an account, so
# nobody of the cast may fire it (staff never withdraw for the citizen); see the test below.
# The proposal matrix, over the whole cycle, is declared in test_proposals.py.
MATRICES = {"intake.appeal": APPEAL_MATRIX}
# Who opens an appeal's office page (the rest get a 404, never a 403 that confirms it exists).
APPEAL_DETAIL_VISIBLE = OFFICE | LEADERS | {"member", "liaison"}
# Who sees its tracking code (查询码), the citizen's key to the tracking page (whoever holds it writes
# and withdraws there as the citizen): those who give it to the citizen or answer the citizen, the
# clerks and the members it was routed to (and whoever recorded it, see intake/tests). Not the other
# office roles nor the leaders, who read appeals masked, nor the department it was referred to, which
# answers through its referral task: on the page, the list, the Excel export and the API alike.
APPEAL_TRACKING_CODE_VISIBLE = CLERKS | {"member"}


@pytest.fixture
def appeal_in(cast):
    from core.workflow import perform
    from grassroots.tests.factories import WorkstationFactory
    from intake.models import Appeal, Route
    from intake.tests.factories import AppealFactory
    from supervision.services import create_task

    ws = WorkstationFactory()
    ws.members.add(cast.member.member)

    def make(state: str, *, referral_settled: bool = False) -> Appeal:
        fields = {"status": state, "department": cast.liaison.department}
        if state != "received":
            fields.update(route=Route.WORKSTATION, workstation=ws)
        appeal = AppealFactory(**fields)
        if state != "received":  # referred to the liaison's department (转交部门办理), transferred (交办), signed for
            task = create_task(
                source=appeal, title=appeal.title, actor=cast.clerk, lead_department=cast.liaison.department
            )
            perform(task, "assign", actor=cast.gov_office, data={"due_date": "2099-01-01"})
            perform(task, "accept", actor=cast.liaison)
            if referral_settled:  # the department replied and the office accepted the reply (task closed)
                from supervision.services.tasks import rate_reply, submit_reply

                submit_reply(task=task, actor=cast.liaison, classification="solved", body="已协调施工方。")
                rate_reply(task=task, actor=cast.gov_office, rating="satisfied")
        return appeal

    return make


@pytest.fixture
def proposal_in(cast):
    from core.workflow import perform
    from proposals.tests.factories import ProposalFactory, session

    def make(state: str):
        session()
        p = ProposalFactory(author=cast.member)
        if state in ("submitted", "pre_reviewed"):
            perform(p, "submit", actor=cast.member)
        if state == "pre_reviewed":
            perform(p, "pre_review", actor=cast.proposal)
        return p

    return make


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(APPEAL_MATRIX))
def test_appeal_actions_per_role_match_the_declared_matrix(cast, appeal_in, state):
    appeal = appeal_in(state)
    assert allowed(workflow_for(appeal), appeal, cast) == {k: v for k, v in APPEAL_MATRIX[state].items() if v}


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["received", "routed"])
def test_only_the_sender_may_withdraw_their_appeal(cast, appeal_in, state):
    appeal = appeal_in(state)
    appeal.citizen = cast.citizen
    appeal.save(update_fields=["citizen"])
    assert allowed(workflow_for(appeal), appeal, cast).get("withdraw") == {"citizen"}


@pytest.mark.django_db
def test_nobody_signed_out_may_fire_any_action_of_any_workflow(cast, appeal_in, proposal_in):
    anonymous = AnonymousUser()
    samples = [appeal_in(s) for s in APPEAL_MATRIX] + [proposal_in(s) for s in ("draft", "submitted", "pre_reviewed")]
    for obj in samples:
        assert workflow_for(obj).available(obj, anonymous) == []
    # And no registered workflow's transition form accepts a signed-out POST.
    from django.test import Client

    anonymous_client = Client()
    for wf in all_workflows():
        label = wf.model.lower()
        response = anonymous_client.post(f"/workflow/{label}/1/", {"action": wf.actions[0].name})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], label


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "may"),
    [("member", True), ("other_member", False), ("liaison", False), ("other_liaison", False), ("citizen", False)],
)
def test_answering_an_appeal_by_html_form_own_vs_other(client, cast, appeal_in, role, may):
    appeal = appeal_in("routed", referral_settled=True)
    client.force_login(getattr(cast, role))
    response = client.post(
        f"/workflow/intake.appeal/{appeal.pk}/", {"action": "answer", "note": "已联系施工方，夜间停工。"}
    )
    appeal.refresh_from_db()
    if may:
        assert response.status_code == 302
        assert appeal.status == "answered"
    else:
        # Not a handler: the appeal is invisible to them (404), or visible but the action refused.
        assert response.status_code in (302, 404)
        assert appeal.status == "routed"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [("proposal", 200), ("clerk", 400), ("member", 400), ("other_member", 404), ("liaison", 404)],
)
def test_filing_a_proposal_through_the_api_transitions_endpoint(api_client, cast, proposal_in, role, expected):
    proposal = proposal_in("pre_reviewed")
    api_client.force_authenticate(getattr(cast, role))
    response = api_client.post(f"/api/v1/proposals/{proposal.pk}/transitions/", {"action": "file"}, format="json")
    proposal.refresh_from_db()
    if expected == 200:
        assert response.status_code == 200, response.content
        assert proposal.status == "filed"
    else:
        assert response.status_code in ({expected, 403} if expected == 400 else {expected}), response.content
        assert response.json()["error"]["message"]
        assert proposal.status == "pre_reviewed"


@pytest.mark.django_db
def test_api_lists_transitions_the_caller_may_fire(api_client, cast, appeal_in):
    running, settled = appeal_in("routed"), appeal_in("routed", referral_settled=True)
    for role in ROLES:
        user = getattr(cast, role)
        api_client.force_authenticate(user)
        response = api_client.get(f"/api/v1/appeals/{running.pk}/transitions/")
        if role in APPEAL_DETAIL_VISIBLE:
            assert response.status_code == 200, role
            names = {a["action"] for a in response.json()}
            # The referral runs: the citizen is not answered yet.
            expected = {a for a, roles in APPEAL_MATRIX["routed"].items() if role in roles} - {"answer"}
            assert names == expected, role
        else:
            assert response.status_code == 404, role
        response = api_client.get(f"/api/v1/appeals/{settled.pk}/transitions/")
        if response.status_code == 200:
            names = {a["action"] for a in response.json()}
            assert names == {a for a, roles in APPEAL_MATRIX["routed"].items() if role in roles}, role


@pytest.mark.django_db
def test_a_running_referral_holds_back_answering_and_closing(api_client, cast, appeal_in):
    routed, answered = appeal_in("routed"), appeal_in("answered")
    for appeal, action in ((routed, "answer"), (answered, "close")):
        for role in APPEAL_MATRIX[appeal.status][action]:
            assert action not in {a.name for a in workflow_for(appeal).available(appeal, getattr(cast, role))}, role
        api_client.force_authenticate(cast.member)
        response = api_client.post(
            f"/api/v1/appeals/{appeal.pk}/transitions/",
            {"action": action, "note": "已处理。", "outcome": "on_the_spot"},
            format="json",
        )
        assert response.status_code in (400, 409), response.content
        message = response.json()["error"]["message"]
        assert "督办任务" in message and "已签收" in message and cast.liaison.department.name in message
        appeal.refresh_from_db()
        assert appeal.status == ("routed" if action == "answer" else "answered")


# The appeal's steps beside its workflow, offered on its page by the rule its service refuses by
# (intake.selectors.refer_blocker / forward_blocker): 转交部门办理 by its handlers (the clerks and the
# routed members) while it is handled (办理中, 已答复), not once closed (reopen it first), merged or
# withdrawn; 报送为社情民意信息 by them and the information office once routed, a closed appeal too
# (a report is often written from a handled one), not before routing, once merged or withdrawn.
HANDLED = CLERKS | {"member"}
APPEAL_SIDE_MATRIX = {
    "received": {"refer": NOBODY, "forward": NOBODY},
    "routed": {"refer": HANDLED, "forward": HANDLED | INFO_OFFICE},
    "answered": {"refer": HANDLED, "forward": HANDLED | INFO_OFFICE},
    "closed": {"refer": NOBODY, "forward": HANDLED | INFO_OFFICE},
    "merged": {"refer": NOBODY, "forward": NOBODY},
    "withdrawn": {"refer": NOBODY, "forward": NOBODY},
}


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(APPEAL_SIDE_MATRIX))
def test_referral_and_forwarding_per_role_and_state_match_the_declared_matrix(client, cast, appeal_in, state):
    from core.exceptions import Refused
    from intake import selectors, services
    from intake.predicates import forwards_appeal, refers_appeal

    appeal = appeal_in(state)
    offered = {
        "refer": {r for r in ROLES if refers_appeal(getattr(cast, r), appeal) and not selectors.refer_blocker(appeal)},
        "forward": {
            r for r in ROLES if forwards_appeal(getattr(cast, r), appeal) and not selectors.forward_blocker(appeal)
        },
    }
    assert offered == APPEAL_SIDE_MATRIX[state]
    # A sample through the page and the services: the clerk sees the form exactly when it is offered,
    # and the service refuses it where it is not.
    client.force_login(cast.clerk)
    page = client.get(f"/appeals/office/{appeal.pk}/").content.decode()
    assert (f"/appeals/office/{appeal.pk}/refer/" in page) == ("clerk" in APPEAL_SIDE_MATRIX[state]["refer"])
    assert ('data-testid="forward"' in page) == ("clerk" in APPEAL_SIDE_MATRIX[state]["forward"])
    if "clerk" not in APPEAL_SIDE_MATRIX[state]["refer"]:
        with pytest.raises(Refused):
            services.refer_to_department(appeal=appeal, department=cast.other_liaison.department, actor=cast.clerk)
    if "clerk" not in APPEAL_SIDE_MATRIX[state]["forward"]:
        with pytest.raises(Refused):
            services.forward_as_opinion(appeal=appeal, actor=cast.clerk)


@pytest.mark.django_db
def test_appeal_pages_per_role(client, cast, appeal_in):
    appeal = appeal_in("routed")
    for role in ROLES:
        client.force_login(getattr(cast, role))
        detail = client.get(f"/appeals/office/{appeal.pk}/")
        assert detail.status_code == (200 if role in APPEAL_DETAIL_VISIBLE else 404), role
        listing = client.get("/appeals/office/")
        assert listing.status_code == 200, role
        assert (appeal.title in listing.content.decode()) == (role in APPEAL_DETAIL_VISIBLE), role
        client.logout()
    # Signed out: sent to the login page, the record not revealed.
    response = client.get(f"/appeals/office/{appeal.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_appeal_tracking_code_per_role(client, api_client, cast, appeal_in):
    import io

    import openpyxl

    appeal = appeal_in("routed")
    code = appeal.tracking_code
    assert APPEAL_TRACKING_CODE_VISIBLE <= APPEAL_DETAIL_VISIBLE
    for role in sorted(APPEAL_DETAIL_VISIBLE):
        user, shown = getattr(cast, role), role in APPEAL_TRACKING_CODE_VISIBLE
        client.force_login(user)
        detail = client.get(f"/appeals/office/{appeal.pk}/").content.decode()
        assert (code in detail) == shown, (role, "page")
        listing = client.get("/appeals/office/").content.decode()
        assert appeal.title in listing and (code in listing) == shown, (role, "list")
        workbook = openpyxl.load_workbook(io.BytesIO(client.get("/insight/export/appeals.xlsx").content)).active
        cells = [cell for row in workbook.iter_rows(values_only=True) for cell in row]
        assert appeal.title in cells and (code in cells) == shown, (role, "export")
        client.logout()
        api_client.force_authenticate(user)
        row = api_client.get(f"/api/v1/appeals/{appeal.pk}/").json()
        assert row["tracking_code"] == (code if shown else None), (role, "api")
        listed = {r["id"]: r for r in api_client.get("/api/v1/appeals/").json()["results"]}
        assert listed[appeal.pk]["tracking_code"] == (code if shown else None), (role, "api list")
        api_client.force_authenticate(None)


# The citizen's full contact details over the API (POST /api/v1/appeals/{id}/contact/, logged, kept by no
# cache): those handling the appeal, the clerks, the members it was routed to and the department while its
# referral runs (signed for); once the referral is over the department sees the appeal masked. Whoever else
# sees the appeal is refused (403); whoever does not, 404. A GET reveals nothing (405).
CONTACT_API = [
    # (referral settled, who reveals)
    (False, CLERKS | {"member", "liaison"}),
    (True, CLERKS | {"member"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("settled", "revealers"), CONTACT_API)
def test_who_reveals_an_appeals_contact_details_through_the_api(api_client, cast, appeal_in, settled, revealers):
    from core.models import PersonalDataAccess

    appeal = appeal_in("routed", referral_settled=settled)
    url = f"/api/v1/appeals/{appeal.pk}/contact/"
    for role in ROLES:
        user = getattr(cast, role)
        api_client.force_authenticate(user)
        assert api_client.get(url).status_code == 405, role
        response = api_client.post(url)
        logged = PersonalDataAccess.objects.filter(user=user, object_id=appeal.pk).count()
        if role in revealers:
            assert response.status_code == 200 and logged == 1, (role, response.content)
            assert response.json()["contact_phone"] == appeal.contact_phone and "no-store" in response["Cache-Control"]
        else:
            assert response.status_code == (403 if role in APPEAL_DETAIL_VISIBLE else 404), (role, response.status_code)
            assert not logged and appeal.contact_phone not in response.content.decode(), role
    api_client.force_authenticate(None)
    assert api_client.post(url).status_code in (401, 403)
    assert PersonalDataAccess.objects.count() == len(revealers)


@pytest.mark.django_db
def test_proposal_pages_own_vs_other(client, cast, proposal_in):
    draft = proposal_in("draft")
    for role, expected in [("member", 200), ("other_member", 404), ("liaison", 404), ("citizen", 404)]:
        client.force_login(getattr(cast, role))
        assert client.get(f"/proposals/{draft.pk}/").status_code == expected, role


@pytest.fixture
def appeal_with_plan(cast, appeal_in):
    """An appeal of the fixture's workstation closed with a plan due in ten days (its referral settled)."""
    import datetime

    from django.utils import timezone

    from core.workflow import perform
    from intake.models import Outcome

    def make():
        appeal = appeal_in("routed", referral_settled=True)
        perform(appeal, "answer", actor=cast.member, note="已协调施工方。")
        due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
        perform(
            appeal,
            "close",
            actor=cast.member,
            note="列入维修计划",
            data={"outcome": Outcome.PLAN, "plan_due_date": due},
        )
        return appeal

    return make


PLAN_ROLES = [
    ("clerk", True),
    ("member", True),
    ("other_member", False),
    ("liaison", False),
    ("other_liaison", False),
    ("citizen", False),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "may"), PLAN_ROLES)
def test_recording_an_appeals_plan_carried_out_by_html_form_per_role(client, cast, appeal_with_plan, role, may):
    appeal = appeal_with_plan()
    client.force_login(getattr(cast, role))
    response = client.post(
        f"/appeals/office/{appeal.pk}/act/complete_plan/", {"complete_plan-note": "路灯已全部修复并通电。"}
    )
    appeal.refresh_from_db()
    if may:
        assert response.status_code == 302, response.content
        assert appeal.plan_state == "done" and appeal.plan_done_note == "路灯已全部修复并通电。"
    else:
        # Not a handler: the appeal is invisible to them (404), or visible but the action refused (400).
        assert response.status_code in (400, 404), (role, response.status_code)
        assert appeal.plan_done_at is None and appeal.status == "closed"


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "may"), PLAN_ROLES)
def test_rescheduling_an_appeals_plan_through_the_api_per_role(api_client, cast, appeal_with_plan, role, may):
    import datetime

    from django.utils import timezone

    appeal = appeal_with_plan()
    old_due = appeal.plan_due_date
    new_due = (timezone.localdate() + datetime.timedelta(days=40)).isoformat()
    api_client.force_authenticate(getattr(cast, role))
    response = api_client.post(
        f"/api/v1/appeals/{appeal.pk}/transitions/",
        {"action": "reschedule_plan", "note": "材料未到货。", "data": {"plan_due_date": new_due}},
        format="json",
    )
    appeal.refresh_from_db()
    if may:
        assert response.status_code == 200, response.content
        assert appeal.plan_due_date.isoformat() == new_due
    else:
        assert response.status_code in (403, 404), (role, response.content)
        assert response.json()["error"]["message"]
        assert appeal.plan_due_date == old_due


@pytest.mark.django_db
def test_nobody_signed_out_may_follow_an_appeals_plan_up(client, api_client, appeal_with_plan):
    appeal = appeal_with_plan()
    assert workflow_for(appeal).available(appeal, AnonymousUser()) == []
    response = client.post(f"/appeals/office/{appeal.pk}/act/complete_plan/", {"complete_plan-note": "已落实"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = api_client.post(
        f"/api/v1/appeals/{appeal.pk}/transitions/", {"action": "complete_plan", "note": "已落实"}, format="json"
    )
    assert response.status_code in (401, 403)
    # Nor on the public tracking page, where only the plan's state is shown.
    response = client.post(f"/appeals/track/{appeal.tracking_code}/", {"op": "complete_plan", "note": "已落实"})
    appeal.refresh_from_db()
    assert appeal.plan_done_at is None
