"""Personal API tokens: created (shown once), listed, revoked; the scope limits what they may do."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken
from accounts.services import MAX_ACTIVE_TOKENS, issue_api_token, revoke_api_token
from core.exceptions import Refused
from district.tests.factories import TownFactory

pytestmark = pytest.mark.django_db

URL = "/accounts/tokens/"


def _key(response) -> str:
    return re.search(r'data-testid="token-key">([^<]+)<', response.content.decode()).group(1)


def test_a_user_creates_a_read_token_shown_once_that_works_read_only(client, api_client, cast):
    client.force_login(cast.member)
    response = client.post(URL, {"name": "统计脚本", "scope": "read"})
    assert response.status_code == 200
    key = _key(response)
    token = ApiToken.objects.get(user=cast.member)
    assert (token.name, token.scope, token.key_hash) == ("统计脚本", "read", ApiToken.hash(key))
    assert key not in client.get(URL).content.decode()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/auth/me/").json()["username"] == "member"
    refused = api_client.post("/api/v1/appeals/", {"title": "x", "body": "y", "channel": "web"}, format="json")
    assert refused.status_code == 403


def test_a_write_token_may_write(client, api_client, cast):
    client.force_login(cast.clerk)
    key = _key(client.post(URL, {"name": "登记工具", "scope": "write"}))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    payload = {"title": "路灯", "body": "不亮", "channel": "phone", "town": TownFactory().pk}
    created = api_client.post("/api/v1/appeals/", payload, format="json")
    assert created.status_code == 201


def test_revoking_a_token_stops_it_at_once_and_is_audited(client, api_client, cast):
    token, key = ApiToken.issue(user=cast.member, scope="read", name="旧脚本")
    client.force_login(cast.member)
    response = client.post(f"{URL}{token.pk}/revoke/", follow=True)
    assert "已撤销" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked and token.revoked_at is not None
    assert token.history.first().history_user == cast.member
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/auth/me/").status_code == 401


def test_nobody_sees_or_revokes_someone_elses_token(client, cast):
    token, _key = ApiToken.issue(user=cast.clerk, scope="write", name="办公室工具")
    client.force_login(cast.member)
    assert "办公室工具" not in client.get(URL).content.decode()
    assert client.post(f"{URL}{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert not token.revoked
    with pytest.raises(Refused):
        revoke_api_token(token=token, actor=cast.member)


def test_a_token_needs_a_name_and_a_valid_scope_and_the_form_keeps_input(client, cast):
    client.force_login(cast.member)
    response = client.post(URL, {"name": "  ", "scope": "admin"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
    response = client.post(URL, {"name": "报表", "scope": "admin"})
    assert response.status_code == 400 and 'value="报表"' in response.content.decode()


def test_active_tokens_are_capped(cast):
    for i in range(MAX_ACTIVE_TOKENS):
        issue_api_token(user=cast.member, name=f"t{i}", scope="read")
    with pytest.raises(Refused):
        issue_api_token(user=cast.member, name="one too many", scope="read")


def test_enforced_two_factor_is_needed_before_staff_mint_tokens(client, cast, settings):
    settings.ENFORCE_STAFF_2FA = True
    TOTPDevice.objects.create(user=cast.clerk, name="phone", confirmed=True)
    client.force_login(cast.clerk)
    response = client.post(URL, {"name": "x", "scope": "write"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/verify/")
    assert not ApiToken.objects.exists()


def test_anonymous_visitors_are_sent_to_login(client):
    assert client.get(URL).status_code == 302
