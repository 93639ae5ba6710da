"""Proposals, topic suggestions and plan items in search, each under its owner's visibility rule."""

import pytest

from analytics.selectors import search_documents
from proposals.tests import factories as pf
from topics.models import PlanStatus
from topics.tests.factories import ItemFactory, PlanFactory, RoundFactory, SuggestionFactory

pytestmark = pytest.mark.django_db


def _found(user, query, kind):
    docs, _terms = search_documents(user, query, kinds=[kind])
    return {d.object_id for d in docs}


@pytest.fixture
def proposals(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft = pf.ProposalFactory(
            title="关于整治垃圾中转站臭味的建议", case="中转站臭味扰民。", author=cast.other_member
        )
        own_draft = pf.ProposalFactory(title="关于垃圾中转站搬迁的建议", case="中转站离小区太近。", author=cast.member)
        assigned = pf.assigned(cast, title="关于垃圾中转站除臭设备的建议", author=cast.other_member)
        elsewhere = pf.filed(cast, title="关于垃圾中转站选址公示的建议", author=cast.other_member)
    return {"draft": draft, "own_draft": own_draft, "assigned": assigned, "filed": elsewhere}


def test_a_member_never_finds_another_members_draft(cast, proposals):
    found = _found(cast.member, "垃圾中转站", "proposal")
    assert proposals["draft"].pk not in found
    assert proposals["own_draft"].pk in found
    # Filed proposals are open to every member (the proposals app's own rule).
    assert {proposals["assigned"].pk, proposals["filed"].pk} <= found


def test_a_liaison_finds_only_proposals_assigned_to_their_department(cast, proposals):
    assert _found(cast.liaison, "垃圾中转站", "proposal") == {proposals["assigned"].pk}
    assert _found(cast.other_liaison, "垃圾中转站", "proposal") == set()


def test_the_proposal_office_finds_every_submitted_proposal_but_no_draft(cast, proposals):
    assert _found(cast.proposal, "垃圾中转站", "proposal") == {proposals["assigned"].pk, proposals["filed"].pk}


def test_proposal_text_is_searchable_not_only_the_title(cast, proposals):
    assert _found(cast.other_member, "臭味扰民", "proposal") == {proposals["draft"].pk}


@pytest.fixture
def topics(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rnd = RoundFactory(created_by=cast.clerk)
        draft = SuggestionFactory(
            round=rnd, title="养老服务中心建设", background="老城区养老床位不足", suggester=cast.member
        )
        submitted = SuggestionFactory(
            round=rnd,
            title="社区养老服务提升",
            background="居家养老服务供给不足",
            suggester=cast.other_member,
            status="submitted",
        )
        published = PlanFactory(created_by=cast.clerk, status=PlanStatus.PUBLISHED)
        drafted = PlanFactory(created_by=cast.clerk)
        public_item = ItemFactory(plan=published, title="推进养老服务体系建设", notes="重点协商养老床位")
        draft_item = ItemFactory(plan=drafted, title="养老机构监管", notes="")
    return {"draft": draft, "submitted": submitted, "public_item": public_item, "draft_item": draft_item}


def test_topic_suggestions_follow_the_topics_rule(cast, topics):
    assert _found(cast.member, "养老", "topic_suggestion") == {topics["draft"].pk}
    assert _found(cast.other_member, "养老", "topic_suggestion") == {topics["submitted"].pk}
    # The office sees every submitted suggestion, never a member's draft.
    assert _found(cast.clerk, "养老", "topic_suggestion") == {topics["submitted"].pk}


def test_plan_items_are_found_once_their_plan_may_be_seen(cast, topics):
    assert _found(cast.member, "养老", "plan_item") == {topics["public_item"].pk}
    assert _found(cast.clerk, "养老", "plan_item") == {topics["public_item"].pk, topics["draft_item"].pk}
