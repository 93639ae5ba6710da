import datetime

import pytest
from playwright.sync_api import expect

from core.tests.browser import axe_violations
from district.tests.factories import DepartmentFactory
from grassroots.models import IssueStatus
from grassroots.tests.factories import (
    AppointmentFactory,
    DutyGroupFactory,
    DutyIssueFactory,
    ReceptionDayFactory,
    workstation_services,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _services(transactional_db):
    workstation_services()  # an earlier transactional test may have flushed the migration's rows


def test_resident_books_a_reception_day_on_a_phone(phone_page):
    day = ReceptionDayFactory(workstation__name="同安民建政协委员工作室", date=datetime.date(2030, 6, 8), capacity=1)
    page = phone_page
    page.goto(page.base_url + "/grassroots/")
    assert axe_violations(page) == []
    page.click("text=同安民建政协委员工作室")
    assert "余1个名额" in page.locator("[data-testid=reception-days]").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(page) == []
    page.fill("#id_name", "张三")
    page.fill("#id_phone", "13800000000")
    page.fill("#id_topic", "咨询医保报销")
    page.click("[data-testid=booking-form] button[type=submit]")
    expect(page.locator("body")).to_contain_text("预约成功")
    assert "已约满" in page.content()
    assert day.appointments.count() == 1


def test_resident_cancels_a_booking_on_a_phone_and_the_place_is_free_again(phone_page):
    from grassroots.models import Appointment

    day = ReceptionDayFactory(workstation__name="同安民建政协委员工作室", date=datetime.date(2030, 6, 8), capacity=1)
    page = phone_page
    page.goto(f"{page.base_url}{day.workstation.get_absolute_url()}")
    page.fill("#id_name", "张三")
    page.fill("#id_phone", "138 0000 0000")
    page.fill("#id_topic", "咨询医保报销")
    page.click("[data-testid=booking-form] button[type=submit]")
    expect(page.locator("body")).to_contain_text("预约成功")
    reference = Appointment.objects.get().reference
    expect(page.locator("[role=alert]").first).to_contain_text(reference)
    expect(page.locator("[data-testid=reception-days]")).to_contain_text("已约满")
    page.click("[data-testid=cancel-booking-link]")
    expect(page.locator("h1")).to_have_text("取消预约")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(page) == []
    page.fill("#id_reference", reference.lower())
    page.fill("#id_phone", "13900000000")
    page.click("[data-testid=cancel-booking-submit]")
    expect(page.locator("[data-testid=cancel-booking-form] .alert-danger")).to_contain_text(
        "预约号或预约时填写的联系电话不正确"
    )
    assert page.locator("#id_reference").input_value() == reference.lower()
    assert axe_violations(page) == []
    page.fill("#id_phone", "13800000000")
    page.click("[data-testid=cancel-booking-submit]")
    expect(page.locator("body")).to_contain_text("已取消，名额已释放")
    expect(page.locator("[data-testid=reception-days]")).to_contain_text("余1个名额")
    assert Appointment.objects.get().status == Appointment.Status.CANCELLED


def test_member_logs_a_micro_consultation(page, cast):
    from core.tests.browser import login

    group = DutyGroupFactory(name="经贸界别委员履职小组", room="经贸活动室")
    group.members.add(cast.member.member)
    dept = DepartmentFactory(name="区住房和建设局", head_name="林局长")
    issue = DutyIssueFactory(group=group, title="区燃气公司储配站搬迁", department=dept, created_by=cast.member)
    login(page, "member", "test-pass-123456")
    page.goto(f"{page.base_url}/grassroots/groups/{group.pk}/")
    page.click("text=区燃气公司储配站搬迁")
    form = page.locator("[data-testid=micro-form]")
    form.locator("#id_starts_at").fill("2023-05-06T09:30")
    assert form.locator("#id_dept_head_name").input_value() == "林局长"
    form.locator("#id_residents").fill("陈阿姨\n林师傅")
    form.locator("#id_summary").fill("住建局介绍搬迁选址，居民提出安全顾虑。")
    form.locator("#id_outcome").select_option("plan")
    form.locator("#id_outcome_note").fill("年内完成新址选址，明年搬迁。")
    form.locator("button[type=submit]").click()
    assert "计划完成日期" in page.content()
    assert page.locator("#id_summary").input_value() == "住建局介绍搬迁选址，居民提出安全顾虑。"
    page.locator("#id_plan_due_date").fill("2099-12-31")
    page.locator("[data-testid=micro-form] button[type=submit]").click()
    # A plan is followed up: the page offers to record it carried out, or to reschedule it.
    assert page.locator("[data-testid=issue-status]").inner_text() == "计划落实中"
    assert "林局长" in page.locator("[data-testid=micro]").inner_text()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.FOLLOW_UP and issue.plan_due_date == datetime.date(2099, 12, 31)
    page.locator("[data-testid=complete-plan-form] textarea").fill("新址已选定，储配站已搬迁。")
    page.locator("[data-testid=complete-plan-form] button[type=submit]").click()
    assert page.locator("[data-testid=issue-status]").inner_text() == "已办结"


def test_member_cancels_a_reception_day_on_a_phone_and_the_resident_sees_why(phone_page, cast):
    from core.tests.browser import login

    day = ReceptionDayFactory(workstation__name="同安民建政协委员工作室", date=datetime.date(2030, 6, 8), capacity=2)
    day.workstation.members.add(cast.member.member)
    AppointmentFactory(reception_day=day, name="张三", phone="13800000000", topic="医保", reference="YYBR01")
    page = phone_page
    login(page, "member", "test-pass-123456")
    page.goto(f"{page.base_url}/grassroots/office/days/{day.pk}/")
    page.click("text=取消这个接待日")
    form = page.locator("[data-testid=cancel-day-form]")
    form.locator("button[type=submit]").click()
    expect(form.locator(".invalid-feedback, .alert-danger").first).to_be_visible()
    form = page.locator("[data-testid=cancel-day-form]")
    form.locator("#id_reason").fill("台风红色预警，暂停接待")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=day-cancelled]")).to_contain_text("台风红色预警，暂停接待")
    expect(page.locator("[data-testid=appointment-YYBR01] [data-testid=status]")).to_have_text("已取消")
    expect(page.locator("[data-testid=appointment-YYBR01] [data-testid=last-change]")).to_contain_text("接待日取消")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(page) == []
    page.goto(f"{page.base_url}{day.workstation.get_absolute_url()}")
    expect(page.locator("[data-testid=cancelled-days]")).to_contain_text("2030-06-08 的接待日已取消")
    expect(page.locator("[data-testid=cancelled-days]")).to_contain_text("台风红色预警")


