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


PHONE_SWEEP_ACCOUNTS = [None, "citizen", "member", "clerk", "liaison_edu", "chair"]
# What a phone user trips on, per page: the page or a box in it (a wide table) scrolling sideways.
_PHONE_LAYOUT = """() => {
  const wide = Array.from(document.querySelectorAll('main *')).filter((el) => {
    const x = getComputedStyle(el).overflowX;
    return (x === 'auto' || x === 'scroll') && el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1;
  });
  return {page: document.documentElement.scrollWidth - window.innerWidth,
          boxes: wide.map((el) => el.tagName.toLowerCase() + '.' + el.className)};
}"""
# Every visible control with a label, every button and link with a name, text readable on its background,
# and every link or button big enough (24 px), or far enough from the next, to tap (WCAG 2.2 target size).
_PHONE_AXE_RULES = [
    "label", "select-name", "aria-input-field-name", "button-name", "input-button-name", "link-name",
    "color-contrast", "target-size",
]  # fmt: skip


# The reference rows data migrations seed, which a transactional test finds flushed.
_SEEDS = [
    ("accounts.migrations.0003_role_groups", "create_groups"),
    ("insight.migrations.0003_plenary", "seed_plenary"),
    ("opinions.migrations.0003_seed_adoption_levels", "seed"),
    ("proposals.migrations.0002_seed_reply_classes", "seed"),
    ("grassroots.migrations.0007_workstation_services", "seed"),
    ("supervision.migrations.0003_default_report_template", "seed"),
    ("supervision.migrations.0008_task_reply_classes", "seed"),
    ("topics.migrations.0002_seed_formats", "seed"),
]


def _load_demo_off_the_browsers_thread() -> None:
    """Seed and load the demo in another thread: Playwright runs an event loop in this one, and
    django-constance answers a thread with a running loop with awaitables instead of the rules."""
    from concurrent.futures import ThreadPoolExecutor
    from importlib import import_module

    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection

    def load():
        try:
            for module, function in _SEEDS:
                getattr(import_module(module), function)(apps, None)
            call_command("load_demo")
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(load).result()


def _menu_pages(page) -> list[str]:
    links = page.eval_on_selector_all("nav a[href^='/']", "els => els.map((a) => a.getAttribute('href'))")
    return list(dict.fromkeys(u for u in links if not u.startswith(("/accounts/logout", "/i18n/", "/admin/"))))


def test_every_page_in_each_accounts_menus_fits_a_phone_and_names_its_controls(phone_page, settings):
    """The demo district at 390 px as a visitor, a citizen, a member, the clerk, a department liaison
    and the chair: each page their menus open neither scrolls sideways (nor hides a table's columns
    off to the side) and has no unlabelled control, nameless button or link, or unreadable text."""
    from core.demo_runner import DEMO_PASSWORD
    from core.tests.browser import AXE

    settings.RATELIMIT_ENABLE = False
    _load_demo_off_the_browsers_thread()
    page = phone_page
    page.set_viewport_size({"width": 390, "height": 844})
    problems, opened = [], 0
    for username in PHONE_SWEEP_ACCOUNTS:
        page.context.clear_cookies()
        if username:
            login(page, username, DEMO_PASSWORD)
        page.goto(page.base_url + "/")
        for path in _menu_pages(page):
            response = page.goto(page.base_url + path)
            opened += 1
            if response is None or response.status != 200:
                problems.append((username, path, response and response.status))
                continue
            layout = page.evaluate(_PHONE_LAYOUT)
            if layout["page"] > 1 or layout["boxes"]:
                problems.append((username, path, layout))
            page.evaluate(AXE.read_text(encoding="utf-8"))
            found = page.evaluate(
                "async (rules) => (await axe.run(document, {runOnly: rules})).violations"
                ".map((v) => [v.id, v.nodes.slice(0, 3).map((n) => n.html.slice(0, 120))])",
                _PHONE_AXE_RULES,
            )
            problems.extend((username, path, v) for v in found)
    assert problems == []
    assert opened >= 80  # the menus were found and followed


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
    assert phone["display"] in ("block", "flow-root")  # a card row (flow-root holds a wrapped label), not a table cell
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


def test_files_attached_to_a_step_of_the_history_are_far_enough_apart_to_tap(phone_page, cast):
    """Two files attached to one step of an appeal's audited history, one under the other: each link
    is a 24 px target on a phone (WCAG 2.2 target size), not a line of small print."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from core.models import StatusChange
    from core.services import store_attachment
    from core.tests.browser import AXE
    from intake.tests.factories import AppealFactory

    appeal = AppealFactory()
    step = StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(appeal),
        object_id=appeal.pk,
        action="accept",
        from_state=appeal.status,
        to_state=appeal.status,
        actor=cast.clerk,
        created_at=timezone.now(),
    )
    for name in ("现场照片一.png", "现场照片二.png"):
        upload = SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png")
        store_attachment(target=appeal, upload=upload, actor=cast.clerk, status_change=step)
    login(phone_page, "clerk", PASSWORD)
    phone_page.goto(f"{phone_page.base_url}/appeals/office/{appeal.pk}/")
    links = phone_page.locator("[data-testid=history] a")
    assert links.count() == 2 and all(links.nth(i).bounding_box()["height"] >= 24 for i in range(2))
    phone_page.evaluate(AXE.read_text(encoding="utf-8"))
    found = phone_page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['target-size']})).violations"
        ".map((v) => v.nodes.map((n) => n.html.slice(0, 120)))"
    )
    assert found == []
