"""Proposals (提案): the whole cycle, from the member's draft to the closed file, role by role.

Domain (domain.md §2, docs/proposals.md): the member (M) writes, invites co-signers and submits his own
proposal; the proposal office (PO) pre-reviews and decides on filing; the assigning offices (AO: the
CPPCC office, the party and government offices, with the proposal committee) set the units, hand the
proposal over, decide a unit's request to return it and approve extensions; the lead unit (L)
acknowledges, may ask to be relieved of a misassigned proposal and replies (a co-unit may ask to be relieved
within the same window, also once the lead has acknowledged); the office reviews the
reply; the proposers rate it, and the office sends an unsatisfactory one back for re-handling or
closes the file. Nobody acts on a rejected, converted, merged or closed proposal.

Every object here is reached through the real workflow (the factories and services of the proposals
app), never by writing its status: `member` is the author ("own"), `other_member` anybody else; the
lead unit is `liaison`'s department ("own"), `other_liaison` a department it was not given to.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from core.tests.permission_matrix.common import (
    CLERKS,
    LEADERS,
    MEMBERS,
    NOBODY,
    ROLES,
    allowed,
    assert_api,
    assert_api_transition,
    expected,
)
from core.workflow import perform, workflow_for

PROPOSAL_OFFICE = frozenset({"admin", "proposal"})
# The assigning offices: the proposal office and the CPPCC office with the party and government offices.
ASSIGNERS = PROPOSAL_OFFICE | CLERKS | {"party_office", "gov_office"}
AUTHOR = frozenset({"member"})
LEAD_UNIT = frozenset({"liaison"})

PROPOSAL_MATRIX = {
    "draft": {"invite": AUTHOR, "submit": AUTHOR},
    "cosigning": {"recall": AUTHOR, "submit": AUTHOR},
    "submitted": {"pre_review": PROPOSAL_OFFICE, "return_to_draft": PROPOSAL_OFFICE},
    "pre_reviewed": {
        "file": PROPOSAL_OFFICE,
        "reject": PROPOSAL_OFFICE,
        "convert": PROPOSAL_OFFICE,
        "merge": PROPOSAL_OFFICE,
    },
    "rejected": {},
    "converted": {},
    "merged": {},
    "filed": {"set_units": ASSIGNERS},
    "to_assign": {"set_units": ASSIGNERS, "assign": ASSIGNERS},
    # The unit may ask to be relieved or acknowledge; the assigners do not act until it has.
    "assigned": {"request_return": LEAD_UNIT, "acknowledge": LEAD_UNIT},
    # Only the assigner reassigns: the unit never forwards on its own.
    "return_requested": {"accept_return": ASSIGNERS, "refuse_return": ASSIGNERS},
    # A handling unit asks for more time (延期申请); the assigners decide, or extend on their own.
    "in_progress": {
        "extend": ASSIGNERS,
        "send_reply": LEAD_UNIT,
        "request_extension": LEAD_UNIT,
        "approve_extension": ASSIGNERS,
        "refuse_extension": ASSIGNERS,
        "remove_co_unit": ASSIGNERS,
        "waive_co_opinion": ASSIGNERS,
        # A co-unit's request for adjustment within the window after the hand-over (the co-unit asks:
        # test_a_co_unit_countersigns_but_does_not_reply; so does a separate unit not yet signed, which signs with
        # acknowledge_separate: test_separate_units_each_reply); the assigners decide it, as the lead's.
        "acknowledge_separate": NOBODY,
        "accept_co_return": ASSIGNERS,
        "refuse_co_return": ASSIGNERS,
    },
    "review": {"approve_reply": PROPOSAL_OFFICE, "return_reply": PROPOSAL_OFFICE},
    # The proposers rate (the rating service: RATERS below); the platform concludes once the last has rated,
    # as nobody's step (系统 on the timeline), so nobody fires a conclusion. Or the office closes the file
    # (offered once every proposer has rated or the rating period is over: proposals/tests/test_workflow.py).
    "replied": {
        "conclude_closed": NOBODY,
        "conclude_follow_up": NOBODY,
        "conclude_unsatisfied": NOBODY,
        "close": PROPOSAL_OFFICE,
    },
    "unsatisfied": {"rehandle": PROPOSAL_OFFICE, "close": PROPOSAL_OFFICE},
    "rehandling": {
        "send_reply": LEAD_UNIT,
        "request_extension_rehandling": LEAD_UNIT,
        "approve_extension_rehandling": ASSIGNERS,
        "refuse_extension_rehandling": ASSIGNERS,
    },
    "follow_up": {"close": PROPOSAL_OFFICE},
    "closed": {},
}
MATRICES = {"proposals.proposal": PROPOSAL_MATRIX}


def proposal_at(cast, state: str, **kwargs):
    """`member`'s proposal brought to `state` by the people whose job it is, lead unit `liaison`'s."""
    from proposals import services
    from proposals.tests import factories as f

    if state in ("draft", "cosigning"):
        f.session()
        if state == "draft":
            return f.ProposalFactory(author=cast.member, **kwargs)
        # `standing` is invited, so that `other_member` stays a stranger to it.
        proposal = f.ProposalFactory(author=cast.member, kind="joint", **kwargs)
        services.set_cosigners(proposal=proposal, members=[cast.standing.member], actor=cast.member)
        return perform(proposal, "invite", actor=cast.member)
    if state in ("submitted", "pre_reviewed", "rejected", "converted", "merged"):
        proposal = f.submitted(cast, consents_to_conversion=True, **kwargs)
        if state == "submitted":
            return proposal
        perform(proposal, "pre_review", actor=cast.proposal)
        if state == "rejected":
            perform(proposal, "reject", actor=cast.proposal, note="属于个人事务", data={"ground": "personal"})
        elif state == "converted":
            data = {"ground": "no_suggestion", "conversion": "report"}
            perform(proposal, "convert", actor=cast.proposal, note="建议不具体", data=data)
        elif state == "merged":
            master = f.assigned(cast, author=cast.other_member)
            perform(proposal, "merge", actor=cast.proposal, data={"master": master.pk})
        return proposal
    if state in ("filed", "to_assign"):
        proposal = f.filed(cast, **kwargs)
        if state == "to_assign":
            data = {"mode": "lead", "lead": cast.liaison.department_id}
            perform(proposal, "set_units", actor=cast.proposal, data=data)
        return proposal
    if state in ("assigned", "return_requested"):
        proposal = f.assigned(cast, **kwargs)
        if state == "return_requested":
            perform(proposal, "request_return", actor=cast.liaison, note="不属于我局职责")
        return proposal
    if state in ("in_progress", "review"):
        proposal = f.in_progress(cast, **kwargs)
        if state == "review":
            _reply(cast, proposal)
        return proposal
    # After the reply: class B sends a satisfied proposer's rating to follow-up, class A closes.
    proposal = f.in_progress(cast, **kwargs)
    _reply(cast, proposal, code="B" if state == "follow_up" else "A")
    perform(proposal, "approve_reply", actor=cast.proposal)
    if state in ("unsatisfied", "rehandling"):
        services.rate_reply(proposal=proposal, actor=cast.member, rating="unsatisfied", reason="未回应核心问题")
        proposal.refresh_from_db()
        if state == "rehandling":
            perform(proposal, "rehandle", actor=cast.proposal, note="请就搬迁时间表重新答复")
    elif state in ("follow_up", "closed"):
        services.rate_reply(proposal=proposal, actor=cast.member, rating="satisfied")
        proposal.refresh_from_db()
    return proposal


def _joint_reply_approved(cast, cosigner):
    """A joint proposal of `member` co-signed by `cosigner`, handled by the lead unit, its reply approved."""
    from proposals import services
    from proposals.tests import factories as f

    f.session()
    proposal = f.ProposalFactory(author=cast.member, kind="joint")
    services.set_cosigners(proposal=proposal, members=[cosigner.member], actor=cast.member)
    perform(proposal, "invite", actor=cast.member)
    services.respond_cosign(proposal=proposal, actor=cosigner, accept=True)
    perform(proposal, "submit", actor=cast.member)
    perform(proposal, "pre_review", actor=cast.proposal)
    perform(proposal, "file", actor=cast.proposal)
    perform(proposal, "set_units", actor=cast.proposal, data={"mode": "lead", "lead": cast.liaison.department_id})
    perform(proposal, "assign", actor=cast.proposal)
    perform(proposal, "acknowledge", actor=cast.liaison)
    _reply(cast, proposal)
    perform(proposal, "approve_reply", actor=cast.proposal)
    return proposal


def _reply(cast, proposal, *, code="A"):
    """The lead unit's reply, after its contact with the proposer and the co-unit's opinion if any."""
    from proposals import services
    from proposals.models import ReplyClass, UnitRole
    from proposals.tests.factories import contact

    if proposal.assignments.filter(is_active=True, role=UnitRole.CO).exists():
        # The only co-unit the matrix hands proposals to is `other_liaison`'s department.
        services.submit_opinion(proposal=proposal, actor=cast.other_liaison, opinion="同意主办单位意见")
    contact(cast, proposal)
    services.submit_reply(
        proposal=proposal,
        actor=cast.liaison,
        reply_class=ReplyClass.objects.get(code=code),
        body="答复如下",
        signed_by="局长",
    )
    proposal.refresh_from_db()


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(PROPOSAL_MATRIX))
def test_proposal_actions_per_role_match_the_declared_matrix(cast, state):
    proposal = proposal_at(cast, state)
    assert proposal.status == state
    wf = workflow_for(proposal)
    assert allowed(wf, proposal, cast) == expected(PROPOSAL_MATRIX, state)
    assert wf.available(proposal, AnonymousUser()) == []


def raters(cast, proposal) -> set[str]:
    """The roles the proposal page offers to rate the reply (`rate_reply` accepts exactly them)."""
    from proposals.selectors import viewer_flags

    return {role for role in ROLES if viewer_flags(getattr(cast, role), proposal)["can_rate"]}


@pytest.mark.django_db
def test_another_members_proposal_is_theirs_not_mine(cast):
    """own vs other_member the other way round: the author of a proposal is whoever wrote it."""
    theirs = proposal_at(cast, "replied", author=cast.other_member)
    got = allowed(workflow_for(theirs), theirs, cast)
    assert not any({"member", "other_member"} & roles for roles in got.values())
    assert raters(cast, theirs) == {"other_member"}


@pytest.mark.django_db
def test_a_confirmed_cosigner_rates_the_reply_too(cast):
    """Every co-signer rates (domain.md §2): a confirmed one is a proposer, an unrelated member is not. The
    conclusion is nobody's to fire: the last rating decides it."""
    from proposals import services

    proposal = _joint_reply_approved(cast, cast.other_member)
    assert raters(cast, proposal) == {"member", "other_member"}
    got = allowed(workflow_for(proposal), proposal, cast)
    assert not {"conclude_closed", "conclude_follow_up", "conclude_unsatisfied"} & set(got)
    services.rate_reply(proposal=proposal, actor=cast.other_member, rating="basic")
    from core.exceptions import ActionForbidden

    with pytest.raises(ActionForbidden, match="只有提案者本人"):
        services.rate_reply(proposal=proposal, actor=cast.standing, rating="basic")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "want"),
    [
        # A co-unit may ask to be relieved of a misassigned proposal, but the lead acknowledges and replies;
        # it may still ask once the lead has acknowledged (within the same window after the hand-over).
        # Nor does it ask for more time: it has no deadline of its own, its opinion goes to the lead unit.
        ("assigned", {"request_return"}),
        ("in_progress", {"request_co_return"}),
        ("rehandling", set()),
    ],
)
def test_a_co_unit_countersigns_but_does_not_reply(cast, state, want):
    proposal = proposal_at(cast, state, co=cast.other_liaison)
    got = allowed(workflow_for(proposal), proposal, cast)
    assert {action for action, roles in got.items() if "other_liaison" in roles} == want
    # The lead unit keeps what it has when it is the only unit.
    assert {action for action, roles in got.items() if "liaison" in roles} == {
        action for action, roles in PROPOSAL_MATRIX[state].items() if "liaison" in roles
    }


