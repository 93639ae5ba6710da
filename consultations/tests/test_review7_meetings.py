"""Reviewers 3 and 4 on the meeting record: a resent micro-consultation form, notices for past meetings,
double-booked invitees, invitees the notice does not reach, speeches by who was not there, declines the
convener never heard of, meetings convened on no research, and minutes without their substance."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.documents import minutes_spec
from consultations.models import Meeting, MeetingKind
from consultations.tests.factories import at, consultation_meeting, research_group, send_notice
from core.exceptions import Refused
from core.workflow import perform, workflow_for
from district.tests.factories import MemberFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _micro_post(cast, start, key):
    return {
        "title": "重复提交测试微协商",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "莲花镇",
        "department": cast.liaison.department_id,
        "members": [cast.member.member.pk],
        "residents": "林女士",
        "idempotency_key": key,
    }


def test_a_resent_micro_consultation_form_records_one_meeting(client, cast):
    client.force_login(cast.member)
    key = client.get(reverse("consultations:micro_create")).context["form"].initial["idempotency_key"]
    start = timezone.localtime() + dt.timedelta(days=5)
    first = client.post(reverse("consultations:micro_create"), _micro_post(cast, start, key))
    second = client.post(reverse("consultations:micro_create"), _micro_post(cast, start, key))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Meeting.objects.filter(kind=MeetingKind.MICRO).count() == 1
    # Another user's identical key is theirs: it finds nothing of the first user's.
    client.force_login(cast.other_member)
    client.post(reverse("consultations:micro_create"), _micro_post(cast, start, key))
    assert Meeting.objects.filter(kind=MeetingKind.MICRO).count() == 2


def test_no_notice_for_a_meeting_already_begun(client, cast, time_machine):
    meeting = consultation_meeting(cast)  # 2022-06-20 09:00
    time_machine.move_to(at(20, 10), tick=False)
    assert "send_invitations" not in [a.name for a in workflow_for(meeting).available(meeting, cast.clerk)]
    with pytest.raises(Refused, match="会议召开"):
        perform(meeting, "send_invitations", actor=cast.clerk)
    client.force_login(cast.clerk)
    page = client.get(meeting.get_absolute_url())
    assert "不能再发出会议通知" in page.content.decode()
    assert not Notification.objects.filter(recipient=cast.liaison).exists()
    # Recorded as held instead.
    perform(meeting, "hold", actor=cast.clerk)


def test_the_convener_is_warned_of_invitees_with_an_overlapping_meeting(client, cast, time_machine):
    time_machine.move_to(at(1), tick=False)
    first = consultation_meeting(cast)  # 09:00-12:00 on 20 June, the liaison's department and other_member
    second = services.create_micro_consultation(
        title="同一时间的微协商",
        starts_at=at(20, 10),
        ends_at=at(20, 12),
        actor=cast.clerk,
        department=cast.liaison.department,
        members=[cast.other_member.member],
    )
    client.force_login(cast.clerk)
    overlaps = client.get(second.get_absolute_url()).context["overlaps"]
    assert {o["participant"].name for o in overlaps} == {
        cast.other_member.member.name,
        next(p.name for p in second.participants.all() if p.department_id),
    }
    assert {o["meeting"].pk for o in overlaps} == {first.pk}
    # A warning, not a refusal.
    perform(second, "send_invitations", actor=cast.clerk)
    assert second.status == "invited"


def test_the_convener_sees_whom_the_notice_did_not_reach(client, cast, time_machine):
    time_machine.move_to(at(1), tick=False)
    no_account = MemberFactory(name="李宏墩", user=None)
    meeting = services.create_micro_consultation(
        title="预付卡微协商",
        starts_at=at(20, 9),
        ends_at=at(20, 11),
        actor=cast.clerk,
        department=cast.liaison.department,
        members=[no_account, cast.member.member],
        residents=["摊主 林女士"],
    )
    perform(meeting, "send_invitations", actor=cast.clerk)
    client.force_login(cast.clerk)
    page = client.get(meeting.get_absolute_url())
    assert {p.name for p in page.context["unreached"]} == {"李宏墩", "摊主 林女士"}
    html = page.content.decode()
    assert "未收到会议通知，请电话通知" in html and html.count('data-testid="unreached-badge"') == 2


def test_no_speech_for_a_participant_on_leave_or_absent(cast, time_machine):
    time_machine.move_to(at(1), tick=False)
    meeting = consultation_meeting(cast)
    send_notice(meeting, actor=cast.clerk)
    away = meeting.participants.get(member=cast.other_member.member)
    services.respond_to_invitation(participant=away, actor=cast.other_member, response="decline", reason="外出学习")
    time_machine.move_to(at(20, 9), tick=False)
    perform(meeting, "hold", actor=cast.clerk)
    with pytest.raises(Refused, match="未出席"):
        services.record_speech(meeting=meeting, actor=cast.clerk, participant=away, summary="建议加强仓储设施建设。")
    from consultations.forms import SpeechForm

    assert away not in SpeechForm(meeting=meeting).fields["participant"].queryset


def test_the_convener_is_told_when_a_department_declines(cast, time_machine):
    time_machine.move_to(at(1), tick=False)
    meeting = consultation_meeting(cast)
    send_notice(meeting, actor=cast.clerk)
    dept = meeting.participants.get(department=cast.liaison.department)
    services.respond_to_invitation(participant=dept, actor=cast.liaison, response="decline", reason="同期参加市里会议")
    told = Notification.objects.filter(recipient=cast.clerk, title__contains="请假")
    assert told.count() == 1 and "同期参加市里会议" in told.get().title


def test_no_consultation_on_a_group_still_forming_nor_one_that_ends_as_it_starts(client, cast):
    forming = research_group(cast, start=False)  # the lead, the member and the expert; not started
    with pytest.raises(Refused, match="尚未开始调研"):
        consultation_meeting(cast, group=forming)
    client.force_login(cast.clerk)
    page = client.get(reverse("consultations:meeting_create") + f"?group={forming.pk}")
    assert page.context["convene_blocker"]
    # The group's page says why instead of offering the link.
    group_page = client.get(forming.get_absolute_url()).content.decode()
    assert 'data-testid="convene-blocker"' in group_page and f"?group={forming.pk}" not in group_page
    with pytest.raises(Refused, match="结束时间必须晚于开始时间"):
        services.create_meeting(kind=MeetingKind.OTHER, title="会", starts_at=at(20), ends_at=at(20), actor=cast.clerk)
    # A group researching may be convened on, with a warning that its report is not final.
    researching = forming
    perform(researching, "start_research", actor=cast.research)
    page = client.get(reverse("consultations:meeting_create") + f"?group={researching.pk}")
    assert page.context["report_not_ready"] and not page.context["convene_blocker"]
    assert f"?group={researching.pk}" in client.get(researching.get_absolute_url()).content.decode()


def test_community_minutes_carry_the_matter_positions_result_and_tasks(cast):
    from district.tests.factories import CommunityFactory
    from grassroots.services import hold_community_consultation

    consultation = hold_community_consultation(
        community=CommunityFactory(),
        matter="老旧小区加装电梯",
        background="三单元居民要求加装电梯。",
        starts_at=timezone.now() - dt.timedelta(days=1),
        actor=cast.member,
        members=[cast.member.member],
        positions=[("一楼住户", "担心采光")],
        mediation_record="社区组织两轮调解。",
        agreement_reached=True,
        agreement="按楼层系数分摊费用。",
        tasks=[("办理规划手续", "区住建局", timezone.localdate() + dt.timedelta(days=30))],
    )
    text = "\n".join(str(b) for b in minutes_spec(consultation.meeting).blocks)
    for expected in ("老旧小区加装电梯", "三单元居民要求加装电梯", "一楼住户", "担心采光", "社区组织两轮调解"):
        assert expected in text
    assert "达成一致" in text and "按楼层系数分摊费用" in text and "办理规划手续" in text
