"""Review 8: the plan items' format filter (its old name clashed with DRF's ?format= override)."""

import pytest

from accounts.models import ApiToken
from topics.tests.factories import plan_with_items

pytestmark = pytest.mark.django_db


def auth(client, user):
    _token, key = ApiToken.issue(user=user, scope="read")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_plan_items_filter_by_the_format_code_they_show(api_client, cast):
    plan = plan_with_items(cast)
    clerk = auth(api_client, cast.clerk)
    rows = clerk.get("/api/v1/plan-items/", {"plan": plan.pk}).json()["results"]
    codes = {r["format"] for r in rows}
    assert codes
    code = sorted(codes)[0]
    expected = {r["id"] for r in rows if r["format"] == code}
    for params in ({"consultation_format": code}, {"format": code}):
        response = clerk.get("/api/v1/plan-items/", {"plan": plan.pk, **params})
        assert response.status_code == 200, (params, response.content)
        assert {r["id"] for r in response.json()["results"]} == expected, params
    other = clerk.get("/api/v1/plan-items/", {"plan": plan.pk, "consultation_format": "no-such-format"})
    assert other.status_code == 200 and other.json()["results"] == []


def test_drf_format_override_still_answers_json(api_client, cast):
    plan = plan_with_items(cast)
    response = auth(api_client, cast.clerk).get("/api/v1/plan-items/", {"plan": plan.pk, "format": "json"})
    assert response.status_code == 200 and response.json()["results"]


def test_the_schema_documents_consultation_format_not_format(api_client, cast):
    schema = auth(api_client, cast.clerk).get("/api/schema/", {"format": "json"}).json()
    params = {p["name"] for p in schema["paths"]["/api/v1/plan-items/"]["get"]["parameters"]}
    assert "consultation_format" in params and "format" not in params
