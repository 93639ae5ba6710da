import re

import pytest

pytestmark = pytest.mark.django_db

ASSET = re.compile(r'(?:src|href)="(https?:)?//', re.IGNORECASE)


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/office/", "/api/docs/"])
def test_pages_load_assets_only_from_this_site(client, cast, path):
    client.force_login(cast.clerk)
    html = client.get(path).content.decode()
    assert not ASSET.search(html), "no CDN: every script, style and font is served by us"


def test_home_sends_staff_to_the_dashboard_and_citizens_to_the_portal(client, cast):
    client.force_login(cast.clerk)
    assert client.get("/")["Location"] == "/office/"
    client.force_login(cast.citizen)
    assert client.get("/").status_code == 200


def test_security_headers_are_set(client):
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_workflow_form_with_unknown_kind_is_404(client, cast):
    client.force_login(cast.clerk)
    assert client.post("/workflow/nope.nothing/1/", {"action": "x"}).status_code == 404
