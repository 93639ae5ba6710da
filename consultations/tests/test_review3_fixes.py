"""Fixes after the third review of 拟题→确题→调研→协商: a deputy's speech, 定稿 offered only when it
would be taken, a group's year, a declined invitation told, the notice rule for a standing-committee
consultation, attendance before micro-consultation minutes."""

import io
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from docx import Document

from consultations import services
from consultations.forms import SpeechForm
from consultations.models import Attendance, SpeechKind
from consultations.tests.factories import consultation_meeting, send_notice
from core.workflow import perform

pytestmark = pytest.mark.django_db


# ---- #2: a participant who sent a deputy did not speak; the deputy did, on their behalf


@pytest.fixture
def deputy_meeting(cast):
    edu = cast.liaison.department
    edu.head_name = "杨文"
    edu.name, edu.short_name = "区教育局", "教育局"
    edu.save()
    meeting = consultation_meeting(cast)
    head = meeting.participants.get(department=edu)
    assert head.name == "杨文"
    send_notice(meeting, actor=cast.clerk)
    services.respond_to_invitation(participant=head, actor=cast.liaison, response="deputy", deputy_name="林晓")
    perform(meeting, "hold", actor=cast.clerk)
    head.refresh_from_db()
    return meeting, head


def test_a_deputy_is_offered_and_recorded_as_the_speaker(client, cast, deputy_meeting):
    meeting, head = deputy_meeting
    labels = [label for value, label in SpeechForm(meeting=meeting).fields["participant"].choices if value]
    assert "林晓（代杨文） · 教育局" in labels
    assert not any(label.startswith("杨文") for label in labels)

    client.force_login(cast.clerk)
    response = client.post(
        reverse("consultations:speech_create", args=[meeting.pk]),
        {"kind": SpeechKind.RESPONSE, "participant": head.pk, "summary": "计划2027年底前覆盖。"},
    )
    assert response.status_code in (200, 302)
    speech = meeting.speeches.get()
    assert (speech.speaker_name, speech.on_behalf_of) == ("林晓", "代杨文，区教育局")
    assert speech.department == head.department
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "<strong>林晓</strong>（代杨文，区教育局）" in page


