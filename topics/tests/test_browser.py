import pytest
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD
from core.tests.browser import AXE, axe_violations, login
from topics.models import ConsultationPlan, PlanStatus
from topics.tests.factories import drive_to_vote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def axe_violations_in_main(page) -> list[dict]:
    """Serious axe-core findings inside <main> (the shared office navbar is checked by core)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run('main', {resultTypes: ['violations']})")
    return [v["id"] for v in result["violations"] if v.get("impact") in ("serious", "critical")]


def test_the_clerk_records_the_vote_and_publishes_and_the_department_acknowledges(page, cast):
    plan = drive_to_vote(cast, departments=[cast.liaison.department])
    login(page, "clerk", PASSWORD)
    page.goto(f"{page.base_url}{plan.get_absolute_url()}")
    page.get_by_role("link", name="安排常委会表决").click()
    page.fill("#id_place", "区政协常委会议室")
    page.get_by_role("button", name="保存").click()
    # Every standing member is listed; the clerk marks one absent, the others present.
    rows = page.locator("[data-testid=attendance] select")
    expect(rows).to_have_count(3)
    for i in range(3):
        rows.nth(i).select_option("present" if i < 2 else "absent")
    page.click("[data-testid=save-attendance]")
    page.fill("#id_votes_for", "2")
    page.fill("#id_votes_against", "0")
    page.fill("#id_votes_abstain", "0")
    page.get_by_role("button", name="录入").click()
    assert "表决票数已录入" in page.inner_text("body")
    page.click("[data-testid=close-vote]")
    assert page.inner_text("[data-testid=plan-status]") == "已审定待印发"
    page.click("[data-testid=publish]")
    page.fill("#id_doc_number", "测委办〔2030〕5号")
    page.get_by_role("button", name="保存").click()
    assert page.inner_text("[data-testid=plan-status]") == "已印发"
    assert "未签收" in page.inner_text("[data-testid=receipts]")

    page.context.clear_cookies()
    login(page, "liaison", PASSWORD)
    page.locator("[data-testid=inbox-link]").click()
    page.get_by_text(plan.title).first.click()
    page.click("[data-testid=ack]")
    assert "已签收" in page.inner_text("body")
    assert "liaison" in page.inner_text("[data-testid=receipts]")
    assert axe_violations_in_main(page) == []
    plan.refresh_from_db()
    assert plan.receipts.get().acknowledged_by == cast.liaison
    assert ConsultationPlan.objects.get(pk=plan.pk).status == PlanStatus.PUBLISHED


def test_a_member_suggests_a_topic_on_a_phone(phone_page, cast):
    from topics.tests.factories import RoundFactory

    RoundFactory()
    login(phone_page, "member", PASSWORD)
    phone_page.goto(f"{phone_page.base_url}/plan/suggestions/new/")
    phone_page.fill("#id_title", "发展农村集体经济")
    phone_page.get_by_role("button", name="保存").click()
    # The background is missing: the page says so and keeps the title.
    assert phone_page.input_value("#id_title") == "发展农村集体经济"
    phone_page.fill("#id_background", "村集体收入偏低")
    phone_page.get_by_role("button", name="保存").click()
    assert phone_page.inner_text("h1") == "发展农村集体经济"
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(phone_page) == []
