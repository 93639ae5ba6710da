"""Reviewer 5's findings on consultations: a micro-consultation recorded after it was held gets no
notice-period warning nor materials deadline, and attendance marked after a meeting ended is timed at
its start."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import MeetingKind
from consultations.selectors import materials_due, short_notice
from consultations.tests.factories import consultation_meeting
from core.workflow import perform

pytestmark = pytest.mark.django_db
AFTERNOON = timezone.make_aware(dt.datetime(2026, 12, 7, 14, 47))


def _micro(cast, starts_at, ends_at):
    return services.create_micro_consultation(
        title="燃气储配站搬迁微协商",
        starts_at=starts_at,
        ends_at=ends_at,
        place="社区议事厅",
        actor=cast.member,
        department=cast.liaison.department,
        department_head_name="王建国",
        residents=["陈阿婆", "李先生"],
        issue="储配站搬迁",
    )


def test_a_micro_consultation_recorded_afterwards_has_no_notice_warning_nor_materials_deadline(
    client, cast, time_machine
):
    time_machine.move_to(AFTERNOON, tick=False)
    morning = timezone.make_aware(dt.datetime(2026, 12, 7, 9))
    meeting = _micro(cast, morning, morning + dt.timedelta(minutes=90))
    assert meeting.kind == MeetingKind.MICRO
    assert not short_notice(meeting) and materials_due(meeting) is None
    client.force_login(cast.member)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "工作日通知" not in page and 'data-testid="materials-due"' not in page
    # One planned ahead is not held to it either: its members arrange it with the residents themselves.
    soon = timezone.now() + dt.timedelta(days=3)
    assert not short_notice(_micro(cast, soon, soon + dt.timedelta(hours=1)))
    # A consultation meeting keeps the rule.
    assert materials_due(consultation_meeting(cast)) is not None


def test_attendance_marked_after_the_meeting_ended_is_timed_at_its_start(client, cast, time_machine):
    time_machine.move_to(AFTERNOON, tick=False)
    morning = timezone.make_aware(dt.datetime(2026, 12, 7, 9))
    meeting = _micro(cast, morning, morning + dt.timedelta(minutes=90))
    perform(meeting, "hold", actor=cast.member)
    client.force_login(cast.member)
    wang = meeting.participants.get(name="王建国")
    client.post(reverse("consultations:participant_check_in", args=[wang.pk]))
    wang.refresh_from_db()
    assert wang.checked_in_at == morning
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert '<span class="text-success">09:00</span>' in page  # the attendance table's 签到 column


def test_a_sign_in_during_the_meeting_keeps_its_time(cast, time_machine):
    time_machine.move_to(AFTERNOON, tick=False)
    started = timezone.now() - dt.timedelta(minutes=30)
    meeting = _micro(cast, started, started + dt.timedelta(hours=2))
    perform(meeting, "hold", actor=cast.member)
    chen = meeting.participants.get(name="陈阿婆")
    services.check_in(participant=chen, actor=cast.member)
    chen.refresh_from_db()
    assert chen.checked_in_at == timezone.now()
