import pytest
from django.urls import reverse

from accounts.tests.factories import PASSWORD
from core.tests.browser import AXE, axe_violations, login
from supervision.models import TaskReply
from supervision.services.tasks import report_progress
from supervision.tests.conftest import advance
from supervision.tests.factories import task_reply_classes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _reply_classes(transactional_db):
    task_reply_classes()  # an earlier transactional test may have flushed the migration's rows


def main_content_violations(page) -> list[dict]:
    """axe on this app's own content (the office navbar's colours belong to the shared base template)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run('#main', {resultTypes: ['violations']})")
    return [v["id"] for v in result["violations"] if v.get("impact") in ("serious", "critical")]


def test_department_liaison_writes_autosaves_and_submits_a_reply(page, task, cast):
    advance(task, cast, "acked")
    login(page, cast.liaison.username, PASSWORD)
    page.goto(page.base_url + reverse("supervision:task", args=[task.pk]))
    page.fill("#id_body", "已对全区校外培训机构开展拉网式检查，预收费资金全部纳入监管。")
    # The draft is saved while typing (htmx autosave), before anything is submitted.
    page.wait_for_selector("[data-testid=autosave-status]:has-text('已自动保存')")
    assert TaskReply.objects.get(task=task).body.startswith("已对全区校外培训机构")
    # Submitting without a class is refused and the text stays in the form.
    page.once("dialog", lambda d: d.accept())
    page.click("button[name=submit]")
    page.wait_for_selector(".alert-danger:has-text('请选择答复类别')")
    assert "拉网式检查" in page.input_value("#id_body")
    page.select_option("#id_classification", "solved")
    page.once("dialog", lambda d: d.accept())
    page.click("button[name=submit]")
    page.wait_for_selector(".alert-success:has-text('答复已提交')")
    assert page.text_content("[data-testid=state]").strip() == "已答复待评价"
    assert "拉网式检查" in page.text_content("[data-testid=reply]")
    assert main_content_violations(page) == []


def test_public_accountability_page_on_a_phone(phone_page, task, cast, world):
    advance(task, cast, "acked")
    report_progress(task=task, actor=cast.liaison, percent=60, text="完成专项检查120家次")
    page = phone_page
    page.goto(page.base_url + "/")
    page.click(".navbar-toggler")
    page.wait_for_selector(".navbar-collapse.show")  # opened, not still sliding open
    page.click("text=协商成果落实")
    page.wait_for_url("**/public/")
    page.click(f"text={world.report.topic_title}")
    page.wait_for_url("**/public/*/")
    outcome = page.locator("[data-testid=outcome]").first
    assert "严控学科类校外培训机构" in outcome.text_content()
    assert outcome.locator("[data-testid=public-status]").text_content().strip() == "办理中"
    assert outcome.locator(".progress").get_attribute("aria-valuenow") == "60"
    assert "完成专项检查120家次" in outcome.locator("[data-testid=public-timeline]").text_content()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    assert axe_violations(page) == []


def _png(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png")


def test_progress_attachments_on_the_task_page_are_far_enough_apart_to_tap_on_a_phone(phone_page, task, cast):
    """A liaison reports progress with a photo from a phone; every file in the progress timeline is a
    24 px target (WCAG 2.2 target size), two files of one report included, not a line of small print."""
    from playwright.sync_api import expect

    advance(task, cast, "acked")
    report_progress(
        task=task,
        actor=cast.liaison,
        percent=30,
        text="已完成摸底排查",
        attachments=[_png("排查一.png"), _png("排查二.png")],
    )
    page = phone_page
    login(page, cast.liaison.username, PASSWORD)
    page.goto(page.base_url + reverse("supervision:task", args=[task.pk]))
    page.fill("#id_percent", "60")
    page.fill("#id_text", "完成专项检查120家次")
    page.set_input_files(
        "#id_attachment", files=[{"name": "检查现场.png", "mimeType": "image/png", "buffer": _png("x").read()}]
    )
    page.click("form[action$='/progress/'] button[type=submit]")
    links = page.locator("[data-testid=progress-list] a")
    expect(links).to_have_count(3)  # waits for the page the report leads back to
    expect(page.locator("[data-testid=progress-list]")).to_contain_text("检查现场.png")
    heights = [links.nth(i).bounding_box()["height"] for i in range(3)]
    assert all(h >= 24 for h in heights), heights
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['target-size']})).violations"
        ".map((v) => v.nodes.map((n) => n.html.slice(0, 120)))"
    )
    assert found == []
