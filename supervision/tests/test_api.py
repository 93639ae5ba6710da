import pytest

from accounts.models import ApiToken
from supervision.tests.conftest import advance

pytestmark = pytest.mark.django_db


def auth(client, user, scope="write"):
    _token, key = ApiToken.issue(user=user, scope=scope)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_liaison_lists_only_own_department_tasks_and_404s_others(api_client, task, cast, world):
    from supervision.services.tasks import create_task

    other = create_task(source=None, title="人社局任务", actor=cast.gov_office, lead_department=world.hr)
    client = auth(api_client, cast.liaison)
    ids = [t["id"] for t in client.get("/api/v1/supervision-tasks/").json()["results"]]
    assert task.pk in ids and other.pk not in ids
    response = client.get(f"/api/v1/supervision-tasks/{other.pk}/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_department_accepts_reports_progress_and_replies_through_the_api(api_client, task, cast):
    client = auth(api_client, cast.liaison)
    actions = [a["action"] for a in client.get(f"/api/v1/supervision-tasks/{task.pk}/transitions/").json()]
    assert set(actions) == {"accept", "request_reassign"}
    r = client.post(f"/api/v1/supervision-tasks/{task.pk}/transitions/", {"action": "accept"}, format="json")
    assert r.json()["status"] == "acked"
    r = client.post(f"/api/v1/supervision-tasks/{task.pk}/progress/", {"percent": 50, "text": "过半"}, format="json")
    assert r.status_code == 201
    assert client.get(f"/api/v1/supervision-tasks/{task.pk}/").json()["status"] == "in_progress"
    r = client.put(f"/api/v1/supervision-tasks/{task.pk}/reply-draft/", {"body": "已办结"}, format="json")
    assert r.status_code == 200
    r = client.post(f"/api/v1/supervision-tasks/{task.pk}/transitions/", {"action": "submit_reply"}, format="json")
    assert r.status_code == 400
    assert r.json()["error"]["fields"] == {"classification": ["请选择答复类别。"]}
    client.put(
        f"/api/v1/supervision-tasks/{task.pk}/reply-draft/",
        {"classification": "solved", "body": "已办结"},
        format="json",
    )
    r = client.post(f"/api/v1/supervision-tasks/{task.pk}/transitions/", {"action": "submit_reply"}, format="json")
    assert r.json()["status"] == "feedback"
    history = client.get(f"/api/v1/supervision-tasks/{task.pk}/history/").json()
    assert [e["action"] for e in history if e["kind"] == "transition"] == ["assign", "accept", "start", "submit_reply"]


def test_progress_by_a_department_not_assigned_is_a_structured_refusal(api_client, task, cast, world):
    from accounts.services import create_user
    from district.tests.factories import DepartmentFactory

    advance(task, cast, "acked")
    stranger = create_user(
        username="l3", password="x" * 12, roles=["dept_liaison"], department=DepartmentFactory(name="民政局")
    )
    # Not visible to a third department at all.
    r = auth(api_client, stranger).post(
        f"/api/v1/supervision-tasks/{task.pk}/progress/", {"percent": 5, "text": "x"}, format="json"
    )
    assert r.status_code == 404


def test_rating_by_someone_not_the_lead_is_forbidden(api_client, task, cast):
    advance(task, cast, "feedback")
    r = auth(api_client, cast.research).post(
        f"/api/v1/supervision-tasks/{task.pk}/transitions/", {"action": "rate_satisfied"}, format="json"
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"


def test_special_report_sign_off_through_the_api(api_client, world, cast):
    r = auth(api_client, cast.research).post(
        f"/api/v1/special-reports/{world.report.pk}/transitions/", {"action": "submit"}, format="json"
    )
    assert r.json()["status"] == "submitted"
    client = auth(api_client, cast.secgen)
    r = client.post(f"/api/v1/special-reports/{world.report.pk}/transitions/", {"action": "sign"}, format="json")
    assert r.json()["status"] == "signed"
    assert client.get(f"/api/v1/special-reports/{world.report.pk}/").json()["number"] == "同政协专报〔2022〕1号"


def test_liaisons_do_not_see_special_reports(api_client, world, cast):
    r = auth(api_client, cast.liaison).get(f"/api/v1/special-reports/{world.report.pk}/")
    assert r.status_code == 404


def test_only_the_lead_department_reads_its_unsubmitted_reply_draft(api_client, task, cast):
    """The page shows the draft only to the lead department writing it; the API must not hand it to the
    cooperating department, the rating member or the offices before it is submitted."""
    advance(task, cast, "in_progress")
    api_client.force_authenticate(cast.liaison)
    url = f"/api/v1/supervision-tasks/{task.pk}/reply-draft/"
    assert api_client.put(url, {"body": "内部草稿：尚未核实"}, format="json").status_code == 200
    assert api_client.get(url).json()["body"] == "内部草稿：尚未核实"
    for user in (cast.other_liaison, cast.member, cast.clerk, cast.gov_office):
        api_client.force_authenticate(user)
        assert api_client.get(f"/api/v1/supervision-tasks/{task.pk}/").status_code == 200, user
        response = api_client.get(url)
        assert response.status_code == 404, user
        assert "内部草稿" not in response.content.decode()
