"""Which replies a viewer reads (`readable_replies`): on the proposal page and in the API (`replies_for`),
and in the lists' reply-class filter, which finds a proposal only by a reply its viewer may read."""

import pytest

from core.tests.permission_matrix.common import ROLES
from core.workflow import perform
from proposals import services
from proposals.models import Proposal, ProposalReply, ReplyClass
from proposals.selectors import proposal_list, replies_for
from proposals.tests.factories import contact, in_progress, replied

pytestmark = pytest.mark.django_db


def _reply(cast, proposal, code="A"):
    contact(cast, proposal)
    reply_class = ReplyClass.objects.get(code=code)
    services.submit_reply(proposal=proposal, actor=cast.liaison, reply_class=reply_class, body="答复", signed_by="局长")
    proposal.refresh_from_db()
    return proposal


def _other_units_reply(cast, proposal):
    """A second unit's reply of the current round (separate handling), still with the office."""
    ProposalReply.objects.create(
        proposal=proposal,
        department=cast.other_liaison.department,
        round=proposal.round,
        reply_class=ReplyClass.objects.get(code="B"),
        body="分办答复",
        signed_by="局长",
        submitted_by=cast.other_liaison,
    )


def _scenarios(cast) -> list[Proposal]:
    under_review = _reply(cast, in_progress(cast))
    _other_units_reply(cast, under_review)
    released = replied(cast)
    second_round = replied(cast)
    services.rate_reply(proposal=second_round, actor=cast.member, rating="unsatisfied", reason="未回应核心问题")
    perform(second_round, "rehandle", actor=cast.proposal, note="请重新答复")
    second_round = _reply(cast, second_round, code="B")
    _other_units_reply(cast, second_round)
    return [under_review, released, second_round]


@pytest.mark.parametrize("role", ROLES)
def test_the_list_filter_finds_a_proposal_by_the_replies_its_page_shows_to_every_role(cast, role):
    viewer = getattr(cast, role)
    for proposal in _scenarios(cast):
        proposal.refresh_from_db()
        on_page = {r.reply_class.code for r in replies_for(viewer, proposal)}
        for code in ("A", "B"):
            listed = proposal_list(viewer, filters={"reply_class": code}).filter(pk=proposal.pk).exists()
            visible = proposal_list(viewer).filter(pk=proposal.pk).exists()
            assert listed == (visible and code in on_page), (role, proposal.status, proposal.round, code)


def test_a_reply_under_review_is_read_by_the_office_and_its_own_unit_only(cast):
    under_review, _released, _second_round = _scenarios(cast)
    assert {r.department_id for r in replies_for(cast.proposal, under_review)} == {
        cast.liaison.department_id,
        cast.other_liaison.department_id,
    }
    assert {r.department_id for r in replies_for(cast.liaison, under_review)} == {cast.liaison.department_id}
    assert not proposal_list(cast.member, filters={"reply_class": "A"}).filter(pk=under_review.pk).exists()
    assert proposal_list(cast.proposal, filters={"reply_class": "A"}).filter(pk=under_review.pk).exists()


def test_the_scenarios_cover_hidden_and_shown_replies(cast):
    """Guard for the test above: a proposer sees none under review and all once released."""
    under_review, released, second_round = _scenarios(cast)
    assert replies_for(cast.member, under_review) == []
    assert len(replies_for(cast.member, released)) == 1
    assert [r.round for r in replies_for(cast.member, second_round)] == [1]
    assert {r.department_id for r in replies_for(cast.other_liaison, under_review)} == {
        cast.other_liaison.department_id
    }


# Co-signers, the 我的提案 filter and the proposer search.


def _joint(cast, **kwargs) -> Proposal:
    """A joint draft by cast.member naming member2 and standing as co-signers."""
    from proposals.models import Kind
    from proposals.tests.factories import ProposalFactory, session

    session()
    proposal = ProposalFactory(author=cast.member, kind=Kind.JOINT, **kwargs)
    members = [cast.other_member.member, cast.standing.member]
    services.set_cosigners(proposal=proposal, members=members, actor=cast.member)
    return proposal


