"""Fixes after the first review of 调研→协商: actions offered only when they can be taken, the files
a refused form cannot keep."""

from datetime import timedelta

import pytest
from django.utils import timezone

from consultations import services
from consultations.tests.factories import research_group
from core.workflow import workflow_for

pytestmark = pytest.mark.django_db


def _offered(obj, user):
    return [a.name for a in workflow_for(obj).available(obj, user)]


def test_a_report_without_a_version_is_not_offered_for_review_or_finalising(cast):
    report = research_group(cast).report
    lead = cast.vice_chair
    assert "finalise" not in _offered(report, lead)
    services.save_report_draft(
        report=report, actor=cast.member, title="报告", body="第一稿", expected_version=report.version
    )
    report.refresh_from_db()
    assert "finalise" in _offered(report, lead)
    assert "submit_review" in _offered(report, cast.member)


def test_holding_a_meeting_is_not_offered_before_its_day(cast):
    soon = timezone.now() + timedelta(days=10)
    meeting = services.create_consultation_meeting(
        title="临时协商会",
        starts_at=soon,
        ends_at=soon + timedelta(hours=2),
        departments=[cast.liaison.department],
        actor=cast.clerk,
    )
    assert "hold" not in _offered(meeting, cast.clerk)
    today = timezone.now()
    meeting.starts_at, meeting.ends_at = today, today + timedelta(hours=1)
    meeting.save(update_fields=["starts_at", "ends_at"])
    assert "hold" in _offered(meeting, cast.clerk)


def test_a_refused_visit_form_asks_to_choose_its_files_again(client, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    group = research_group(cast)
    client.force_login(cast.member)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    data = {"visited_on": future, "place": "同安一中", "notes": "座谈记录"}
    response = client.post(
        reverse("consultations:visit_create", args=[group.pk]),
        {**data, "files": SimpleUploadedFile("照片.pdf", b"%PDF-1.4", content_type="application/pdf")},
    )
    assert response.status_code == 400
    assert "请重新选择附件" in response.content.decode()
    # Without a file chosen there is nothing to choose again.
    response = client.post(reverse("consultations:visit_create", args=[group.pk]), data)
    assert "请重新选择附件" not in response.content.decode()
