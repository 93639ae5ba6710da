import pytest

from accounts.models import ApiToken
from core.tests.testapp.models import Memo

pytestmark = [pytest.mark.django_db, pytest.mark.urls("core.tests.testapp.urls")]


@pytest.fixture
def memo(cast):
    return Memo.objects.create(title="计划", body="正文", owner=cast.member)


def auth(client, user, scope="write"):
    _token, key = ApiToken.issue(user=user, scope=scope)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_transitions_lists_actions_for_the_current_user(api_client, cast, memo):
    response = auth(api_client, cast.member).get(f"/api/v1/memos/{memo.pk}/transitions/")
    assert response.status_code == 200
    assert [a["action"] for a in response.json()] == ["submit"]
    assert response.json()[0]["target"] == "submitted"


def test_post_transition_performs_the_action(api_client, cast, memo):
    response = auth(api_client, cast.member).post(
        f"/api/v1/memos/{memo.pk}/transitions/", {"action": "submit", "note": "请审"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    memo.refresh_from_db()
    assert memo.status == "submitted"


def test_wrong_state_is_a_structured_409(api_client, cast, memo):
    response = auth(api_client, cast.clerk).post(
        f"/api/v1/memos/{memo.pk}/transitions/", {"action": "accept"}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["error"]["code"] == "transition_not_allowed"
    assert body["error"]["message"]


def test_missing_reason_is_a_structured_400(api_client, cast, memo):
    Memo.objects.filter(pk=memo.pk).update(status="submitted")
    response = auth(api_client, cast.clerk).post(
        f"/api/v1/memos/{memo.pk}/transitions/", {"action": "return"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "note_required"


def test_other_users_object_is_404_not_403(api_client, cast, memo):
    response = auth(api_client, cast.other_member).get(f"/api/v1/memos/{memo.pk}/transitions/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_read_scope_token_cannot_fire_actions(api_client, cast, memo):
    response = auth(api_client, cast.member, scope="read").post(
        f"/api/v1/memos/{memo.pk}/transitions/", {"action": "submit"}, format="json"
    )
    assert response.status_code == 403
    memo.refresh_from_db()
    assert memo.status == "draft"


def test_history_returns_the_audited_timeline(api_client, cast, memo):
    client = auth(api_client, cast.member)
    client.post(f"/api/v1/memos/{memo.pk}/transitions/", {"action": "submit", "note": "第一稿"}, format="json")
    events = client.get(f"/api/v1/memos/{memo.pk}/history/").json()
    assert [e["kind"] for e in events] == ["created", "transition"]
    assert events[1]["note"] == "第一稿"
    assert events[1]["actor"] == "member"


def test_validation_errors_name_the_field(api_client, cast, memo):
    response = auth(api_client, cast.member).post(f"/api/v1/memos/{memo.pk}/transitions/", {}, format="json")
    assert response.status_code == 400
    assert "action" in response.json()["error"]["fields"]


def test_anonymous_gets_401_json(api_client, memo):
    response = api_client.get(f"/api/v1/memos/{memo.pk}/history/")
    assert response.status_code in (401, 403)
    assert "error" in response.json()


def test_a_body_that_is_not_json_gets_a_chinese_message_and_position(api_client, cast, memo):
    response = auth(api_client, cast.member).post(
        f"/api/v1/memos/{memo.pk}/transitions/", data='{"action": }', content_type="application/json"
    )
    error = response.json()["error"]
    assert response.status_code == 400 and error["code"] == "parse_error"
    assert error["message"] == "无法解析请求内容，请检查格式（如 JSON 语法）。"
    assert error["fields"] == {"body": ["JSON 语法错误：第1行第12列。"]}


def test_an_unknown_action_is_a_400_naming_the_field(api_client, cast, memo):
    response = auth(api_client, cast.member).post(
        f"/api/v1/memos/{memo.pk}/transitions/", {"action": "nope"}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["fields"] == {"action": ["未知的操作：nope"]}


def test_a_records_own_lists_are_bare_arrays_that_ignore_the_lists_parameters(api_client, cast, memo):
    client = auth(api_client, cast.member)
    for action in ("history", "transitions"):
        response = client.get(f"/api/v1/memos/{memo.pk}/{action}/", {"ordering": "bogus", "page_size": "abc"})
        assert response.status_code == 200 and isinstance(response.json(), list)


def test_an_unknown_ordering_is_a_400_naming_the_allowed_fields(api_client, cast):
    Memo.objects.create(title="乙", body="", owner=cast.member)
    Memo.objects.create(title="甲", body="", owner=cast.member)
    client = auth(api_client, cast.member)
    response = client.get("/api/v1/memos/", {"ordering": "bogus"})
    assert response.status_code == 400
    message = response.json()["error"]["fields"]["ordering"][0]
    assert "bogus" in message and "title" in message
    rows = client.get("/api/v1/memos/", {"ordering": "-title"}).json()["results"]
    assert [r["title"] for r in rows] == sorted((r["title"] for r in rows), reverse=True)


@pytest.mark.parametrize("size", ["abc", "0", "-1", "201", "1.5"])
def test_a_bad_page_size_is_a_400(api_client, cast, memo, size):
    response = auth(api_client, cast.member).get("/api/v1/memos/", {"page_size": size})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"page_size": ["每页条数须为1到200之间的整数。"]}


def test_a_good_page_size_is_used(api_client, cast):
    for i in range(3):
        Memo.objects.create(title=f"备忘{i}", body="", owner=cast.member)
    body = auth(api_client, cast.member).get("/api/v1/memos/", {"page_size": "2", "ordering": "id"}).json()
    assert body["count"] == 3 and len(body["results"]) == 2


def test_the_per_user_rate_applies_to_signed_in_calls(api_client, cast, memo, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/min", "anon": "120/min"})
    client = auth(api_client, cast.member)
    assert [client.get(f"/api/v1/memos/{memo.pk}/").status_code for _ in range(2)] == [200, 200]
    response = client.get(f"/api/v1/memos/{memo.pk}/")
    assert response.status_code == 429 and response["Retry-After"]
    assert response.json()["error"]["code"] == "throttled"


def test_a_missing_csrf_token_is_refused_in_chinese(cast, memo):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.member)
    response = browser.post(
        f"/api/v1/memos/{memo.pk}/transitions/", {"action": "submit"}, content_type="application/json"
    )
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "permission_denied" and "CSRF 校验失败" in error["message"]
