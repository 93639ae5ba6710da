"""The standing committee's vote on the annual plan is told from an ordinary standing-committee
consultation by one rule (`selectors.is_plan_vote_meeting`: the vote attached to the meeting), and every
rule that treats it differently asks that one: the notice period, the materials deadline, and attendance,
which is the vote's and so read-only on the meeting's page. A standing member still asks for leave on the
meeting's page before the meeting (the vote's attendance form shows it); no deputy stands in for a vote."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import Attendance, MeetingKind
from consultations.selectors import is_plan_vote_meeting, materials_due, meeting_inbox, short_notice
from consultations.tests.factories import send_notice
from core.exceptions import Refused, TransitionNotAllowed
from core.workflow import perform
from topics.services import votes
from topics.tests.factories import drive_to_vote

pytestmark = pytest.mark.django_db


def _standing_consultation(cast, starts_at):
    return services.create_consultation_meeting(
        title="提升义务教育优质均衡发展水平常委会协商",
        kind=MeetingKind.STANDING,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=3),
        departments=[cast.liaison.department],
        members=[cast.chair.member],
        actor=cast.clerk,
    )


@pytest.fixture
def both_today(cast):
    """The plan's vote meeting and a standing-committee consultation, both today and notified."""
    start = timezone.now()
    vote = votes.open_vote(plan=drive_to_vote(cast), actor=cast.clerk, starts_at=start)
    consultation = _standing_consultation(cast, start)
    for meeting in (vote.meeting, consultation):
        send_notice(meeting, actor=cast.clerk)
    return vote.meeting, consultation


def test_only_the_meeting_with_the_vote_attached_is_the_plans_vote_meeting(cast):
    plan = drive_to_vote(cast)
    soon = timezone.now() + dt.timedelta(days=3)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=soon)
    # A standing-committee meeting about the plan without a vote (say, to discuss it) is an ordinary one.
    about_plan = services.create_meeting(
        kind=MeetingKind.STANDING,
        title="常委会会议：讨论计划",
        starts_at=soon,
        ends_at=soon + dt.timedelta(hours=2),
        subject=plan,
        actor=cast.clerk,
    )
    assert is_plan_vote_meeting(vote.meeting)
    assert not is_plan_vote_meeting(about_plan)
    assert not is_plan_vote_meeting(_standing_consultation(cast, soon))


def test_the_notice_period_and_materials_deadline_spare_only_the_vote(cast):
    soon = timezone.now() + dt.timedelta(days=3)
    vote = votes.open_vote(plan=drive_to_vote(cast), actor=cast.clerk, starts_at=soon)
    consultation = _standing_consultation(cast, soon)
    assert not short_notice(vote.meeting) and materials_due(vote.meeting) is None
    assert short_notice(consultation) and materials_due(consultation) is not None


def test_no_one_signs_in_at_the_vote_meeting_from_its_page(cast, both_today):
    vote_meeting, consultation = both_today
    chair_at_vote = vote_meeting.participants.get(member=cast.chair.member)
    for actor in (cast.clerk, cast.chair):
        with pytest.raises(Refused, match="表决页面登记"):
            services.check_in(participant=chair_at_vote, actor=actor)
    chair_at_vote.refresh_from_db()
    assert chair_at_vote.checked_in_at is None and chair_at_vote.attendance == Attendance.INVITED
    # The consultation that day keeps its sign-in.
    signed = services.check_in(participant=consultation.participants.get(member=cast.chair.member), actor=cast.chair)
    assert signed.attendance == Attendance.PRESENT


def test_the_vote_meetings_attendance_stays_as_the_vote_recorded_it_once_held(cast, both_today):
    vote_meeting, consultation = both_today
    for meeting in (vote_meeting, consultation):
        perform(meeting, "hold", actor=cast.clerk)
    with pytest.raises(Refused, match="表决页面登记"):
        services.mark_absent(participant=vote_meeting.participants.get(member=cast.chair.member), actor=cast.clerk)
    assert not vote_meeting.participants.filter(attendance=Attendance.ABSENT).exists()
    absent = services.mark_absent(participant=consultation.participants.get(member=cast.chair.member), actor=cast.clerk)
    assert absent.attendance == Attendance.ABSENT


def test_the_meeting_page_offers_sign_in_only_at_the_consultation(client, cast, both_today):
    vote_meeting, consultation = both_today
    client.force_login(cast.clerk)
    vote_page = client.get(vote_meeting.get_absolute_url()).content.decode()
    assert 'data-testid="vote-attendance"' in vote_page
    for p in vote_meeting.participants.all():
        assert reverse("consultations:participant_check_in", args=[p.pk]) not in vote_page
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert 'data-testid="vote-attendance"' not in page
    chair = consultation.participants.get(member=cast.chair.member)
    assert reverse("consultations:participant_check_in", args=[chair.pk]) in page


