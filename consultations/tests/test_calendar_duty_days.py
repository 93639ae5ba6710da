"""A member's meeting calendar (page and calendar.ics) shows the reception days they are on duty at a
workstation, beside the meetings they are invited to; nobody else's duty days."""

import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from consultations.tests.factories import consultation_meeting
from district.tests.factories import MemberFactory
from grassroots import services as grassroots
from grassroots.tests.factories import ReceptionDayFactory, WorkstationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def duty(cast):
    """cast.member on duty at a workstation on 12 December 2030, 09:00–11:30; another member the day after."""
    ws = WorkstationFactory(name="同安民建政协委员工作室", address="新民镇同心路1号")
    colleague = MemberFactory(name="张彦")
    ws.members.add(cast.member.member, colleague)
    mine = ReceptionDayFactory(workstation=ws, date=dt.date(2030, 12, 12))
    mine.on_duty.add(cast.member.member, colleague)
    theirs = ReceptionDayFactory(workstation=ws, date=dt.date(2030, 12, 13))
    theirs.on_duty.add(colleague)
    return mine, theirs


def test_the_calendar_page_shows_the_members_own_duty_days(client, cast, duty):
    mine, theirs = duty
    client.force_login(cast.member)
    response = client.get(reverse("consultations:calendar"), {"month": "2030-12"})
    html = response.content.decode()
    assert response.context["duties"] == [mine]
    assert "同安民建政协委员工作室接待日（值班）" in html
    assert mine.get_absolute_url() in html and theirs.get_absolute_url() not in html
    # The phone's list has it too, with its hours.
    assert html.count('data-testid="duty-day"') == 2 and "09:00–11:30" in html
    # An office account with no member record has no duty days of its own.
    client.force_login(cast.clerk)
    assert client.get(reverse("consultations:calendar"), {"month": "2030-12"}).context["duties"] == []


def test_the_members_ics_feed_has_their_duty_days_in_shanghai_time_with_stable_uids(client, cast, duty, settings):
    mine, theirs = duty
    consultation_meeting(cast)  # a 2022 meeting: older than the feed's 90 days, left out
    client.force_login(cast.member)

    def events():
        response = client.get(reverse("consultations:calendar_ics"))
        assert response.status_code == 200
        return {str(e["uid"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}

    found = events()
    assert set(found) == {f"reception-{mine.pk}@xieshang"}
    event = found[f"reception-{mine.pk}@xieshang"]
    start, end = event["dtstart"].dt, event["dtend"].dt
    assert str(start.tzinfo) == "Asia/Shanghai" and event["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert (start.replace(tzinfo=None), end.replace(tzinfo=None)) == (
        dt.datetime(2030, 12, 12, 9, 0),
        dt.datetime(2030, 12, 12, 11, 30),
    )
    assert "同安民建政协委员工作室" in str(event["summary"]) and str(event["location"]) == "新民镇同心路1号"
    assert "张彦" in str(event["description"]) and str(event["status"]) == "CONFIRMED"
    # The workstation's own feed names the day with the same UID: one event, wherever it is imported from.
    ws_feed = Calendar.from_ical(client.get(f"/grassroots/workstations/{mine.workstation_id}/calendar.ics").content)
    assert f"reception-{mine.pk}@xieshang" in {str(e["uid"]) for e in ws_feed.walk("VEVENT")}

    grassroots.cancel_reception_day(day=mine, actor=cast.member, reason="台风预警，暂停接待")
    event = events()[f"reception-{mine.pk}@xieshang"]
    assert str(event["status"]) == "CANCELLED" and int(event["sequence"]) == 1
