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


def _verified_login(client, user):
    """Sign in with the password, then pass two-factor with a fresh authenticator."""
    from django_otp.oath import totp

    from accounts.tests.factories import PASSWORD

    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    client.post("/accounts/otp/verify/", {"token": code, "next": "/office/"})


def test_a_staff_token_made_with_a_password_alone_stops_when_two_factor_is_enforced(api_client, cast, settings):
    """Made before enforcement (password only): once staff must pass two-factor, the token would bypass it, so it
    is refused with a structured error that says to make a new one after two-factor. A member's keeps working."""
    from accounts.tests.factories import PASSWORD

    clerk_key = api_client.post(
        "/api/v1/auth/token/", {"username": "clerk", "password": PASSWORD, "scope": "write"}, format="json"
    ).json()["token"]
    member_key = api_client.post(
        "/api/v1/auth/token/", {"username": "member", "password": PASSWORD}, format="json"
    ).json()["token"]
    assert not ApiToken.objects.get(user=cast.clerk).second_factor
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {clerk_key}")
    assert api_client.get("/api/v1/appeals/").status_code == 200
    settings.ENFORCE_STAFF_2FA = True
    refused = api_client.get("/api/v1/appeals/")
    assert refused.status_code == 401
    error = refused.json()["error"]
    assert error["code"] == "otp_required"
    assert "未经两步验证" in error["message"] and "创建新令牌" in error["message"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {member_key}")
    assert api_client.get("/api/v1/auth/me/").status_code == 200


def test_a_staff_token_made_after_two_factor_works_when_it_is_enforced(client, api_client, cast, settings):
    settings.ENFORCE_STAFF_2FA = True
    _verified_login(client, cast.clerk)
    key = _key(client.post(URL, {"name": "登记工具", "scope": "write"}))
    assert ApiToken.objects.get(user=cast.clerk).second_factor
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/appeals/").status_code == 200


def test_the_tokens_page_shows_a_staff_token_that_no_longer_works(client, cast, settings):
    ApiToken.issue(user=cast.clerk, scope="read", name="旧脚本")
    settings.ENFORCE_STAFF_2FA = True
    _verified_login(client, cast.clerk)
    assert "未经两步验证，已停用" in client.get(URL).content.decode()


def test_a_token_expires_after_the_configured_days(client, api_client, cast, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.API_TOKEN_DAYS = 90
    token, key = ApiToken.issue(user=cast.member, scope="read", name="旧脚本")
    ApiToken.objects.filter(pk=token.pk).update(created_at=timezone.now() - timedelta(days=91))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    refused = api_client.get("/api/v1/auth/me/")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "token_expired" and "有效期90天" in refused.json()["error"]["message"]
    client.force_login(cast.member)
    assert "已过期" in client.get(URL).content.decode()
    # An expired token no longer takes a place among the active ones.
    for i in range(MAX_ACTIVE_TOKENS):
        issue_api_token(user=cast.member, name=f"t{i}", scope="read")
    # 0: tokens work until revoked.
    settings.API_TOKEN_DAYS = 0
    assert api_client.get("/api/v1/auth/me/").status_code == 200
