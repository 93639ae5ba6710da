import pytest

from accounts.models import ApiToken
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_token_obtain_returns_a_working_scoped_token(api_client, cast):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "clerk", "password": PASSWORD, "scope": "write"}, format="json"
    )
    assert response.status_code == 200
    key = response.json()["token"]
    token = ApiToken.objects.get(user=cast.clerk)
    assert token.scope == "write"
    assert token.key_hash != key  # only the hash is stored
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    me = api_client.get("/api/v1/auth/me/").json()
    assert me["username"] == "clerk"
    assert me["roles"] == ["clerk"]


def test_token_obtain_with_wrong_password_is_a_structured_401(api_client, cast):
    response = api_client.post("/api/v1/auth/token/", {"username": "clerk", "password": "nope"}, format="json")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["message"]


def test_revoked_token_is_refused(api_client, cast):
    token, key = ApiToken.issue(user=cast.clerk, scope="read")
    token.revoked = True
    token.save()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/auth/me/").status_code == 401
