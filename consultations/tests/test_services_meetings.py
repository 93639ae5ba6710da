"""Meeting rules: convening, invitations and replies, check-in, speeches, outcome items, minutes."""

import pytest
from django.utils import timezone

from consultations import services
from consultations.models import Attendance, MeetingKind, MeetingStatus, ParticipantRole, SpeechKind
from consultations.tests.factories import at, consultation_meeting, research_group, send_notice
from core.exceptions import ActionForbidden, Refused, TransitionNotAllowed
from core.workflow import perform
from district.tests.factories import CommunityFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_consultation_without_a_department_is_refused(cast):
    with pytest.raises(Refused) as err:
        consultation_meeting(cast, departments=[])
    assert "部门" in str(err.value.message)
    assert "departments" in err.value.fields


def test_meeting_on_a_research_topic_cannot_be_convened_without_a_department(cast):
    group = research_group(cast)
    meeting = services.create_meeting(
        kind=MeetingKind.STANDING,
        title="常委会专题协商",
        starts_at=at(20),
        ends_at=at(20, 12),
        actor=cast.clerk,
        research_group=group,
    )
    services.invite_research_group(meeting=meeting, group=group, actor=cast.clerk)
    with pytest.raises(Refused) as err:
        send_notice(meeting, actor=cast.clerk)
    assert "部门" in str(err.value.message)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED


def test_standing_committee_vote_meeting_needs_no_department(cast):
    meeting = services.create_meeting(
        kind=MeetingKind.STANDING, title="常委会第三次会议", starts_at=at(1), ends_at=at(1, 12), actor=cast.clerk
    )
    services.invite(meeting=meeting, actor=cast.clerk, member=cast.standing.member)
    send_notice(meeting, actor=cast.clerk)
    assert meeting.status == MeetingStatus.INVITED


def test_convening_invites_leader_departments_group_and_members(cast):
    group = research_group(cast)
    meeting = consultation_meeting(cast, group=group)
    roles = sorted(meeting.participants.values_list("role", "name"))
    assert (ParticipantRole.LEADER, "区领导（演示）") in roles
    dept_rows = meeting.participants.filter(role=ParticipantRole.DEPT_HEAD)
    assert [p.department for p in dept_rows] == [cast.liaison.department]
    names = set(meeting.participants.values_list("name", flat=True))
    assert {"vicechair", "member", "专家甲", "member2"} <= names
    assert meeting.subject is None and meeting.research_group == group


def test_only_the_three_offices_convene_a_consultation(cast):
    with pytest.raises(ActionForbidden):
        services.create_consultation_meeting(
            title="x", starts_at=at(1), ends_at=at(1, 10), departments=[cast.liaison.department], actor=cast.member
        )


def test_sending_invitations_notifies_people_and_department_liaisons(cast):
    meeting = consultation_meeting(cast)
    send_notice(meeting, actor=cast.clerk)
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert {"liaison", "member2"} <= told
    assert "liaison2" not in told


def test_reply_attend_deputy_decline(cast):
    meeting = consultation_meeting(cast)
    send_notice(meeting, actor=cast.clerk)
    mine = meeting.participants.get(member=cast.other_member.member)
    with pytest.raises(Refused):
        services.respond_to_invitation(participant=mine, actor=cast.other_member, response="decline", reason="")
    with pytest.raises(Refused):
        services.respond_to_invitation(participant=mine, actor=cast.other_member, response="deputy")
    services.respond_to_invitation(participant=mine, actor=cast.other_member, response="decline", reason="外出学习")
    mine.refresh_from_db()
    assert (mine.attendance, mine.reason) == (Attendance.DECLINED, "外出学习")
    dept = meeting.participants.get(department=cast.liaison.department)
    services.respond_to_invitation(participant=dept, actor=cast.liaison, response="deputy", deputy_name="副局长某某")
    dept.refresh_from_db()
    assert (dept.attendance, dept.deputy_name) == (Attendance.DEPUTY, "副局长某某")


