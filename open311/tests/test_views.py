import re

import pytest

from intake.tests.factories import AppealCategoryFactory
from open311.models import ClientApplication
from open311.tests.factories import make_client

pytestmark = pytest.mark.django_db

URL = "/open311/v2/clients/"


def test_clerk_registers_a_client_and_sees_its_key_once(client, cast):
    AppealCategoryFactory(code="urban")
    client.force_login(cast.clerk)
    response = client.post(URL, {"name": "12345热线", "contact": "李工 0592-1234567", "rate_limit": "30/m"})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    key = re.search(r'data-testid="api-key">([^<]+)<', response.content.decode()).group(1)
    app = ClientApplication.objects.get(name="12345热线")
    assert (app.rate_limit, app.created_by) == ("30/m", cast.clerk)
    filed = client.post(
        "/open311/v2/requests.json", {"api_key": key, "service_code": "urban", "description": "路灯不亮"}
    )
    assert filed.status_code == 201
    listing = client.get(URL).content.decode()
    assert "12345热线" in listing and key not in listing and app.key_prefix in listing


def test_invalid_registration_keeps_what_was_typed(client, cast):
    client.force_login(cast.clerk)
    response = client.post(URL, {"name": "便民小程序", "contact": "", "rate_limit": "very fast"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="便民小程序"' in page and 'value="very fast"' in page
    assert "频率格式" in page
    assert not ClientApplication.objects.exists()


def test_clerk_deactivates_a_client(client, cast):
    app, key = make_client(name="旧系统")
    client.force_login(cast.clerk)
    response = client.post(f"{URL}{app.pk}/deactivate/", follow=True)
    assert "已停用" in response.content.decode()
    app.refresh_from_db()
    assert not app.is_active
    assert client.get("/open311/v2/requests.json", {"api_key": key}).status_code == 403


@pytest.mark.parametrize("who", ["member", "liaison", "research", "citizen"])
def test_only_the_office_clerks_manage_clients(client, cast, who):
    app, _key = make_client()
    client.force_login(getattr(cast, who))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"name": "x", "contact": "y", "rate_limit": "1/m"}).status_code == 403
    assert client.post(f"{URL}{app.pk}/deactivate/").status_code == 403
    app.refresh_from_db()
    assert app.is_active and ClientApplication.objects.count() == 1


def test_anonymous_visitors_are_sent_to_login(client):
    assert client.get(URL).status_code == 302
