"""The research group attaches annexes (附件: data tables, survey results, photos) to its consultation
report while it is drafted or reviewed: checked by content, downloadable by whoever may read the report
and nobody else, each addition and removal on the report's timeline."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consultations import services
from consultations.tests.factories import research_group
from core.models import Attachment, StatusChange
from core.workflow import perform

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def report(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    group = research_group(cast)
    services.save_report_draft(report=group.report, actor=cast.member, title="报告", body="概况", expected_version=1)
    return group.report


def upload(client, report, name="问卷统计.pdf", content=PDF):
    return client.post(
        reverse("consultations:report_annex_add", args=[report.pk]),
        {"upload": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


def test_a_member_attaches_a_file_the_group_reads_and_outsiders_do_not(client, cast, report):
    client.force_login(cast.member)
    response = upload(client, report)
    assert response.status_code == 302 and response["Location"].endswith("#annexes")
    annex = Attachment.objects.get(kind="report_annex")
    page = client.get(report.get_absolute_url()).content.decode()
    assert "问卷统计.pdf" in page and reverse("core:attachment", args=[annex.token]) in page
    client.force_login(cast.expert)  # in the group
    download = client.get(reverse("core:attachment", args=[annex.token]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    client.force_login(cast.liaison)  # not in it
    assert client.get(reverse("core:attachment", args=[annex.token])).status_code == 404
    step = StatusChange.objects.get(object_id=report.pk, action="add_annex")
    assert step.actor == cast.member and step.note == "问卷统计.pdf"


def test_a_refused_file_comes_back_on_the_report_page_and_nothing_is_stored(client, cast, report):
    client.force_login(cast.member)
    response = upload(client, report, name="数据.pdf", content=b"MZ\x90\x00 not a document at all" * 10)
    assert response.status_code == 400
    html = response.content.decode()
    assert "类型不被接受" in html and 'data-testid="annex-form"' in html
    assert "请重新选择附件" in html
    assert not Attachment.objects.filter(kind="report_annex").exists()
    assert not StatusChange.objects.filter(action="add_annex").exists()


def test_removing_an_annex_is_audited_and_its_file_goes_after_the_commit(
    client, cast, report, django_capture_on_commit_callbacks
):
    client.force_login(cast.member)
    upload(client, report)
    annex = Attachment.objects.get(kind="report_annex")
    stored = annex.file.path
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("consultations:report_annex_remove", args=[report.pk, annex.pk]), follow=True)
    assert "已删除附件“问卷统计.pdf”。" in response.content.decode()
    assert not Attachment.objects.filter(pk=annex.pk).exists()
    assert not Path(stored).exists()
    step = StatusChange.objects.get(object_id=report.pk, action="remove_annex")
    assert step.actor == cast.member and step.data["sha256"] == annex.sha256


def test_no_annex_changes_once_finalised_nor_from_outside_the_group(client, cast, report):
    client.force_login(cast.liaison)
    assert upload(client, report).status_code == 404
    assert not Attachment.objects.filter(kind="report_annex").exists()
    client.force_login(cast.member)
    upload(client, report)
    annex = Attachment.objects.get(kind="report_annex")
    perform(report, "finalise", actor=cast.vice_chair)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "问卷统计.pdf" in page
    assert 'data-testid="annex-form"' not in page and 'data-testid="annex-remove"' not in page
    assert "报告已定稿，不能再修改。" in upload(client, report, name="补充.pdf").content.decode()
    client.post(reverse("consultations:report_annex_remove", args=[report.pk, annex.pk]))
    assert Attachment.objects.filter(pk=annex.pk).exists()


def test_the_adopted_reports_annexes_go_with_it_to_the_meeting(client, cast, report, time_machine):
    from consultations.models import MeetingMaterial
    from consultations.tests.factories import at, consultation_meeting

    client.force_login(cast.member)
    upload(client, report)
    perform(report, "finalise", actor=cast.vice_chair)
    perform(report, "adopt", actor=cast.research)
    time_machine.move_to(at(1), tick=False)  # the meeting (20 June 2022) lies ahead
    meeting = consultation_meeting(cast, group=report.group)
    perform(meeting, "send_invitations", actor=cast.clerk)
    client.force_login(cast.clerk)
    client.post(reverse("consultations:attach_report", args=[meeting.pk]))
    material = MeetingMaterial.objects.get(meeting=meeting)
    files = Attachment.objects.filter(object_id=material.pk, kind="meeting_material").order_by("id")
    assert [f.original_name.rsplit(".", 1)[1] for f in files] == ["docx", "pdf"]
    annex = files[1]
    assert annex.original_name == "问卷统计.pdf" and annex.sha256 == Attachment.objects.get(kind="report_annex").sha256
    # A department liaison invited to the meeting reads it there, not on the report's page.
    client.force_login(cast.liaison)
    assert client.get(report.get_absolute_url()).status_code == 404
    assert "问卷统计.pdf" in client.get(meeting.get_absolute_url()).content.decode()
    assert client.get(reverse("core:attachment", args=[annex.token])).status_code == 200
