import datetime
import itertools
import re

import pytest
from django.utils import timezone
from icalendar import Calendar

from consultations.models import MeetingKind
from district.tests.factories import CommunityFactory, DepartmentFactory, MemberFactory
from grassroots.models import Appointment, CommunityConsultation, Contact, IssueStatus
from grassroots.tests.factories import (
    AppointmentFactory,
    DutyGroupFactory,
    DutyIssueFactory,
    ReceptionDayFactory,
    WorkstationFactory,
)

pytestmark = pytest.mark.django_db


def booking(day, **extra):
    return {"day": day.pk, "name": "张三", "phone": "13800000000", "service": "policy", "topic": "医保报销", **extra}


def test_public_calendar_books_and_refuses_a_full_day(client):
    day = ReceptionDayFactory(capacity=1)
    url = day.workstation.get_absolute_url()
    assert "余1个名额" in client.get(url).content.decode()
    assert client.post(url, booking(day)).status_code == 302
    response = client.post(url, booking(day, topic="我的问题原文", phone="13900000000"))
    html = response.content.decode()
    assert response.status_code == 400 and "预约已满" in html and "我的问题原文" in html
    assert Appointment.objects.count() == 1
    assert f"{day.date:%Y-%m-%d} 09:00-11:30（已约满）</option>" in client.get(url).content.decode()


def test_past_days_are_not_offered_for_booking(client):
    past = ReceptionDayFactory(date=datetime.date(2022, 1, 8))
    response = client.post(past.workstation.get_absolute_url(), booking(past))
    assert response.status_code == 400 and not Appointment.objects.exists()


