import pytest

from accounts.tests.factories import PASSWORD
from core.tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_logs_in_and_sees_the_dashboard(page, cast):
    login(page, "clerk", PASSWORD)
    assert page.locator("[data-testid=dashboard-title]").inner_text().startswith("工作台")
    assert page.locator("[data-testid=user-menu]").inner_text() == "clerk"
    assert "政协办公室工作人员" in page.inner_text("main")


def test_office_menus_open_and_pass_axe_on_a_phone(phone_page, cast):
    from core.tests.browser import axe_violations

    login(phone_page, "clerk", PASSWORD)
    phone_page.click(".navbar-toggler")
    phone_page.click("[data-testid=menu-written]")
    phone_page.get_by_role("link", name="提案", exact=True).click()
    phone_page.wait_for_url("**/proposals/**")
    assert axe_violations(phone_page) == []


def test_portal_works_on_a_phone_screen(phone_page, cast):
    from core.tests.browser import axe_violations

    phone_page.goto(phone_page.base_url + "/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    assert axe_violations(phone_page) == []
