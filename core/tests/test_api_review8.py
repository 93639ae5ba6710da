"""Review 8: the open interfaces' errors (#4, #5), schema (#3) and the confirmations before cutting off an
integration (#6)."""

import re

import pytest
from django.test import override_settings

from accounts.models import ApiToken
from district.tests.factories import TownFactory
from intake.models import Outcome, Route
from intake.tests.factories import AppealFactory
from open311.tests.factories import make_client
from webhooks.services import register_endpoint

pytestmark = pytest.mark.django_db


def auth(client, user, scope="write"):
    _token, key = ApiToken.issue(user=user, scope=scope)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _answered(cast):
    from core.workflow import perform

    appeal = AppealFactory()
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    return perform(appeal, "answer", actor=cast.clerk, note="已联系供电所")


def test_a_refusal_gives_fields_as_lists_and_calls_an_invalid_outcome_invalid(api_client, cast):
    appeal = _answered(cast)
    clerk = auth(api_client, cast.clerk)
    url = f"/api/v1/appeals/{appeal.pk}/transitions/"
    bogus = clerk.post(url, {"action": "close", "note": "办结", "data": {"outcome": "bogus"}}, format="json")
    assert bogus.status_code == 400, bogus.content
    assert bogus.json()["error"]["fields"] == {"outcome": ["不是有效的办理结果"]}
    missing = clerk.post(url, {"action": "close", "note": "办结", "data": {}}, format="json")
    assert missing.json()["error"]["fields"] == {"outcome": ["必填"]}
    # The same shape as a serializer's or filter's error.
    filtered = clerk.get("/api/v1/appeals/", {"status": "bogus"})
    assert filtered.status_code == 400
    assert all(isinstance(v, list) for v in filtered.json()["error"]["fields"].values())
    done = clerk.post(url, {"action": "close", "note": "办结", "data": {"outcome": Outcome.ON_THE_SPOT}}, format="json")
    assert done.status_code == 200, done.content


def test_the_api_json_error_and_length_refusal_speak_to_an_api_caller(api_client, cast):
    client = auth(api_client, cast.member)
    broken = client.post("/api/v1/appeals/", data="{bad", content_type="application/json")
    assert broken.status_code == 400
    assert broken.json()["error"]["fields"] == {"body": ["JSON 语法错误：第1行第2列。"]}
    town = TownFactory()
    payload = {"title": "路灯", "body": "长" * 6000, "channel": "phone", "town": town.pk}
    with override_settings(LANGUAGE_CODE="zh-hans"):
        long = auth(api_client, cast.clerk).post("/api/v1/appeals/", payload, format="json")
    assert long.status_code == 400, long.content
    text = str(long.json()["error"])
    assert "6000" in text and "已保留" not in text


def test_the_schema_describes_operations_without_class_docstrings_and_lists_ordering_fields(api_client, cast):
    client = auth(api_client, cast.clerk)
    schema = client.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    descriptions = [
        op.get("description", "") for item in schema["paths"].values() for op in item.values() if isinstance(op, dict)
    ]
    assert descriptions
    for text in descriptions:
        assert not re.search(r"[a-z_]+\.(api|api_filters|services|selectors|models)\b", text), text
        assert not text or re.search(r"[\u4e00-\u9fff]", text), text  # no English-only text in Chinese
    assert not any("Appeals the caller may see" in t for t in descriptions)
    ordering = [
        p
        for item in schema["paths"].values()
        for op in item.values()
        if isinstance(op, dict)
        for p in op.get("parameters", [])
        if p["name"] == "ordering"
    ]
    assert ordering and all("可用：" in p["description"] for p in ordering)
    fields = schema["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["fields"]
    assert {"type": "array", "items": {}} in fields["additionalProperties"]["anyOf"]


def test_every_operation_is_named_in_the_readers_language(api_client, cast):
    """An integrator reading the schema sees what each operation does: standard ones named from their
    record's name (列出委员, 查看提案 …), the others by their own summary; in English on request."""
    client = auth(api_client, cast.clerk)
    for language, expect in (("zh-hans", r"[\u4e00-\u9fff]"), ("en", r"^[^\u4e00-\u9fff]+$")):
        schema = client.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE=language).json()
        operations = {
            f"{method.upper()} {path}": op.get("summary", "")
            for path, item in schema["paths"].items()
            for method, op in item.items()
            if isinstance(op, dict)
        }
        assert len(operations) > 100
        unnamed = sorted(name for name, summary in operations.items() if not re.search(expect, summary))
        assert unnamed == [], (language, unnamed)
    zh = client.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert zh["paths"]["/api/v1/members/"]["get"]["summary"] == "列出委员"


def test_cutting_off_an_integration_asks_first(client, cast):
    make_client(name="12345热线")
    register_endpoint(name="区大数据中心", url="https://example.com/hook", events=["intake.appeal"], actor=cast.clerk)
    ApiToken.issue(user=cast.clerk, scope="read")
    client.force_login(cast.clerk)
    for url, testid in (
        ("/open311/v2/clients/", "client-deactivate"),
        ("/webhooks/", "endpoint-deactivate"),
        ("/accounts/tokens/", "token-revoke"),
    ):
        html = client.get(url).content.decode()
        button = re.search(rf'<button[^>]*data-testid="{testid}"[^>]*>', html)
        assert button and "data-confirm=" in button.group(0), url
    page = client.get("/open311/v2/clients/").content.decode()
    assert re.search(r'data-confirm="[^"]*12345热线[^"]*确定停用？"', page)


def test_ordering_by_a_serializer_method_is_refused_not_a_server_error(api_client, cast):
    """The documented ordering fields are the ones the database can sort by."""
    response = auth(api_client, cast.clerk).get("/api/v1/special-reports/", {"ordering": "get_status_display"})
    assert response.status_code == 400
    assert "get_status_display" not in response.json()["error"]["fields"]["ordering"][0].split("：")[-1]
