"""What a department liaison and the government office found (reviewer 2): who concludes the ratings, the
adjustment dispute kept between the unit and the assigners (and settled once), the list export for the
assigners and the units, and the proposers' phone numbers for the unit that must talk with them."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from openpyxl import load_workbook

from core.exceptions import ActionForbidden, Refused
from core.models import PersonalDataAccess, StatusChange
from core.workflow import history_for, perform, workflow_for
from notifications.models import Notification
from proposals import selectors, services
from proposals.models import Proposal, ReplyClass, Status
from proposals.tests.factories import ProposalFactory, assigned, contact, filed, in_progress, replied, session

pytestmark = pytest.mark.django_db

UNSATISFIED_REASON = "甲：安全设施改造没有时间表。"


def _joint_replied(cast) -> Proposal:
    """A joint proposal of member with other_member and standing (both confirmed), answered and approved."""
    session()
    proposal = ProposalFactory(author=cast.member, kind="joint")
    services.set_cosigners(
        proposal=proposal, members=[cast.other_member.member, cast.standing.member], actor=cast.member
    )
    perform(proposal, "invite", actor=cast.member)
    for signer in (cast.other_member, cast.standing):
        services.respond_cosign(proposal=proposal, actor=signer, accept=True)
    perform(proposal, "submit", actor=cast.member)
    perform(proposal, "pre_review", actor=cast.proposal)
    perform(proposal, "file", actor=cast.proposal)
    perform(proposal, "set_units", actor=cast.proposal, data={"mode": "lead", "lead": cast.liaison.department_id})
    perform(proposal, "assign", actor=cast.proposal)
    perform(proposal, "acknowledge", actor=cast.liaison)
    contact(cast, proposal)
    services.submit_reply(
        proposal=proposal,
        actor=cast.liaison,
        reply_class=ReplyClass.objects.get(code="A"),
        body="答复",
        signed_by="局长",
    )
    proposal.refresh_from_db()
    return perform(proposal, "approve_reply", actor=cast.proposal)


def _step(proposal: Proposal, action: str) -> StatusChange:
    ct = ContentType.objects.get_for_model(Proposal)
    return StatusChange.objects.filter(content_type=ct, object_id=proposal.pk, action=action).latest("id")


# 1. The conclusion of the ratings -------------------------------------------------------------------------


def test_an_unsatisfied_conclusion_is_the_systems_step_and_carries_the_unsatisfied_reason(
    client, cast, django_capture_on_commit_callbacks
):
    """曾达 不满意 with a reason, 陈建美 基本满意, 许敏 (the last) 满意: the step is not 许敏's, and the office is told
    曾达's reason."""
    proposal = _joint_replied(cast)
    with django_capture_on_commit_callbacks(execute=True):
        services.rate_reply(proposal=proposal, actor=cast.other_member, rating="unsatisfied", reason=UNSATISFIED_REASON)
        services.rate_reply(proposal=proposal, actor=cast.member, rating="basic")
        services.rate_reply(proposal=proposal, actor=cast.standing, rating="satisfied")
    proposal.refresh_from_db()
    assert proposal.status == Status.UNSATISFIED
    step = _step(proposal, "conclude_unsatisfied")
    assert step.actor is None
    assert step.note == f"{cast.other_member.display}：{UNSATISFIED_REASON}"
    # The timeline names the platform, not the last proposer to rate.
    (event,) = [e for e in history_for(proposal, cast.proposal) if e.get("action") == "conclude_unsatisfied"]
    assert event["actor"] == "系统" and UNSATISFIED_REASON in event["note"]
    # The proposal office's 待您处理 notice carries the reason.
    notice = Notification.objects.get(recipient=cast.proposal, event_key=f"status:{step.pk}")
    assert UNSATISFIED_REASON in notice.body and cast.other_member.display in notice.body
    client.force_login(cast.proposal)
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    timeline = page[page.index('data-testid="history"') :]
    assert "系统" in timeline and UNSATISFIED_REASON in timeline


def test_every_unsatisfied_reason_of_the_round_is_in_the_conclusion(cast):
    proposal = _joint_replied(cast)
    services.rate_reply(proposal=proposal, actor=cast.other_member, rating="unsatisfied", reason="没有时间表。")
    services.rate_reply(proposal=proposal, actor=cast.member, rating="unsatisfied", reason="经费没有落实。")
    services.rate_reply(proposal=proposal, actor=cast.standing, rating="basic")
    note = _step(proposal, "conclude_unsatisfied").note
    assert note.splitlines() == [f"{cast.other_member.display}：没有时间表。", f"{cast.member.display}：经费没有落实。"]


