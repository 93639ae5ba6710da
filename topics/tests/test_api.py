import pytest
from django.utils import timezone

from accounts.models import ApiToken
from topics.models import PlanStatus, SuggestionStatus
from topics.services import votes
from topics.tests.factories import RoundFactory, drive_to_vote, plan_with_items, sign_all

pytestmark = pytest.mark.django_db


def auth(client, user, scope="write"):
    _token, key = ApiToken.issue(user=user, scope=scope)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_member_creates_and_submits_a_suggestion(api_client, cast):
    rnd = RoundFactory()
    response = auth(api_client, cast.member).post(
        "/api/v1/plan-suggestions/",
        {
            "round": rnd.pk,
            "title": "粮食生产安全",
            "background": "耕地保护",
            "suggested_format": "counterpart",
            "submit": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == SuggestionStatus.SUBMITTED and body["suggested_format"] == "counterpart"


def test_the_plan_moves_through_its_steps_by_the_shared_transitions_endpoint(api_client, cast):
    plan = plan_with_items(cast)
    clerk = auth(api_client, cast.clerk)
    actions = clerk.get(f"/api/v1/plans/{plan.pk}/transitions/").json()
    assert [a["action"] for a in actions] == ["submit_to_chairs"]
    assert (
        clerk.post(f"/api/v1/plans/{plan.pk}/transitions/", {"action": "submit_to_chairs"}, format="json").json()[
            "status"
        ]
        == PlanStatus.CHAIRS
    )
    chair = auth(api_client, cast.chair)
    response = chair.post(f"/api/v1/plans/{plan.pk}/transitions/", {"action": "chairs_approve_to_joint"}, format="json")
    assert response.json()["status"] == PlanStatus.JOINT
    refused = auth(api_client, cast.clerk).post(
        f"/api/v1/plans/{plan.pk}/transitions/", {"action": "joint_agree_to_leader"}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "refused" and "三办会签未齐" in refused.json()["error"]["message"]
    for user in (cast.party_office, cast.gov_office, cast.clerk):
        signed = auth(api_client, user).post(f"/api/v1/plans/{plan.pk}/signoff/", {"agreed": True}, format="json")
        assert signed.status_code == 201, signed.content
    auth(api_client, cast.clerk).post(
        f"/api/v1/plans/{plan.pk}/transitions/", {"action": "joint_agree_to_leader"}, format="json"
    )
    no_note = auth(api_client, cast.party_leader).post(
        f"/api/v1/plans/{plan.pk}/transitions/", {"action": "leader_return_to_joint"}, format="json"
    )
    assert no_note.status_code == 400 and no_note.json()["error"]["code"] == "note_required"
    history = auth(api_client, cast.clerk).get(f"/api/v1/plans/{plan.pk}/history/").json()
    assert [e["action"] for e in history if e["kind"] == "transition"] == [
        "submit_to_chairs",
        "chairs_approve_to_joint",
        "joint_agree_to_leader",
    ]


def test_a_stale_item_update_is_a_409_conflict(api_client, cast):
    plan = plan_with_items(cast)
    item = plan.items.order_by("order").first()
    clerk = auth(api_client, cast.clerk)
    first = clerk.patch(f"/api/v1/plan-items/{item.pk}/", {"title": "甲", "version": item.version}, format="json")
    assert first.status_code == 200, first.content
    second = clerk.patch(f"/api/v1/plan-items/{item.pk}/", {"quarter": 3, "version": item.version}, format="json")
    assert second.status_code == 409 and second.json()["error"]["code"] == "conflict"


def test_votes_are_opened_tallied_and_closed_over_the_api(api_client, cast):
    plan = drive_to_vote(cast)
    clerk = auth(api_client, cast.clerk)
    opened = clerk.post(
        "/api/v1/plan-votes/",
        {"plan": plan.pk, "starts_at": timezone.now().isoformat(), "method": "online"},
        format="json",
    )
    assert opened.status_code == 201, opened.content
    vote_id = opened.json()["id"]
    present = {str(m.pk): "present" for m in (cast.chair.member, cast.vice_chair.member)}
    clerk.post(f"/api/v1/plan-votes/{vote_id}/attendance/", {"attendance": present}, format="json")
    tally = clerk.post(
        f"/api/v1/plan-votes/{vote_id}/tally/", {"votes_for": 2, "votes_against": 0, "votes_abstain": 0}, format="json"
    )
    assert tally.status_code == 400 and "在线表决" in tally.json()["error"]["message"]
    for user in (cast.chair, cast.vice_chair):
        ballot = auth(api_client, user).post(f"/api/v1/plan-votes/{vote_id}/ballot/", {"choice": "for"}, format="json")
        assert ballot.status_code == 201
    twice = auth(api_client, cast.chair).post(f"/api/v1/plan-votes/{vote_id}/ballot/", {"choice": "for"}, format="json")
    assert twice.status_code == 400 and "不能重复投票" in twice.json()["error"]["message"]
    closed = auth(api_client, cast.clerk).post(f"/api/v1/plan-votes/{vote_id}/close/")
    assert closed.json()["status"] == PlanStatus.ADOPTED


def vote_and_publish(api_client, cast, plan) -> None:
    """The standing committee adopts the plan and the party office publishes it over the API."""
    from topics.tests.factories import standing_present

    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    standing_present(vote, cast.chair.member, cast.vice_chair.member)
    votes.record_tally(vote=vote, actor=cast.clerk, votes_for=2, votes_against=0, votes_abstain=0)
    votes.close_vote(vote=vote, actor=cast.clerk)
    auth(api_client, cast.party_office).post(
        f"/api/v1/plans/{plan.pk}/transitions/",
        {"action": "publish", "data": {"doc_number": "同委办〔2030〕12号"}},
        format="json",
    )


def test_a_liaison_sees_only_published_plans_and_acknowledges_receipt(api_client, cast):
    plan = drive_to_vote(cast, departments=[cast.liaison.department])
    liaison = auth(api_client, cast.liaison)
    assert liaison.get(f"/api/v1/plans/{plan.pk}/").status_code == 404
    vote_and_publish(api_client, cast, plan)
    liaison = auth(api_client, cast.liaison)
    assert liaison.get(f"/api/v1/plans/{plan.pk}/").json()["doc_number"] == "同委办〔2030〕12号"
    assert liaison.post(f"/api/v1/plans/{plan.pk}/acknowledge/").status_code == 200
    again = liaison.post(f"/api/v1/plans/{plan.pk}/acknowledge/")
    assert again.status_code == 400 and again.json()["error"]["code"] == "refused"


def test_the_items_editing_notes_are_read_only_by_those_who_deliberate_the_plan(api_client, cast):
    plan = drive_to_vote(cast, departments=[cast.liaison.department])
    vote_and_publish(api_client, cast, plan)
    plan.items.update(notes="书记批示：与区教育局先行沟通")
    for user, expected in ((cast.liaison, ""), (cast.member, ""), (cast.clerk, "书记批示：与区教育局先行沟通")):
        rows = auth(api_client, user).get("/api/v1/plan-items/", {"plan": plan.pk}).json()["results"]
        assert rows and {r["notes"] for r in rows} == {expected}, user


def test_the_diff_endpoint_compares_two_versions(api_client, cast):
    plan = plan_with_items(cast)
    from core.workflow import perform

    perform(plan, "submit_to_chairs", actor=cast.clerk)
    perform(plan, "chairs_approve_to_joint", actor=cast.chair)
    sign_all(plan, cast)
    clerk = auth(api_client, cast.clerk)
    item = plan.items.order_by("order").first()
    clerk.patch(f"/api/v1/plan-items/{item.pk}/", {"month": 5, "quarter": None, "version": item.version}, format="json")
    assert clerk.post(f"/api/v1/plans/{plan.pk}/versions/new/", {"note": "调整"}, format="json").status_code == 201
    rows = clerk.get(f"/api/v1/plans/{plan.pk}/diff/?a=1&b=2").json()
    assert [r["kind"] for r in rows] == ["changed", "same"]
    assert clerk.get(f"/api/v1/plans/{plan.pk}/diff/").status_code == 400


@pytest.mark.parametrize("body", ["[]", '"调整"', "123", "null", '{"note": ["调整"]}'])
def test_a_new_version_with_a_body_that_is_no_object_is_a_structured_400(api_client, cast, body):
    """A JSON array, string, number or null as the body was a 500 (the view read request.data.get)."""
    plan = plan_with_items(cast)
    clerk = auth(api_client, cast.clerk)
    response = clerk.post(f"/api/v1/plans/{plan.pk}/versions/new/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"]
    assert not plan.versions.exists()


def test_the_clerk_creates_a_plan_and_a_second_one_for_the_year_is_a_structured_conflict(api_client, cast):
    clerk = auth(api_client, cast.clerk)
    created = clerk.post("/api/v1/plans/", {"year": 2033, "title": "2033年度政治协商计划"}, format="json")
    assert created.status_code == 201, created.content
    plan_id = created.json()["id"]
    again = clerk.post("/api/v1/plans/", {"year": 2033, "title": "重复"}, format="json")
    assert again.status_code == 409
    error = again.json()["error"]
    assert error["code"] == "plan_exists"
    assert "2033年度已有协商计划《2033年度政治协商计划》" in error["message"]
    assert error["fields"]["existing_plan"] == plan_id and error["fields"]["year"] == [error["message"]]


def test_only_the_clerk_creates_plans_over_the_api(api_client, cast):
    response = auth(api_client, cast.member).post("/api/v1/plans/", {"year": 2034, "title": "计划"}, format="json")
    assert response.status_code == 403
