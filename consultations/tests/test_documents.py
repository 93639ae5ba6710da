"""ICS read back with icalendar; minutes read back with python-docx and pdftotext."""

import io
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from docx import Document
from icalendar import Calendar

from consultations import services
from consultations.models import SpeechKind
from consultations.tests.factories import at, consultation_meeting, send_notice
from core.workflow import perform

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_meeting(cast):
    meeting = consultation_meeting(cast)
    send_notice(meeting, actor=cast.clerk)
    perform(meeting, "hold", actor=cast.clerk)
    services.check_in(participant=meeting.participants.get(member=cast.other_member.member), actor=cast.clerk)
    services.record_speech(
        meeting=meeting,
        actor=cast.clerk,
        speaker_name="member2",
        on_behalf_of="教育界别",
        summary="建议课后服务引入优质社会资源。",
    )
    services.record_speech(
        meeting=meeting,
        actor=cast.clerk,
        participant=meeting.participants.get(department=cast.liaison.department),
        kind=SpeechKind.RESPONSE,
        summary="秋季学期实现课后服务全覆盖。",
    )
    services.record_outcome_item(
        meeting=meeting,
        actor=cast.clerk,
        recommendation="扩大课后服务覆盖面",
        responsible_department=cast.liaison.department,
        agreed_action="秋季学期全覆盖",
    )
    return meeting