@pytest.mark.django_db
def test_separate_units_each_reply(cast):
    """With separate units (分办) each unit writes its own reply: both liaisons may acknowledge. The first
    acknowledgement starts the handling (办理中); the other unit then signs for it itself (acknowledge_separate),
    or asks for adjustment within its window (request_co_return, as a co-unit does), until it has signed."""
    from proposals.tests import factories as f

    proposal = f.filed(cast)
    units = f"{cast.liaison.department_id},{cast.other_liaison.department_id}"
    perform(proposal, "set_units", actor=cast.proposal, data={"mode": "separate", "units": units})
    perform(proposal, "assign", actor=cast.proposal)
    got = allowed(workflow_for(proposal), proposal, cast)
    assert got["acknowledge"] == {"liaison", "other_liaison"}
    assert got["request_return"] == {"liaison", "other_liaison"}
    perform(proposal, "acknowledge", actor=cast.liaison)
    got = allowed(workflow_for(proposal), proposal, cast)
    # Each answers separately, against the proposal's deadline: each may ask for more time.
    assert got["request_extension"] == {"liaison", "other_liaison"}
    # Who may, by role: both separate units; as offered, only the one that has not signed yet.
    assert got["acknowledge_separate"] == got["request_co_return"] == {"liaison", "other_liaison"}
    wf = workflow_for(proposal)
    for name in ("acknowledge_separate", "request_co_return"):
        action = wf.action(name)
        assert {r for r in ("liaison", "other_liaison") if action.is_offered(getattr(cast, r), proposal)} == {
            "other_liaison"
        }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [("liaison", 200), ("other_liaison", 404), ("member", 403), ("gov_office", 403), ("citizen", 404)],
)
def test_acknowledging_through_the_api_own_unit_vs_another(api_client, cast, role, status):
    proposal = proposal_at(cast, "assigned")
    assert_api_transition(
        api_client,
        getattr(cast, role),
        proposal,
        url=f"/api/v1/proposals/{proposal.pk}/transitions/",
        payload={"action": "acknowledge"},
        status=status,
        moves_to="in_progress",
        stays_in="assigned",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "may"), [("proposal", True), ("member", False), ("liaison", False)])