def test_a_satisfied_conclusion_is_the_systems_step_too(cast):
    proposal = replied(cast, code="A")
    services.rate_reply(proposal=proposal, actor=cast.member, rating="satisfied")
    step = _step(proposal, "conclude_closed")
    assert step.actor is None and step.note == ""


def test_nobody_fires_a_conclusion_by_hand(api_client, cast):
    """The conclusion follows from the ratings: a proposer cannot post it through the API."""
    proposal = replied(cast, code="A")
    api_client.force_authenticate(cast.member)
    response = api_client.post(
        f"/api/v1/proposals/{proposal.pk}/transitions/", {"action": "conclude_closed"}, format="json"
    )
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Status.REPLIED


# 3. The adjustment dispute is between the unit and the assigners --------------------------------------------

REQUEST_REASON = "该提案主要涉及体育场地建设，建议改由区住房和建设局主办。"
REFUSAL_NOTE = "体育场地错时开放以教育局为主，维持原交办。"


def test_the_proposers_see_that_the_unit_asked_and_was_refused_but_not_the_reasons(
    client, cast, django_capture_on_commit_callbacks
):
    proposal = assigned(cast)
    told_before = Notification.objects.filter(recipient=cast.member).count()
    with django_capture_on_commit_callbacks(execute=True):
        perform(proposal, "request_return", actor=cast.liaison, note=REQUEST_REASON)
        perform(proposal, "refuse_return", actor=cast.gov_office, note=REFUSAL_NOTE)
    # The proposer's timeline lists both steps, without their notes; so do the units table and the API history.
    events = {e["action"]: e for e in history_for(proposal, cast.member) if e["kind"] == "transition"}
    assert events["request_return"]["note"] == "" and events["refuse_return"]["note"] == ""
    client.force_login(cast.member)
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert 'data-testid="return-refused"' in page
    assert REQUEST_REASON not in page and REFUSAL_NOTE not in page
    # Nothing about the dispute is pushed to the proposers.
    assert Notification.objects.filter(recipient=cast.member).count() == told_before
    # The office is told the unit's reason; the unit is told why it keeps the proposal.
    asked = Notification.objects.get(recipient=cast.proposal, event_key__contains=":return:")
    assert asked.body == REQUEST_REASON and "申请调整承办单位" in asked.title
    refused = Notification.objects.get(recipient=cast.liaison, event_key__contains=":return_refused:")
    assert refused.body == REFUSAL_NOTE and "维持原交办" in refused.title
    # The handling side still reads both notes.
    office = {e["action"]: e["note"] for e in history_for(proposal, cast.proposal) if e["kind"] == "transition"}
    assert (office["request_return"], office["refuse_return"]) == (REQUEST_REASON, REFUSAL_NOTE)


def test_a_co_units_adjustment_notes_stay_with_the_handling_side(cast):
    proposal = in_progress(cast, co=cast.other_liaison)
    perform(proposal, "request_co_return", actor=cast.other_liaison, note=REQUEST_REASON)
    data = {"unit": cast.other_liaison.department_id}
    perform(proposal, "refuse_co_return", actor=cast.proposal, note=REFUSAL_NOTE, data=data)
    proposer = {e["action"]: e["note"] for e in history_for(proposal, cast.member) if e["kind"] == "transition"}
    assert proposer["request_co_return"] == "" and proposer["refuse_co_return"] == ""
    shown = selectors.detail_context(cast.member, proposal)["assignments"]
    assert any(a.return_asked for a in shown) and all(a.return_reason == "" for a in shown)
    lead = selectors.detail_context(cast.liaison, proposal)["assignments"]
    assert REQUEST_REASON in {a.return_reason for a in lead}


# 8. A refused request for adjustment stands -----------------------------------------------------------------


def test_after_the_refusal_the_unit_may_not_ask_again_for_the_same_hand_over(client, cast):
    proposal = assigned(cast)
    perform(proposal, "request_return", actor=cast.liaison, note=REQUEST_REASON)
    perform(proposal, "refuse_return", actor=cast.gov_office, note=REFUSAL_NOTE)
    wf = workflow_for(proposal)
    assert "request_return" not in {a.name for a in wf.available(proposal, cast.liaison)}
    assert "acknowledge" in {a.name for a in wf.available(proposal, cast.liaison)}
    client.force_login(cast.liaison)
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert 'value="request_return"' not in page
    with pytest.raises(Refused, match="维持原交办"):
        perform(proposal, "request_return", actor=cast.liaison, note="再次申请：请改由住建局主办。")
    proposal.refresh_from_db()
    assert proposal.status == Status.ASSIGNED
    # Through the page's form too: refused with the reason, the proposal stays handed over.
    response = client.post(
        reverse("core:transition", args=["proposals.proposal", proposal.pk]),
        {"action": "request_return", "note": "再次申请：请改由住建局主办。"},
        follow=True,
    )
    assert "维持原交办" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Status.ASSIGNED


