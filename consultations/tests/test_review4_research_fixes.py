"""Reviewer 4's findings on research (调研): the group's shared-material form posted to a meeting; an
invitation could be accepted after the group ended; the report had no DOCX/PDF nor a way to reach the
meeting as its material; a long 处理说明 was silently dropped; a visit could be dated years before its group."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from consultations import services
from consultations.models import GroupMembership, InvitationResponse, MeetingMaterial, SharedMaterial
from consultations.services import research as research_services
from consultations.tests.factories import at, consultation_meeting, research_group
from core.exceptions import TransitionNotAllowed
from core.models import Attachment, StatusChange
from core.workflow import perform
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _file(name="统计数据.txt", text="全区近三年粮食播种面积和产量数据"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


# ---------------------------------------------------------------- 1. shared materials reach the group


def test_a_member_shares_a_file_from_the_group_page_and_it_lands_on_the_group_not_a_meeting(client, cast):
    group = research_group(cast)
    consultation_meeting(cast)  # meeting 1, as group 1: the old form sent the group's file there
    group_pk = group.pk
    client.force_login(cast.member)
    page = client.get(group.get_absolute_url()).content.decode()
    action = reverse("consultations:group_material_create", args=[group_pk])
    assert action == f"/consultations/groups/{group_pk}/materials/new/"
    assert f'action="{action}"' in page
    assert reverse("consultations:material_create", args=[group_pk]) not in page

    response = client.post(action, {"title": "粮食产量统计", "upload": _file()})
    assert response.status_code == 302
    material = SharedMaterial.objects.get(group=group)
    assert material.title == "粮食产量统计" and material.uploaded_by == cast.member
    assert not MeetingMaterial.objects.exists()
    page = client.get(group.get_absolute_url()).content.decode()
    assert "粮食产量统计" in page


# ---------------------------------------------------------------- 3. invitations lapse with the group


def _pending_invitation(cast, group) -> GroupMembership:
    return services.invite_to_group(group=group, actor=cast.research, member=cast.other_member.member)


def _conclude(cast, group):
    report = group.report
    services.save_report_draft(report=report, actor=cast.vice_chair, title="", body="正文", expected_version=1)
    perform(report, "finalise", actor=cast.vice_chair)
    perform(group, "conclude", actor=cast.vice_chair)


@pytest.mark.parametrize("how", ["conclude", "cancel"])
def test_an_unanswered_invitation_lapses_when_the_group_ends_and_cannot_be_accepted(client, cast, how):
    group = research_group(cast)
    row = _pending_invitation(cast, group)
    if how == "conclude":
        _conclude(cast, group)
    else:
        perform(group, "cancel", actor=cast.research, note="课题调整")
    group.refresh_from_db()

    # The invitee is told once, and the step's audit record names whose invitation lapsed.
    told = Notification.objects.filter(recipient=cast.other_member, event_key__contains=":lapsed:")
    assert told.count() == 1 and "邀请已失效" in told.get().title
    change = StatusChange.objects.filter(object_id=group.pk, action=how).get()
    assert change.data["lapsed_invitations"] == [{"membership": row.pk, "name": row.name}]

    client.force_login(cast.other_member)
    page = client.get(group.get_absolute_url()).content.decode()
    assert "您被邀请参加本课题组，请回复" not in page
    assert 'data-testid="invitation-lapsed"' in page and "邀请已失效" in page
    response = client.post(reverse("consultations:group_respond", args=[group.pk]), {"accept": "1"}, follow=True)
    assert "邀请已失效" in response.content.decode()
    row.refresh_from_db()
    assert row.response == InvitationResponse.INVITED  # never joined: no duty credit, no access
    assert not StatusChange.objects.filter(object_id=group.pk, action="accept_invitation", actor=cast.other_member)
    with pytest.raises(TransitionNotAllowed):
        services.respond_to_group_invitation(membership=row, actor=cast.other_member, accept=True)


def test_invitations_still_open_while_the_group_works(cast):
    group = research_group(cast)
    row = _pending_invitation(cast, group)
    services.respond_to_group_invitation(membership=row, actor=cast.other_member, accept=True)
    row.refresh_from_db()
    assert row.response == InvitationResponse.ACCEPTED


# ---------------------------------------------------------------- 4. the report as DOCX/PDF and a meeting material


def _adopted_report(cast, group):
    report = group.report
    title = "关于双减的协商议政报告"
    first = "一、现状\n二、建议"
    services.save_report_draft(report=report, actor=cast.vice_chair, title=title, body=first, expected_version=1)
    services.save_report_draft(
        report=report,
        actor=cast.vice_chair,
        title="关于双减的协商议政报告",
        body="一、现状\n二、建议\n三、全区近三年数据",
        expected_version=2,
        note="补充数据",
    )
    perform(report, "finalise", actor=cast.vice_chair)
    perform(report, "adopt", actor=cast.research)
    report.refresh_from_db()
    return report


def _docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_a_report_version_downloads_as_docx_and_pdf_for_who_reads_the_report(client, cast):
    group = research_group(cast)
    report = _adopted_report(cast, group)
    client.force_login(cast.expert)
    page = client.get(report.get_absolute_url()).content.decode()
    docx_url = reverse("consultations:report_version_file", args=[report.pk, 2, "docx"])
    assert docx_url in page
    response = client.get(docx_url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    text = _docx_text(response.content)
    assert "关于双减的协商议政报告" in text and "三、全区近三年数据" in text and "第2稿（已采用）" in text
    # An earlier version says it was superseded.
    old = _docx_text(client.get(reverse("consultations:report_version_file", args=[report.pk, 1, "docx"])).content)
    assert "三、全区近三年数据" not in old and "已被后续稿本取代" in old
    pdf = client.get(reverse("consultations:report_version_file", args=[report.pk, 2, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # Someone outside the group gets nothing.
    client.force_login(cast.other_liaison)
    assert client.get(docx_url).status_code == 404


def test_the_office_attaches_the_adopted_report_to_the_meeting_in_one_click(client, cast, time_machine):
    time_machine.move_to(at(1), tick=False)  # the meeting (20 June 2022) lies ahead
    group = research_group(cast)
    meeting = consultation_meeting(cast, group=group)
    perform(meeting, "send_invitations", actor=cast.clerk)
    client.force_login(cast.clerk)
    attach = reverse("consultations:attach_report", args=[meeting.pk])
    # Not offered before the report is adopted, and refused.
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert attach not in page and "采用后才能作为会议材料附上" in page
    client.post(attach)
    assert not MeetingMaterial.objects.exists()

    report = _adopted_report(cast, group)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert f'action="{attach}"' in page
    page = client.post(attach, follow=True).content.decode()
    assert "已通知参会人员" in page
    material = MeetingMaterial.objects.get(meeting=meeting)
    assert material.title == "关于双减的协商议政报告（第2稿，已采用）"
    file = Attachment.objects.get(object_id=material.pk, kind="meeting_material")
    assert file.original_name.endswith("（第2稿）.docx")
    assert "三、全区近三年数据" in _docx_text(file.file.read())
    # Audited on the meeting's timeline and told to the participants, like any material.
    assert StatusChange.objects.filter(object_id=meeting.pk, action="add_material").count() == 1
    assert Notification.objects.filter(recipient=cast.other_member, event_key__contains=":material:").exists()
    # A second click attaches nothing more; the page says it is already there.
    client.post(attach)
    assert MeetingMaterial.objects.filter(meeting=meeting).count() == 1
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert f'action="{attach}"' not in page and "已是本会议的材料" in page
    # A participant may not.
    client.force_login(cast.other_member)
    assert client.post(attach).status_code == 403
    assert report.status == "adopted"


# ---------------------------------------------------------------- 6. a long 处理说明 is refused, not dropped


def test_a_too_long_resolution_is_refused_with_a_message_and_the_text_kept(client, cast):
    group = research_group(cast)
    report = group.report
    services.save_report_draft(report=report, actor=cast.vice_chair, title="", body="正文", expected_version=1)
    comment = services.comment_on_report(report=report, actor=cast.research, body="请补充数据", mandatory=True)
    client.force_login(cast.vice_chair)
    text = "已在第三部分补充全区近三年粮食播种面积和产量数据。" * 24  # 600 characters
    response = client.post(reverse("consultations:comment_resolve", args=[comment.pk]), {"resolution": text})
    assert response.status_code == 400
    page = response.content.decode()
    assert "处理说明不能超过500字（现有600字）" in page
    assert f">{text}</textarea>" in page
    comment.refresh_from_db()
    assert comment.resolved_at is None
    # Within the limit it is recorded in full.
    response = client.post(reverse("consultations:comment_resolve", args=[comment.pk]), {"resolution": text[:500]})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.resolved_at and comment.resolution == text[:500]


# ---------------------------------------------------------------- 9. a visit is dated within its group's year


def test_a_visit_dated_before_the_groups_year_is_refused_on_the_field(client, cast):
    group = research_group(cast)  # a 2022 group
    client.force_login(cast.member)
    page = client.get(group.get_absolute_url()).content.decode()
    assert 'min="2022-01-01"' in page
    url = reverse("consultations:visit_create", args=[group.pk])
    form = {"visited_on": "2015-03-01", "place": "西柯镇粮食基地", "notes": "座谈"}
    response = client.post(url, form)
    assert response.status_code == 400
    page = response.content.decode()
    assert "调研日期不能早于课题组所属年度（2022年）的2022-01-01。" in page
    assert "西柯镇粮食基地" in page  # the rest is kept
    assert not group.visits.exists()
    assert research_services.visit_date_blocker(group, date(2022, 1, 1)) is None
    assert client.post(url, {**form, "visited_on": "2022-03-01"}).status_code == 302
    assert group.visits.get().visited_on == date(2022, 3, 1)
