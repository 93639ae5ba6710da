"""拟题/确题: collection rounds, topic suggestions and the annual plan with its approval chain.

Domain (domain.md §0, §4): the CPPCC office collects topic ideas and screens them; the chairs'
meeting studies the draft plan (the chair presides, the office records the decision); the three-office
joint meeting revises it (recorded by the CPPCC office once the three offices have signed); the
party-committee leader reviews and instructs; the standing committee votes (the office records the
tally); the party-committee office issues the plan (the CPPCC office may issue it on its behalf).
Suggestions are made by members and offices; only the suggester submits their own.
"""

from __future__ import annotations

import pytest

from core.tests.permission_matrix.common import (
    CLERKS,
    LEADERS,
    NOBODY,
    OFFICE,
    ROLES,
    assert_api,
    assert_api_transition,
    assert_matrix,
    assert_pages,
    put_in,
)
from core.workflow import workflow_for

ROUND_MATRIX = {
    "open": {"close": CLERKS},
    "closed": {"reopen": CLERKS},
}
# A suggestion made by `member` ("own"); `other_member` made none of it.
SUGGESTION_MATRIX = {
    "draft": {"submit": {"member"}},
    "submitted": {"shortlist": CLERKS, "merge": CLERKS, "reject": CLERKS, "adopt": NOBODY},
    "shortlisted": {"merge": CLERKS, "reject": CLERKS, "adopt": NOBODY},
    "merged": {},
    "rejected": {},
    "adopted": {},
}
# The seed chain: chairs' meeting → three-office joint meeting → party leader → standing vote.
CHAIRS_MEETING = CLERKS | {"chair"}
PLAN_MATRIX = {
    "draft": {"submit_to_chairs": CLERKS},
    "chairs": {"chairs_approve_to_joint": CHAIRS_MEETING, "chairs_return_to_draft": CHAIRS_MEETING},
    "joint": {"joint_agree_to_leader": CLERKS},
    "leader": {"leader_approve_to_vote": {"party_leader"}, "leader_return_to_joint": {"party_leader"}},
    "vote": {"vote_pass_to_adopted": CLERKS, "vote_fail_to_joint": CLERKS},
    "adopted": {"publish": CLERKS | {"party_office"}},
    "published": {},
}
MATRICES = {
    "topics.collectionround": ROUND_MATRIX,
    "topics.topicsuggestion": SUGGESTION_MATRIX,
    "topics.consultationplan": PLAN_MATRIX,
}
# Who follows the plan work: the office side, the CPPCC leaders, the three offices, the party leader.
PLAN_FOLLOWERS = OFFICE | LEADERS | {"party_office", "gov_office", "party_leader"}


@pytest.fixture
def suggestion(cast):
    from topics.tests.factories import SuggestionFactory

    return SuggestionFactory(suggester=cast.member, round__created_by=cast.clerk)


@pytest.fixture
def plan(cast):
    from topics.tests.factories import plan_with_items

    return plan_with_items(cast)


@pytest.mark.django_db
def test_round_matrix(cast):
    from topics.tests.factories import RoundFactory

    r = RoundFactory(created_by=cast.clerk)
    assert_matrix(workflow_for(r), r, cast, ROUND_MATRIX)


@pytest.mark.django_db
def test_suggestion_matrix_own(cast, suggestion):
    assert_matrix(workflow_for(suggestion), suggestion, cast, SUGGESTION_MATRIX)


@pytest.mark.django_db
def test_plan_matrix_seed_chain(cast, plan):
    assert_matrix(workflow_for(plan), plan, cast, PLAN_MATRIX)