def test_the_refusal_binds_the_unit_that_asked_not_the_other_units(cast):
    proposal = filed(cast)
    units = f"{cast.liaison.department_id},{cast.other_liaison.department_id}"
    perform(proposal, "set_units", actor=cast.proposal, data={"mode": "separate", "units": units})
    perform(proposal, "assign", actor=cast.proposal)
    perform(proposal, "request_return", actor=cast.liaison, note=REQUEST_REASON)
    perform(proposal, "refuse_return", actor=cast.proposal, note=REFUSAL_NOTE)
    wf = workflow_for(proposal)
    assert "request_return" not in {a.name for a in wf.available(proposal, cast.liaison)}
    assert "request_return" in {a.name for a in wf.available(proposal, cast.other_liaison)}
    perform(proposal, "request_return", actor=cast.other_liaison, note="不属于本单位职责")
    assert proposal.status == Status.RETURN_REQUESTED


def test_a_co_unit_refused_once_may_not_ask_again(cast):
    proposal = in_progress(cast, co=cast.other_liaison)
    perform(proposal, "request_co_return", actor=cast.other_liaison, note=REQUEST_REASON)
    data = {"unit": cast.other_liaison.department_id}
    perform(proposal, "refuse_co_return", actor=cast.proposal, note=REFUSAL_NOTE, data=data)
    wf = workflow_for(proposal)
    assert "request_co_return" not in {a.name for a in wf.available(proposal, cast.other_liaison)}
    with pytest.raises(Refused, match="维持原交办"):
        perform(proposal, "request_co_return", actor=cast.other_liaison, note="再次申请")


def test_a_unit_handed_a_proposal_anew_may_ask_again(cast):
    """The ruling is about one hand-over: a unit given the proposal again later may dispute that one."""
    proposal = filed(cast)
    units = f"{cast.liaison.department_id},{cast.other_liaison.department_id}"
    perform(proposal, "set_units", actor=cast.proposal, data={"mode": "separate", "units": units})
    perform(proposal, "assign", actor=cast.proposal)
    perform(proposal, "request_return", actor=cast.liaison, note=REQUEST_REASON)
    perform(proposal, "refuse_return", actor=cast.proposal, note=REFUSAL_NOTE)
    perform(proposal, "request_return", actor=cast.other_liaison, note="不属于本单位职责")
    perform(proposal, "accept_return", actor=cast.proposal)
    perform(proposal, "set_units", actor=cast.proposal, data={"mode": "lead", "lead": cast.liaison.department_id})
    perform(proposal, "assign", actor=cast.proposal)
    assert "request_return" in {a.name for a in workflow_for(proposal).available(proposal, cast.liaison)}


# 7. The assigners and the units export what they see ----------------------------------------------------------


def _export_rows(client, user, **params) -> list[list]:
    client.force_login(user)
    response = client.get(reverse("proposals:export"), params)
    assert response.status_code == 200, user
    ws = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in ws[2]]
    return [dict(zip(headers, [c.value for c in row], strict=False)) for row in ws.iter_rows(min_row=3)]


def test_the_government_office_and_a_unit_export_the_proposals_they_see(client, cast):
    ours = in_progress(cast, title="关于体育场地错时开放的建议")
    theirs = filed(cast, title="关于就业见习基地建设的建议")
    perform(theirs, "set_units", actor=cast.proposal, data={"mode": "lead", "lead": cast.other_liaison.department_id})
    perform(theirs, "assign", actor=cast.proposal)
    for office in (cast.gov_office, cast.party_office):
        titles = {r["标题"] for r in _export_rows(client, office)}
        assert titles == {ours.title, theirs.title}
    rows = _export_rows(client, cast.liaison)
    assert [r["标题"] for r in rows] == [ours.title]
    assert rows[0]["答复期限"] is not None
    client.force_login(cast.liaison)
    page = client.get(reverse("proposals:list")).content.decode()
    assert 'data-testid="export"' in page and 'data-testid="stats"' not in page
    client.force_login(cast.gov_office)
    page = client.get(reverse("proposals:list")).content.decode()
    assert 'data-testid="export"' in page and 'data-testid="stats"' in page


