import pytest

from core.tests.browser import axe_violations
from district.tests.factories import CommunityFactory
from intake.models import Appeal
from intake.tests.factories import AppealCategoryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def test_citizen_submits_and_tracks_on_a_phone(phone_page):
    community = CommunityFactory(name="梧侣村", town__name="新民镇")
    AppealCategoryFactory(name="交通出行")
    page = phone_page
    page.goto(page.base_url + "/appeals/")
    assert fits(page) and axe_violations(page) == []

    page.fill("#id_title", "村口路灯不亮")
    page.fill("#id_body", "字" * 6000)
    page.select_option("#id_town", label="新民镇")
    page.click("[data-testid=submit-appeal]")
    assert "最多5000字" in page.locator("[data-testid=error-body]").inner_text()
    assert page.input_value("#id_title") == "村口路灯不亮"
    assert axe_violations(page) == []

    page.fill("#id_body", "村口两盏路灯坏了一个月，晚上老人出行不便。")
    page.select_option("#id_community", value=str(community.pk))
    page.select_option("#id_category", label="交通出行")
    page.fill("#id_contact_phone", "13912345678")
    page.click("[data-testid=submit-appeal]")
    code = page.locator("[data-testid=tracking-code]").inner_text()
    assert Appeal.objects.get().tracking_code == code
    assert page.locator("[data-testid=track-status]").inner_text() == "已受理"
    assert fits(page) and axe_violations(page) == []

    page.goto(page.base_url + "/appeals/track/")
    page.fill("#id_code", "ZZZZ-ZZZZ")
    page.click("[data-testid=track-form] button[type=submit]")
    assert "未找到" in page.locator("[data-testid=error-code]").inner_text()
    page.fill("#id_code", code.lower().replace("-", " "))
    page.click("[data-testid=track-form] button[type=submit]")
    assert page.locator("[data-testid=tracking-code]").inner_text() == code

    page.fill("#id_body", "补充：东边那盏也坏了")
    page.click("[data-testid=reply-form] button[type=submit]")
    assert "补充：东边那盏也坏了" in page.content()
    # One tap must not erase the contact details: the citizen confirms first.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("[data-testid=withdraw]")
    assert Appeal.objects.get().contact_phone == "13912345678"
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=withdraw]")
    assert page.locator("[data-testid=withdrawn]").is_visible()
    assert Appeal.objects.get().contact_phone == ""
    assert fits(page) and axe_violations(page) == []


def test_citizen_withdraws_their_appeal_on_a_phone_after_confirming(phone_page):
    from intake.models import AppealStatus
    from intake.tests.factories import AppealFactory

    appeal = AppealFactory()
    page = phone_page
    page.goto(f"{page.base_url}/appeals/track/{appeal.tracking_code}/")
    page.click("[data-testid=withdraw-appeal] summary")
    page.fill("#id_reason", "问题已经自行解决")
    # One tap must not withdraw it: the citizen confirms first.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("[data-testid=withdraw-appeal-submit]")
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.RECEIVED
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=withdraw-appeal-submit]")
    assert page.locator("[data-testid=track-status]").inner_text() == "已撤回"
    assert page.locator("[data-testid=withdrawn-note]").is_visible()
    assert page.locator("[data-testid=reply-form]").count() == 0
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.WITHDRAWN
    assert fits(page) and axe_violations(page) == []


def test_citizen_rates_a_closed_appeal_by_its_code_on_a_390px_phone(browser, live_server):
    """The rating by code on a common phone width: the choice is kept when the reason is missing."""
    from accounts.roles import Role
    from accounts.services import create_user
    from core.workflow import perform
    from intake.models import AppealRating, Outcome, Route
    from intake.tests.factories import AppealFactory

    clerk = create_user(username="clerk", password="x", roles=[Role.CLERK])
    appeal = AppealFactory()
    perform(appeal, "route", actor=clerk, data={"route": Route.OFFICE})
    perform(appeal, "answer", actor=clerk, note="已安排维修。")
    perform(appeal, "close", actor=clerk, note="已修复", data={"outcome": Outcome.ON_THE_SPOT})
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(f"{live_server.url}/appeals/track/{appeal.tracking_code}/")
        page.locator("[data-testid=rating-form]").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert axe_violations(page) == []

        page.click("[data-testid=rating-unsatisfied]")
        page.click("[data-testid=rating-submit]")
        assert "请写明原因" in page.locator("[data-testid=error-comment]").inner_text()
        assert page.is_checked("#id_rating_2")  # the choice survives the refusal
        assert axe_violations(page) == []

        page.fill("#id_comment", "路灯修好两天又不亮了")
        page.click("[data-testid=rating-submit]")
        assert "不满意" in page.locator("[data-testid=rating-done]").inner_text()
        assert page.locator("[data-testid=rating-form]").count() == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert axe_violations(page) == []
        row = AppealRating.objects.get()
        assert (row.rating, row.comment, row.citizen) == ("unsatisfied", "路灯修好两天又不亮了", None)
    finally:
        context.close()