def test_rehandling_by_html_form_is_the_offices_call(client, cast, role, may):
    proposal = proposal_at(cast, "unsatisfied")
    client.force_login(getattr(cast, role))
    response = client.post(
        f"/workflow/proposals.proposal/{proposal.pk}/", {"action": "rehandle", "note": "请就搬迁时间表重新答复"}
    )
    proposal.refresh_from_db()
    assert response.status_code in ((302,) if may else (302, 403, 404)), role
    assert proposal.status == ("rehandling" if may else "unsatisfied"), role


@pytest.mark.django_db
def test_a_handed_over_proposal_is_seen_by_its_unit_not_by_another(api_client, cast):
    # The proposal office, the CPPCC office and leaders see every submitted proposal; members and the
    # party/government offices the filed ones; a liaison only those handed over to its unit.
    visible = PROPOSAL_OFFICE | CLERKS | LEADERS | MEMBERS | {"party_office", "gov_office", "liaison"}
    proposal = proposal_at(cast, "in_progress")
    assert_api(api_client, cast, url=f"/api/v1/proposals/{proposal.pk}/", visible=visible)


# Who reads the notes the proposal page lists beside its timeline (docs/proposals.md "Visibility"): a unit's
# contact notes the handling side, as the timeline's notes; a unit's request for more time or for adjustment
# also whoever decides it (the assigners: the party and government offices too).
NOTE_READERS = PROPOSAL_OFFICE | CLERKS | LEADERS | LEAD_UNIT
REQUEST_READERS = NOTE_READERS | ASSIGNERS


