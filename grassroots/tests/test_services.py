import datetime

import pytest
import time_machine
from django.utils import timezone

from consultations.models import Meeting, MeetingKind, ParticipantRole
from core.exceptions import Refused
from district.tests.factories import CommunityFactory, DepartmentFactory, MemberFactory
from grassroots import selectors, services
from grassroots.models import Appointment, Contact, IssueStatus, WorkstationService
from grassroots.tests.factories import DutyGroupFactory, DutyIssueFactory, ReceptionDayFactory, WorkstationFactory
from intake.models import Outcome
from intake.tests.factories import AppealFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("year", "month", "saturday"),
    [(2022, 1, 8), (2022, 10, 8), (2023, 4, 8), (2023, 7, 8), (2024, 6, 8), (2022, 5, 14)],
)
def test_reception_weekend_is_the_second_saturday_and_the_sunday_after(year, month, saturday):
    sat, sun = services.reception_weekend(year, month)
    assert sat == datetime.date(year, month, saturday) and sat.weekday() == 5
    assert sun == sat + datetime.timedelta(days=1)


def test_week_of_month_comes_from_configuration():
    from constance import config

    config.RECEPTION_WEEK_OF_MONTH = 1
    assert services.reception_weekend(2022, 5) == (datetime.date(2022, 5, 7), datetime.date(2022, 5, 8))


def test_generating_days_is_idempotent_and_rotates_the_roster(cast):
    ws = WorkstationFactory()
    members = MemberFactory.create_batch(4)
    ws.members.set(members)
    days = services.generate_reception_days(workstation=ws, start=datetime.date(2022, 1, 1), months=3, actor=cast.clerk)
    assert [d.date.isoformat() for d in days] == [
        "2022-01-08",
        "2022-01-09",
        "2022-02-12",
        "2022-02-13",
        "2022-03-12",
        "2022-03-13",
    ]
    assert {m.pk for m in days[0].on_duty.all()} != {m.pk for m in days[1].on_duty.all()}
    again = services.generate_reception_days(
        workstation=ws, start=datetime.date(2022, 1, 1), months=3, actor=cast.clerk
    )
    assert again == [] and ws.reception_days.count() == 6
    # The district moves its reception weekend: months already arranged keep theirs, new months follow.
    from constance.test import override_config

    with override_config(RECEPTION_WEEK_OF_MONTH=1):
        moved = services.generate_reception_days(
            workstation=ws, start=datetime.date(2022, 1, 1), months=4, actor=cast.clerk
        )
    assert [d.date.isoformat() for d in moved] == ["2022-04-02", "2022-04-03"]


def test_only_the_workstation_or_office_generates_days(cast):
    with pytest.raises(Refused):
        services.generate_reception_days(
            workstation=WorkstationFactory(), start=datetime.date(2022, 1, 1), months=1, actor=cast.member
        )


def book(day, name="张三", phone="13800000000"):
    return services.book_appointment(day=day, name=name, phone=phone, topic="咨询社保", service="policy")


def test_booking_respects_capacity_with_a_clear_message():
    day = ReceptionDayFactory(capacity=2)
    book(day)
    book(day, "李四", phone="13800000001")
    with pytest.raises(Refused) as err:
        book(day, "王五", phone="13800000002")
    assert "已满" in str(err.value.message) and "2" in str(err.value.message)
    first = day.appointments.first()
    first.status = Appointment.Status.CANCELLED
    first.save()
    assert book(day, "王五", phone="13800000002").reference.startswith("YY")


