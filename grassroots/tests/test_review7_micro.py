"""Reviewer 3's micro-consultations: one scheduled ahead on a duty issue is the same meeting its outcome is
recorded on (one meeting, one duty credit), the issue and the meeting link to each other, the department
that committed to a plan is told and reads it on the meeting, and the minutes carry what was agreed."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.documents import minutes_spec
from consultations.models import Meeting, MeetingKind
from consultations.services import check_in
from core.exceptions import Refused
from core.workflow import perform
from grassroots import services
from grassroots.models import IssueStatus, MicroConsultation
from grassroots.tests.factories import DutyGroupFactory
from intake.models import Outcome
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(cast):
    group = DutyGroupFactory(name="经贸界别委员履职小组")
    group.members.add(cast.member.member, cast.other_member.member)
    return group


@pytest.fixture
def issue(cast, group):
    return services.collect_issue(
        group=group,
        title="预付卡消费纠纷增多",
        description="商家关门跑路，居民预付卡无法退费。",
        department=cast.liaison.department,
        actor=cast.member,
    )


def _schedule(client, cast, issue, starts_at, *, key=None):
    client.force_login(cast.member)
    page = client.get(reverse("grassroots:issue-micro-schedule", args=[issue.pk]))
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["department"] == cast.liaison.department_id
    data = {
        "title": form.initial["title"],
        "starts_at": timezone.localtime(starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(starts_at + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "莲花镇东山社区",
        "department": cast.liaison.department_id,
        "department_head_name": "柯水",
        "members": [cast.member.member.pk, cast.other_member.member.pk],
        "residents": "摊主 林女士",
        "issue": "预付卡退费",
        "idempotency_key": key or form.initial["idempotency_key"],
    }
    return client.post(reverse("grassroots:issue-micro-schedule", args=[issue.pk]), data)


def test_a_micro_consultation_scheduled_on_the_issue_gets_its_outcome_on_the_same_meeting(
    client, cast, issue, time_machine
):
    start = timezone.now() + dt.timedelta(days=7)
    response = _schedule(client, cast, issue, start)
    meeting = Meeting.objects.get(kind=MeetingKind.MICRO)
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.subject == issue
    perform(meeting, "send_invitations", actor=cast.member)
    # The issue page lists the scheduled meeting, linked; the meeting page links back to the issue.
    page = client.get(issue.get_absolute_url())
    assert [m.pk for m in page.context["scheduled_micros"]] == [meeting.pk]
    assert meeting.get_absolute_url() in page.content.decode()
    meeting_page = client.get(meeting.get_absolute_url())
    assert meeting_page.context["micro_issue"] == issue
    assert issue.get_absolute_url() in meeting_page.content.decode()

    # On the day another member of the group signs people in and records the outcome on that meeting.
    time_machine.move_to(start + dt.timedelta(hours=1), tick=False)
    other = cast.other_member
    for participant in meeting.participants.exclude(role="resident"):
        check_in(participant=participant, actor=other)
    client.force_login(other)
    done = client.post(
        reverse("grassroots:issue-micro-outcome", args=[issue.pk]),
        {
            "meeting": meeting.pk,
            "summary": "市场监管局与居民面对面协商。",
            "outcome": Outcome.PLAN,
            "plan_due_date": (timezone.localdate() + dt.timedelta(days=100)).isoformat(),
            "outcome_note": "市场监管局建立预付卡资金监管平台",
        },
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    assert Meeting.objects.filter(kind=MeetingKind.MICRO).count() == 1  # no second meeting
    micro = MicroConsultation.objects.get()
    assert micro.meeting == meeting and micro.department == cast.liaison.department
    meeting.refresh_from_db()
    issue.refresh_from_db()
    assert meeting.status == "held" and issue.status == IssueStatus.FOLLOW_UP

    # The department's liaison is told of the plan agreed in its name, and reads it on the meeting.
    told = Notification.objects.filter(recipient=cast.liaison, title__contains="制定计划限期解决")
    assert told.exists()
    client.force_login(cast.liaison)
    seen = client.get(meeting.get_absolute_url())
    assert seen.status_code == 200
    assert "市场监管局建立预付卡资金监管平台" in seen.content.decode()


def test_the_scheduled_outcome_needs_the_group_signed_in_and_a_same_day_record_is_refused(
    client, cast, issue, time_machine
):
    start = timezone.now() + dt.timedelta(days=2)
    _schedule(client, cast, issue, start)
    meeting = Meeting.objects.get(kind=MeetingKind.MICRO)
    time_machine.move_to(start + dt.timedelta(hours=3), tick=False)
    with pytest.raises(Refused, match="签到"):
        services.record_micro_outcome(
            meeting=meeting, actor=cast.member, summary="协商", outcome=Outcome.EXPLANATION, outcome_note="已解释"
        )
    # Recording "a new one" held the same day would make the same micro-consultation a second meeting.
    with pytest.raises(Refused, match="已预约"):
        services.log_micro_consultation(
            issue=issue,
            starts_at=start,
            department=cast.liaison.department,
            dept_head_name="柯水",
            residents=["林女士"],
            summary="协商",
            outcome=Outcome.EXPLANATION,
            outcome_note="已解释",
            members=[cast.member.member],
            actor=cast.member,
        )
    assert Meeting.objects.filter(kind=MeetingKind.MICRO).count() == 1


def test_a_resent_schedule_form_makes_one_meeting(client, cast, issue):
    start = timezone.now() + dt.timedelta(days=7)
    first = _schedule(client, cast, issue, start, key="same-key")
    second = _schedule(client, cast, issue, start, key="same-key")
    assert first["Location"] == second["Location"]
    assert Meeting.objects.filter(kind=MeetingKind.MICRO).count() == 1


def test_micro_minutes_carry_how_it_went_and_the_outcome(cast, issue):
    micro = services.log_micro_consultation(
        issue=issue,
        starts_at=timezone.now() - dt.timedelta(days=1),
        department=cast.liaison.department,
        dept_head_name="柯水",
        residents=["林女士"],
        summary="商家代表、居民和市场监管局当面协商退费办法。",
        outcome=Outcome.PLAN,
        plan_due_date=timezone.localdate() + dt.timedelta(days=90),
        outcome_note="建立预付卡资金监管平台",
        members=[cast.member.member],
        actor=cast.member,
    )
    text = "\n".join(str(b) for b in minutes_spec(micro.meeting).blocks)
    assert "商家代表、居民和市场监管局当面协商退费办法。" in text
    assert "建立预付卡资金监管平台" in text
    assert micro.plan_due_date.isoformat() in text
    assert "预付卡消费纠纷增多" in text  # the agenda names the issue