@pytest.mark.django_db
def test_the_notes_beside_the_timeline_are_read_by_the_handling_side(cast):
    from datetime import timedelta

    from proposals import selectors
    from proposals.tests.factories import contact

    proposal = proposal_at(cast, "in_progress")
    asked = (proposal.reply_due + timedelta(days=20)).isoformat()
    perform(proposal, "request_extension", actor=cast.liaison, note="需协调财政经费", data={"due": asked})
    contact(cast, proposal)
    seeing = selectors.proposals_visible_to
    readers, request_readers = set(), set()
    for role in ROLES:
        user = getattr(cast, role)
        if not seeing(user).filter(pk=proposal.pk).exists():
            continue
        shown = selectors.detail_context(user, proposal)
        (request,) = shown["extension_requests"]
        (talk,) = shown["contacts"]
        if talk.summary:
            readers.add(role)
        if request.reason:
            request_readers.add(role)
    assert readers == NOTE_READERS
    assert request_readers == REQUEST_READERS


@pytest.mark.django_db
def test_a_units_request_for_adjustment_is_read_and_told_to_whoever_decides_it(cast):
    """The assigners decide a unit's request for adjustment (同意/不同意调整): each reads its reason on the page's
    units table and the timeline, and is told of it; the proposers and other members are not."""
    from core.workflow import history_for
    from notifications.models import Notification
    from proposals import selectors

    proposal = proposal_at(cast, "return_requested")
    readers, told = set(), set()
    for role in ROLES:
        user = getattr(cast, role)
        if not selectors.proposals_visible_to(user).filter(pk=proposal.pk).exists():
            continue
        (row,) = [a for a in selectors.detail_context(user, proposal)["assignments"] if a.is_active]
        steps = [e for e in history_for(proposal, user) if e.get("action") == "request_return"]
        assert bool(row.return_reason) == bool(steps[0]["note"]), role
        if row.return_reason:
            readers.add(role)
        if Notification.objects.filter(recipient=user, body__contains="不属于我局职责").exists():
            told.add(role)
    assert readers == NOTE_READERS | ASSIGNERS
    # Told: the people of the assigning offices (the administrator acts for any office, and is not).
    assert told == ASSIGNERS - {"admin"}


