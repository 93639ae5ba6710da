"""Meetings as calendar data: ICS events (RFC 5545) and the month grid of the calendar page."""

import calendar as pycal
from datetime import UTC, date

from django.conf import settings
from django.utils import timezone

from consultations.models import Meeting, MeetingStatus
from core.ics import CalendarEvent


def meeting_event(meeting: Meeting, *, base_url: str = "") -> CalendarEvent:
    """The meeting as one calendar event; its UID is stable so re-imports update it."""
    host = getattr(settings, "ICS_UID_DOMAIN", "xieshang")
    return CalendarEvent(
        uid=f"meeting-{meeting.pk}@{host}",
        title=meeting.title,
        # UTC times need no VTIMEZONE block, so every calendar client reads them the same way.
        starts_at=meeting.starts_at.astimezone(UTC),
        ends_at=meeting.ends_at.astimezone(UTC),
        location=meeting.place,
        description=meeting.agenda,
        url=f"{base_url}{meeting.get_absolute_url()}" if base_url else "",
        organizer_name=meeting.conveners,
        sequence=meeting.ics_sequence,
        cancelled=meeting.status == MeetingStatus.CANCELLED,
    )


def month_grid(year: int, month: int, meetings: list[Meeting]) -> list[list[dict]]:
    """Weeks (Monday first) of days, each with the meetings starting that day."""
    by_day: dict[date, list[Meeting]] = {}
    for m in meetings:
        by_day.setdefault(timezone.localtime(m.starts_at).date(), []).append(m)
    today = timezone.localdate()
    weeks = []
    for week in pycal.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [
                {
                    "date": day,
                    "in_month": day.month == month,
                    "is_today": day == today,
                    "meetings": by_day.get(day, []),
                }
                for day in week
            ]
        )
    return weeks


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1
