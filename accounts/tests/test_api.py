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
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Token")
    assert response.json()["error"]["message"] == "用户名或密码错误。"


def test_revoked_token_is_refused(api_client, cast):
    token, key = ApiToken.issue(user=cast.clerk, scope="read")
    token.revoked = True
    token.save()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/auth/me/").status_code == 401


def test_staff_cannot_mint_a_token_with_a_password_alone_when_two_factor_is_enforced(api_client, cast, settings):
    """A token is used without a second factor afterwards: with TOTP enforced, staff get theirs on the
    tokens page after passing it, never from username and password alone."""
    settings.ENFORCE_STAFF_2FA = True
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "clerk", "password": PASSWORD, "scope": "write"}, format="json"
    )
    assert response.status_code == 403
    assert "两步验证" in response.json()["error"]["message"]
    assert not ApiToken.objects.exists()
    # Members are not staff: the password still gets them a token.
    ok = api_client.post("/api/v1/auth/token/", {"username": cast.member.username, "password": PASSWORD}, format="json")
    assert ok.status_code == 200


def test_a_password_alone_gets_no_token_for_an_account_with_an_authenticator(api_client, cast):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=cast.member, name="phone", confirmed=True)
    body = {"username": cast.member.username, "password": PASSWORD}
    response = api_client.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 403 and "两步验证" in response.json()["error"]["message"]
    assert not ApiToken.objects.filter(user=cast.member).exists()


def test_a_staff_session_without_the_second_factor_reads_no_api(client, cast, settings):
    settings.ENFORCE_STAFF_2FA = True
    client.force_login(cast.clerk)
    response = client.get("/api/v1/appeals/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "otp_required"
    client.force_login(cast.member)
    assert client.get("/api/v1/proposals/").status_code == 200


def test_an_admin_staff_flag_alone_needs_the_second_factor_too(client, cast, settings):
    """An account with only is_staff (no staff role) entered the Django admin without a second factor."""
    settings.ENFORCE_STAFF_2FA = True
    cast.member.is_staff = True
    cast.member.save(update_fields=["is_staff"])
    client.force_login(cast.member)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/accounts/otp/" in response["Location"]


def test_an_admin_staff_flag_alone_gets_no_token_with_a_password_alone(api_client, cast, settings):
    """The same rule as the session's gate: an account the admin flagged as staff owes the second factor."""
    settings.ENFORCE_STAFF_2FA = True
    cast.expert.is_staff = True
    cast.expert.save(update_fields=["is_staff"])
    response = api_client.post("/api/v1/auth/token/", {"username": "expert", "password": PASSWORD}, format="json")
    assert response.status_code == 403 and "两步验证" in response.json()["error"]["message"]
    assert not ApiToken.objects.filter(user=cast.expert).exists()
    # A token it minted with a password alone before enforcement stops working too.
    _token, key = ApiToken.issue(user=cast.expert, scope="read")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api_client.get("/api/v1/auth/me/")
    assert response.status_code == 401 and response.json()["error"]["code"] == "otp_required"


def test_token_obtain_keeps_to_the_limit_of_active_tokens(api_client, cast):
    """The password route mints no more tokens than the tokens page: 20 active ones, then a clear refusal."""
    from accounts.services import MAX_ACTIVE_TOKENS

    for i in range(MAX_ACTIVE_TOKENS):
        ApiToken.issue(user=cast.member, scope="read", name=f"t{i}")
    payload = {"username": cast.member.username, "password": PASSWORD, "name": "one too many"}
    response = api_client.post("/api/v1/auth/token/", payload, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "token_limit" and "有效令牌最多20个" in error["message"]
    assert ApiToken.objects.filter(user=cast.member, revoked=False).count() == MAX_ACTIVE_TOKENS
    # Revoking one makes room again.
    ApiToken.objects.filter(user=cast.member, name="t0").update(revoked=True)
    assert api_client.post("/api/v1/auth/token/", payload, format="json").status_code == 200


def test_a_locked_out_account_is_told_so_not_that_its_password_is_wrong(api_client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api_client.post("/api/v1/auth/token/", {"username": "clerk", "password": "nope"}, format="json")
    response = api_client.post("/api/v1/auth/token/", {"username": "clerk", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert response["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    error = response.json()["error"]
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert error["code"] == "locked_out" and f"请{minutes}分钟后再试" in error["message"]
    assert not ApiToken.objects.filter(user=cast.clerk).exists()


def test_a_request_naming_no_address_is_still_answered_not_a_500(api_client, cast):
    """The per-address limit of failures needs an address; a request without one gets the usual answer."""
    body = {"username": "clerk", "password": "nope"}
    response = api_client.post("/api/v1/auth/token/", body, format="json", REMOTE_ADDR="")
    assert response.status_code == 401 and response.json()["error"]["message"] == "用户名或密码错误。"
