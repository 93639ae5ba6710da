"""Meetings as calendar data: ICS events (RFC 5545) and the month grid of the calendar page, with the
reception days the viewing member is on duty at a workstation (grassroots)."""

import calendar as pycal
from datetime import UTC, date

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations.models import Meeting, MeetingStatus
from core.i18n import join_list
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


def duty_event(day, *, base_url: str = "") -> CalendarEvent:
    """A reception day the member is on duty, as the workstation's feed has it: the same stable UID, its
    times in the district's time zone (Asia/Shanghai), cancelled when the workstation cancelled it."""
    from grassroots.services import reception_window

    host = getattr(settings, "ICS_UID_DOMAIN", "xieshang")
    ws = day.workstation
    starts, ends = reception_window(day)
    lines = []
    if day.is_cancelled:
        lines.append(_("本次接待已取消：%(reason)s") % {"reason": day.cancel_reason or _("未说明原因")})
    names = join_list(m.name for m in day.on_duty.all())
    if names:
        lines.append(_("值班委员：%(names)s") % {"names": names})
    return CalendarEvent(
        uid=f"reception-{day.pk}@{host}",
        title=_("%(ws)s接待日（值班）") % {"ws": ws.name},
        starts_at=starts,
        ends_at=ends,
        location=ws.address,
        description="\n".join(lines),
        url=f"{base_url}{day.get_absolute_url()}" if base_url else "",
        organizer_name=ws.name,
        sequence=day.ics_sequence,
        cancelled=day.is_cancelled,
    )


def month_grid(year: int, month: int, meetings: list[Meeting], duties=()) -> list[list[dict]]:
    """Weeks (Monday first) of days, each with the meetings starting that day and the viewer's duty
    days (`duties`: reception days) on it."""
    by_day: dict[date, list[Meeting]] = {}
    for m in meetings:
        by_day.setdefault(timezone.localtime(m.starts_at).date(), []).append(m)
    duty_by_day: dict[date, list] = {}
    for d in duties:
        duty_by_day.setdefault(d.date, []).append(d)
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
                    "duties": duty_by_day.get(day, []),
                }
                for day in week
            ]
        )
    return weeks


def month_agenda(meetings: list[Meeting], duties=()) -> list[dict]:
    """The month's meetings and the viewer's duty days in one list by start time (the page on a phone)."""
    from grassroots.services import reception_window

    rows = [{"meeting": m, "starts_at": m.starts_at} for m in meetings]
    rows += [{"duty": d, "starts_at": reception_window(d)[0]} for d in duties]
    return sorted(rows, key=lambda row: row["starts_at"])


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1
