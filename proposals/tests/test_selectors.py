"""Which replies a viewer reads: `replies_for` (the proposal page, in Python) and `_shown_replies` (the
list's reply-class filter, as a Q) state the same rule twice; these tests hold them to one answer."""

import pytest
from django.db.models import Q

from core.tests.permission_matrix.common import ROLES
from core.workflow import perform
from proposals import services
from proposals.models import Proposal, ProposalReply, ReplyClass
from proposals.selectors import _shown_replies, replies_for
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
def test_the_page_and_the_list_filter_show_the_same_replies_to_every_role(cast, role):
    viewer = getattr(cast, role)
    for proposal in _scenarios(cast):
        proposal.refresh_from_db()
        on_page = {r.pk for r in replies_for(viewer, proposal)}
        in_filter = {
            r.pk
            for r in proposal.replies.all()
            # One filter() call, as the list uses it: the reply conditions apply to the same reply row.
            if Proposal.objects.filter(Q(replies__pk=r.pk) & _shown_replies(viewer), pk=proposal.pk).exists()
        }
        assert on_page == in_filter, (role, proposal.status, proposal.round)


def test_the_scenarios_cover_hidden_and_shown_replies(cast):
    """Guard for the test above: a proposer sees none under review and all once released."""
    under_review, released, second_round = _scenarios(cast)
    assert replies_for(cast.member, under_review) == []
    assert len(replies_for(cast.member, released)) == 1
    assert [r.round for r in replies_for(cast.member, second_round)] == [1]
    assert {r.department_id for r in replies_for(cast.other_liaison, under_review)} == {
        cast.other_liaison.department_id
    }
