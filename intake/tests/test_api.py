import pytest

from core.models import PersonalDataAccess
from district.tests.factories import TownFactory
from intake.models import Appeal
from intake.tests.factories import AppealCategoryFactory, AppealFactory

pytestmark = pytest.mark.django_db


def test_staff_list_masks_contacts(api_client, cast):
    AppealFactory()
    api_client.force_authenticate(cast.clerk)
    row = api_client.get("/api/v1/appeals/").json()["results"][0]
    assert row["contact_phone"] == "139****5678" and row["status"] == "received"


def test_contact_endpoint_unmasks_for_handlers_only_and_audits(api_client, cast):
    appeal = AppealFactory()
    api_client.force_authenticate(cast.clerk)
    assert api_client.post(f"/api/v1/appeals/{appeal.pk}/contact/").json()["contact_phone"] == "13912345678"
    assert PersonalDataAccess.objects.filter(user=cast.clerk).count() == 1
    api_client.force_authenticate(cast.chair)
    assert api_client.post(f"/api/v1/appeals/{appeal.pk}/contact/").status_code == 403


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


@pytest.fixture
def town():
    return TownFactory(name="新民镇")


def test_create_is_idempotent_with_the_header(api_client, cast, town):
    api_client.force_authenticate(cast.clerk)
    payload = {"title": "来电反映", "body": "噪音扰民", "channel": "phone", "town": town.pk}
    first = api_client.post("/api/v1/appeals/", payload, format="json", HTTP_IDEMPOTENCY_KEY="call-1")
    again = api_client.post("/api/v1/appeals/", payload, format="json", HTTP_IDEMPOTENCY_KEY="call-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["tracking_code"] == again.json()["tracking_code"] and Appeal.objects.count() == 1


def test_another_users_idempotency_key_never_returns_their_appeal(api_client, cast, town):
    payload = {"title": "来电反映", "body": "噪音扰民", "channel": "phone", "town": town.pk}
    api_client.force_authenticate(cast.clerk)
    theirs = api_client.post("/api/v1/appeals/", payload, format="json", HTTP_IDEMPOTENCY_KEY="call-1")
    api_client.force_authenticate(cast.member)
    mine = api_client.post("/api/v1/appeals/", payload, format="json", HTTP_IDEMPOTENCY_KEY="call-1")
    assert (theirs.status_code, mine.status_code) == (201, 201)
    assert mine.json()["tracking_code"] != theirs.json()["tracking_code"] and Appeal.objects.count() == 2
    # The member's own retry still finds the member's appeal.
    again = api_client.post("/api/v1/appeals/", payload, format="json", HTTP_IDEMPOTENCY_KEY="call-1")
    assert again.status_code == 200 and again.json()["tracking_code"] == mine.json()["tracking_code"]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"channel": "open311"}, "channel"),
        ({"channel": "web"}, "channel"),
        ({"contact_phone": "abc"}, "contact_phone"),
        ({"contact_name": "王" * 5000}, "contact_name"),
        ({"address": "路" * 50000}, "address"),
        ({"town": None}, "town"),
        ({"category": "inactive"}, "category"),
    ],
)
def test_create_applies_the_staff_forms_rules(api_client, cast, town, extra, field):
    """The API records appeals under the staff web form's rules (intake.forms.StaffAppealForm)."""
    if extra.get("category") == "inactive":
        extra = {"category": AppealCategoryFactory(is_active=False).pk}
    payload = {"title": "来电反映", "body": "噪音扰民", "channel": "phone", "town": town.pk, **extra}
    api_client.force_authenticate(cast.clerk)
    response = api_client.post("/api/v1/appeals/", {k: v for k, v in payload.items() if v is not None}, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid" and list(error["fields"]) == [field]
    assert not Appeal.objects.exists()


def test_create_accepts_what_the_staff_form_accepts(api_client, cast, town):
    category = AppealCategoryFactory()
    payload = {
        "title": "来电反映",
        "body": "噪音扰民",
        "channel": "visit",
        "town": town.pk,
        "category": category.pk,
        "contact_name": "王" * 50,
        "contact_phone": "13912345678",
        "address": "路" * 200,
    }
    api_client.force_authenticate(cast.clerk)
    response = api_client.post("/api/v1/appeals/", payload, format="json")
    assert response.status_code == 201, response.content
    assert Appeal.objects.get().contact_phone == "13912345678"


def test_create_rejects_empty_body_with_structured_error(api_client, cast, town):
    api_client.force_authenticate(cast.clerk)
    payload = {"title": "t", "body": "", "channel": "phone", "town": town.pk}
    response = api_client.post("/api/v1/appeals/", payload, format="json")
    assert response.status_code == 400 and "body" in response.json()["error"]["fields"]


def test_citizens_and_liaisons_cannot_record_or_see_others(api_client, cast):
    appeal = AppealFactory()
    api_client.force_authenticate(cast.liaison)
    assert api_client.get(f"/api/v1/appeals/{appeal.pk}/").status_code == 404
    response = api_client.post("/api/v1/appeals/", {"title": "t", "body": "b", "channel": "phone"}, format="json")
    assert response.status_code == 403