def test_the_minutes_quote_the_deputy_not_the_absent_head(client, cast, deputy_meeting, tmp_path):
    meeting, head = deputy_meeting
    services.record_speech(
        meeting=meeting, actor=cast.clerk, participant=head, kind=SpeechKind.RESPONSE, summary="计划2027年底前覆盖。"
    )
    # Someone who came in person is still the speaker under their own name.
    member = meeting.participants.get(member=cast.other_member.member)
    assert services.record_speech(
        meeting=meeting, actor=cast.clerk, participant=member, summary="建议"
    ).speaker_name == (member.name)
    client.force_login(cast.clerk)
    docx = client.get(reverse("consultations:minutes", args=[meeting.pk, "docx"])).content
    text = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    assert "1. 林晓（代杨文，区教育局）【部门回应】：计划2027年底前覆盖。" in text
    assert "杨文【部门回应】" not in text
    pdf = tmp_path / "minutes.pdf"
    pdf.write_bytes(client.get(reverse("consultations:minutes", args=[meeting.pk, "pdf"])).content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "林晓（代杨文，区教育局）" in text
    assert head.attendance == Attendance.DEPUTY


# ---- #8: 定稿 is offered only when it would be taken (no mandatory comment open)


def _offered(obj, user):
    from core.workflow import workflow_for

    return [a.name for a in workflow_for(obj).available(obj, user)]


def test_finalise_is_not_offered_while_a_mandatory_comment_is_open(client, cast):
    from consultations.tests.factories import research_group

    report = research_group(cast).report
    services.save_report_draft(
        report=report, actor=cast.member, title="报告", body="第一稿", expected_version=report.version
    )
    report.refresh_from_db()
    comment = services.comment_on_report(report=report, actor=cast.research, body="数据需更新", mandatory=True)
    lead = cast.vice_chair
    assert "finalise" not in _offered(report, lead)
    client.force_login(lead)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "1条必须处理的意见未处理，处理完毕后才能定稿" in page
    assert 'name="action" value="finalise"' not in page
    services.resolve_comment(comment=comment, actor=cast.research, resolution="已更新为2026年数据")
    assert "finalise" in _offered(report, lead)


# ---- #5: a research group is filed under its plan item's year


def test_a_group_for_a_plan_item_of_another_year_is_refused_and_the_choices_show_the_year(client, cast):
    from django.contrib.contenttypes.models import ContentType

    from consultations.forms import GroupForm
    from consultations.models import ResearchGroup
    from topics.tests.factories import ItemFactory, PlanFactory

    item = ItemFactory(plan=PlanFactory(year=2027), title="提升义务教育优质均衡发展水平")
    value = f"{ContentType.objects.get_for_model(item).pk}:{item.pk}"
    assert dict(GroupForm().fields["subject"].choices)[value] == "2027年度 · 提升义务教育优质均衡发展水平"

    client.force_login(cast.research)
    data = {"title": item.title, "year": 2026, "lead": cast.vice_chair.member.pk, "subject": value}
    response = client.post(reverse("consultations:group_create"), data)
    assert response.status_code == 400
    assert "所选计划事项属于2027年度，与课题组年度2026不一致" in response.content.decode()
    assert not ResearchGroup.objects.exists()
    response = client.post(reverse("consultations:group_create"), {**data, "year": 2027})
    assert response.status_code == 302
    assert ResearchGroup.objects.get().year == 2027


# ---- #7: the lead and the office that formed the group hear of a decline, with its reason


def test_a_declined_group_invitation_tells_the_lead_and_the_office(cast):
    from consultations.tests.factories import research_group
    from notifications.models import Notification

    group = research_group(cast, with_member=False, with_expert=False, start=False)
    row = services.invite_to_group(group=group, actor=cast.research, member=cast.other_member.member)
    before = Notification.objects.count()
    services.respond_to_group_invitation(membership=row, actor=cast.other_member, accept=False, reason="近期在外地出差")
    told = Notification.objects.filter(pk__gt=0).order_by("id")[before:]
    assert sorted(n.recipient.username for n in told) == ["research", "vicechair"]
    for note in told:
        assert note.title == f"member2谢绝参加课题组：{group.title}"
        assert "近期在外地出差" in note.body
        assert note.url.endswith(group.get_absolute_url())
    # Accepting tells nobody.
    row = services.invite_to_group(group=group, actor=cast.research, member=cast.member.member)
    count = Notification.objects.count()
    services.respond_to_group_invitation(membership=row, actor=cast.member, accept=True)
    assert Notification.objects.count() == count


# ---- #3: the standing committee's key consultation follows the notice and materials rule; the plan's vote does not


def test_a_standing_committee_consultation_gets_the_notice_warning_and_materials_deadline(client, cast):
    import datetime as dt

    from django.utils import timezone

    from consultations.models import MeetingKind
    from consultations.selectors import materials_due, short_notice
    from consultations.tests.factories import research_group
    from topics.services import votes
    from topics.tests.factories import drive_to_vote

    soon = timezone.now() + dt.timedelta(days=3)
    for group in (research_group(cast), None):  # on a research topic, or convened directly with a department
        meeting = services.create_consultation_meeting(
            title="提升义务教育优质均衡发展水平常委会协商",
            kind=MeetingKind.STANDING,
            starts_at=soon,
            ends_at=soon + dt.timedelta(hours=3),
            departments=[cast.liaison.department],
            research_group=group,
            actor=cast.clerk,
        )
        assert short_notice(meeting) and materials_due(meeting) is not None
        client.force_login(cast.clerk)
        page = client.get(meeting.get_absolute_url()).content.decode()
        assert "工作日通知" in page and 'data-testid="materials-due"' in page
    # The standing committee's vote on the plan stays exempt.
    vote = votes.open_vote(plan=drive_to_vote(cast), actor=cast.clerk, starts_at=soon)
    assert not short_notice(vote.meeting) and materials_due(vote.meeting) is None


# ---- #10: micro-consultation minutes wait until the recorder has said who took part


def test_micro_minutes_are_refused_until_every_participant_is_marked(client, cast, tmp_path):
    from django.utils import timezone

    from core.exceptions import Refused

    now = timezone.now()
    meeting = services.create_micro_consultation(
        title="老旧小区加装电梯微协商",
        starts_at=now,
        ends_at=now + timedelta(hours=1),
        place="社区议事厅",
        actor=cast.member,
        department=cast.liaison.department,
        department_head_name="王建国",
        residents=["陈阿婆", "李先生"],
        issue="加装电梯",
    )
    perform(meeting, "hold", actor=cast.member)
    services.set_minutes_summary(meeting=meeting, actor=cast.member, summary="住建局当场解释，居民表示理解。")
    with pytest.raises(Refused) as refused:
        perform(meeting, "issue_minutes", actor=cast.member)
    assert "王建国、陈阿婆、李先生" in str(refused.value.message)

    client.force_login(cast.member)
    people = {p.name: p for p in meeting.participants.all()}
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert reverse("consultations:participant_absent", args=[people["李先生"].pk]) in page
    for name in ("王建国", "陈阿婆"):
        client.post(reverse("consultations:participant_check_in", args=[people[name].pk]))
    client.post(reverse("consultations:participant_absent", args=[people["李先生"].pk]))
    # Someone else may not mark attendance at a meeting they do not run.
    other = meeting.participants.create(name="张三", role="resident")
    client.force_login(cast.other_member)
    client.post(reverse("consultations:participant_absent", args=[other.pk]))
    other.refresh_from_db()
    assert other.attendance == Attendance.INVITED
    services.check_in(participant=other, actor=cast.member)

    perform(meeting, "issue_minutes", actor=cast.member)
    client.force_login(cast.member)
    issued = client.get(reverse("consultations:minutes", args=[meeting.pk, "docx"]))  # the issued copy
    doc = Document(io.BytesIO(b"".join(issued.streaming_content)))
    table = doc.tables[0]
    rows = {table.cell(i, 0).text: table.cell(i, 3).text for i in range(1, len(table.rows))}
    assert rows == {"王建国": "出席", "陈阿婆": "出席", "李先生": "缺席", "张三": "出席"}
