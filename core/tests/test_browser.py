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


def _cell_layout(pg, selector: str) -> dict:
    return pg.evaluate(
        """(sel) => { const td = document.querySelector(sel); const r = td.getBoundingClientRect();
        return {label: td.dataset.label, display: getComputedStyle(td).display, width: r.width,
                before: getComputedStyle(td, '::before').content}; }""",
        selector,
    )


def test_record_lists_read_as_cards_on_a_phone_and_as_tables_on_a_desktop(phone_page, page, cast):
    from intake.tests.factories import AppealFactory

    AppealFactory(title="小区门口路灯长期不亮，夜间出行不便")
    title_cell = "table.table-stack tbody tr td:nth-child(2)"

    login(phone_page, "clerk", PASSWORD)
    phone_page.goto(phone_page.base_url + "/appeals/office/")
    phone = _cell_layout(phone_page, title_cell)
    assert phone["label"] == "标题"
    assert phone["display"] == "block"
    assert phone["before"] == '"标题"'
    assert phone["width"] > 300  # the title has the card's width, not a squeezed column
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375

    login(page, "clerk", PASSWORD)
    page.goto(page.base_url + "/appeals/office/")
    desktop = _cell_layout(page, title_cell)
    assert desktop["display"] == "table-cell"
    assert desktop["before"] == "none"


def test_the_menus_stay_on_screen_in_english_on_a_laptop(page, cast):
    """English menu labels are longer: the bar wraps rather than push the user menu off the screen."""
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    page.set_viewport_size({"width": 992, "height": 900})  # the narrowest width with the portal's bar expanded
    page.goto(page.base_url + "/appeals/")
    log_in = page.get_by_role("link", name="Log in", exact=True).bounding_box()
    assert log_in is not None and log_in["x"] + log_in["width"] <= 992
    assert page.evaluate("document.documentElement.scrollWidth") <= 992

    page.set_viewport_size({"width": 1200, "height": 900})  # the narrowest width with the office bar expanded
    login(page, "clerk", PASSWORD)
    assert page.locator("[data-testid=menu-work]").inner_text() == "Consultation"
    menu = page.locator("[data-testid=user-menu]").bounding_box()
    assert menu is not None and menu["x"] + menu["width"] <= 1200
    assert page.evaluate("document.documentElement.scrollWidth") <= 1200


def test_office_pages_fit_a_phone_in_english(phone_page, cast):
    """English labels are longer: the brand wraps beside the menu button and the version picker's
    button goes to its own line, rather than widening the page past the screen."""
    from district.tests.factories import CommitteeFactory
    from topics.services.plan import cut_version
    from topics.tests.factories import plan_with_items

    CommitteeFactory(short_name="同安区政协")
    plan = plan_with_items(cast)
    cut_version(plan=plan, actor=cast.clerk)
    item = plan.items.first()
    item.quarter = 4
    item.save()
    cut_version(plan=plan, actor=cast.clerk)
    phone_page.context.add_cookies([{"name": "django_language", "value": "en", "url": phone_page.base_url}])
    login(phone_page, "clerk", PASSWORD)
    for path in ("/office/", f"/plan/plans/{plan.pk}/diff/?a=1&b=2"):
        phone_page.goto(phone_page.base_url + path)
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375, path
        toggler = phone_page.locator(".navbar-toggler").bounding_box()
        assert toggler is not None and toggler["x"] + toggler["width"] <= 375, path