# Each proposer's rating of the reply and the reason given (the page's 提案者评价, the API's `ratings`,
# `proposals.predicates.reads_ratings`): the handling side (the office side, the CPPCC leaders, the unit handling
# it) and the proposers themselves (author `member`, co-signer `standing`). Every other viewer (other members, the
# party and government offices) reads the proposal's overall result only (`rating_result`).
RATING_READERS = PROPOSAL_OFFICE | CLERKS | LEADERS | LEAD_UNIT | {"member", "standing"}
RATING_REASON = "改造费用全部由燃气公司承担的建议未被采纳"


@pytest.mark.django_db
def test_who_reads_each_proposers_rating_and_reason(client, api_client, cast):
    from proposals import services

    proposal = _joint_reply_approved(cast, cast.standing)
    services.rate_reply(proposal=proposal, actor=cast.member, rating="satisfied")
    services.rate_reply(proposal=proposal, actor=cast.standing, rating="unsatisfied", reason=RATING_REASON)
    visible = SEES_FILED | LEAD_UNIT
    readers = set()
    for role in ROLES:
        user = getattr(cast, role)
        client.force_login(user)
        page = client.get(f"/proposals/{proposal.pk}/")
        api_client.force_authenticate(user)
        detail = api_client.get(f"/api/v1/proposals/{proposal.pk}/")
        if role not in visible:
            assert page.status_code == detail.status_code == 404, role
            continue
        html, data = page.content.decode(), detail.json()
        on_page, in_api = RATING_REASON in html, RATING_REASON in detail.content.decode()
        assert on_page == in_api == bool(data["ratings"]), role
        assert data["rating_result"] == "unsatisfied", role
        if on_page:
            readers.add(role)
        else:
            assert 'data-testid="rating-result"' in html and 'data-testid="ratings"' not in html, role
    assert readers == RATING_READERS