@pytest.fixture
def vote_in_two_days(cast):
    """The plan's vote meeting the day after tomorrow at 9:00 (local time), its notice sent."""
    day = timezone.localdate() + dt.timedelta(days=2)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    vote = votes.open_vote(plan=drive_to_vote(cast), actor=cast.clerk, starts_at=start)
    send_notice(vote.meeting, actor=cast.clerk)
    return vote


def _respond_url(participant):
    return reverse("consultations:participant_respond", args=[participant.pk])


def test_a_standing_member_asks_for_leave_before_the_vote_and_the_vote_page_shows_it(client, cast, vote_in_two_days):
    vote = vote_in_two_days
    mine = vote.meeting.participants.get(member=cast.standing.member)
    client.force_login(cast.standing)
    page = client.get(vote.meeting.get_absolute_url()).content.decode()
    assert _respond_url(mine) in page
    reply = {"response": "decline", "reason": "赴省委党校参加培训"}
    assert client.post(_respond_url(mine), reply).status_code == 302

    # On the meeting's morning the clerk's attendance form has the leave already marked, with its reason.
    with time_machine.travel(vote.meeting.starts_at - dt.timedelta(hours=1)):
        client.force_login(cast.clerk)
        html = client.get(vote.get_absolute_url()).content.decode()
        select = re.search(rf'<select[^>]*name="m_{mine.member_id}".*?</select>', html, re.S).group(0)
        assert re.search(r'<option value="declined"\s+selected', select)
        assert f'name="r_{mine.member_id}" value="赴省委党校参加培训"' in html
        # Saving the form as shown keeps the leave for the quorum count.
        posted = {f"m_{p.member_id}": Attendance.PRESENT for p in vote.meeting.participants.exclude(pk=mine.pk)}
        posted |= {f"m_{mine.member_id}": Attendance.DECLINED, f"r_{mine.member_id}": "赴省委党校参加培训"}
        client.post(reverse("topics:vote_attendance", args=[vote.pk]), posted)
    mine.refresh_from_db()
    assert (mine.attendance, mine.reason) == (Attendance.DECLINED, "赴省委党校参加培训")


def test_no_deputy_is_offered_nor_taken_at_the_vote_meeting(client, cast, vote_in_two_days):
    vote = vote_in_two_days
    mine = vote.meeting.participants.get(member=cast.standing.member)
    client.force_login(cast.standing)
    page = client.get(vote.meeting.get_absolute_url()).content.decode()
    assert 'value="decline"' in page and 'value="deputy"' not in page and 'name="deputy_name"' not in page
    refused = client.post(_respond_url(mine), {"response": "deputy", "deputy_name": "张三", "reason": "出差"})
    assert refused.status_code == 400
    with pytest.raises(Refused, match="本人出席"):
        services.respond_to_invitation(participant=mine, actor=cast.standing, response="deputy", deputy_name="张三")
    mine.refresh_from_db()
    assert mine.attendance == Attendance.INVITED and mine.deputy_name == ""
    # A standing-committee consultation still takes a deputy.
    consultation = _standing_consultation(cast, vote.meeting.starts_at)
    client.force_login(cast.chair)
    assert 'value="deputy"' in client.get(consultation.get_absolute_url()).content.decode()
    chair = consultation.participants.get(member=cast.chair.member)
    sent = services.respond_to_invitation(participant=chair, actor=cast.chair, response="deputy", deputy_name="李四")
    assert sent.attendance == Attendance.DEPUTY


def test_once_the_vote_meeting_begins_its_invitation_is_no_longer_answered(client, api_client, cast, both_today):
    vote_meeting, consultation = both_today
    mine = vote_meeting.participants.get(member=cast.chair.member)
    client.force_login(cast.chair)
    page = client.get(vote_meeting.get_absolute_url()).content.decode()
    assert _respond_url(mine) not in page
    assert client.post(_respond_url(mine), {"response": "decline", "reason": "临时有事"}).status_code == 400
    with pytest.raises(TransitionNotAllowed, match="表决页面登记"):
        services.respond_to_invitation(participant=mine, actor=cast.chair, response="decline", reason="临时有事")
    mine.refresh_from_db()
    assert mine.attendance == Attendance.INVITED
    assert vote_meeting not in meeting_inbox(cast.chair)
    # The consultation held the same day still takes the answer, and waits for it in the inbox.
    other = consultation.participants.get(member=cast.chair.member)
    assert consultation in meeting_inbox(cast.chair)
    assert _respond_url(other) in client.get(consultation.get_absolute_url()).content.decode()
    assert services.respond_to_invitation(participant=other, actor=cast.chair, response="attend").attendance == (
        Attendance.ATTENDING
    )
