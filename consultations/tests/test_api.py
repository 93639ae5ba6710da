"""API: meetings, participants, outcome items, research groups and reports, with the shared workflow API."""

from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

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


def test_create_meeting_then_send_invitations_through_transitions(api_client, cast, time_machine):
    # Three weeks ahead of the meeting: its notice goes out (not once it has begun), it cannot be held yet.
    time_machine.move_to("2022-06-01T10:00+08:00", tick=False)
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
    assert actions == ["send_invitations", "cancel"]
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


def _material(meeting, cast, title="协商议政报告（征求意见稿）"):
    upload = SimpleUploadedFile("报告.txt", "协商议政报告正文".encode(), content_type="text/plain")
    return services.add_meeting_material(meeting=meeting, actor=cast.clerk, title=title, upload=upload)


def test_an_invited_member_reads_the_meetings_materials_in_its_detail_and_downloads_them(api_client, client, cast):
    meeting = consultation_meeting(cast)  # cast.other_member is invited
    material = _material(meeting, cast)
    detail = auth(api_client, cast.other_member).get(f"/api/v1/meetings/{meeting.pk}/")
    assert detail.status_code == 200
    [row] = detail.json()["materials"]
    assert (row["id"], row["title"], row["file_name"]) == (material.pk, "协商议政报告（征求意见稿）", "报告.txt")
    assert row["size"] == len("协商议政报告正文".encode()) and row["uploaded_by"] == cast.clerk.display
    assert row["uploaded_at"]
    # The link is the API's download: an API client (token) or the browser session gets the file...
    path = urlsplit(row["download_url"]).path
    assert path.startswith("/api/v1/files/")
    download = auth(api_client, cast.other_member).get(path, HTTP_ACCEPT="application/json")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).decode() == "协商议政报告正文"
    client.force_login(cast.other_member)
    assert client.get(path).status_code == 200
    # ...and someone who may not open the meeting gets a JSON 404, as for a token that names nothing.
    refused = auth(api_client, cast.member).get(path)
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "not_found"
    assert auth(api_client, cast.other_member).get("/api/v1/files/nothing/").status_code == 404


def test_an_uninvited_member_gets_neither_the_meeting_nor_its_materials(api_client, cast):
    meeting = consultation_meeting(cast)
    _material(meeting, cast)
    client = auth(api_client, cast.member)
    assert client.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    assert client.get("/api/v1/meetings/").json()["results"] == []
    # The list carries no materials for anyone: only a meeting's detail does.
    listed = auth(api_client, cast.clerk).get("/api/v1/meetings/").json()["results"]
    assert [m["id"] for m in listed] == [meeting.pk] and "materials" not in listed[0]


def test_materials_follow_the_viewer_rule_inside_the_serializer_too(rf, cast):
    """Whoever may not open the meeting reads no material of it, even if handed the meeting record."""
    from consultations.api import ConsultationMeetingDetailSerializer

    meeting = consultation_meeting(cast)
    _material(meeting, cast)
    request = rf.get("/api/v1/meetings/")
    request.user = cast.member
    assert ConsultationMeetingDetailSerializer(meeting, context={"request": request}).data["materials"] == []
    request.user = cast.other_member
    assert len(ConsultationMeetingDetailSerializer(meeting, context={"request": request}).data["materials"]) == 1


def test_the_meeting_list_costs_the_same_queries_for_one_meeting_or_many(api_client, cast):
    client = auth(api_client, cast.clerk)
    _material(consultation_meeting(cast), cast)
    client.get("/api/v1/meetings/")  # the token's first use is recorded once, whatever is listed
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/meetings/").json()["count"] == 1
    for _i in range(3):
        _material(consultation_meeting(cast), cast)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/meetings/").json()["count"] == 4
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]
