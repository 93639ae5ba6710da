import pytest

from core.models import PersonalDataAccess
from intake.models import Appeal
from intake.tests.factories import AppealFactory

pytestmark = pytest.mark.django_db


def test_staff_list_masks_contacts(api_client, cast):
    AppealFactory()
    api_client.force_authenticate(cast.clerk)
    row = api_client.get("/api/v1/appeals/").json()["results"][0]
    assert row["contact_phone"] == "139****5678" and row["status"] == "received"


def test_contact_endpoint_unmasks_for_handlers_only_and_audits(api_client, cast):
    appeal = AppealFactory()
    api_client.force_authenticate(cast.clerk)
    assert api_client.get(f"/api/v1/appeals/{appeal.pk}/contact/").json()["contact_phone"] == "13912345678"
    assert PersonalDataAccess.objects.filter(user=cast.clerk).count() == 1
    api_client.force_authenticate(cast.chair)
    assert api_client.get(f"/api/v1/appeals/{appeal.pk}/contact/").status_code == 403


def test_transitions_and_history_through_the_api(api_client, cast):
    appeal = AppealFactory()
    api_client.force_authenticate(cast.clerk)
    actions = api_client.get(f"/api/v1/appeals/{appeal.pk}/transitions/").json()
    route = next(a for a in actions if a["action"] == "route")
    assert set(route["fields"]) == {"route", "workstation", "duty_group"}
    bad = api_client.post(f"/api/v1/appeals/{appeal.pk}/transitions/", {"action": "route", "data": {}}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "refused"
    ok = api_client.post(
        f"/api/v1/appeals/{appeal.pk}/transitions/",
        {"action": "route", "data": {"route": "office"}},
        format="json",
    )
    assert ok.json()["status"] == "routed"
    history = api_client.get(f"/api/v1/appeals/{appeal.pk}/history/").json()
    assert any(e.get("action") == "route" for e in history)


def test_the_citizen_reads_their_appeal_but_not_the_office_audit_trail(api_client, cast):
    """Staff names and internal notes stay with staff, as on the pages (the citizen has the tracking page)."""
    appeal = AppealFactory(citizen=cast.citizen)
    api_client.force_authenticate(cast.clerk)
    api_client.post(
        f"/api/v1/appeals/{appeal.pk}/transitions/",
        {"action": "route", "data": {"route": "office"}, "note": "内部：请老王跟进"},
        format="json",
    )
    assert "内部：请老王跟进" in str(api_client.get(f"/api/v1/appeals/{appeal.pk}/history/").json())
    api_client.force_authenticate(cast.citizen)
    assert api_client.get(f"/api/v1/appeals/{appeal.pk}/").status_code == 200
    assert api_client.get(f"/api/v1/appeals/{appeal.pk}/history/").status_code == 404


def test_create_is_idempotent_with_the_header(api_client, cast):
    api_client.force_authenticate(cast.clerk)
    payload = {"title": "来电反映", "body": "噪音扰民", "channel": "phone"}
    first = api_client.post("/api/v1/appeals/", payload, format="json", HTTP_IDEMPOTENCY_KEY="call-1")
    again = api_client.post("/api/v1/appeals/", payload, format="json", HTTP_IDEMPOTENCY_KEY="call-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["tracking_code"] == again.json()["tracking_code"] and Appeal.objects.count() == 1


def test_create_rejects_empty_body_with_structured_error(api_client, cast):
    api_client.force_authenticate(cast.clerk)
    response = api_client.post("/api/v1/appeals/", {"title": "t", "body": "", "channel": "phone"}, format="json")
    assert response.status_code == 400 and "body" in response.json()["error"]["fields"]


def test_citizens_and_liaisons_cannot_record_or_see_others(api_client, cast):
    appeal = AppealFactory()
    api_client.force_authenticate(cast.liaison)
    assert api_client.get(f"/api/v1/appeals/{appeal.pk}/").status_code == 404
    response = api_client.post("/api/v1/appeals/", {"title": "t", "body": "b", "channel": "phone"}, format="json")
    assert response.status_code == 403