# The proposal list's Excel export (导出Excel) and the annual figures (年度统计), per role: the office side and the
# assigning offices export every proposal they see and read the figures; a unit's liaisons export their own
# unit's proposals (`selectors.proposal_list` scopes the rows), without the figures; nobody else.
EXPORTERS = PROPOSAL_OFFICE | CLERKS | LEADERS | {"party_office", "gov_office", "liaison", "other_liaison"}
STATISTICS_READERS = PROPOSAL_OFFICE | CLERKS | LEADERS | {"party_office", "gov_office"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "readers"), [("/proposals/export.xlsx", EXPORTERS), ("/proposals/stats/", STATISTICS_READERS)]
)
def test_who_exports_the_proposal_list_and_reads_the_figures(client, cast, url, readers):
    proposal_at(cast, "in_progress")
    for role in ROLES:
        client.force_login(getattr(cast, role))
        assert client.get(url).status_code == (200 if role in readers else 404), role
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# 查看提案者联系方式: the liaisons of the units handling the proposal (lead and co-unit here), logged; nobody else
# on the proposal page (the office side reads members' contacts in the member directory).
CONTACT_REVEALERS = frozenset({"liaison", "other_liaison"})


@pytest.mark.django_db
def test_who_reveals_the_proposers_phone_numbers_on_the_proposal_page(client, cast):
    from core.models import PersonalDataAccess

    proposal = proposal_at(cast, "in_progress", co=cast.other_liaison)
    for role in ROLES:
        client.force_login(getattr(cast, role))
        response = client.post(f"/proposals/{proposal.pk}/proposers/contact/")
        logged = PersonalDataAccess.objects.filter(user=getattr(cast, role)).exists()
        if role in CONTACT_REVEALERS:
            assert response.status_code == 302 and logged, role
        else:
            # Not a handling unit: the proposal is invisible (404), or visible and the look refused (403).
            assert response.status_code in (403, 404) and not logged, role


# The same look over the API (POST /api/v1/proposals/{id}/proposer-contacts/), per state and role: the liaisons
# of the units handling the proposal from the hand-over until the office approves the reply (own unit: `liaison`,
# lead; with `co`, `other_liaison`'s unit as co-unit), each look logged. Whoever sees the proposal otherwise is
# refused (403); whoever does not see it gets 404. A filed proposal is seen by the office side, the assigning
# offices and every member (the author `member` and `other_member` alike); a unit's liaisons see it once handed.
SEES_FILED = PROPOSAL_OFFICE | CLERKS | LEADERS | MEMBERS | {"party_office", "gov_office"}
CONTACTS_API = [
    # (state, co-unit, who reveals, who sees it but is refused)
    ("filed", False, NOBODY, SEES_FILED),
    ("assigned", False, LEAD_UNIT, SEES_FILED),
    ("in_progress", False, LEAD_UNIT, SEES_FILED),
    ("in_progress", True, CONTACT_REVEALERS, SEES_FILED),
    ("review", False, LEAD_UNIT, SEES_FILED),
    ("replied", False, NOBODY, SEES_FILED | LEAD_UNIT),
    ("rehandling", False, LEAD_UNIT, SEES_FILED),
    ("closed", False, NOBODY, SEES_FILED | LEAD_UNIT),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "co", "revealers", "refused"), CONTACTS_API)
def test_who_reveals_the_proposers_phone_numbers_through_the_api(api_client, cast, state, co, revealers, refused):
    from core.models import PersonalDataAccess

    proposal = proposal_at(cast, state, **({"co": cast.other_liaison} if co else {}))
    assert proposal.status == state
    url = f"/api/v1/proposals/{proposal.pk}/proposer-contacts/"
    phone = cast.member.member.phone
    for role in ROLES:
        user = getattr(cast, role)
        api_client.force_authenticate(user)
        response = api_client.post(url)
        logged = PersonalDataAccess.objects.filter(user=user, object_id=cast.member.member.pk).count()
        if role in revealers:
            assert response.status_code == 200 and logged == 1, (role, response.content)
            assert [row["phone"] for row in response.json()] == [phone], role
        else:
            assert response.status_code == (403 if role in refused else 404), (role, response.status_code)
            assert response.json()["error"]["message"] and not logged, role
            assert phone not in response.content.decode(), role
    api_client.force_authenticate(None)
    assert api_client.post(url).status_code in (401, 403)
    assert PersonalDataAccess.objects.count() == len(revealers)