def test_ics_feed_parses_with_each_reception_day(client):
    ws = WorkstationFactory(name="同安民建政协委员工作室")
    member = MemberFactory(name="洪志强")
    day = ReceptionDayFactory(workstation=ws, date=datetime.date(2030, 6, 8))
    day.on_duty.add(member)
    ReceptionDayFactory(workstation=ws, date=datetime.date(2030, 6, 9))
    response = client.get(f"/grassroots/workstations/{ws.pk}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    events = [e for e in Calendar.from_ical(response.content).walk("VEVENT")]
    assert [e.decoded("dtstart").date().isoformat() for e in events] == ["2030-06-08", "2030-06-09"]
    assert "洪志强" in str(events[0]["description"]) and events[0].decoded("dtstart").hour == 9


def test_workstation_office_page_only_for_its_members_or_the_office(client, cast):
    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    client.force_login(cast.other_member)
    assert client.get(f"/grassroots/office/workstations/{ws.pk}/").status_code == 404
    client.force_login(cast.member)
    assert client.get(f"/grassroots/office/workstations/{ws.pk}/").status_code == 200
    response = client.post(
        f"/grassroots/office/workstations/{ws.pk}/contacts/",
        {"kind": "visit_out", "date": "2022-05-01", "service": "family_visit", "people_count": 4, "summary": "走访"},
    )
    assert response.status_code == 302
    assert Contact.objects.get().people_count == 4


def test_contact_form_error_keeps_the_summary(client, cast):
    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    client.force_login(cast.member)
    response = client.post(
        f"/grassroots/office/workstations/{ws.pk}/contacts/",
        {"kind": "visit_out", "date": "2999-01-01", "service": "social", "people_count": 1, "summary": "原文保留"},
    )
    assert response.status_code == 400 and "原文保留" in response.content.decode()


def test_booked_resident_marked_as_attended(client, cast):
    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    day = ReceptionDayFactory(workstation=ws, date=timezone.localdate())
    appt = AppointmentFactory(reception_day=day, name="甲", phone="1", topic="t", reference="YYTEST01")
    client.force_login(cast.member)
    client.post(f"/grassroots/office/days/{day.pk}/attended/{appt.pk}/", {"summary": "已解答"})
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.ATTENDED and appt.contact.kind == Contact.Kind.RECEPTION
    assert list(appt.contact.members.all()) == [cast.member.member]  # counted in their duty record
    # A second click (or a colleague recording the same visit) is refused with a message, not a 500.
    again = client.post(f"/grassroots/office/days/{day.pk}/attended/{appt.pk}/", {"summary": "又登记一次"}, follow=True)
    assert again.status_code == 200 and "该预约的接待已经登记过了" in again.content.decode()
    assert Contact.objects.filter(appointment=appt).count() == 1


def test_micro_consultation_page_keeps_input_on_error_then_records(client, cast):
    group = DutyGroupFactory()
    group.members.add(cast.member.member)
    issue = DutyIssueFactory(group=group, created_by=cast.member)
    dept = DepartmentFactory()
    client.force_login(cast.member)
    # The form offers the group's members, the recording member ticked.
    page = client.get(f"/grassroots/issues/{issue.pk}/").content.decode()
    assert f'name="members" value="{cast.member.member.pk}"' in page
    assert re.search(rf'value="{cast.member.member.pk}"[^>]*checked', page)
    data = {
        "members": [cast.member.member.pk],
        "starts_at": "2023-05-06T09:30",
        "department": dept.pk,
        "dept_head_name": "林局长",
        "residents": "居民甲\n居民乙",
        "summary": "我的协商记录",
        "outcome": "plan",
        "outcome_note": "三个月内完成",
    }
    response = client.post(f"/grassroots/issues/{issue.pk}/micro/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "计划完成日期" in html and "我的协商记录" in html
    response = client.post(f"/grassroots/issues/{issue.pk}/micro/", {**data, "plan_due_date": "2099-01-01"})
    assert response.status_code == 302
    issue.refresh_from_db()
    # A plan is followed up until it is carried out.
    assert issue.status == IssueStatus.FOLLOW_UP and issue.plan_due_date == datetime.date(2099, 1, 1)
    assert issue.micro_consultations.get().meeting.kind == MeetingKind.MICRO


def test_a_refused_plan_keeps_the_date_and_the_note(client, cast):
    """A plan (制定计划限期解决) with a date in the past is refused: the page keeps what was typed."""
    group = DutyGroupFactory()
    group.members.add(cast.member.member)
    issue = DutyIssueFactory(group=group, created_by=cast.member, status=IssueStatus.INVESTIGATING)
    client.force_login(cast.member)
    response = client.post(
        f"/workflow/grassroots.dutyissue/{issue.pk}/",
        {
            "action": "plan",
            "note": "已与农业农村局商定",
            "data_plan_due_date": "2000-01-01",
            "next": issue.get_absolute_url(),
        },
        follow=True,
    )
    issue.refresh_from_db()
    assert issue.status == IssueStatus.INVESTIGATING
    html = response.content.decode()
    assert 'name="data_plan_due_date" class="form-control mb-2" required value="2000-01-01"' in html
    assert "已与农业农村局商定" in html


def test_an_issue_links_its_group_member_to_a_proposal_drafted_from_it_and_the_clerk_to_none(client, cast):
    import re

    group = DutyGroupFactory()
    group.members.add(cast.member.member)
    issue = DutyIssueFactory(group=group, created_by=cast.member, title="老旧小区加装电梯难")
    client.force_login(cast.clerk)
    clerk_page = client.get(f"/grassroots/issues/{issue.pk}/").content.decode()
    assert "老旧小区加装电梯难" in clerk_page and 'data-testid="draft-proposal"' not in clerk_page
    client.force_login(cast.member)
    page = client.get(f"/grassroots/issues/{issue.pk}/").content.decode()
    url = re.search(r'href="([^"]+)" data-testid="draft-proposal"', page).group(1)
    form = client.get(url)
    assert form.status_code == 200 and form.context["form"].initial["title"] == "老旧小区加装电梯难"
    assert form.context["source"] == issue


def test_issue_pages_are_404_for_citizens(client, cast):
    issue = DutyIssueFactory(created_by=cast.member)
    client.force_login(cast.citizen)
    assert client.get(f"/grassroots/issues/{issue.pk}/").status_code == 404


def test_community_consultation_form_parses_positions_and_tasks(client, cast):
    community = CommunityFactory()
    client.force_login(cast.member)
    data = {
        "community": community.pk,
        "matter": "加装电梯",
        "background": "背景",
        "starts_at": "2023-03-04T14:00",
        "presiding": "社区书记",
        "residents": "一楼住户\n六楼住户",
        "positions": "一楼住户：担心采光\n六楼住户：出行难",
        "agreement_reached": "true",
        "agreement": "同意加装",
        "tasks": "报批；社区居委会；2030-01-01",
    }
    bad = client.post("/grassroots/community/new/", {**data, "tasks": "只有一段"})
    assert bad.status_code == 400 and "格式不对" in bad.content.decode()
    response = client.post("/grassroots/community/new/", data)
    assert response.status_code == 302
    item = CommunityConsultation.objects.get()
    assert item.positions.count() == 2 and item.tasks.get().due_date == datetime.date(2030, 1, 1)
    assert item.meeting.participants.count() == 3
    assert "同意加装" in client.get(item.get_absolute_url()).content.decode()


def test_group_page_query_count_does_not_grow(client, cast, django_assert_max_num_queries):
    group = DutyGroupFactory()
    client.force_login(cast.clerk)
    DutyIssueFactory.create_batch(2, group=group, created_by=cast.member)
    with django_assert_max_num_queries(30) as few:
        client.get(f"/grassroots/groups/{group.pk}/")
    DutyIssueFactory.create_batch(15, group=group, created_by=cast.member)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"/grassroots/groups/{group.pk}/").status_code == 200


def test_office_pages_render_for_the_office(client, cast):
    ws = WorkstationFactory()
    day = ReceptionDayFactory(workstation=ws)
    AppointmentFactory(reception_day=day, name="王五", phone="13812345678", topic="t", reference="YYTEST02")
    client.force_login(cast.clerk)
    assert client.get("/grassroots/office/").status_code == 200
    assert client.get("/grassroots/community/").status_code == 200
    html = client.get(f"/grassroots/office/days/{day.pk}/").content.decode()
    assert "王五" in html and "138****5678" in html


def test_the_workstation_lists_bookings_with_phones_masked_and_reveals_one_on_purpose_audited(client, cast):
    from core.models import PersonalDataAccess

    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    day = ReceptionDayFactory(workstation=ws)
    mine = AppointmentFactory(reception_day=day, name="王五", phone="13812345678", topic="t", reference="YYP1")
    AppointmentFactory(reception_day=day, name="赵六", phone="13987654321", topic="t", reference="YYP2")
    client.force_login(cast.member)
    html = client.get(f"/grassroots/office/days/{day.pk}/").content.decode()
    assert "13812345678" not in html and "138****5678" in html and "139****4321" in html
    assert PersonalDataAccess.objects.count() == 0
    response = client.post(f"/grassroots/office/days/{day.pk}/phone/{mine.pk}/", follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [(f"/grassroots/office/days/{day.pk}/", 302)]
    assert 'href="tel:13812345678"' in html and "13987654321" not in html  # only the booking asked for
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.object_id, access.fields) == (cast.member, mine.pk, "phone")
    assert access.purpose == "联系预约群众"
    # Reloading the page shows it masked again and logs nothing more.
    html = client.get(f"/grassroots/office/days/{day.pk}/").content.decode()
    assert "13812345678" not in html and "138****5678" in html
    assert PersonalDataAccess.objects.count() == 1


def test_only_who_runs_the_workstation_may_reveal_a_bookings_phone(client, cast):
    from core.models import PersonalDataAccess

    day = ReceptionDayFactory(workstation=WorkstationFactory())
    appt = AppointmentFactory(reception_day=day, name="王五", phone="13812345678", topic="t", reference="YYP3")
    client.force_login(cast.chair)  # sees the day, does not run the workstation
    response = client.post(f"/grassroots/office/days/{day.pk}/phone/{appt.pk}/")
    assert response.status_code == 403 and "13812345678" not in response.content.decode()
    client.force_login(cast.member)  # a member of another workstation does not even see the day
    assert client.post(f"/grassroots/office/days/{day.pk}/phone/{appt.pk}/").status_code in (403, 404)
    assert client.get(f"/grassroots/office/days/{day.pk}/phone/{appt.pk}/").status_code == 405
    assert PersonalDataAccess.objects.count() == 0


def test_appointment_contacts_masked_for_non_handlers(client, cast):
    ws = WorkstationFactory()
    day = ReceptionDayFactory(workstation=ws)
    AppointmentFactory(reception_day=day, name="王五", phone="13812345678", topic="t", reference="YYTEST03")
    client.force_login(cast.chair)
    html = client.get(f"/grassroots/office/days/{day.pk}/").content.decode()
    assert "138****5678" in html and "13812345678" not in html


def test_collecting_an_issue_on_an_appeal_another_group_works_on_says_so_beside_the_code(client, cast):
    from intake.tests.factories import AppealFactory

    appeal = AppealFactory()
    busy = DutyIssueFactory(title="燃气储配站搬迁", appeal=appeal, source="appeal", created_by=cast.member)
    group = DutyGroupFactory()
    group.members.add(cast.member.member)
    client.force_login(cast.member)
    data = {"title": "燃气站安全隐患", "description": "居民担心", "appeal_code": appeal.tracking_code}
    response = client.post(f"/grassroots/groups/{group.pk}/issues/", {**data, "collected_on": "2024-03-05"})
    assert response.status_code == 400
    form = response.context["form"]
    assert busy.group.name in form.errors["appeal_code"][0] and "燃气储配站搬迁" in form.errors["appeal_code"][0]
    assert form["title"].value() == "燃气站安全隐患"
    assert group.issues.count() == 0


def test_an_issues_appeal_is_named_by_its_tracking_code_only_for_who_may_see_the_code(client, cast):
    from intake.tests.factories import AppealFactory

    appeal = AppealFactory(title="燃气储配站离小区太近")
    issue = DutyIssueFactory(title="燃气储配站搬迁", appeal=appeal, source="appeal", created_by=cast.member)
    issue.group.members.add(cast.member.member)
    # The clerk answers the citizen with the code: shown, linked to the appeal.
    client.force_login(cast.clerk)
    html = client.get(f"/grassroots/issues/{issue.pk}/").content.decode()
    assert appeal.tracking_code in html and f'href="{appeal.get_absolute_url()}"' in html
    # A member of the group and a leader read the appeal by its title, never by the citizen's key.
    for who in (cast.member, cast.chair):
        client.force_login(who)
        html = client.get(f"/grassroots/issues/{issue.pk}/").content.decode()
        assert appeal.tracking_code not in html and "燃气储配站离小区太近" in html


def test_citizen_cannot_open_the_grassroots_office(client, cast):
    client.force_login(cast.citizen)
    assert client.get("/grassroots/office/").status_code == 403


@pytest.mark.parametrize("who", ["citizen", "liaison", "expert"])
def test_duty_groups_and_community_consultations_are_not_shown_outside_the_committee(client, cast, who):
    issue = DutyIssueFactory(title="燃气公司搬迁", created_by=cast.member)
    community = CommunityFactory()
    client.force_login(cast.member)
    client.post(
        "/grassroots/community/new/",
        {
            "community": community.pk,
            "matter": "加装电梯",
            "background": "背景",
            "starts_at": "2023-03-04T14:00",
            "residents": "六楼住户王某",
        },
    )
    item = CommunityConsultation.objects.get()
    client.force_login(getattr(cast, who))
    assert client.get(f"/grassroots/groups/{issue.group.pk}/").status_code == 404
    assert client.get(item.get_absolute_url()).status_code == 404
    client.force_login(cast.member)
    assert "燃气公司搬迁" in client.get(f"/grassroots/groups/{issue.group.pk}/").content.decode()
    assert client.get(item.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("year", ["0", "99999", "-5", "abc"])
def test_a_year_no_calendar_has_shows_the_current_year(client, cast, year):
    ws = WorkstationFactory()
    group = DutyGroupFactory()
    client.force_login(cast.clerk)
    assert client.get(f"/grassroots/office/workstations/{ws.pk}/", {"year": year}).status_code == 200
    assert client.get(f"/grassroots/groups/{group.pk}/", {"year": year}).status_code == 200


def test_a_booking_cannot_be_marked_attended_before_its_reception_day(client, cast):
    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    day = ReceptionDayFactory(workstation=ws, date=timezone.localdate() + datetime.timedelta(days=6))
    appt = AppointmentFactory(reception_day=day, name="甲", phone="1", topic="t", reference="YYTEST04")
    client.force_login(cast.member)
    page = client.get(f"/grassroots/office/days/{day.pk}/").content.decode()
    assert "登记已接待" not in page
    response = client.post(f"/grassroots/office/days/{day.pk}/attended/{appt.pk}/", {"summary": "已解答"}, follow=True)
    assert "接待日还没到" in response.content.decode()
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.BOOKED and not Contact.objects.exists()


# ---- 取消预约: the resident cancels with the reference and the phone number --------------------


_OTHER_PHONES = itertools.count(1)


def booked(client, day, **extra):
    """Book on the public page; returns the booking (its reference was shown on success). A second
    booking on the same day is another resident's (one phone books a day once)."""
    if "phone" not in extra and day.appointments.filter(status=Appointment.Status.BOOKED).exists():
        extra["phone"] = f"1390000{next(_OTHER_PHONES):04d}"
    response = client.post(day.workstation.get_absolute_url(), booking(day, **extra), follow=True)
    appointment = Appointment.objects.latest("id")
    assert "预约成功" in response.content.decode() and appointment.reference in response.content.decode()
    assert "取消预约" in response.content.decode()
    return appointment


def test_the_resident_cancels_and_the_calendar_offers_the_place_again(client):
    day = ReceptionDayFactory(capacity=1)
    appointment = booked(client, day)
    assert "已约满" in client.get(day.workstation.get_absolute_url()).content.decode()
    page = client.get(day.workstation.get_absolute_url()).content.decode()
    assert 'href="/grassroots/bookings/cancel/"' in page
    assert client.get("/grassroots/bookings/cancel/").status_code == 200
    response = client.post(
        "/grassroots/bookings/cancel/", {"reference": appointment.reference.lower(), "phone": "13800000000"}
    )
    assert response.status_code == 302 and response.url == day.workstation.get_absolute_url()
    html = client.get(response.url).content.decode()
    assert f"预约 {appointment.reference}" in html and "已取消，名额已释放" in html
    assert "余1个名额" in html and "已约满" not in html
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED


def test_a_wrong_phone_is_told_as_an_unknown_reference_and_keeps_what_was_typed(client):
    appointment = booked(client, ReceptionDayFactory())
    wrong_phone = client.post(
        "/grassroots/bookings/cancel/", {"reference": appointment.reference, "phone": "13911112222"}
    )
    unknown = client.post("/grassroots/bookings/cancel/", {"reference": "YYZZZZZZ", "phone": "13800000000"})
    assert wrong_phone.status_code == unknown.status_code == 400

    def error(response):
        return response.content.decode().split('class="alert alert-danger" role="alert">')[1].split("<")[0]

    assert error(wrong_phone) == error(unknown) == "预约号或预约时填写的联系电话不正确，请核对后重试。"
    html = wrong_phone.content.decode()
    assert f'value="{appointment.reference}"' in html and 'value="13911112222"' in html
    assert client.post("/grassroots/bookings/cancel/", {"reference": "", "phone": "abc"}).status_code == 400
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_cancelling_is_rate_limited_per_address_and_per_reference(client):
    appointment = booked(client, ReceptionDayFactory())
    url = "/grassroots/bookings/cancel/"
    for i in range(10):
        client.post(url, {"reference": f"YYAAAA{i:02d}", "phone": "13800000000"})
    response = client.post(url, {"reference": appointment.reference, "phone": "13800000000"})
    html = response.content.decode()
    assert response.status_code == 429 and "尝试次数太多" in html and appointment.reference in html
    # Guesses at one booking's phone from many addresses are slowed down too.
    for i in range(5):
        client.post(url, {"reference": appointment.reference, "phone": f"1390000000{i}"}, REMOTE_ADDR=f"10.0.0.{i}")
    response = client.post(url, {"reference": appointment.reference, "phone": "13800000000"}, REMOTE_ADDR="10.0.1.1")
    assert response.status_code == 429
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_the_office_day_page_counts_only_live_bookings(client, cast):
    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    day = ReceptionDayFactory(workstation=ws, capacity=2)
    first = booked(client, day)
    booked(client, day)
    client.post("/grassroots/bookings/cancel/", {"reference": first.reference, "phone": "13800000000"})
    client.force_login(cast.member)
    html = client.get(f"/grassroots/office/days/{day.pk}/").content.decode()
    assert 'data-testid="taken">1<' in html and "已取消" in html


# ---- the workstation's side of a booking: cancel for the resident, not come, cancel the whole day --


def test_the_day_page_offers_each_booking_what_its_state_allows_and_records_why(client, cast):
    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    day = ReceptionDayFactory(workstation=ws, capacity=3)  # next week
    appointment = booked(client, day)
    client.force_login(cast.member)
    page = client.get(f"/grassroots/office/days/{day.pk}/").content.decode()
    assert 'data-testid="action-cancel_for_resident"' in page
    assert 'data-testid="action-no_show"' not in page  # not before the day has started
    url, back = f"/workflow/grassroots.appointment/{appointment.pk}/", f"/grassroots/office/days/{day.pk}/"
    refused = client.post(url, {"action": "cancel_for_resident", "note": "", "next": back}, follow=True)
    assert "需要填写取消原因" in refused.content.decode()
    done = client.post(url, {"action": "cancel_for_resident", "note": "群众来电：家中有事", "next": back}, follow=True)
    html = done.content.decode()
    assert done.redirect_chain[-1][0] == f"/grassroots/office/days/{day.pk}/"
    assert 'data-testid="taken">0<' in html and "代预约人取消" in html and "群众来电：家中有事" in html
    assert 'data-testid="action-cancel_for_resident"' not in html
    # Who only sees the day (a chair) is offered nothing and refused if they try.
    client.force_login(cast.chair)
    other = booked(client, day)
    assert 'data-testid="action-' not in client.get(f"/grassroots/office/days/{day.pk}/").content.decode()
    client.post(url.replace(str(appointment.pk), str(other.pk)), {"action": "cancel_for_resident", "note": "x"})
    other.refresh_from_db()
    assert other.status == Appointment.Status.BOOKED


def test_the_workstation_cancels_a_reception_day_and_residents_see_why(client, cast):
    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    day = ReceptionDayFactory(workstation=ws, capacity=3)
    later = ReceptionDayFactory(workstation=ws, date=day.date + datetime.timedelta(days=1))
    appointment = booked(client, day)
    client.force_login(cast.member)
    refused = client.post(f"/grassroots/office/days/{day.pk}/cancel/", {"reason": ""})
    assert refused.status_code == 400 and 'data-testid="cancel-day-form"' in refused.content.decode()
    done = client.post(f"/grassroots/office/days/{day.pk}/cancel/", {"reason": "台风红色预警"}, follow=True)
    html = done.content.decode()
    assert "1个预约随之取消" in html and 'data-testid="day-cancelled"' in html and "台风红色预警" in html
    assert 'data-testid="reveal-phone"' in html  # the list of whom to phone
    assert 'data-testid="cancel-day-form"' not in html
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    office = client.get(f"/grassroots/office/workstations/{ws.pk}/").content.decode()
    assert f'href="/grassroots/office/days/{day.pk}/"' in office  # still listed for the office
    client.logout()
    public = client.get(ws.get_absolute_url()).content.decode()
    assert "台风红色预警" in public and 'data-testid="cancelled-days"' in public
    assert f'value="{day.pk}"' not in public and f'value="{later.pk}"' in public
    response = client.post(ws.get_absolute_url(), booking(day))
    assert response.status_code == 400 and Appointment.objects.count() == 1
    ics = Calendar.from_ical(client.get(f"/grassroots/workstations/{ws.pk}/calendar.ics").content)
    assert [str(e.get("status")) for e in ics.walk("VEVENT")] == ["CANCELLED", "CONFIRMED"]


def test_the_day_page_query_count_does_not_grow_with_bookings(client, cast, django_assert_max_num_queries):
    from core.models import StatusChange

    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    day = ReceptionDayFactory(workstation=ws, capacity=20)
    booked(client, day)
    client.force_login(cast.member)
    with django_assert_max_num_queries(40) as few:
        assert client.get(f"/grassroots/office/days/{day.pk}/").status_code == 200
    first = len(few.captured_queries)  # now: each request empties the connection's query log
    for _ in range(8):
        booked(client, day)
    for appointment in Appointment.objects.all()[:4]:
        client.post(
            f"/workflow/grassroots.appointment/{appointment.pk}/",
            {"action": "cancel_for_resident", "note": "来电取消"},
        )
    assert StatusChange.objects.count() == 4
    with django_assert_max_num_queries(first):
        assert client.get(f"/grassroots/office/days/{day.pk}/").status_code == 200


def test_a_booking_left_unrecorded_after_its_day_waits_on_the_members_dashboard(client, cast):
    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    past = ReceptionDayFactory(workstation=ws, date=timezone.localdate() - datetime.timedelta(days=2))
    coming = ReceptionDayFactory(workstation=ws)
    left = AppointmentFactory(reception_day=past, name="甲", phone="1", topic="t", reference="YYDASH1")
    AppointmentFactory(reception_day=coming, name="乙", phone="2", topic="t", reference="YYDASH2")
    client.force_login(cast.member)
    page = client.get("/office/").content.decode()
    assert "YYDASH1" in page and f'href="/grassroots/office/days/{past.pk}/"' in page and "YYDASH2" not in page
    client.post(f"/workflow/grassroots.appointment/{left.pk}/", {"action": "no_show", "note": "电话未接"})
    left.refresh_from_db()
    assert left.status == Appointment.Status.NO_SHOW
    assert "YYDASH1" not in client.get("/office/").content.decode()
    client.force_login(cast.other_member)  # sits in no workstation
    assert "YYDASH" not in client.get("/office/").content.decode()


def test_a_refused_note_goes_back_into_that_bookings_box_only(client, cast):
    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    day = ReceptionDayFactory(workstation=ws, capacity=3)
    first, second = booked(client, day), booked(client, day)
    client.force_login(cast.member)
    back = f"/grassroots/office/days/{day.pk}/"
    too_long = "群众来电" * 1300  # over the 5,000 characters a note may have
    page = client.post(
        f"/workflow/grassroots.appointment/{second.pk}/",
        {"action": "cancel_for_resident", "note": too_long, "next": back},
        follow=True,
    ).content.decode()
    assert "5000" in page and page.count(too_long) == 1
    box = page[page.index(f'data-testid="appointment-{second.reference}"') :]
    assert f'value="{too_long}"' in box[: box.index("</li>")]
    second.refresh_from_db()
    assert first.status == second.status == Appointment.Status.BOOKED
    # Refused for someone offered nothing on the page (a chair): the note is shown on its own.
    client.force_login(cast.chair)
    page = client.post(
        f"/workflow/grassroots.appointment/{first.pk}/",
        {"action": "cancel_for_resident", "note": "主席代为取消", "next": back},
        follow=True,
    ).content.decode()
    assert 'data-testid="unsaved-elsewhere"' in page and "主席代为取消" in page


def test_a_booking_the_office_registers_counts_for_the_members_on_duty(client, cast):
    ws = WorkstationFactory()
    on_duty = MemberFactory()
    ws.members.add(on_duty)
    day = ReceptionDayFactory(workstation=ws, date=timezone.localdate())
    day.on_duty.add(on_duty)
    appt = AppointmentFactory(reception_day=day, name="甲", phone="1", topic="t", reference="YYTEST09")
    client.force_login(cast.clerk)
    client.post(f"/grassroots/office/days/{day.pk}/attended/{appt.pk}/", {"summary": "已解答"})
    appt.refresh_from_db()
    assert list(appt.contact.members.all()) == [on_duty]


@pytest.mark.parametrize("role", ["info", "research", "proposal"])
def test_other_offices_read_a_reception_day_but_do_not_run_it(client, cast, role):
    """The clerks and the workstation's members call residents and cancel days; other offices only read."""
    day = ReceptionDayFactory(workstation=WorkstationFactory())
    appt = AppointmentFactory(reception_day=day, name="王五", phone="13812345678", topic="t", reference="YYO1")
    client.force_login(getattr(cast, role))
    page = client.get(f"/grassroots/office/days/{day.pk}/").content.decode()
    assert "138****5678" in page and 'data-testid="reveal-phone"' not in page
    assert 'data-testid="cancel-day-form"' not in page and 'data-testid="action-' not in page
    assert client.post(f"/grassroots/office/days/{day.pk}/phone/{appt.pk}/").status_code == 403
    client.post(f"/grassroots/office/days/{day.pk}/cancel/", {"reason": "台风"})
    day.refresh_from_db()
    assert not day.is_cancelled


def test_an_issue_whose_proposal_was_submitted_online_links_to_it_and_offers_no_paper_record(client, cast):
    from core.workflow import perform
    from proposals.models import Kind
    from proposals.services.drafting import create_proposal

    group = DutyGroupFactory()
    group.members.add(cast.member.member)
    issue = DutyIssueFactory(group=group, created_by=cast.member)
    client.force_login(cast.member)
    assert "记录已提交的提案" in client.get(f"/grassroots/issues/{issue.pk}/").content.decode()
    proposal = create_proposal(
        actor=cast.member,
        kind=Kind.INDIVIDUAL,
        title="关于通勤班车的建议",
        case="c",
        analysis="a",
        suggestions="s",
        source=issue,
    )
    perform(proposal, "submit", actor=cast.member)
    page = client.get(f"/grassroots/issues/{issue.pk}/").content.decode()
    assert f'href="/proposals/{proposal.pk}/">关于通勤班车的建议</a>' in page
    assert "记录已提交的提案" not in page
    # Who may not open the proposal reads its title, with no link to a page that would be a 404.
    client.force_login(cast.research)
    page = client.get(f"/grassroots/issues/{issue.pk}/").content.decode()
    assert "关于通勤班车的建议" in page and f'href="/proposals/{proposal.pk}/"' not in page


def test_the_day_page_lets_a_workstation_member_sign_up_for_duty_and_keeps_a_refused_choice(client, cast):
    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    day = ReceptionDayFactory(workstation=ws, date=timezone.localdate() + datetime.timedelta(days=7))
    client.force_login(cast.member)
    page = client.get(f"/grassroots/office/days/{day.pk}/").content.decode()
    assert 'data-testid="roster-form"' in page
    response = client.post(f"/grassroots/office/days/{day.pk}/roster/", {"note": "先写说明"})
    assert response.status_code == 400 and "先写说明" in response.content.decode()
    response = client.post(
        f"/grassroots/office/days/{day.pk}/roster/",
        {"members": [cast.member.member.pk], "note": "我来值班"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/grassroots/office/days/{day.pk}/"
    page = response.content.decode()
    assert list(day.on_duty.all()) == [cast.member.member]
    assert 'data-testid="roster-change"' in page and "我来值班" in page
    client.force_login(cast.chair)  # reads the day, does not run the workstation
    assert 'data-testid="roster-form"' not in client.get(f"/grassroots/office/days/{day.pk}/").content.decode()
    assert client.post(f"/grassroots/office/days/{day.pk}/roster/", {"members": []}).status_code in (400, 403, 404)
