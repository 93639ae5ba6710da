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