def test_booking_a_past_or_cancelled_day_is_refused():
    past = ReceptionDayFactory(date=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(Refused) as err:
        book(past)
    assert "已经过去" in str(err.value.message)
    cancelled = ReceptionDayFactory(is_cancelled=True)
    with pytest.raises(Refused) as err:
        book(cancelled)
    assert "已取消" in str(err.value.message)


def test_booking_stores_contact_encrypted():
    from django.db import connection

    appointment = book(ReceptionDayFactory())
    with connection.cursor() as cur:
        cur.execute("SELECT phone FROM grassroots_appointment WHERE id = %s", [appointment.pk])
        assert "13800000000" not in cur.fetchone()[0]


def test_contacts_count_walk_ins_and_booked_visits_and_the_report_computes(cast):
    from opinions.services import draft_report

    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    day = ReceptionDayFactory(workstation=ws, date=datetime.date(2022, 3, 12))
    appointment = Appointment.objects.create(
        reception_day=day,
        name="甲",
        phone="1",
        topic="t",
        service=WorkstationService.objects.get(code="policy"),
        reference="YYAAAAAA",
    )
    services.log_contact(
        workstation=ws,
        kind=Contact.Kind.RECEPTION,
        on=day.date,
        service="policy",
        summary="咨询医保",
        appointment=appointment,
        actor=cast.member,
    )
    services.log_contact(
        workstation=ws,
        kind=Contact.Kind.RECEPTION,
        on=day.date,
        service="mediation",
        summary="邻里纠纷",
        people_count=3,
        reception_day=day,
        actor=cast.member,
    )
    services.log_contact(
        workstation=ws,
        kind=Contact.Kind.VISIT_OUT,
        on=datetime.date(2022, 3, 20),
        service="family_visit",
        summary="走访困难户",
        people_count=2,
        actor=cast.member,
    )
    with time_machine.travel(datetime.datetime(2022, 3, 21, 10, tzinfo=datetime.UTC)):
        draft_report(title="信息", body="正文", author=cast.member, provider=ws)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.ATTENDED
    report = selectors.workstation_report(ws, start=datetime.date(2022, 1, 1), end=datetime.date(2022, 12, 31))
    assert (report["contacts"], report["people_advised"], report["walk_ins"]) == (3, 6, 1)
    assert (report["receptions"], report["visits_out"], report["information_items"]) == (2, 1, 1)
    assert dict(report["by_service"])["矛盾调解"] == 1
    empty = selectors.workstation_report(ws, start=datetime.date(2023, 1, 1), end=datetime.date(2023, 12, 31))
    assert (empty["contacts"], empty["people_advised"], empty["information_items"]) == (0, 0, 0)


def test_contact_in_the_future_is_refused(cast):
    ws = WorkstationFactory()
    with pytest.raises(Refused):
        services.log_contact(
            workstation=ws,
            kind=Contact.Kind.VISIT_OUT,
            on=timezone.localdate() + datetime.timedelta(days=2),
            service="social",
            summary="x",
            actor=cast.clerk,
        )


@pytest.fixture
def group(cast):
    g = DutyGroupFactory(room="经贸界别活动室")
    g.members.add(cast.member.member)
    return g


def test_issue_from_an_appeal_keeps_the_link_and_place(cast, group):
    appeal = AppealFactory(town=CommunityFactory().town)
    issue = services.collect_issue(group=group, title="燃气公司搬迁", description="d", appeal=appeal, actor=cast.member)
    assert issue.source == "appeal" and issue.town == appeal.town and issue.status == IssueStatus.COLLECTED


def test_an_appeal_an_open_issue_carries_is_refused_naming_that_issue_and_its_group(cast, group):
    appeal = AppealFactory()
    other = DutyGroupFactory(name="教育界别委员履职小组")
    other.members.add(cast.member.member)
    first = services.collect_issue(
        group=other, title="学校门口交通拥堵", description="d", appeal=appeal, actor=cast.member
    )
    for status in (IssueStatus.COLLECTED, IssueStatus.INVESTIGATING):
        type(first).objects.filter(pk=first.pk).update(status=status)
        with pytest.raises(Refused) as refused:
            services.collect_issue(group=group, title="又一个", description="d", appeal=appeal, actor=cast.member)
        message = str(refused.value.message)
        # The member of the group is not one the appeal's tracking code is shown to (the citizen's key:
        # intake.predicates.shows_tracking_code): named without it.
        assert (
            appeal.tracking_code not in message and "教育界别委员履职小组" in message and "学校门口交通拥堵" in message
        )
        assert refused.value.fields == {"appeal_code": message}
    # A clerk, who answers the citizen with the code, is told it.
    with pytest.raises(Refused) as refused:
        services.collect_issue(group=group, title="又一个", description="d", appeal=appeal, actor=cast.clerk)
    message = str(refused.value.message)
    assert appeal.tracking_code in message and "教育界别委员履职小组" in message
    assert list(appeal.duty_issues.all()) == [first]


def test_an_appeal_whose_issue_is_closed_may_be_taken_up_again_and_the_page_shows_the_earlier_one(client, cast, group):
    appeal = AppealFactory()
    first = services.collect_issue(group=group, title="货车夜间扰民", description="d", appeal=appeal, actor=cast.member)
    first.status, first.outcome = IssueStatus.RESOLVED, Outcome.PLAN
    first.save(update_fields=["status", "outcome"])
    again = services.collect_issue(
        group=group, title="货车夜间扰民（再次反映）", description="d", appeal=appeal, actor=cast.member
    )
    assert again.appeal == appeal and selectors.issues_on_same_appeal(again) == [first]
    client.force_login(cast.member)
    page = client.get(again.get_absolute_url()).content.decode()
    shown = page.split('data-testid="same-appeal"')[1].split("</div>")[0]
    assert "货车夜间扰民" in shown and first.get_absolute_url() in shown and "已办结" in shown
    assert (
        'data-testid="same-appeal"'
        not in client.get(
            services.collect_issue(group=group, title="无诉求", description="d", actor=cast.member).get_absolute_url()
        ).content.decode()
    )


def test_outsider_cannot_collect_for_a_group(cast, group):
    with pytest.raises(Refused):
        services.collect_issue(group=group, title="t", description="d", actor=cast.other_member)


def test_micro_consultation_creates_the_meeting_and_resolves_the_issue(cast, group):
    dept = DepartmentFactory(name="住建局", head_name="林局长")
    issue = DutyIssueFactory(group=group, created_by=cast.member)
    micro = services.log_micro_consultation(
        issue=issue,
        starts_at=timezone.now(),
        department=dept,
        dept_head_name="林局长",
        residents=["居民甲", "居民乙", " "],
        summary="现场协商",
        outcome=Outcome.ON_THE_SPOT,
        outcome_note="当场明确由燃气公司负责整改",
        actor=cast.member,
        members=[cast.member.member],
    )
    meeting = Meeting.objects.get(pk=micro.meeting_id)
    assert meeting.kind == MeetingKind.MICRO and meeting.subject == issue
    roles = sorted(meeting.participants.values_list("role", flat=True))
    assert roles == sorted([ParticipantRole.DEPT_HEAD, ParticipantRole.MEMBER, "resident", "resident"])
    issue.refresh_from_db()
    assert issue.status == IssueStatus.RESOLVED and issue.outcome == Outcome.ON_THE_SPOT
    with pytest.raises(Refused):
        services.log_micro_consultation(
            issue=issue,
            starts_at=timezone.now(),
            department=dept,
            dept_head_name="",
            residents=["甲"],
            summary="s",
            outcome=Outcome.EXPLANATION,
            outcome_note="n",
            actor=cast.member,
        )


def test_only_the_group_members_ticked_are_recorded_present(cast, group):
    """Each member recorded present earns duty points: only those who were there, and of this group."""
    from district.tests.factories import MemberFactory

    there, away = cast.member.member, MemberFactory()
    group.members.add(away)
    kwargs = dict(
        starts_at=timezone.now(),
        department=DepartmentFactory(),
        dept_head_name="x",
        residents=["甲"],
        summary="s",
        outcome=Outcome.EXPLANATION,
        outcome_note="n",
        actor=cast.member,
    )
    issue = DutyIssueFactory(group=group, created_by=cast.member)
    with pytest.raises(Refused) as err:
        services.log_micro_consultation(issue=issue, members=[], **kwargs)
    assert "members" in err.value.fields
    with pytest.raises(Refused):
        services.log_micro_consultation(issue=issue, members=[there, MemberFactory()], **kwargs)
    assert not Meeting.objects.exists()
    micro = services.log_micro_consultation(issue=issue, members=[there], **kwargs)
    present = Meeting.objects.get(pk=micro.meeting_id).participants.filter(role=ParticipantRole.MEMBER)
    assert list(present.values_list("member", flat=True)) == [there.pk]


def test_micro_consultation_needs_residents_and_a_plan_date(cast, group):
    issue = DutyIssueFactory(group=group, created_by=cast.member)
    kwargs = dict(
        issue=issue,
        starts_at=timezone.now(),
        department=DepartmentFactory(),
        dept_head_name="x",
        summary="s",
        outcome_note="n",
        actor=cast.member,
        members=[cast.member.member],
    )
    with pytest.raises(Refused):
        services.log_micro_consultation(residents=[], outcome=Outcome.ON_THE_SPOT, **kwargs)
    with pytest.raises(Refused) as err:
        services.log_micro_consultation(residents=["甲"], outcome=Outcome.PLAN, **kwargs)
    assert "计划完成日期" in str(err.value.message)
    assert not Meeting.objects.exists()


def test_group_report_counts_issues_micro_consultations_and_proposals(cast, group):
    for i in range(3):
        issue = DutyIssueFactory(group=group, created_by=cast.member, collected_on=datetime.date(2022, 4, i + 1))
    services.link_proposal(
        issue=issue, title="关于燃气公司搬迁的提案", submitted_on=datetime.date(2022, 5, 1), actor=cast.member
    )
    services.log_micro_consultation(
        issue=issue,
        starts_at=timezone.make_aware(datetime.datetime(2022, 5, 2, 9)),
        department=DepartmentFactory(),
        dept_head_name="x",
        residents=["甲"],
        summary="s",
        outcome=Outcome.EXPLANATION,
        outcome_note="n",
        actor=cast.member,
        members=[cast.member.member],
    )
    DutyIssueFactory(group=DutyGroupFactory(), created_by=cast.member, collected_on=datetime.date(2022, 4, 1))
    report = selectors.group_report(group, start=datetime.date(2022, 1, 1), end=datetime.date(2022, 12, 31))
    assert (report["issues"], report["micro_consultations"], report["proposals"]) == (3, 1, 1)
    assert report["outcomes"] == {"explanation": 1}


def test_community_consultation_records_positions_agreement_and_tasks(cast):
    community = CommunityFactory()
    cc = services.hold_community_consultation(
        community=community,
        matter="老旧小区加装电梯",
        background="一楼住户反对",
        starts_at=timezone.now(),
        participants=[("社区书记", "presiding"), ("一楼住户", "resident"), ("某委员", "member")],
        positions=[("一楼住户", "担心采光"), ("高层住户", "出行困难")],
        mediation_record="委员协调，高层住户给予补偿",
        agreement_reached=True,
        agreement="加装，高层住户补偿一楼",
        tasks=[("办理加装审批", "社区居委会", datetime.date(2030, 1, 1))],
        actor=cast.member,
    )
    assert cc.meeting.kind == MeetingKind.COMMUNITY and cc.meeting.community == community
    assert cc.meeting.subject == cc
    assert cc.positions.count() == 2 and cc.tasks.get().responsible == "社区居委会"
    assert cc.meeting.participants.count() == 3
    services.complete_follow_up(task=cc.tasks.get(), actor=cast.member, note="审批已办结")
    assert cc.tasks.get().done_at is not None


def test_agreement_reached_needs_its_text(cast):
    with pytest.raises(Refused):
        services.hold_community_consultation(
            community=CommunityFactory(),
            matter="m",
            background="b",
            starts_at=timezone.now(),
            agreement_reached=True,
            actor=cast.member,
        )
    with pytest.raises(Refused):
        services.hold_community_consultation(
            community=CommunityFactory(), matter="m", background="b", starts_at=timezone.now(), actor=cast.liaison
        )


def test_a_micro_consultation_cannot_be_recorded_before_it_takes_place(cast, group):
    issue = DutyIssueFactory(group=group, created_by=cast.member)
    with pytest.raises(Refused) as err:
        services.log_micro_consultation(
            issue=issue,
            starts_at=timezone.now() + datetime.timedelta(days=3),
            department=DepartmentFactory(),
            dept_head_name="x",
            residents=["甲"],
            summary="s",
            outcome=Outcome.ON_THE_SPOT,
            outcome_note="n",
            actor=cast.member,
            members=[cast.member.member],
        )
    assert err.value.message == "日期不能晚于今天。"
    issue.refresh_from_db()
    assert issue.status == IssueStatus.COLLECTED and not Meeting.objects.exists()


def test_the_workstation_report_counts_appeals_withdrawn_by_their_citizens_apart(cast):
    from core.workflow import perform
    from intake.models import AppealStatus, Route

    ws = WorkstationFactory()
    AppealFactory(route=Route.WORKSTATION, workstation=ws, status=AppealStatus.CLOSED)
    AppealFactory(route=Route.WORKSTATION, workstation=ws, status=AppealStatus.ROUTED)
    withdrawn = AppealFactory(route=Route.WORKSTATION, workstation=ws, status=AppealStatus.ROUTED, citizen=cast.citizen)
    perform(withdrawn, "withdraw", actor=cast.citizen)
    today = timezone.localdate()
    report = selectors.workstation_report(ws, start=today.replace(month=1, day=1), end=today)
    assert (report["appeals"], report["appeals_closed"], report["appeals_withdrawn"]) == (3, 1, 1)


# ---- the resident cancels a booking ------------------------------------------------------------


def book_by_phone(day, phone="13800000000"):
    return services.book_appointment(day=day, name="张三", phone=phone, topic="咨询医保报销", service="policy")


def test_cancelling_frees_the_place_and_leaves_an_audit_record():
    day = ReceptionDayFactory(capacity=1)
    appointment = book_by_phone(day, phone="138 0000 0000")
    with pytest.raises(Refused, match="预约已满"):
        book_by_phone(day, phone="13900000000")
    typed = " " + appointment.reference.lower()[:4] + "-" + appointment.reference.lower()[4:]
    cancelled = services.cancel_appointment(reference=typed, phone="138-0000-0000")
    assert cancelled.pk == appointment.pk and cancelled.status == Appointment.Status.CANCELLED
    assert services.booked_count(day) == 0
    assert selectors.upcoming_days(day.workstation)[0].places_left == 1
    record = appointment.history.latest()
    assert (record.status, record.history_type, record.history_user) == ("cancelled", "~", None)
    assert record.history_change_reason.startswith("cancel")
    assert book_by_phone(day).status == Appointment.Status.BOOKED  # the freed place can be taken again


def test_a_wrong_phone_and_an_unknown_reference_get_the_same_answer():
    appointment = book_by_phone(ReceptionDayFactory())
    answers = []
    for reference, phone in ((appointment.reference, "13900000000"), ("YYZZZZZZ", "13800000000"), ("", "1380")):
        with pytest.raises(Refused) as refused:
            services.cancel_appointment(reference=reference, phone=phone)
        answers.append(refused.value.message)
    assert len(set(answers)) == 1 and "预约号或预约时填写的联系电话不正确" in answers[0]
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_cancelling_is_refused_once_the_reception_day_has_started():
    ws = WorkstationFactory(phone="0592-7000000")
    day = ReceptionDayFactory(workstation=ws, date=datetime.date(2030, 6, 8))
    appointment = book_by_phone(day)
    with time_machine.travel(datetime.datetime(2030, 6, 8, 9, 0, tzinfo=timezone.get_current_timezone())):
        with pytest.raises(
            Refused, match="2030-06-08的接待日已经开始，不能在线取消预约。如不能到场，请致电工作室：0592-7000000"
        ):
            services.cancel_appointment(reference=appointment.reference, phone="13800000000")
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
    with time_machine.travel(datetime.datetime(2030, 6, 8, 8, 59, tzinfo=timezone.get_current_timezone())):
        services.cancel_appointment(reference=appointment.reference, phone="13800000000")


def test_a_cancelled_or_attended_booking_is_not_cancelled_again(cast):
    day = ReceptionDayFactory()
    first, second = book_by_phone(day), book_by_phone(day, phone="13900000000")
    services.cancel_appointment(reference=first.reference, phone="13800000000")
    with pytest.raises(Refused, match="已经取消"):
        services.cancel_appointment(reference=first.reference, phone="13800000000")
    Appointment.objects.filter(pk=second.pk).update(status=Appointment.Status.ATTENDED)
    with pytest.raises(Refused, match="已经接待"):
        services.cancel_appointment(reference=second.reference, phone="13900000000")
    assert first.history.count() == 2  # booked, cancelled: the second try wrote nothing


# ---- a booking's workflow: received, not come, cancelled for the resident or with the day -----------


def at(day, hour, minute=0):
    return time_machine.travel(
        datetime.datetime.combine(day.date, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())
    )


def changes_of(appointment):
    from core.models import StatusChange

    return list(
        StatusChange.objects.filter(object_id=appointment.pk, content_type__model="appointment").values_list(
            "action", "actor", "note"
        )
    )


@pytest.fixture
def ws_day(cast):
    ws = WorkstationFactory(phone="0592-7000000")
    ws.members.add(cast.member.member)
    return ws, ReceptionDayFactory(workstation=ws, date=datetime.date(2030, 6, 8), capacity=3)


def test_the_residents_cancellation_is_a_recorded_transition_with_no_account():
    appointment = book_by_phone(ReceptionDayFactory())
    services.cancel_appointment(reference=appointment.reference, phone="13800000000", reason="临时出差")
    assert changes_of(appointment) == [("cancel", None, "临时出差")]


def test_the_workstation_cancels_for_a_resident_who_phoned_with_the_reason_recorded(cast, ws_day):
    from core.exceptions import ActionForbidden, NoteRequired
    from core.workflow import perform

    ws, day = ws_day
    appointment = book_by_phone(day)
    with pytest.raises(NoteRequired):
        perform(appointment, "cancel_for_resident", actor=cast.member, note=" ")
    with pytest.raises(ActionForbidden):  # a member of no workstation of this booking
        perform(appointment, "cancel_for_resident", actor=cast.other_member, note="群众来电")
    with at(day, 10):  # during the day still: the resident phones that they cannot come
        perform(appointment, "cancel_for_resident", actor=cast.member, note="群众来电告知不能到场")
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED and services.booked_count(day) == 0
    assert changes_of(appointment) == [("cancel_for_resident", cast.member.pk, "群众来电告知不能到场")]
    late = book_by_phone(day)
    with at(day, 11, 30), pytest.raises(Refused, match="未到场"):
        perform(late, "cancel_for_resident", actor=cast.member, note="来电")


def test_a_booking_is_marked_not_come_only_once_the_day_has_started_and_can_still_be_received(cast, ws_day):
    from core.workflow import perform

    ws, day = ws_day
    appointment = book_by_phone(day)
    with at(day, 8, 59), pytest.raises(Refused, match="还没开始"):
        perform(appointment, "no_show", actor=cast.member)
    with at(day, 11, 45):
        perform(appointment, "no_show", actor=cast.member, note="电话未接通")
        appointment.refresh_from_db()
        assert appointment.status == Appointment.Status.NO_SHOW
        assert services.booked_count(day) == 1  # the place was held for them
        with pytest.raises(Refused, match="无需取消"):
            services.cancel_appointment(reference=appointment.reference, phone="13800000000")
        # Marked by mistake: the resident came late after all, and is received.
        services.log_contact(
            workstation=ws, kind=Contact.Kind.RECEPTION, on=day.date, service="policy", summary="已解答",
            appointment=appointment, actor=cast.member,
        )  # fmt: skip
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.ATTENDED
    assert [c[0] for c in changes_of(appointment)] == ["no_show", "attend"]


def test_a_cancelled_booking_is_not_recorded_as_received(cast, ws_day):
    ws, day = ws_day
    appointment = book_by_phone(day)
    services.cancel_appointment(reference=appointment.reference, phone="13800000000")
    with at(day, 10), pytest.raises(Refused, match="按未预约的来访登记"):
        services.log_contact(
            workstation=ws, kind=Contact.Kind.RECEPTION, on=day.date, service="policy", summary="到访",
            appointment=appointment, actor=cast.member,
        )  # fmt: skip
    assert not Contact.objects.exists()


def test_cancelling_a_reception_day_cancels_its_bookings_with_the_reason(cast, ws_day):
    ws, day = ws_day
    first, second, third = book_by_phone(day), book_by_phone(day, "13900000000"), book_by_phone(day, "13700000000")
    services.cancel_appointment(reference=third.reference, phone="13700000000")
    with pytest.raises(Refused, match="原因"):
        services.cancel_reception_day(day=day, actor=cast.member, reason="  ")
    with pytest.raises(Refused, match="只有工作室的委员"):
        services.cancel_reception_day(day=day, actor=cast.other_member, reason="台风")
    cancelled = services.cancel_reception_day(day=day, actor=cast.member, reason="台风红色预警，暂停接待")
    assert [a.pk for a in cancelled] == [first.pk, second.pk]
    day.refresh_from_db()
    assert day.is_cancelled and day.cancel_reason == "台风红色预警，暂停接待"
    assert day.history.latest().history_user == cast.member
    assert changes_of(first) == [("cancel_with_day", cast.member.pk, "台风红色预警，暂停接待")]
    assert changes_of(third) == [("cancel", None, "")]  # already cancelled by the resident: left as it was
    assert selectors.upcoming_days(ws) == [] and [d.pk for d in selectors.cancelled_days(ws)] == [day.pk]
    with pytest.raises(Refused, match="已取消"):
        book_by_phone(day)
    # The resident who looks the booking up hears why.
    with pytest.raises(Refused, match="工作室已取消2030-06-08的接待日（台风红色预警，暂停接待）"):
        services.cancel_appointment(reference=first.reference, phone="13800000000")
    with pytest.raises(Refused, match="已经取消了"):
        services.cancel_reception_day(day=day, actor=cast.member, reason="台风")


def test_a_reception_day_that_has_ended_is_not_cancelled(cast, ws_day):
    ws, day = ws_day
    with at(day, 11, 30), pytest.raises(Refused, match="已经结束"):
        services.cancel_reception_day(day=day, actor=cast.member, reason="补记")
    day.refresh_from_db()
    assert not day.is_cancelled


def test_a_proposal_drafted_from_an_issue_is_linked_to_it_when_submitted_and_counted_once(cast, group):
    from core.workflow import perform
    from proposals.models import Kind
    from proposals.services.drafting import create_proposal

    issue = DutyIssueFactory(group=group, created_by=cast.member)
    proposal = create_proposal(
        actor=cast.member,
        kind=Kind.INDIVIDUAL,
        title="关于增开工业园区通勤班车的建议",
        case="园区员工通勤难",
        analysis="班次少",
        suggestions="增开班车",
        source=issue,
    )
    issue.refresh_from_db()
    assert not issue.has_proposal  # a draft is not yet a proposal of the group
    perform(proposal, "submit", actor=cast.member)
    issue.refresh_from_db()
    assert (issue.proposal_id, issue.proposal_title) == (proposal.pk, "关于增开工业园区通勤班车的建议")
    assert issue.proposal_submitted_on == timezone.localdate()
    today = timezone.localdate()
    assert selectors.proposals_submitted(group, start=today, end=today) == 1


def test_a_member_signs_up_for_reception_duty_and_whoever_is_taken_off_is_told(cast):
    from notifications.models import Notification

    ws = WorkstationFactory()
    colleague_user = cast.other_member
    colleague = colleague_user.member
    ws.members.add(cast.member.member, colleague)
    day = ReceptionDayFactory(workstation=ws, date=timezone.localdate() + datetime.timedelta(days=7))
    day.on_duty.set([colleague])
    services.set_roster(day=day, members=[cast.member.member], note="与同事调班", actor=cast.member)
    assert list(day.on_duty.all()) == [cast.member.member]
    told = Notification.objects.get(recipient=colleague_user)
    assert "不再担任" in told.shown_title and "与同事调班" in told.shown_body
    assert not Notification.objects.filter(recipient=cast.member).exists()  # the one who did it
    change = selectors.last_roster_change(day)
    assert (change.history_user, change.note) == (cast.member, "与同事调班")


def test_a_roster_needs_someone_of_the_workstation_on_an_open_day(cast):
    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    day = ReceptionDayFactory(workstation=ws, date=timezone.localdate() + datetime.timedelta(days=7))
    with pytest.raises(Refused):
        services.set_roster(day=day, members=[], actor=cast.member)
    with pytest.raises(Refused):
        services.set_roster(day=day, members=[MemberFactory()], actor=cast.member)
    with pytest.raises(Refused):  # not a member of this workstation
        services.set_roster(day=day, members=[cast.member.member], actor=cast.other_member)
    past = ReceptionDayFactory(workstation=ws, date=timezone.localdate() - datetime.timedelta(days=7))
    with pytest.raises(Refused, match="已经结束"):
        services.set_roster(day=past, members=[cast.member.member], actor=cast.member)
    assert not day.on_duty.exists()
