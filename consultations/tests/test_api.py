"""API: meetings, participants, outcome items, research groups and reports, with the shared workflow API."""

import pytest

from accounts.models import ApiToken
from consultations import services
from consultations.tests.factories import consultation_meeting, research_group
from core.workflow import perform

pytestmark = pytest.mark.django_db


def auth(client, user, scope="write"):
    _token, key = ApiToken.issue(user=user, scope=scope)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_create_meeting_without_department_is_a_structured_error(api_client, cast):
    response = auth(api_client, cast.clerk).post(
        "/api/v1/meetings/",
        {"title": "双减专题协商会", "starts_at": "2022-06-20T09:00+08:00", "ends_at": "2022-06-20T12:00+08:00"},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "refused" and "departments" in error["fields"]


def test_create_meeting_then_send_invitations_through_transitions(api_client, cast):
    client = auth(api_client, cast.clerk)
    response = client.post(
        "/api/v1/meetings/",
        {
            "title": "双减专题协商会",
            "starts_at": "2022-06-20T09:00+08:00",
            "ends_at": "2022-06-20T12:00+08:00",
            "departments": [cast.liaison.department_id],
            "leader_name": "区领导",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    actions = [a["action"] for a in client.get(f"/api/v1/meetings/{pk}/transitions/").json()]
    assert actions == ["send_invitations", "hold", "cancel"]
    moved = client.post(f"/api/v1/meetings/{pk}/transitions/", {"action": "send_invitations"}, format="json")
    assert moved.json()["status"] == "invited"
    history = client.get(f"/api/v1/meetings/{pk}/history/").json()
    assert any(e.get("action") == "send_invitations" for e in history)
    rows = client.get(f"/api/v1/meetings/{pk}/participants/").json()
    assert {r["role"] for r in rows} == {"leader", "dept_head"}


def test_liaison_replies_through_the_api_and_cannot_see_other_meetings(api_client, cast):
    meeting = consultation_meeting(cast)
    row = meeting.participants.get(department=cast.liaison.department)
    client = auth(api_client, cast.liaison)
    bad = client.post(f"/api/v1/meeting-participants/{row.pk}/respond/", {"response": "decline"}, format="json")
    assert bad.status_code == 400 and "reason" in bad.json()["error"]["fields"]
    ok = client.post(
        f"/api/v1/meeting-participants/{row.pk}/respond/", {"response": "decline", "reason": "局务会"}, format="json"
    )
    assert ok.json()["attendance"] == "declined"
    other = auth(api_client, cast.other_liaison)
    assert other.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    assert other.get(f"/api/v1/meeting-participants/{row.pk}/").status_code == 404


def test_outcome_items_recorded_and_corrected_through_the_api(api_client, cast):
    meeting = consultation_meeting(cast)
    client = auth(api_client, cast.clerk)
    payload = {
        "meeting": meeting.pk,
        "recommendation": "规范校外培训",
        "responsible_department": cast.liaison.department_id,
    }
    too_early = client.post("/api/v1/outcome-items/", payload, format="json")
    assert too_early.status_code == 409
    perform(meeting, "hold", actor=cast.clerk)
    created = client.post("/api/v1/outcome-items/", payload, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    patched = client.patch(f"/api/v1/outcome-items/{pk}/", {"agreed_action": "开展专项检查"}, format="json")
    assert patched.json()["agreed_action"] == "开展专项检查"
    assert patched.json()["recommendation"] == "规范校外培训"
    listed = client.get(f"/api/v1/outcome-items/?meeting={meeting.pk}").json()
    assert listed["count"] == 1
    member = auth(api_client, cast.member)
    assert member.post("/api/v1/outcome-items/", payload, format="json").status_code == 400


def test_read_scope_token_cannot_record(api_client, cast):
    meeting = consultation_meeting(cast)
    perform(meeting, "hold", actor=cast.clerk)
    client = auth(api_client, cast.clerk, scope="read")
    payload = {"meeting": meeting.pk, "recommendation": "x", "responsible_department": cast.liaison.department_id}
    assert client.post("/api/v1/outcome-items/", payload, format="json").status_code == 403


def test_expert_sees_only_their_group_and_report_in_the_api(api_client, cast):
    group = research_group(cast)
    other = services.create_research_group(title="古城保护", year=2022, lead=cast.chair.member, actor=cast.research)
    client = auth(api_client, cast.expert)
    ids = [g["id"] for g in client.get("/api/v1/research-groups/").json()["results"]]
    assert ids == [group.pk]
    assert client.get(f"/api/v1/consultation-reports/{other.report.pk}/").status_code == 404
    assert client.get(f"/api/v1/research-groups/{other.pk}/history/").status_code == 404


def test_report_finalise_via_api_refused_with_open_mandatory_comment(api_client, cast):
    group = research_group(cast)
    services.save_report_draft(report=group.report, actor=cast.member, title="报告", body="正文", expected_version=1)
    services.comment_on_report(report=group.report, actor=cast.research, body="须修改", mandatory=True)
    response = auth(api_client, cast.vice_chair).post(
        f"/api/v1/consultation-reports/{group.report.pk}/transitions/", {"action": "finalise"}, format="json"
    )
    assert response.status_code == 400
    assert "必须处理的意见" in response.json()["error"]["message"]
