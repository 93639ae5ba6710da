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
    # A suggestion no plan item names any more goes back to the shortlist (移出计划草案).
    "adopted": {"unadopt": CLERKS},
}
# The seed chain: chairs' meeting → three-office joint meeting → party leader → standing vote.
CHAIRS_MEETING = CLERKS | {"chair", "vice_chair", "secgen"}
PLAN_MATRIX = {
    "draft": {"submit_to_chairs": CLERKS},
    "chairs": {"chairs_approve_to_joint": CHAIRS_MEETING, "chairs_return_to_draft": CHAIRS_MEETING},
    "joint": {"joint_agree_to_leader": CLERKS},
    "leader": {"leader_approve_to_vote": {"party_leader"}, "leader_return_to_joint": {"party_leader"}},
    "vote": {"vote_pass_to_adopted": CLERKS, "vote_fail_to_joint": CLERKS, "vote_no_quorum": CLERKS},
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
    # The list is the office's working list: departments, experts and the public read the published plan.
    list_roles = set(ROLES) - {"liaison", "other_liaison", "expert", "citizen"}
    assert_pages(
        client,
        cast,
        detail=f"/plan/suggestions/{suggestion.pk}/",
        listing="/plan/suggestions/",
        visible={"member"},
        title=suggestion.title,
        list_roles=list_roles,
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
        list_roles=list_roles,
    )
    assert_api(api_client, cast, url=f"/api/v1/plan-suggestions/{suggestion.pk}/", visible=visible)


@pytest.mark.django_db
def test_plan_pages_and_api_per_role(client, api_client, cast, plan):
    # The plan list is for those who take part in the plan work, experts included (they read the
    # published plan; citizens read the portal); a draft plan shows there only to its followers.
    assert_pages(
        client,
        cast,
        detail=f"/plan/plans/{plan.pk}/",
        listing="/plan/plans/",
        visible=PLAN_FOLLOWERS,
        title=plan.title,
        list_roles=set(ROLES) - {"citizen"},
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


# The plan's deliberation record (revision notes, the offices' sign-offs, the chairs' and the party
# leader's comments in the timeline) is for those who run or take part in the approval; the vote
# (attendance, leave reasons, tally) also for the standing members, who vote. Members, liaisons and
# experts read the published plan itself: its topics, formats, timing, lead bodies and documents.
DELIBERATION_READERS = PLAN_FOLLOWERS
VOTE_READERS = PLAN_FOLLOWERS | {"standing"}
DELIBERATION_MARKS = ("修改说明：按政府办意见调整", "主席会议意见：压缩议题", "区委领导意见：同意提交表决")


@pytest.fixture
def deliberated_plan(cast):
    """A published plan with its record: an office's comments, a revised version, the chairs' and the
    leader's notes, and a vote at which a vice-chair was on leave."""
    from django.utils import timezone

    from consultations.models import Attendance
    from core.workflow import perform
    from topics.services import plan as services
    from topics.services import votes
    from topics.tests.factories import plan_with_items, sign_all

    plan = plan_with_items(cast, departments=[cast.liaison.department])
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    perform(plan, "chairs_approve_to_joint", actor=cast.chair, note="主席会议意见：压缩议题")
    plan.refresh_from_db()
    services.sign_off(version=plan.current_version, actor=cast.gov_office, agreed=False, comment="政府办意见：调整时间")
    item = plan.items.order_by("order").first()
    services.update_item(item=item, expected_version=item.version, actor=cast.clerk, quarter=3)
    services.cut_version(plan=plan, actor=cast.clerk, note="修改说明：按政府办意见调整")
    sign_all(plan, cast)
    perform(plan, "joint_agree_to_leader", actor=cast.clerk)
    perform(plan, "leader_approve_to_vote", actor=cast.party_leader, note="区委领导意见：同意提交表决")
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    attendance = {p.member_id: Attendance.PRESENT for p in vote.meeting.participants.all()}
    attendance[cast.vice_chair.member.pk] = Attendance.DECLINED
    reasons = {cast.vice_chair.member.pk: "外出学习"}
    votes.record_attendance(vote=vote, actor=cast.clerk, attendance=attendance, reasons=reasons)
    present = sum(1 for a in attendance.values() if a == Attendance.PRESENT)
    votes.record_tally(vote=vote, actor=cast.clerk, votes_for=present, votes_against=0, votes_abstain=0)
    votes.close_vote(vote=vote, actor=cast.clerk)
    perform(plan, "publish", actor=cast.party_office, data={"doc_number": "同委办〔2030〕12号"})
    plan.refresh_from_db()
    assert plan.status == "published"
    return plan


@pytest.mark.django_db
def test_the_published_plan_page_shows_its_deliberations_only_to_those_who_took_part(client, cast, deliberated_plan):
    plan = deliberated_plan
    vote = plan.votes.get()
    for role in set(ROLES) - {"citizen"}:
        client.force_login(getattr(cast, role))
        html = client.get(f"/plan/plans/{plan.pk}/").content.decode()
        assert "落实教育“双减”政策" in html and "document.pdf" in html, role  # the plan itself, for everyone
        for mark in DELIBERATION_MARKS:
            assert (mark in html) == (role in DELIBERATION_READERS), (role, mark)
        assert ('data-testid="versions"' in html) == (role in DELIBERATION_READERS), role
        assert ('data-testid="history"' in html) == (role in DELIBERATION_READERS), role
        assert (vote.get_absolute_url() in html) == (role in VOTE_READERS), role
        # The receipts: all of them for the plan's side; a liaison sees its own department's only.
        assert ('data-testid="receipts"' in html) == (role in DELIBERATION_READERS | {"liaison"}), role
        assert ('data-testid="my-department"' in html) == (role == "liaison"), role


@pytest.mark.django_db
def test_the_deliberation_pages_open_only_for_those_who_took_part(client, cast, deliberated_plan):
    plan = deliberated_plan
    first = plan.versions.get(number=1)
    assert_pages(client, cast, detail=f"/plan/versions/{first.pk}/", listing=None, visible=DELIBERATION_READERS)
    assert_pages(
        client, cast, detail=f"/plan/plans/{plan.pk}/diff/?a=1&b=2", listing=None, visible=DELIBERATION_READERS
    )
    assert_pages(client, cast, detail=plan.votes.get().get_absolute_url(), listing=None, visible=VOTE_READERS)


@pytest.mark.django_db
def test_the_api_gives_the_deliberations_only_to_those_who_took_part(api_client, cast, deliberated_plan):
    plan = deliberated_plan
    assert_api(api_client, cast, url=f"/api/v1/plans/{plan.pk}/", visible=set(ROLES) - {"citizen"})
    for path in ("versions/", "diff/?a=1&b=2", "history/"):
        assert_api(api_client, cast, url=f"/api/v1/plans/{plan.pk}/{path}", visible=DELIBERATION_READERS)
    vote = plan.votes.get()
    assert_api(api_client, cast, url=f"/api/v1/plan-votes/{vote.pk}/", visible=VOTE_READERS)
    for role in ROLES:
        api_client.force_authenticate(getattr(cast, role))
        listed = api_client.get(f"/api/v1/plan-votes/?plan={plan.pk}").json()
        rows = listed["results"] if isinstance(listed, dict) else listed
        assert bool(rows) == (role in VOTE_READERS), role
    # The formal document that goes to the departments and the public carries none of it.
    from topics.services.publication import build_doc_spec

    text = repr(build_doc_spec(plan))
    assert "落实教育“双减”政策" in text
    assert not any(mark in text for mark in (*DELIBERATION_MARKS, "政府办意见：调整时间", "外出学习"))


# A present standing member without an account votes on paper; the office (谁组织谁记录) enters it.
PAPER_BALLOT_RECORDERS = CLERKS


@pytest.mark.django_db
def test_only_the_office_enters_a_paper_ballot(client, api_client, cast):
    from django.utils import timezone

    from district.tests.factories import MemberFactory
    from topics.services import votes
    from topics.tests.factories import drive_to_vote, standing_present

    plan = drive_to_vote(cast)
    paper = MemberFactory(name="陈婷", term=cast.chair.member.term, is_standing=True)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now(), method="online")
    standing_present(vote, cast.chair.member, cast.vice_chair.member, paper)
    for role in ROLES:
        for post in (
            lambda: client.post(f"/plan/votes/{vote.pk}/paper-ballot/", {"member": paper.pk, "choice": "for"}),
            lambda: api_client.post(
                f"/api/v1/plan-votes/{vote.pk}/paper-ballot/", {"member": paper.pk, "choice": "for"}, format="json"
            ),
        ):
            client.force_login(getattr(cast, role))
            api_client.force_authenticate(getattr(cast, role))
            post()
            entered = vote.ballots.filter(member=paper)
            assert entered.exists() == (role in PAPER_BALLOT_RECORDERS), role
            entered.delete()
