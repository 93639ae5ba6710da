"""On a phone: an expert opens the activation link the office sent, sets a password and signs in."""

import re

import pytest

from accounts.tests.factories import PASSWORD
from core.tests.browser import axe_violations, login
from district.tests.factories import ExpertFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_expert_activates_on_a_phone_and_lands_on_their_home(phone_page, cast):
    expert = ExpertFactory(name="郑教授")
    page = phone_page
    login(page, "clerk", PASSWORD)
    page.goto(f"{page.base_url}/district/accounts/expert/{expert.pk}/open/")
    page.fill("#id_username", "zheng")
    page.get_by_role("button", name="开通并生成激活链接").click()
    url = page.get_by_test_id("activation-url").inner_text()
    page.context.clear_cookies()  # the clerk passes the link on; the expert opens it on their own phone
    page.goto(page.base_url + re.sub(r"^https?://[^/]+", "", url))
    assert "zheng" in page.get_by_test_id("activate-username").inner_text()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.fill("#id_new_password1", "qingshan-lushui-2024")
    page.fill("#id_new_password2", "qingshan-lushui-2024")
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/login/**")
    assert page.input_value("#id_username") == "zheng"
    page.fill("#id_password", "qingshan-lushui-2024")
    page.click("button[type=submit]")
    page.wait_for_url("**/office/")


def test_the_forgotten_password_page_fits_a_phone(phone_page, cast):
    page = phone_page
    page.goto(f"{page.base_url}/accounts/login/")
    page.get_by_test_id("forgot-password").click()
    page.wait_for_url("**/accounts/password/reset/")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.fill("#id_email", "nobody@example.org")
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/password/reset/sent/")
    assert page.get_by_test_id("reset-sent").is_visible()
