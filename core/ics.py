"""ICS calendars (RFC 5545) built with `icalendar`, for meetings and reception days."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText


@dataclass
class CalendarEvent:
    uid: str  # stable, e.g. "meeting-12@xieshang"
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str = ""
    description: str = ""
    url: str = ""
    organizer_name: str = ""
    sequence: int = 0  # bump when the event changes so calendars update it
    cancelled: bool = False


def build_calendar(events: list[CalendarEvent], *, name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Xieshang//CPPCC consultation platform//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    now = timezone.now()
    for item in events:
        ev = Event()
        ev.add("uid", item.uid)
        ev.add("dtstamp", now)
        ev.add("dtstart", item.starts_at)
        ev.add("dtend", item.ends_at)
        ev.add("summary", item.title)
        ev.add("sequence", item.sequence)
        if item.location:
            ev.add("location", item.location)
        if item.description:
            ev.add("description", item.description)
        if item.url:
            ev.add("url", item.url)
        if item.organizer_name:
            organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
            organizer.params["cn"] = vText(item.organizer_name)
            ev["organizer"] = organizer
        ev.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        cal.add_component(ev)
    # RFC 5545 §3.2.19: every TZID used needs its VTIMEZONE, or strict calendars reject the times.
    cal.add_missing_timezones()
    return cal.to_ical()


def ics_response(events: list[CalendarEvent], *, name: str, filename: str) -> HttpResponse:
    response = HttpResponse(build_calendar(events, name=name), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