def test_nobody_replies_for_someone_else(cast):
    meeting = consultation_meeting(cast)
    dept = meeting.participants.get(department=cast.liaison.department)
    with pytest.raises(ActionForbidden):
        services.respond_to_invitation(participant=dept, actor=cast.other_liaison, response="attend")
    mine = meeting.participants.get(member=cast.other_member.member)
    with pytest.raises(ActionForbidden):
        services.respond_to_invitation(participant=mine, actor=cast.member, response="attend")


def test_check_in_marks_present_but_keeps_deputy(cast):
    meeting = consultation_meeting(cast)
    send_notice(meeting, actor=cast.clerk)
    dept = meeting.participants.get(department=cast.liaison.department)
    services.respond_to_invitation(participant=dept, actor=cast.liaison, response="deputy", deputy_name="副局长")
    perform(meeting, "hold", actor=cast.clerk)
    mine = meeting.participants.get(member=cast.other_member.member)
    services.check_in(participant=mine, actor=cast.other_member)
    services.check_in(participant=dept, actor=cast.clerk)
    mine.refresh_from_db()
    dept.refresh_from_db()
    assert mine.attendance == Attendance.PRESENT and mine.checked_in_at
    assert dept.attendance == Attendance.DEPUTY and dept.checked_in_at


def test_a_reply_after_signing_in_does_not_turn_attendance_into_leave(cast, client):
    meeting = consultation_meeting(cast)
    send_notice(meeting, actor=cast.clerk)
    mine = meeting.participants.get(member=cast.other_member.member)
    services.check_in(participant=mine, actor=cast.other_member)
    with pytest.raises(TransitionNotAllowed) as err:
        services.respond_to_invitation(participant=mine, actor=cast.other_member, response="decline", reason="有事")
    assert "签到" in err.value.message
    mine.refresh_from_db()
    assert mine.attendance == Attendance.PRESENT and mine.reason == ""
    client.force_login(cast.other_member)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert f'action="/consultations/participants/{mine.pk}/respond/"' not in page
    assert "已签到" in page


def test_speeches_and_outcomes_only_while_the_meeting_is_held(cast):
    meeting = consultation_meeting(cast)
    edu = cast.liaison.department
    with pytest.raises(TransitionNotAllowed):
        services.record_outcome_item(
            meeting=meeting, actor=cast.clerk, recommendation="建议", responsible_department=edu
        )
    send_notice(meeting, actor=cast.clerk)
    perform(meeting, "hold", actor=cast.clerk)
    with pytest.raises(Refused):
        services.record_speech(
            meeting=meeting, actor=cast.clerk, kind=SpeechKind.RESPONSE, speaker_name="某", summary="回应"
        )
    speech = services.record_speech(
        meeting=meeting,
        actor=cast.clerk,
        participant=meeting.participants.get(department=edu),
        kind=SpeechKind.RESPONSE,
        summary="将扩大课后服务覆盖面。",
    )
    assert speech.department == edu and speech.order == 1
    first = services.record_outcome_item(
        meeting=meeting,
        actor=cast.clerk,
        recommendation="扩大课后服务覆盖面",
        responsible_department=edu,
        co_departments=[cast.other_liaison.department, edu],
        agreed_action="2022年秋季学期实现义务教育学校全覆盖",
    )
    second = services.record_outcome_item(
        meeting=meeting, actor=cast.clerk, recommendation="规范校外培训", responsible_department=edu
    )
    assert (first.order, second.order) == (1, 2)
    assert list(first.co_departments.all()) == [cast.other_liaison.department]
    with pytest.raises(ActionForbidden):
        services.record_outcome_item(meeting=meeting, actor=cast.member, recommendation="x", responsible_department=edu)


