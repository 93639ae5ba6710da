import re

import pytest

from accounts.models import ApiToken
from accounts.tests.factories import PASSWORD
from core.tests.browser import axe_violations, login
from intake.models import Appeal, Channel
from intake.tests.factories import AppealCategoryFactory
from open311.models import ClientApplication

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def test_clerk_registers_a_client_on_a_phone_and_the_key_files_an_appeal(phone_page, cast):
    AppealCategoryFactory(code="urban", name="城市管理")
    page = phone_page
    login(page, "clerk", PASSWORD)
    page.goto(page.base_url + "/open311/v2/clients/")
    assert fits(page) and axe_violations(page) == []
    page.fill("#id_name", "12345热线对接")
    page.fill("#id_contact", "李工 0592-1234567")
    page.fill("#id_rate_limit", "often")
    page.click("form[novalidate] button[type=submit]")
    assert "频率格式" in page.content()
    assert page.input_value("#id_name") == "12345热线对接"
    page.fill("#id_rate_limit", "30/m")
    page.click("form[novalidate] button[type=submit]")
    key = page.locator("[data-testid=api-key]").inner_text().strip()
    assert re.fullmatch(r"o311_[\w-]{40,}", key)
    assert fits(page) and axe_violations(page) == []

    filed = page.request.post(
        page.base_url + "/open311/v2/requests.json",
        form={"api_key": key, "service_code": "urban", "description": "路灯不亮"},
    )
    assert filed.status == 201
    assert Appeal.objects.get().channel == Channel.OPEN311

    page.reload()
    assert key not in page.content()
    # Cutting off an integration asks first (review 8 #6): dismissed, the client stays active.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("[data-testid=client-row] button[type=submit]")
    assert ClientApplication.objects.get().is_active
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=client-row] button[type=submit]")
    assert "已停用" in page.content()
    assert not ClientApplication.objects.get().is_active
    again = page.request.get(page.base_url + "/open311/v2/requests.json", params={"api_key": key})
    assert again.status == 403


def test_a_member_creates_and_revokes_a_token_on_a_phone(phone_page, cast):
    page = phone_page
    login(page, "member", PASSWORD)
    page.goto(page.base_url + "/accounts/preferences/")
    with page.expect_navigation():  # measure the new page, not the one being left
        page.click("text=管理我的接口令牌")
    assert fits(page) and axe_violations(page) == []
    page.fill("#id_name", "统计脚本")
    page.check("input[name=scope][value=read]")
    page.click("form[novalidate] button[type=submit]")
    key = page.locator("[data-testid=token-key]").inner_text().strip()
    me = page.request.get(page.base_url + "/api/v1/auth/me/", headers={"Authorization": f"Token {key}"})
    assert me.json()["username"] == "member"
    assert fits(page) and axe_violations(page) == []
    page.once("dialog", lambda dialog: dialog.accept())  # revoking asks first (review 8 #6)
    with page.expect_navigation():  # the revocation is stored once the answer has come
        page.click("[data-testid=token-row] button[type=submit]")
    assert ApiToken.objects.get().revoked
    gone = page.request.get(page.base_url + "/api/v1/auth/me/", headers={"Authorization": f"Token {key}"})
    assert gone.status == 401
