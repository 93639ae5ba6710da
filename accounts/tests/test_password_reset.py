"""忘记密码: Django's reset by e-mail, in our pages, without telling who has an account."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.factories import PASSWORD
from core.models import StatusChange

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "qingshan-lushui-2024"


@pytest.fixture
def clerk(cast):
    cast.clerk.email = "clerk@example.org"
    cast.clerk.save()
    return cast.clerk


def _request(client, email):
    return client.post("/accounts/password/reset/", {"email": email})


def _link_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body).group(1)


def _reset(client, email, password=NEW_PASSWORD):
    _request(client, email)
    response = client.get(_link_path(mail.outbox[-1]))
    assert response.status_code == 302
    return client.post(response["Location"], {"new_password1": password, "new_password2": password})


def test_the_login_page_offers_forgotten_password(client, cast):
    html = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password/reset/"' in html and "忘记密码" in html
    assert "找回密码" in client.get("/accounts/password/reset/").content.decode()


def test_known_and_unknown_addresses_get_the_same_answer(client, clerk):
    known, unknown = _request(client, "clerk@example.org"), _request(client, "nobody@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["clerk@example.org"]
    assert "如果该邮箱登记在某个平台账号上" in client.get(known["Location"]).content.decode()


def test_the_mail_is_in_chinese_and_links_to_the_configured_site(client, clerk, settings):
    settings.SITE_URL = "https://xieshang.example.gov.cn"
    _request(client, "CLERK@example.org")
    (message,) = mail.outbox
    assert message.subject == "[协商平台] 重设密码"
    assert "https://xieshang.example.gov.cn/accounts/password/reset/" in message.body
    assert "您的登录名：clerk" in message.body and "24小时" in message.body


def test_an_account_never_activated_gets_no_reset_mail(client, cast):
    from accounts import services
    from district.tests.factories import ExpertFactory

    services.open_account(person=ExpertFactory(), actor=cast.clerk, username="pending", email="p@example.org")
    mail.outbox.clear()
    response = _request(client, "p@example.org")
    assert response["Location"] == "/accounts/password/reset/sent/" and mail.outbox == []


def test_resetting_sets_the_password_without_signing_in_and_is_audited(client, clerk):
    response = _reset(client, "clerk@example.org")
    assert response["Location"] == "/accounts/password/reset/done/"
    assert "_auth_user_id" not in client.session
    clerk.refresh_from_db()
    assert clerk.check_password(NEW_PASSWORD)
    row = StatusChange.objects.get(action="reset_password")
    assert (row.actor, row.object_id) == (clerk, clerk.pk)
    login = client.post("/accounts/login/", {"username": "clerk", "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_a_used_or_expired_reset_link_is_a_clear_page(client, clerk):
    with time_machine.travel(datetime.datetime(2024, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
        _request(client, "clerk@example.org")
    path = _link_path(mail.outbox[-1])
    with time_machine.travel(datetime.datetime(2024, 3, 2, 10, tzinfo=datetime.UTC), tick=False):
        expired = client.get(path)
    assert expired.status_code == 200 and "链接已失效" in expired.content.decode()
    _reset(client, "clerk@example.org")
    used = client.get(_link_path(mail.outbox[-1])).content.decode()
    assert "链接已失效" in used


def test_staff_with_two_factor_still_need_it_after_a_reset(client, clerk, settings):
    settings.ENFORCE_STAFF_2FA = True
    device = TOTPDevice.objects.create(user=clerk, name="phone", confirmed=True)
    _reset(client, "clerk@example.org")
    client.post("/accounts/login/", {"username": "clerk", "password": NEW_PASSWORD})
    response = client.get("/office/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/verify/")
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    client.post("/accounts/otp/verify/", {"token": f"{code:06d}", "next": "/office/"})
    assert client.get("/office/").status_code == 200


def test_a_reset_does_not_lift_a_lock_out(client, clerk, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "clerk", "password": "wrong"})
    _reset(client, "clerk@example.org")
    response = client.post("/accounts/login/", {"username": "clerk", "password": NEW_PASSWORD})
    assert response.status_code == 429 and "锁定" in response.content.decode()


def test_requests_are_rate_limited_per_address_keeping_what_was_typed(client, clerk):
    for address in ("clerk@example.org", "Clerk@Example.org", "CLERK@example.org"):
        assert _request(client, address).status_code == 302
    # The same address in other capitals is the same address: no more mails to it.
    response = _request(client, "clerk@example.org")
    html = response.content.decode()
    assert response.status_code == 429
    assert "过于频繁" in html and 'value="clerk@example.org"' in html
    assert len(mail.outbox) == 3


def test_a_reset_signs_out_other_sessions_of_the_account(client, clerk):
    from django.test import Client

    elsewhere = Client()
    elsewhere.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    assert elsewhere.get("/office/").status_code == 200
    _reset(client, "clerk@example.org")
    assert elsewhere.get("/office/").status_code == 302


def test_a_reset_link_opened_too_often_answers_with_the_sites_rate_limit_page(client, clerk):
    _request(client, "clerk@example.org")
    path = _link_path(mail.outbox[-1])
    # The limit counts per fixed minute: the clock stands still so that the 31 opens cannot straddle two.
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC), tick=False):
        for _ in range(30):
            assert client.get(path).status_code == 302
        page = client.get(path)
        assert page.status_code == 429 and "操作过于频繁，请稍后再试。" in page.content.decode()
        api_like = client.get(path, HTTP_ACCEPT="application/json")
        assert api_like.status_code == 429 and api_like.json()["error"]["code"] == "rate_limited"


def test_an_activation_link_opened_too_often_answers_with_the_same_page(client, cast):
    from accounts import services
    from district.tests.factories import ExpertFactory

    link = services.open_account(person=ExpertFactory(), actor=cast.clerk, username="often")
    path = re.sub(r"^https?://[^/]+", "", link.url)
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC), tick=False):  # one fixed minute, as above
        for _ in range(30):
            assert client.get(path).status_code == 302
        page = client.get(path)
        assert page.status_code == 429 and "操作过于频繁，请稍后再试。" in page.content.decode()


def test_one_network_address_asks_for_at_most_ten_resets_an_hour(client, clerk):
    """Whatever the addresses typed: one client cannot use 忘记密码 to mail every account."""
    for n in range(10):
        assert _request(client, f"someone{n}@example.org").status_code == 302
    response = _request(client, "clerk@example.org")
    assert response.status_code == 429 and "过于频繁" in response.content.decode()
    assert len(mail.outbox) == 0


def test_the_reset_mail_is_queued_by_account_not_with_its_link(client, clerk, settings):
    """The queued task's arguments are stored in the task table (and in every backup of it): they hold
    the account's id, never the link, which stays a credential for PASSWORD_RESET_TIMEOUT."""
    import json

    from django_tasks import default_task_backend

    from accounts.tasks import send_password_reset_mail

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # queued, not run
    _request(client, "clerk@example.org")
    (queued,) = default_task_backend.results
    stored = json.dumps([queued.args, queued.kwargs])
    assert queued.task.name == "send_password_reset_mail" and json.loads(stored) == [[clerk.pk, "zh-hans"], {}]
    assert mail.outbox == []
    send_password_reset_mail.call(*queued.args, **queued.kwargs)  # what the worker runs
    (message,) = mail.outbox
    assert message.to == ["clerk@example.org"] and message.subject == "[协商平台] 重设密码"
    response = client.get(_link_path(message))
    assert response.status_code == 302
    assert (
        client.post(response["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})["Location"]
        == "/accounts/password/reset/done/"
    )
