"""Reviewer 6's findings on the grassroots platforms: a micro-consultation or a community consultation
logged after it took place is recorded as a held meeting (its status, the notice warning and the annual
report's meeting count agree with the duty record)."""

import datetime
import io

import pytest
from django.utils import timezone
from docx import Document

from consultations.models import MeetingStatus
from core.documents import render_docx
from core.exceptions import Refused
from core.models import StatusChange
from district.tests.factories import CommunityFactory, DepartmentFactory
from grassroots import services
from grassroots.tests.factories import DutyGroupFactory, DutyIssueFactory
from insight.report import build_annual_report
from intake.models import Outcome

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2024, 6, 12, 10, tzinfo=datetime.UTC)


def _report_text(year: int) -> str:
    doc = Document(io.BytesIO(render_docx(build_annual_report(year))))
    return "\n".join(p.text for p in doc.paragraphs)


def _hold_step(meeting) -> StatusChange:
    return StatusChange.objects.get(object_id=meeting.pk, content_type__model="meeting", action="hold")


def test_a_logged_micro_consultation_is_a_held_meeting_counted_in_the_annual_report(client, cast, time_machine):
    time_machine.move_to(TODAY)
    group = DutyGroupFactory()
    group.members.add(cast.member.member)
    micro = services.log_micro_consultation(
        issue=DutyIssueFactory(group=group),
        starts_at=timezone.now() - datetime.timedelta(days=2),
        department=DepartmentFactory(),
        dept_head_name="林局长",
        residents=["居民甲"],
        summary="协商",
        outcome=Outcome.ON_THE_SPOT,
        outcome_note="当场解决",
        members=[cast.member.member],
        actor=cast.member,
    )
    meeting = micro.meeting
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    step = _hold_step(meeting)
    assert (step.from_state, step.actor) == (MeetingStatus.PLANNED, cast.member)
    client.force_login(cast.member)
    page = client.get(f"/consultations/meetings/{meeting.pk}/").content.decode()
    assert "请尽快发出通知" not in page
    assert "召开各类会议1次" in _report_text(2024)


def test_a_logged_community_consultation_is_a_held_meeting_counted_in_the_annual_report(cast, time_machine):
    time_machine.move_to(TODAY)
    kwargs = {"community": CommunityFactory(), "matter": "加装电梯", "background": "意见不一", "actor": cast.member}
    item = services.hold_community_consultation(
        starts_at=timezone.now() - datetime.timedelta(days=1), participants=[("社区书记", "presiding")], **kwargs
    )
    assert item.meeting.status == MeetingStatus.HELD and _hold_step(item.meeting).actor == cast.member
    assert "召开各类会议1次" in _report_text(2024)
    # Logged after it took place, with somebody there: not ahead of its day, not with nobody.
    with pytest.raises(Refused, match="日期不能晚于今天"):
        services.hold_community_consultation(
            starts_at=timezone.now() + datetime.timedelta(days=3), participants=[("社区书记", "presiding")], **kwargs
        )
    with pytest.raises(Refused, match="请至少填写一位参加协商的人员"):
        services.hold_community_consultation(starts_at=timezone.now(), **kwargs)
