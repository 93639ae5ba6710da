"""In a real browser: the clerk records outcome items at the meeting; the calendar works on a phone."""

import pytest

from accounts.tests.factories import PASSWORD
from consultations.tests.factories import consultation_meeting
from core.tests.browser import axe_violations, login
from core.workflow import perform

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_records_outcome_items_at_the_meeting(page, cast):
    meeting = consultation_meeting(cast)
    perform(meeting, "send_invitations", actor=cast.clerk)
    perform(meeting, "hold", actor=cast.clerk)
    login(page, "clerk", PASSWORD)
    page.goto(page.base_url + meeting.get_absolute_url())
    page.get_by_text("记录成果事项").click()
    form = page.locator("[data-testid=outcome-form]")
    form.get_by_label("意见建议").fill("扩大课后服务覆盖面，引入优质社会资源")
    form.get_by_role("button", name="保存成果事项").click()
    # Refused without a responsible department: the message shows and the text is still there.
    assert "请选择责任部门" in page.content()
    form = page.locator("[data-testid=outcome-form]")
    assert form.get_by_label("意见建议").input_value() == "扩大课后服务覆盖面，引入优质社会资源"
    form.get_by_label("责任部门").select_option(label="教育局")
    form.get_by_label("商定的措施").fill("秋季学期实现全覆盖")
    form.get_by_label("完成时限").fill("2022-09-30")
    form.get_by_role("button", name="保存成果事项").click()
    table = page.locator("[data-testid=outcomes]")
    assert "扩大课后服务覆盖面" in table.inner_text()
    assert "教育局" in table.inner_text() and "2022-09-30" in table.inner_text()
    assert meeting.outcome_items.get().agreed_action == "秋季学期实现全覆盖"
    page.locator("#workflow-panel button[data-action=issue_minutes]").click()
    assert page.locator("[data-testid=meeting-status]").inner_text() == "已印发纪要"


def test_member_replies_and_checks_in_on_a_phone(phone_page, cast):
    meeting = consultation_meeting(cast)
    perform(meeting, "send_invitations", actor=cast.clerk)
    login(phone_page, "member2", PASSWORD)
    phone_page.goto(phone_page.base_url + "/consultations/meetings/?month=2022-06")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    phone_page.locator("[data-testid=month-list]").get_by_role("link", name=meeting.title).click()
    box = phone_page.locator("[data-testid=my-invitation]")
    box.get_by_label("请假").check()
    box.get_by_role("button", name="回复").click()
    assert "请假须填写事由" in phone_page.content()
    box = phone_page.locator("[data-testid=my-invitation]")
    box.get_by_label("参加", exact=True).check()
    box.get_by_role("button", name="回复").click()
    assert "确认参加" in phone_page.locator("[data-testid=my-invitation]").inner_text()
    phone_page.locator("[data-testid=my-invitation]").get_by_role("button", name="签到").click()
    assert "已签到" in phone_page.locator("[data-testid=my-invitation]").inner_text()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(phone_page) == []
