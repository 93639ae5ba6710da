"""In a real browser: the clerk records outcome items at the meeting; the calendar works on a phone."""

import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from accounts.tests.factories import PASSWORD
from consultations import services
from consultations.tests.factories import consultation_meeting, send_notice
from core.tests.browser import axe_violations, login
from core.workflow import perform

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_records_outcome_items_at_the_meeting(page, cast):
    meeting = consultation_meeting(cast)
    send_notice(meeting, actor=cast.clerk)
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
    send_notice(meeting, actor=cast.clerk)
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


def test_typing_a_name_narrows_the_members_list_and_keeps_the_chosen_ones(page, cast):
    """The micro-consultation's 参加委员 list holds every member: typing part of a name narrows it; the
    members already chosen stay chosen (and listed) while filtering and after the form is refused."""
    from district.tests.factories import MemberFactory

    for name in ["洪志明", "欧阳晓梅", "欧阳建国", "王芳", *(f"张委员{n}" for n in range(40))]:
        MemberFactory(name=name)
    login(page, "clerk", PASSWORD)
    page.goto(page.base_url + "/consultations/meetings/micro/new/")
    members, box = page.locator("#id_members"), page.get_by_role("searchbox", name="输入姓名筛选")
    assert members.locator("option").count() >= 44

    box.fill("洪志明")
    assert members.locator("option").all_inner_texts() == ["洪志明"]
    members.locator("option", has_text="洪志明").click()
    box.fill("欧阳")
    # The chosen one stays in the list while filtering; a click adds a name without dropping it.
    assert sorted(members.locator("option").all_inner_texts()) == sorted(["欧阳晓梅", "欧阳建国", "洪志明"])
    members.locator("option", has_text="欧阳晓梅").click()
    box.fill("")
    chosen = members.evaluate("(s) => Array.from(s.selectedOptions).map((o) => o.text).sort()")
    assert chosen == sorted(["洪志明", "欧阳晓梅"])
    assert "洪志明" in page.locator("[data-filter-chosen-for=members]").inner_text()

    box.fill("欧阳")  # sent while filtered: the chosen are sent all the same
    page.get_by_label("地点").fill("祥平街道社区活动中心")
    page.get_by_role("button", name="登记", exact=True).click()  # no title: refused
    assert "请填写协商议题。" in page.content()
    assert page.get_by_label("地点").input_value() == "祥平街道社区活动中心"
    chosen = page.locator("#id_members").evaluate("(s) => Array.from(s.selectedOptions).map((o) => o.text).sort()")
    assert chosen == sorted(["洪志明", "欧阳晓梅"])
    assert "欧阳晓梅" in page.locator("[data-filter-chosen-for=members]").inner_text()


def test_member_subscribes_their_phone_calendar(phone_page, cast):
    meeting = consultation_meeting(cast)
    send_notice(meeting, actor=cast.clerk)
    tomorrow = timezone.now().replace(microsecond=0) + timedelta(days=1)
    ends = tomorrow + timedelta(hours=2)
    services.reschedule_meeting(meeting=meeting, actor=cast.clerk, starts_at=tomorrow, ends_at=ends, place="区政协三楼")
    login(phone_page, "member2", PASSWORD)
    phone_page.goto(phone_page.base_url + "/consultations/meetings/")
    phone_page.get_by_test_id("subscribe-link").click()
    phone_page.get_by_role("button", name="生成订阅地址").click()
    url = phone_page.get_by_test_id("feed-url").inner_text().strip()
    assert phone_page.get_by_test_id("feed-webcal").get_attribute("href") == "webcal://" + url.split("://", 1)[1]
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(phone_page) == []
    # What a calendar app does: fetch the address, with no session.
    with urllib.request.urlopen(url) as response:
        assert response.headers["Content-Type"].startswith("text/calendar")
        assert response.headers.get("Set-Cookie") is None
        events = Calendar.from_ical(response.read()).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [meeting.title]