def test_minutes_need_outcomes_and_mark_absentees(cast):
    meeting = consultation_meeting(cast)
    send_notice(meeting, actor=cast.clerk)
    perform(meeting, "hold", actor=cast.clerk)
    with pytest.raises(Refused):
        perform(meeting, "issue_minutes", actor=cast.clerk)
    mine = meeting.participants.get(member=cast.other_member.member)
    services.check_in(participant=mine, actor=cast.clerk)
    services.record_outcome_item(
        meeting=meeting, actor=cast.clerk, recommendation="建议", responsible_department=cast.liaison.department
    )
    perform(meeting, "issue_minutes", actor=cast.clerk)
    assert meeting.status == MeetingStatus.MINUTED
    mine.refresh_from_db()
    assert mine.attendance == Attendance.PRESENT
    dept = meeting.participants.get(department=cast.liaison.department)
    assert dept.attendance == Attendance.ABSENT
    with pytest.raises(TransitionNotAllowed):
        services.record_outcome_item(
            meeting=meeting, actor=cast.clerk, recommendation="迟到的建议", responsible_department=dept.department
        )


def test_reschedule_bumps_the_calendar_sequence_and_tells_participants(cast):
    meeting = consultation_meeting(cast)
    send_notice(meeting, actor=cast.clerk)
    meeting = services.reschedule_meeting(
        meeting=meeting, actor=cast.clerk, starts_at=at(21, 14), ends_at=at(21, 17), place="区行政中心"
    )
    assert meeting.ics_sequence == 1
    notice = Notification.objects.get(event_key__endswith=":seq1", recipient=cast.liaison)
    # The notice itself says when and where now: the invitation above it still reads the old time.
    when = timezone.localtime(at(21, 14)).strftime("%Y-%m-%d %H:%M")
    assert notice.shown_title == f"会议时间或地点已变更：{meeting.title}，改为{when}，区行政中心"
    with pytest.raises(Refused):
        services.reschedule_meeting(
            meeting=meeting, actor=cast.clerk, starts_at=at(21, 14), ends_at=at(21, 9), place="x"
        )


def test_cancel_needs_a_reason(cast):
    from core.exceptions import NoteRequired

    meeting = consultation_meeting(cast)
    with pytest.raises(NoteRequired):
        perform(meeting, "cancel", actor=cast.clerk)
    perform(meeting, "cancel", actor=cast.clerk, note="台风")
    assert meeting.status == MeetingStatus.CANCELLED and meeting.ics_sequence == 1


def test_micro_consultation_reuses_the_meeting_record(cast):
    community = CommunityFactory()
    meeting = services.create_micro_consultation(
        title="燃气公司搬迁微协商",
        starts_at=at(12, 15),
        ends_at=at(12, 17),
        place="社区议事厅",
        actor=cast.member,
        department=cast.liaison.department,
        department_head_name="局长某",
        community=community,
        members=[cast.other_member.member],
        residents=["居民甲", "", "居民乙"],
        issue="燃气公司搬迁",
    )
    assert meeting.kind == MeetingKind.MICRO and meeting.town == community.town
    assert sorted(meeting.participants.values_list("role", flat=True)) == [
        "dept_head",
        "member",
        "resident",
        "resident",
    ]
    perform(meeting, "hold", actor=cast.member)
    services.record_outcome_item(
        meeting=meeting,
        actor=cast.member,
        recommendation="向居民解释搬迁安排",
        responsible_department=cast.liaison.department,
    )
    for participant in meeting.participants.all():  # the recorder says who took part
        services.check_in(participant=participant, actor=cast.member)
    perform(meeting, "issue_minutes", actor=cast.member)
    assert meeting.status == MeetingStatus.MINUTED


def test_micro_consultation_without_department_is_refused(cast):
    with pytest.raises(Refused):
        services.create_micro_consultation(
            title="x", starts_at=at(1), ends_at=at(1, 10), actor=cast.member, department=None
        )


