"""Small builders for hand-counted datasets: records created directly, with the dates a test needs."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from consultations.models import Attendance, Meeting, MeetingKind, MeetingParticipant, MeetingStatus, Speech
from consultations.tests.factories import MeetingFactory
from intake.models import Appeal, AppealStatus, Channel
from intake.tests.factories import AppealCategoryFactory, AppealFactory

TZ = ZoneInfo("Asia/Shanghai")

__all__ = ["AppealCategoryFactory", "appeal", "meeting", "attend", "speech", "moment"]


def moment(y: int, m: int, d: int, hour: int = 10) -> datetime:
    return datetime(y, m, d, hour, tzinfo=TZ)


def appeal(
    *,
    on: date,
    category=None,
    town=None,
    channel=Channel.WEB,
    status=AppealStatus.RECEIVED,
    department=None,
    answered_after: float | None = None,
    closed_after: float | None = None,
) -> Appeal:
    """An appeal received on a given day, answered and closed a number of days later."""
    created = moment(on.year, on.month, on.day)
    a = AppealFactory(category=category, town=town, channel=channel, status=status, department=department)
    Appeal.objects.filter(pk=a.pk).update(
        created_at=created,
        answered_at=created + timedelta(days=answered_after) if answered_after is not None else None,
        closed_at=created + timedelta(days=closed_after) if closed_after is not None else None,
    )
    a.refresh_from_db()
    return a


def meeting(creator, *, kind=MeetingKind.OTHER, on: date = date(2022, 6, 10), status=MeetingStatus.HELD) -> Meeting:
    start = moment(on.year, on.month, on.day, 9)
    return MeetingFactory(
        kind=kind, starts_at=start, ends_at=start + timedelta(hours=2), status=status, created_by=creator
    )


def attend(m: Meeting, *, member=None, user=None, attendance=Attendance.PRESENT) -> MeetingParticipant:
    name = member.name if member else user.display
    return MeetingParticipant.objects.create(meeting=m, member=member, user=user, name=name, attendance=attendance)


def speech(participant: MeetingParticipant, recorder) -> Speech:
    return Speech.objects.create(
        meeting=participant.meeting,
        participant=participant,
        speaker_name=participant.name,
        summary="建议加强课后服务。",
        recorded_by=recorder,
    )
