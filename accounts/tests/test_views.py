import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_leads_staff_to_their_dashboard(client, cast):
    response = client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/office/"
    assert "工作台" in response.content.decode()


def test_wrong_password_message_is_in_chinese(client, cast):
    response = client.post("/accounts/login/", {"username": "clerk", "password": "wrong"})
    assert "用户名或密码错误" in response.content.decode()


def test_repeated_failures_lock_the_account(client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "clerk", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 429
    # The configured cool-off, and who can unlock earlier (the administrator, in the admin).
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"请{minutes}分钟后再试" in response.content.decode() and "系统管理员" in response.content.decode()


def test_enforced_two_factor_stops_staff_until_verified(client, cast, settings):
    settings.ENFORCE_STAFF_2FA = True
    device = TOTPDevice.objects.create(user=cast.clerk, name="phone", confirmed=True)
    client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    response = client.get("/office/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/otp/verify/")
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    client.post("/accounts/otp/verify/", {"token": f"{code:06d}", "next": "/office/"})
    assert client.get("/office/").status_code == 200


def test_two_factor_is_not_forced_on_members(client, cast, settings):
    settings.ENFORCE_STAFF_2FA = True
    client.force_login(cast.member)
    assert client.get("/office/").status_code == 200


def test_digest_preference_is_saved(client, cast):
    client.force_login(cast.member)
    client.post(
        "/accounts/preferences/", {"email": "m@example.org", "email_digest": "on", "current_password": PASSWORD}
    )
    cast.member.refresh_from_db()
    assert cast.member.email_digest is True


def test_the_email_address_changes_only_with_the_password_and_is_one_persons(client, cast):
    """Password resets go to that address: a borrowed session must not redirect them."""
    cast.clerk.email = "clerk@example.org"
    cast.clerk.save()
    client.force_login(cast.member)
    response = client.post("/accounts/preferences/", {"email": "new@example.org", "email_digest": "on"})
    assert response.status_code == 200 and "更改电子邮箱须填写正确的当前密码" in response.content.decode()
    response = client.post(
        "/accounts/preferences/", {"email": "CLERK@example.org", "email_digest": "on", "current_password": PASSWORD}
    )
    assert "该邮箱已被其他账号使用" in response.content.decode()
    cast.member.refresh_from_db()
    assert cast.member.email != "new@example.org" and cast.member.email.lower() != "clerk@example.org"
    client.post("/accounts/preferences/", {"email": "new@example.org", "current_password": PASSWORD})
    cast.member.refresh_from_db()
    assert cast.member.email == "new@example.org"


def test_a_user_changes_their_own_password_and_their_other_sessions_end(client, cast):
    from django.test import Client

    other = Client()
    other.force_login(cast.member)
    client.force_login(cast.member)
    page = client.get("/accounts/preferences/").content.decode()
    assert 'href="/accounts/password/change/"' in page
    new = "Another-strong-pass-42"
    response = client.post(
        "/accounts/password/change/", {"old_password": "wrong", "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 200 and "当前密码不正确" in response.content.decode()
    response = client.post(
        "/accounts/password/change/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    cast.member.refresh_from_db()
    assert cast.member.check_password(new)
    assert client.get("/office/").status_code == 200  # this session stays signed in
    assert other.get("/office/").status_code == 302  # the other one ended
    assert len(_account_changes(cast.member, "change_password")) == 1


def _account_changes(user, action):
    from core.models import StatusChange

    return list(StatusChange.objects.filter(action=action, object_id=user.pk, content_type__model="user"))


def test_switching_language_while_signed_in_is_audited_once_per_change(client, cast):
    client.force_login(cast.member)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    (row,) = _account_changes(cast.member, "set_language")
    assert row.actor == cast.member and row.created_at is not None
    assert (row.data["from_language"], row.data["to_language"]) == ("", "en")


def test_choosing_the_language_on_the_preferences_page_is_audited_the_same_way(client, cast):
    client.force_login(cast.member)
    client.post("/accounts/preferences/", {"email": "", "language": "en"})
    client.post("/accounts/preferences/", {"email": "", "language": ""})
    rows = _account_changes(cast.member, "set_language")
    assert [(r.actor, r.data["from_language"], r.data["to_language"]) for r in rows] == [
        (cast.member, "", "en"),
        (cast.member, "en", ""),
    ]


def _page_language(response) -> str:
    return response.headers["Content-Language"]


def test_english_chosen_on_the_login_page_wins_over_the_stored_chinese_and_is_stored(client, cast):
    cast.clerk.language = "zh-hans"
    cast.clerk.save(update_fields=["language"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert _page_language(client.get("/accounts/login/")) == "en"
    response = client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD}, follow=True)
    assert _page_language(response) == "en" and 'lang="en"' in response.content.decode()
    cast.clerk.refresh_from_db()
    assert cast.clerk.language == "en"
    (row,) = _account_changes(cast.clerk, "set_language")
    assert (row.actor, row.data["from_language"], row.data["to_language"]) == (cast.clerk, "zh-hans", "en")
    assert client.cookies["django_language"].value == "en"  # page and cookie agree
    client.post("/accounts/logout/")
    assert _page_language(client.get("/")) == "en"


def test_signing_in_on_a_new_device_sets_the_cookie_to_the_stored_language(client, cast):
    cast.clerk.language = "en"
    cast.clerk.save(update_fields=["language"])
    assert "django_language" not in client.cookies
    response = client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    assert response.cookies["django_language"].value == "en"
    assert _page_language(client.get("/office/")) == "en"
    client.post("/accounts/logout/")
    # The pages stay in the user's language after signing out.
    assert _page_language(client.get("/")) == "en"
    assert _account_changes(cast.clerk, "set_language") == []


def test_an_old_cookie_without_a_fresh_choice_gives_way_to_the_stored_language(client, cast):
    cast.clerk.language = "zh-hans"
    cast.clerk.save(update_fields=["language"])
    client.cookies["django_language"] = "en"  # set on this device long ago; no switch in this session
    client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    cast.clerk.refresh_from_db()
    assert cast.clerk.language == "zh-hans"
    assert client.cookies["django_language"].value == "zh-hans"
    assert _page_language(client.get("/office/")) == "zh-hans"


def test_signing_in_without_a_stored_language_leaves_the_cookie_alone(client, cast):
    response = client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    assert "django_language" not in response.cookies


def test_a_new_email_address_is_audited_without_the_address(client, cast):
    client.force_login(cast.member)
    client.post("/accounts/preferences/", {"email": "m@example.org", "language": "", "current_password": PASSWORD})
    (row,) = _account_changes(cast.member, "update_preferences")
    assert row.actor == cast.member and row.data["fields"] == ["email"]
    assert "m@example.org" not in str(row.data)
    client.post("/accounts/preferences/", {"email": "m@example.org", "language": ""})
    assert len(_account_changes(cast.member, "update_preferences")) == 1
    assert _account_changes(cast.member, "set_language") == []


def _code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.mark.parametrize("enforced", [False, True])
def test_anyone_who_enrolled_an_authenticator_is_asked_for_it_at_login(client, cast, settings, enforced):
    """Enrolling is a promise: the password alone no longer opens the account, for any role."""
    settings.ENFORCE_STAFF_2FA = enforced
    device = TOTPDevice.objects.create(user=cast.member, name="phone", confirmed=True)
    client.post("/accounts/login/", {"username": "member", "password": PASSWORD})
    for path in ("/office/", "/accounts/preferences/", "/accounts/tokens/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/verify/"), path
    assert client.get("/api/v1/proposals/").status_code == 403
    client.post("/accounts/otp/verify/", {"token": _code(device), "next": "/office/"})
    assert client.get("/office/").status_code == 200


def test_a_password_alone_cannot_enrol_a_new_authenticator_to_pass_the_second_factor(client, cast, settings):
    settings.ENFORCE_STAFF_2FA = True
    TOTPDevice.objects.create(user=cast.clerk, name="phone", confirmed=True)
    client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    response = client.get("/accounts/otp/setup/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/verify/")
    assert TOTPDevice.objects.filter(user=cast.clerk).count() == 1  # no new device was made
    assert client.post("/accounts/otp/setup/", {"token": "123456"}).status_code == 302
    assert client.get("/office/").status_code == 302


def test_staff_without_an_authenticator_enrol_one_when_two_factor_is_enforced(client, cast, settings):
    settings.ENFORCE_STAFF_2FA = True
    client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    response = client.get("/accounts/otp/verify/?next=/office/")
    assert response.status_code == 302 and response["Location"] == "/accounts/otp/setup/"
    assert client.get("/accounts/otp/setup/").status_code == 200
    device = TOTPDevice.objects.get(user=cast.clerk, confirmed=False)
    client.post("/accounts/otp/setup/", {"token": _code(device)})
    assert client.get("/office/").status_code == 200


def test_one_address_trying_many_accounts_is_stopped_after_its_failures(client, cast, settings):
    """Spraying one password over many accounts: each account alone stays under its lock-out."""
    settings.LOGIN_FAILURES_PER_ADDRESS = "3/h"
    for username in ("clerk", "member", "chair"):
        assert client.post("/accounts/login/", {"username": username, "password": "Summer2026"}).status_code == 200
    response = client.post("/accounts/login/", {"username": "research", "password": PASSWORD})
    assert response.status_code == 429 and "登录失败次数过多" in response.content.decode()
    # Another address is not affected.
    other = client.post("/accounts/login/", {"username": "research", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_the_api_token_exchange_and_the_admin_login_share_the_address_limit_on_failures(client, cast, settings):
    """Spraying through the API or the admin's login: their failures count into the page's bucket, and once it
    is used up every password check from that address is refused, a right password included."""
    from rest_framework.test import APIClient

    from accounts.models import ApiToken

    settings.LOGIN_FAILURES_PER_ADDRESS = "3/h"
    api = APIClient()
    assert api.post("/api/v1/auth/token/", {"username": "clerk", "password": "Summer2026"}).status_code == 401
    assert client.post("/admin/login/", {"username": "member", "password": "Summer2026"}).status_code == 200
    assert client.post("/accounts/login/", {"username": "chair", "password": "Summer2026"}).status_code == 200
    # Used up: the page, the API and the admin all refuse, even with the right password.
    page = client.post("/accounts/login/", {"username": "research", "password": PASSWORD})
    assert page.status_code == 429 and "登录失败次数过多" in page.content.decode()
    response = api.post("/api/v1/auth/token/", {"username": "member", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    # When to retry, as every other 429 says (review 8 #7): the rest of the address's current one-hour window.
    wait = int(response["Retry-After"])
    assert 0 < wait <= 3600
    assert response.json()["error"] == {
        "code": "rate_limited",
        "message": f"该网络地址登录失败次数过多，请{(wait + 59) // 60}分钟后再试（Retry-After：{wait}秒）。",
        "fields": {},
    }
    assert not ApiToken.objects.exists()
    cast.admin.is_staff = True
    cast.admin.save()
    admin_page = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD})
    assert admin_page.status_code == 429 and "登录失败次数过多" in admin_page.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not affected: the admin signs in there.
    elsewhere = client.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )
    assert elsewhere.status_code == 302 and elsewhere["Location"] == "/admin/"


def test_failures_at_the_api_and_the_admin_alone_use_up_the_address(client, cast, settings):
    from rest_framework.test import APIClient

    settings.LOGIN_FAILURES_PER_ADDRESS = "4/h"
    api = APIClient()
    for username in ("clerk", "member"):
        assert api.post("/api/v1/auth/token/", {"username": username, "password": "x"}).status_code == 401
    for username in ("chair", "research"):
        assert client.post("/admin/login/", {"username": username, "password": "x"}).status_code == 200
    assert client.post("/accounts/login/", {"username": "info", "password": PASSWORD}).status_code == 429


def test_a_right_password_at_the_api_or_admin_counts_no_failure(client, cast, settings):
    from rest_framework.test import APIClient

    settings.LOGIN_FAILURES_PER_ADDRESS = "1/h"
    assert APIClient().post("/api/v1/auth/token/", {"username": "member", "password": PASSWORD}).status_code == 200
    # Not staff: the admin refuses the account, but the password was right, so no guess failed.
    assert client.post("/admin/login/", {"username": "member", "password": PASSWORD}).status_code == 200
    assert client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD}).status_code == 302


def test_the_setup_page_gives_the_key_as_text_and_an_otpauth_link_for_a_phone_only_user(client, cast):
    import base64
    import html

    client.force_login(cast.member)
    page = client.get("/accounts/otp/setup/").content.decode()
    device = TOTPDevice.objects.get(user=cast.member, confirmed=False)
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    shown = page.split('data-testid="otp-key" lang="en">')[1].split("</code>")[0]
    assert shown.replace(" ", "") == key and all(len(g) == 4 for g in shown.split(" ")[:-1])
    assert f'href="{html.escape(device.config_url)}"' in page and device.config_url.startswith("otpauth://totp/")


def test_a_code_typed_too_soon_after_a_wrong_one_is_told_to_wait_not_that_it_is_wrong(client, cast):
    import datetime

    import time_machine

    device = TOTPDevice.objects.create(user=cast.member, name="phone", confirmed=True)
    client.post("/accounts/login/", {"username": "member", "password": PASSWORD})
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False) as clock:
        right = _code(device)
        wrong = client.post("/accounts/otp/verify/", {"token": f"{(int(right) + 1) % 10**6:06d}", "next": "/office/"})
        assert "验证码不正确。请1秒后再输入新的验证码。" in wrong.content.decode()
        too_soon = client.post("/accounts/otp/verify/", {"token": right, "next": "/office/"}).content.decode()
        assert "尝试过于频繁，请1秒后再输入验证码" in too_soon and "验证码不正确" not in too_soon
        assert client.get("/office/").status_code == 302  # not verified yet
        clock.shift(2)
        assert client.post("/accounts/otp/verify/", {"token": right, "next": "/office/"}).status_code == 302
    assert client.get("/office/").status_code == 200


def test_enrolling_too_soon_after_a_wrong_code_is_told_to_wait(client, cast):
    import datetime

    import time_machine

    client.force_login(cast.member)
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False):
        client.get("/accounts/otp/setup/")
        device = TOTPDevice.objects.get(user=cast.member, confirmed=False)
        right = _code(device)
        client.post("/accounts/otp/setup/", {"token": f"{(int(right) + 1) % 10**6:06d}"})
        page = client.post("/accounts/otp/setup/", {"token": right}).content.decode()
    assert "尝试过于频繁，请1秒后再输入验证码" in page
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed


# ---- behind nginx: each client counted by its own address (core.http.client_address) -----------------

NGINX = "127.0.0.1"  # every request reaches the server from the proxy; the client is in X-Forwarded-For


@pytest.mark.parametrize("proxied", [True, False])
def test_behind_the_trusted_proxy_one_strangers_failures_lock_out_only_the_stranger(client, cast, settings, proxied):
    """axes locks an account per account and address: behind nginx, five wrong passwords for clerk from
    one visitor must not lock clerk out for the clerk at another address. Without the proxy configured
    the header is not believed: a new X-Forwarded-For on each guess escapes nothing."""
    import datetime

    import time_machine

    settings.TRUSTED_PROXIES = [NGINX] if proxied else []
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False):
        for i in range(settings.AXES_FAILURE_LIMIT):
            client.post(
                "/accounts/login/", {"username": "clerk", "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}"
            )
        clerk = client.post(
            "/accounts/login/", {"username": "clerk", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.100"
        )
    assert clerk.status_code == (302 if proxied else 429)


def test_behind_the_trusted_proxy_the_lock_out_follows_the_visitor_who_failed(client, cast, settings):
    import datetime

    import time_machine

    settings.TRUSTED_PROXIES = [NGINX]
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(
                "/accounts/login/", {"username": "clerk", "password": "wrong"}, HTTP_X_FORWARDED_FOR="203.0.113.50"
            )
        locked = client.post(
            "/accounts/login/", {"username": "clerk", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.50"
        )
        # A header the stranger writes itself is to the left of what nginx appends: it changes nothing.
        spoofed = client.post(
            "/accounts/login/",
            {"username": "clerk", "password": PASSWORD},
            HTTP_X_FORWARDED_FOR="198.51.100.100, 203.0.113.50",
        )
        elsewhere = client.post(
            "/accounts/login/", {"username": "clerk", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.100"
        )
    assert locked.status_code == 429 and spoofed.status_code == 429
    assert elsewhere.status_code == 302


@pytest.mark.parametrize("proxied", [True, False])
def test_behind_the_trusted_proxy_the_failures_per_address_count_each_visitor(client, cast, settings, proxied):
    """Password spraying through nginx used up one bucket for the whole city: the token exchange and the
    login page then refused every user. Counted per visitor, the stranger alone is refused."""
    import datetime

    import time_machine
    from rest_framework.test import APIClient

    settings.TRUSTED_PROXIES = [NGINX] if proxied else []
    settings.LOGIN_FAILURES_PER_ADDRESS = "3/h"
    api = APIClient()
    # The limit counts per fixed hour: the clock stands still so that the requests cannot straddle two.
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False):
        for i in range(3):
            body = {"username": f"ghost{i}", "password": "x"}
            assert (
                api.post("/api/v1/auth/token/", body, format="json", HTTP_X_FORWARDED_FOR="203.0.113.50").status_code
                == 401
            )
        body = {"username": "ghost9", "password": "x"}
        stranger = api.post("/api/v1/auth/token/", body, format="json", HTTP_X_FORWARDED_FOR="203.0.113.50")
        body = {"username": "member", "password": PASSWORD}
        member = api.post("/api/v1/auth/token/", body, format="json", HTTP_X_FORWARDED_FOR="198.51.100.99")
        citizen = client.post(
            "/accounts/login/", {"username": "citizen", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.100"
        )
    assert stranger.status_code == 429
    if proxied:
        assert member.status_code == 200 and citizen.status_code == 302
    else:
        assert member.status_code == 429 and citizen.status_code == 429


# ---- ENFORCE_STAFF_2FA: one rule for who owes a second factor (accounts.predicates.owes_second_factor) --


def test_an_account_with_only_the_admin_staff_flag_is_led_to_enrol_not_round_in_circles(client, cast, settings):
    """The session's gate counted the admin's is_staff flag but the verify page did not: it sent the account
    back to where it came from, and the gate sent it to the verify page again, for ever."""
    settings.ENFORCE_STAFF_2FA = True
    cast.expert.is_staff = True
    cast.expert.save(update_fields=["is_staff"])
    response = client.post("/accounts/login/", {"username": "expert", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/otp/setup/" and response.status_code == 200
    assert client.get("/accounts/otp/verify/?next=/").url == "/accounts/otp/setup/"
    # Enrolled, the account goes about its work.
    device = TOTPDevice.objects.get(user=cast.expert, confirmed=False)
    client.post("/accounts/otp/setup/", {"token": _code(device)})
    home = client.get("/", follow=True)
    assert home.status_code == 200 and not any("/accounts/otp/" in url for url, _status in home.redirect_chain)