def test_invite_is_idempotent_per_person(cast):
    meeting = consultation_meeting(cast)
    a = services.invite(meeting=meeting, actor=cast.clerk, member=cast.other_member.member)
    b = services.invite(meeting=meeting, actor=cast.clerk, member=cast.other_member.member)
    assert a.pk == b.pk


def test_a_meeting_cannot_be_marked_held_before_its_date(cast):
    import time_machine

    meeting = consultation_meeting(cast)  # 2022-06-20 09:00
    send_notice(meeting, actor=cast.clerk)
    with time_machine.travel(at(19, 18)):
        with pytest.raises(Refused) as err:
            perform(meeting, "hold", actor=cast.clerk)
        assert "2022-06-20" in str(err.value.message) and "会期未到" in str(err.value.message)
        meeting.refresh_from_db()
        assert meeting.status == MeetingStatus.INVITED
    with time_machine.travel(at(20, 8)):
        perform(meeting, "hold", actor=cast.clerk)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD


def test_nobody_signs_in_before_the_meeting_day(cast):
    import time_machine

    meeting = consultation_meeting(cast)
    send_notice(meeting, actor=cast.clerk)
    mine = meeting.participants.get(member=cast.other_member.member)
    with time_machine.travel(at(19)):
        with pytest.raises(Refused) as err:
            services.check_in(participant=mine, actor=cast.other_member)
        assert "会议当天才能签到" in str(err.value.message)
    mine.refresh_from_db()
    assert mine.checked_in_at is None


def test_minutes_of_a_meeting_held_ahead_of_its_date_are_not_issued_before_it(cast):
    import time_machine

    meeting = consultation_meeting(cast)
    perform(meeting, "hold", actor=cast.clerk)
    services.set_minutes_summary(meeting=meeting, actor=cast.clerk, summary="会议纪要正文")
    with time_machine.travel(at(19)):
        with pytest.raises(Refused) as err:
            perform(meeting, "issue_minutes", actor=cast.clerk)
    assert "会议召开后才能印发纪要" in str(err.value.message)


def test_inviting_someone_already_on_the_list_by_hand_is_refused(cast):
    meeting = consultation_meeting(cast)
    with pytest.raises(Refused) as err:
        services.invite(meeting=meeting, actor=cast.clerk, member=cast.other_member.member, refuse_existing=True)
    assert "已在参会人员名单中" in str(err.value.message)
    with pytest.raises(Refused):
        services.invite(
            meeting=meeting,
            actor=cast.clerk,
            role=ParticipantRole.DEPT_HEAD,
            department=cast.liaison.department,
            refuse_existing=True,
        )
    assert services.invite(meeting=meeting, actor=cast.clerk, member=cast.other_member.member).pk


def test_an_outcome_item_in_a_special_report_sent_for_signing_can_no_longer_be_changed(cast):
    # The report quotes the item; once it goes for signing, changing the item would change what is
    # signed and transferred. A draft report may still take the correction.
    from supervision.services.reports import compile_special_report

    meeting = consultation_meeting(cast)
    edu = cast.liaison.department
    send_notice(meeting, actor=cast.clerk)
    perform(meeting, "hold", actor=cast.clerk)
    item = services.record_outcome_item(
        meeting=meeting, actor=cast.clerk, recommendation="扩大课后服务覆盖面", responsible_department=edu
    )
    report = compile_special_report(meeting=meeting, items=[item], actor=cast.research, lead=cast.member)
    services.update_outcome_item(item=item, actor=cast.clerk, recommendation="扩大课后服务", responsible_department=edu)
    perform(report, "submit", actor=cast.research)
    with pytest.raises(Refused) as err:
        services.update_outcome_item(item=item, actor=cast.clerk, recommendation="改写", responsible_department=edu)
    assert report.title in str(err.value.message) and "待签发" in str(err.value.message)
    item.refresh_from_db()
    assert item.recommendation == "扩大课后服务"