@pytest.fixture
def phone_390(browser, live_server):
    """The reviewer's phone: 390×844, touch."""
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.base_url = live_server.url
    yield pg
    context.close()


def test_member_ticks_who_took_part_in_a_micro_consultation_on_a_phone(phone_390, cast):
    """The group's members are a list to tick, one name per line inside the form (a long group scrolls
    within its box): tapping a name ticks it, and those ticked are recorded present."""
    import re

    from consultations.models import Attendance, MeetingParticipant
    from core.tests.browser import login
    from district.tests.factories import MemberFactory

    group = DutyGroupFactory(name="经贸界别委员履职小组", room="经贸活动室")
    names = ["张彦", "李宏墩", "陈宏", "王芳", "林晓东", "黄志明", "吴建国", "郑丽", "周海涛", "许俊", "曾国", "傅华东"]
    group.members.add(cast.member.member, *[MemberFactory(name=n) for n in names])
    dept = DepartmentFactory(name="区住房和建设局", head_name="林局长")
    issue = DutyIssueFactory(group=group, title="老旧小区加装电梯", department=dept, created_by=cast.member)
    listed = list(group.members.order_by("name"))
    second, last = listed[1], listed[-1]
    assert cast.member.member not in (second, last)  # the recorder is ticked already
    page = phone_390
    login(page, "member", "test-pass-123456")
    page.goto(f"{page.base_url}{issue.get_absolute_url()}")
    form = page.locator("[data-testid=micro-form]")
    members = form.locator("#id_members")
    expect(members).not_to_have_class(re.compile("form-check-input"))
    expect(members.locator("input[type=checkbox]")).to_have_count(len(listed))
    box = members.bounding_box()
    assert box["width"] > 300 and box["height"] < 400  # as wide as the form; a long list scrolls inside it
    first_label = members.locator("label").first.bounding_box()
    assert first_label["width"] > 200 and first_label["height"] < 40  # a name on one line, not a character a line
    submit = form.locator("button[type=submit]").bounding_box()
    assert submit["y"] >= box["y"] + box["height"]  # nothing runs under what follows
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    form.locator("#id_starts_at").fill("2023-05-06T09:30")
    form.locator("#id_residents").fill("陈阿姨\n林师傅")
    form.locator("#id_summary").fill("住建局介绍加装电梯补贴政策，居民提出费用分摊问题。")
    form.locator("#id_outcome").select_option("on_the_spot")
    form.locator("#id_outcome_note").fill("住建局当场答复补贴标准。")
    for member in (second, last):
        label = members.locator(f"label:text-is('{member.name}')")
        label.click()
        expect(members.get_by_label(member.name, exact=True)).to_be_checked()
    assert axe_violations(page) == []
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=micro]")).to_contain_text("林局长")
    present = MeetingParticipant.objects.filter(
        meeting__micro__issue=issue, attendance=Attendance.PRESENT, member__isnull=False
    )
    assert set(present.values_list("member__name", flat=True)) == {cast.member.member.name, second.name, last.name}