def test_the_export_shows_a_reply_class_only_to_who_reads_the_reply(client, cast):
    """A reply under the office's review is the unit's: the government office does not see its class yet."""
    proposal = in_progress(cast, co=cast.other_liaison)
    services.submit_opinion(proposal=proposal, actor=cast.other_liaison, opinion="同意")
    contact(cast, proposal)
    services.submit_reply(proposal=proposal, actor=cast.liaison, reply_class="B", body="列入计划", signed_by="局长")
    assert [r["答复类别"] for r in _export_rows(client, cast.proposal)] == ["B"]
    assert [r["答复类别"] for r in _export_rows(client, cast.liaison)] == ["B"]
    assert [r["答复类别"] for r in _export_rows(client, cast.gov_office)] == [None]
    assert [r["答复类别"] for r in _export_rows(client, cast.other_liaison)] == [None]
    perform(proposal, "approve_reply", actor=cast.proposal)
    assert [r["答复类别"] for r in _export_rows(client, cast.gov_office)] == ["B"]


@pytest.mark.parametrize(
    ("role", "status"),
    [("gov_office", 200), ("party_office", 200), ("proposal", 200), ("liaison", 404), ("member", 404)],
)
def test_the_assigners_read_the_annual_figures_the_units_do_not(client, cast, role, status):
    client.force_login(getattr(cast, role))
    assert client.get(reverse("proposals:stats"), {"year": 2022}).status_code == status


# 9. The unit reaches the proposers it must talk with -------------------------------------------------------


def _contact_card(page: str) -> str:
    start = page.index('data-testid="proposer-contacts"')
    return page[start : page.index("</ul>", start)]


def test_a_handling_units_liaison_sees_the_proposers_phone_once_and_the_look_is_logged(client, cast):
    proposal = assigned(cast)
    phone = cast.member.member.phone
    client.force_login(cast.liaison)
    url = reverse("proposals:detail", args=[proposal.pk])
    page = client.get(url).content.decode()
    card = _contact_card(page)
    assert cast.member.member.name in card and phone not in card and phone[:3] + "****" in card
    assert 'data-testid="reveal-proposer-contacts"' in page
    response = client.post(reverse("proposals:reveal_contacts", args=[proposal.pk]))
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert phone in _contact_card(page)
    (access,) = PersonalDataAccess.objects.filter(user=cast.liaison)
    assert access.object_id == cast.member.member.pk and access.fields == "phone"
    assert "办理提案" in access.purpose and proposal.number in access.purpose
    # Shown once: the page read again masks it, without logging another look.
    assert phone not in _contact_card(client.get(url).content.decode())
    assert PersonalDataAccess.objects.filter(user=cast.liaison).count() == 1


def test_a_co_units_liaison_may_reveal_too_while_the_lead_handles_it(client, cast):
    proposal = in_progress(cast, co=cast.other_liaison)
    client.force_login(cast.other_liaison)
    assert client.post(reverse("proposals:reveal_contacts", args=[proposal.pk])).status_code == 302
    assert PersonalDataAccess.objects.filter(user=cast.other_liaison, object_id=cast.member.member.pk).exists()


def test_once_the_reply_is_approved_the_unit_no_longer_reveals_the_contacts(client, cast):
    proposal = replied(cast, code="A")
    client.force_login(cast.liaison)
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert 'data-testid="proposer-contacts"' not in page and cast.member.member.phone not in page
    assert client.post(reverse("proposals:reveal_contacts", args=[proposal.pk])).status_code == 403
    assert not PersonalDataAccess.objects.filter(user=cast.liaison).exists()


def test_a_unit_the_proposal_is_not_handed_to_cannot_reveal(client, cast):
    proposal = in_progress(cast)
    client.force_login(cast.other_liaison)
    assert client.post(reverse("proposals:reveal_contacts", args=[proposal.pk])).status_code == 404
    with pytest.raises(ActionForbidden):
        services.reveal_proposer_contacts(proposal=proposal, viewer=cast.other_liaison)


def test_the_member_directory_still_masks_the_phone_for_a_liaison(client, cast):
    from district import selectors as district_selectors

    in_progress(cast)
    assert not district_selectors.may_see_contact(cast.liaison, cast.member.member)


def test_a_returned_reply_is_still_being_handled(client, cast):
    """Until the office approves the reply (review included), the unit may still need to call."""
    proposal = in_progress(cast)
    contact(cast, proposal)
    services.submit_reply(proposal=proposal, actor=cast.liaison, reply_class="A", body="答复", signed_by="局长")
    proposal.refresh_from_db()
    assert proposal.status == Status.REVIEW
    client.force_login(cast.liaison)
    assert client.post(reverse("proposals:reveal_contacts", args=[proposal.pk])).status_code == 302
