"""Review 4 #7: the reception-day calendar feed tells subscribed calendars that a day changed — its
SEQUENCE goes up when the day is cancelled or re-rostered, and a cancelled day says why."""

import datetime

import pytest
from icalendar import Calendar

from district.tests.factories import MemberFactory
from grassroots import services
from grassroots.tests.factories import ReceptionDayFactory, WorkstationFactory

pytestmark = pytest.mark.django_db


def _events(client, ws) -> dict[str, object]:
    response = client.get(f"/grassroots/workstations/{ws.pk}/calendar.ics")
    assert response.status_code == 200
    return {str(e["uid"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}


def test_cancelling_a_day_bumps_its_sequence_and_puts_the_reason_in_the_event(client, cast):
    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    day = ReceptionDayFactory(workstation=ws)
    other = ReceptionDayFactory(workstation=ws, date=day.date + datetime.timedelta(days=1))
    uid, other_uid = f"reception-{day.pk}@xieshang", f"reception-{other.pk}@xieshang"
    before = _events(client, ws)
    assert int(before[uid]["sequence"]) == 0

    services.cancel_reception_day(day=day, actor=cast.member, reason="台风预警，暂停接待")

    after = _events(client, ws)
    event = after[uid]
    assert str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == 1
    assert "台风预警，暂停接待" in str(event["description"])
    # The other day did not change.
    assert int(after[other_uid]["sequence"]) == 0 and str(after[other_uid]["status"]) == "CONFIRMED"


def test_a_roster_change_bumps_the_sequence_and_an_unchanged_roster_does_not(client, cast):
    ws = WorkstationFactory()
    first, second = MemberFactory(name="洪志强"), MemberFactory(name="张彦")
    ws.members.add(cast.member.member, first, second)
    day = ReceptionDayFactory(workstation=ws)
    day.on_duty.add(first)
    uid = f"reception-{day.pk}@xieshang"

    services.set_roster(day=day, members=[second], actor=cast.member)
    event = _events(client, ws)[uid]
    assert int(event["sequence"]) == 1
    assert "张彦" in str(event["description"]) and "洪志强" not in str(event["description"])

    services.set_roster(day=day, members=[second], actor=cast.member)  # the same roster: no change
    assert int(_events(client, ws)[uid]["sequence"]) == 1

    services.set_roster(day=day, members=[first, second], actor=cast.member)
    services.cancel_reception_day(day=day, actor=cast.member, reason="场地维修")
    event = _events(client, ws)[uid]
    assert int(event["sequence"]) == 3 and "场地维修" in str(event["description"])
    # The roster's history still reads as one change per set_roster (no extra rows from the counter).
    from grassroots.selectors import last_roster_change

    assert last_roster_change(day) is not None