def test_a_cosigner_sees_the_draft_only_once_the_author_invites_him(cast):
    from proposals.selectors import proposals_visible_to

    proposal = _joint(cast)
    assert not proposals_visible_to(cast.other_member).filter(pk=proposal.pk).exists()
    assert not proposal_list(cast.other_member, filters={"mine": True}).filter(pk=proposal.pk).exists()
    perform(proposal, "invite", actor=cast.member)
    assert proposals_visible_to(cast.other_member).filter(pk=proposal.pk).exists()
    assert proposal_list(cast.other_member, filters={"mine": True}).filter(pk=proposal.pk).exists()
    assert proposals_visible_to(cast.member).filter(pk=proposal.pk).exists()


def test_mine_leaves_out_declined_proposals_and_the_search_finds_confirmed_cosigners(cast):
    proposal = _joint(cast, title="关于停车难的建议")
    perform(proposal, "invite", actor=cast.member)
    services.respond_cosign(proposal=proposal, actor=cast.other_member, accept=True)
    services.respond_cosign(proposal=proposal, actor=cast.standing, accept=False)
    assert not proposal_list(cast.standing, filters={"mine": True}).filter(pk=proposal.pk).exists()
    assert proposal_list(cast.other_member, filters={"mine": True}).filter(pk=proposal.pk).exists()
    perform(proposal, "submit", actor=cast.member)
    office = cast.proposal
    assert proposal_list(office, filters={"q": cast.other_member.member.name}).filter(pk=proposal.pk).exists()
    # Who declined is no proposer.
    assert not proposal_list(office, filters={"q": cast.standing.member.name}).filter(pk=proposal.pk).exists()
    row = proposal_list(office).get(pk=proposal.pk)
    assert [s.member.name for s in row.accepted_signers] == [cast.other_member.member.name]


def test_an_expired_cosign_invitation_leaves_the_inbox_and_its_buttons(cast):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from proposals.selectors import inbox, viewer_flags

    proposal = _joint(cast)
    perform(proposal, "invite", actor=cast.member)
    assert inbox(cast.other_member).filter(pk=proposal.pk).exists()
    assert viewer_flags(cast.other_member, proposal)["pending_signer"]
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        assert not inbox(cast.other_member).filter(pk=proposal.pk).exists()
        assert not viewer_flags(cast.other_member, proposal)["pending_signer"]


# Actions offered only when they would be allowed.


def test_request_return_is_offered_only_within_the_return_window(cast):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from core.workflow import workflow_for
    from proposals.tests.factories import assigned

    proposal = assigned(cast)
    names = {a.name for a in workflow_for(proposal).available(proposal, cast.liaison)}
    assert "request_return" in names
    with time_machine.travel(timezone.now() + timedelta(days=18)):
        names = {a.name for a in workflow_for(proposal).available(proposal, cast.liaison)}
        assert "request_return" not in names and "acknowledge" in names


def test_the_extension_form_is_not_offered_once_no_extension_could_be_granted(cast):
    from datetime import timedelta

    import time_machine
    from constance.test import override_config
    from django.utils import timezone

    from proposals.selectors import viewer_flags

    proposal = in_progress(cast)
    assert viewer_flags(cast.liaison, proposal)["can_request_extension"]
    overdue = timezone.now() + timedelta(days=100)
    with time_machine.travel(overdue):
        assert not viewer_flags(cast.liaison, proposal)["can_request_extension"]
        with override_config(PROPOSAL_EXTENSION_AFTER_DUE=True):
            assert viewer_flags(cast.liaison, proposal)["can_request_extension"]
    # Already extended to the latest date allowed: nothing more to ask.
    from proposals.services.handling import latest_due

    Proposal.objects.filter(pk=proposal.pk).update(reply_due=latest_due(proposal))
    proposal.refresh_from_db()
    assert not viewer_flags(cast.liaison, proposal)["can_request_extension"]