@pytest.mark.django_db
def test_plan_matrix_follows_a_shorter_configured_chain(cast, plan):
    """Daxing's chain (joint offices → chairs' meeting → party leader): the same people, other moves."""
    from constance.test import override_config

    with override_config(PLAN_APPROVAL_CHAIN="joint_offices,chairs_meeting,party_leader"):
        assert_matrix(
            workflow_for(plan),
            plan,
            cast,
            {
                "draft": {"submit_to_joint": CLERKS},
                "joint": {"joint_agree_to_chairs": CLERKS},
                "chairs": {"chairs_approve_to_leader": CHAIRS_MEETING, "chairs_return_to_joint": CHAIRS_MEETING},
                "leader": {"leader_approve_to_adopted": {"party_leader"}, "leader_return_to_joint": {"party_leader"}},
                "adopted": {"publish": CLERKS | {"party_office"}},
            },
        )


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "may"), [("member", True), ("other_member", False), ("clerk", False)])
def test_submitting_a_suggestion_by_html_form_only_the_suggester(client, cast, suggestion, role, may):
    client.force_login(getattr(cast, role))
    response = client.post(f"/workflow/topics.topicsuggestion/{suggestion.pk}/", {"action": "submit"})
    suggestion.refresh_from_db()
    assert response.status_code in ((302,) if may else (302, 404))
    assert suggestion.status == ("submitted" if may else "draft"), role


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"), [("party_leader", 200), ("clerk", 403), ("chair", 403), ("member", 404), ("liaison", 404)]
)
def test_leader_review_through_the_api_only_the_party_leader(api_client, cast, plan, role, status):
    from core.workflow import perform
    from topics.tests.factories import sign_all

    perform(plan, "submit_to_chairs", actor=cast.clerk)
    perform(plan, "chairs_approve_to_joint", actor=cast.chair)
    sign_all(plan, cast)
    perform(plan, "joint_agree_to_leader", actor=cast.clerk)
    assert_api_transition(
        api_client,
        getattr(cast, role),
        plan,
        url=f"/api/v1/plans/{plan.pk}/transitions/",
        payload={"action": "leader_approve_to_vote", "note": "同意"},
        status=status,
        moves_to="vote",
        stays_in="leader",
    )


@pytest.mark.django_db
def test_suggestion_pages_and_api_per_role(client, api_client, cast, suggestion):
    # A draft is the suggester's alone; once submitted the office side and the plan's followers see it.
    assert_pages(
        client,
        cast,
        detail=f"/plan/suggestions/{suggestion.pk}/",
        listing="/plan/suggestions/",
        visible={"member"},
        title=suggestion.title,
    )
    put_in(suggestion, "submitted")
    visible = PLAN_FOLLOWERS | {"member"}
    assert_pages(
        client,
        cast,
        detail=f"/plan/suggestions/{suggestion.pk}/",
        listing="/plan/suggestions/",
        visible=visible,
        title=suggestion.title,
    )
    assert_api(api_client, cast, url=f"/api/v1/plan-suggestions/{suggestion.pk}/", visible=visible)


@pytest.mark.django_db
def test_plan_pages_and_api_per_role(client, api_client, cast, plan):
    # The plan list is for those who take part in the plan work (experts and citizens read the portal);
    # a draft plan shows there only to its followers.
    assert_pages(
        client,
        cast,
        detail=f"/plan/plans/{plan.pk}/",
        listing="/plan/plans/",
        visible=PLAN_FOLLOWERS,
        title=plan.title,
        list_roles=set(ROLES) - {"expert", "citizen"},
    )
    assert_api(api_client, cast, url=f"/api/v1/plans/{plan.pk}/", visible=PLAN_FOLLOWERS)
    # The standing committee votes on it, so its members read it from the vote on.
    put_in(plan, "vote")
    assert_pages(client, cast, detail=f"/plan/plans/{plan.pk}/", listing=None, visible=PLAN_FOLLOWERS | {"standing"})


@pytest.mark.django_db
def test_a_published_plan_is_read_by_the_public_on_the_public_pages_only(client, api_client, cast, plan):
    # The office page of a plan shows the offices' sign-off comments, the party leader's instructions and
    # the standing members' vote roll: the plan's deliberations. A citizen's account reads the published
    # plan where the public does; every other role still reads the office page once it is published.
    put_in(plan, "published")
    version = plan.versions.order_by("number").last()
    client.force_login(cast.citizen)
    response = client.get(f"/plan/plans/{plan.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/plan/public/{plan.year}/"
    if version is not None:
        assert client.get(f"/plan/versions/{version.pk}/").status_code == 404
    assert client.get(f"/plan/plans/{plan.pk}/diff/").status_code == 404
    api_client.force_authenticate(cast.citizen)
    assert api_client.get(f"/api/v1/plans/{plan.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/plans/{plan.pk}/history/").status_code == 404
    for role in set(ROLES) - {"citizen"}:
        client.force_login(getattr(cast, role))
        assert client.get(f"/plan/plans/{plan.pk}/").status_code == 200, role