def test_meeting_ics_is_read_by_icalendar(client, cast):
    meeting = consultation_meeting(cast)
    client.force_login(cast.other_member)
    response = client.get(reverse("consultations:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert b"DTSTART:20220620T010000Z" in response.content  # UTC: no VTIMEZONE needed
    cal = Calendar.from_ical(response.content)
    (event,) = cal.walk("VEVENT")
    assert str(event["summary"]) == meeting.title
    assert str(event["location"]) == "区政协三楼会议室"
    assert event["uid"].startswith(f"meeting-{meeting.pk}@")
    assert event.decoded("dtstart") == datetime(2022, 6, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert event.decoded("dtend") == datetime(2022, 6, 20, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert "教育局通报" in str(event["description"])
    assert str(event["status"]) == "CONFIRMED"
    assert event["url"].endswith(meeting.get_absolute_url())


def test_rescheduled_meeting_ics_has_a_higher_sequence_and_same_uid(client, cast):
    meeting = consultation_meeting(cast)
    client.force_login(cast.clerk)
    first = Calendar.from_ical(client.get(reverse("consultations:meeting_ics", args=[meeting.pk])).content)
    services.reschedule_meeting(
        meeting=meeting, actor=cast.clerk, starts_at=at(22, 14), ends_at=at(22, 16), place="区行政中心"
    )
    second = Calendar.from_ical(client.get(reverse("consultations:meeting_ics", args=[meeting.pk])).content)
    a, b = first.walk("VEVENT")[0], second.walk("VEVENT")[0]
    assert a["uid"] == b["uid"]
    assert int(b["sequence"]) == int(a["sequence"]) + 1
    assert str(b["location"]) == "区行政中心"


def test_calendar_feed_has_only_meetings_the_user_may_see(client, cast):
    consultation_meeting(cast)
    services.create_meeting(kind="chairs", title="主席会议", starts_at=at(3), ends_at=at(3, 11), actor=cast.clerk)
    client.force_login(cast.liaison)
    cal = Calendar.from_ical(client.get(reverse("consultations:calendar_ics")).content)
    assert [str(e["summary"]) for e in cal.walk("VEVENT")] == []  # 2022 is older than the 90-day window
    client.force_login(cast.clerk)
    services.create_meeting(
        kind="chairs",
        title="近期主席会议",
        starts_at=datetime.now(tz=ZoneInfo("Asia/Shanghai")),
        ends_at=datetime.now(tz=ZoneInfo("Asia/Shanghai")),
        actor=cast.clerk,
    )
    titles = [
        str(e["summary"])
        for e in Calendar.from_ical(client.get(reverse("consultations:calendar_ics")).content).walk("VEVENT")
    ]
    assert titles == ["近期主席会议"]
    client.force_login(cast.liaison)
    titles = [
        str(e["summary"])
        for e in Calendar.from_ical(client.get(reverse("consultations:calendar_ics")).content).walk("VEVENT")
    ]
    assert "近期主席会议" not in titles


def test_minutes_docx_reads_back(client, cast, held_meeting):
    client.force_login(cast.clerk)
    response = client.get(reverse("consultations:minutes", args=[held_meeting.pk, "docx"]))
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "落实教育“双减”政策专题协商会纪要" in text
    assert "建议课后服务引入优质社会资源" in text and "教育界别" in text
    outcome_table = doc.tables[-1]
    assert outcome_table.cell(1, 1).text == "扩大课后服务覆盖面"
    assert outcome_table.cell(1, 4).text == "秋季学期全覆盖"
    people = doc.tables[0]
    rows = {people.cell(i, 0).text: people.cell(i, 3).text for i in range(1, len(people.rows))}
    assert rows["member2"] == "出席"


def test_minutes_pdf_reads_back_with_pdftotext(client, cast, held_meeting, tmp_path):
    client.force_login(cast.clerk)
    response = client.get(reverse("consultations:minutes", args=[held_meeting.pk, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "minutes.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "扩大课后服务覆盖面" in text
    assert "秋季学期实现课后服务全覆盖" in text


def test_minutes_are_not_generated_before_the_meeting(client, cast):
    meeting = consultation_meeting(cast)
    client.force_login(cast.clerk)
    response = client.get(reverse("consultations:minutes", args=[meeting.pk, "docx"]))
    assert response.status_code == 302


def test_minutes_sections_are_numbered_without_gaps_and_dated_when_issued(client, cast):
    """A meeting with no agenda still reads 一 to 五; the date is the day the minutes were issued."""
    meeting = services.create_consultation_meeting(
        title="无议程协商会",
        starts_at=at(20, 9),
        ends_at=at(20, 12),
        place="区政协三楼会议室",
        departments=[cast.liaison.department],
        actor=cast.clerk,
    )
    perform(meeting, "hold", actor=cast.clerk)
    services.set_minutes_summary(meeting=meeting, actor=cast.clerk, summary="会议认为应加快推进。")
    # Entered into the platform after the paper went out: the minutes carry the day they were issued.
    perform(meeting, "issue_minutes", actor=cast.clerk, data={"issued_on": "2022-06-24"})
    client.force_login(cast.clerk)
    response = client.get(reverse("consultations:minutes", args=[meeting.pk, "docx"]))
    doc = Document(io.BytesIO(b"".join(response.streaming_content)))  # the issued copy, stored
    text = "\n".join(p.text for p in doc.paragraphs)
    headings = [line for line in text.splitlines() if line[:2] in ("一、", "二、", "三、", "四、", "五、")]
    assert headings == ["一、会议议程", "二、参会人员", "三、会议纪要", "四、发言和部门回应", "五、协商成果事项"]
    assert "2022年6月24日" in text


def test_minutes_name_a_member_by_title_as_the_meeting_page_does(client, cast):
    held_meeting = consultation_meeting(cast)
    services.invite(meeting=held_meeting, actor=cast.clerk, member=cast.vice_chair.member)
    send_notice(held_meeting, actor=cast.clerk)
    perform(held_meeting, "hold", actor=cast.clerk)
    client.force_login(cast.clerk)
    doc = Document(io.BytesIO(client.get(reverse("consultations:minutes", args=[held_meeting.pk, "docx"])).content))
    people = doc.tables[0]
    roles = {people.cell(i, 0).text: people.cell(i, 1).text for i in range(1, len(people.rows))}
    # The vice-chair who chairs the meeting is not listed as a plain 委员 in the record sent upward.
    assert roles[cast.vice_chair.member.name] == "副主席" and roles["member2"] == "委员"
    page = client.get(held_meeting.get_absolute_url()).content.decode()
    assert f"{cast.vice_chair.member.name} · 副主席" in page  # the speaker list of the speech form


def test_minutes_are_worded_in_chinese_for_a_clerk_reading_english(client, cast, held_meeting):
    """The minutes are an official document: the district's language, whatever the downloader reads."""
    cast.clerk.language = "en"
    cast.clerk.save(update_fields=["language"])
    client.force_login(cast.clerk)
    response = client.get(reverse("consultations:minutes", args=[held_meeting.pk, "docx"]), HTTP_ACCEPT_LANGUAGE="en")
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "会议形式：" in text and "一、会议议程" in text
    assert "Meeting format" not in text and "Minutes of" not in text
