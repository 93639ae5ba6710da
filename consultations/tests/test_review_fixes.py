"""Fixes after the first review of 调研→协商: actions offered only when they can be taken, the files
a refused form cannot keep."""

from datetime import timedelta

import pytest
from django.utils import timezone

from consultations import services
from consultations.tests.factories import research_group, send_notice
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


# ---- second review: an outcome item is corrected in place until its special report goes for signing


def _item_of_a_minuted_meeting(cast):
    from consultations.tests.factories import consultation_meeting
    from core.workflow import perform

    meeting = consultation_meeting(cast)
    send_notice(meeting, actor=cast.clerk)
    perform(meeting, "hold", actor=cast.clerk)
    item = services.record_outcome_item(
        meeting=meeting,
        actor=cast.clerk,
        recommendation="扩大课后服务覆盖面",
        responsible_department=cast.liaison.department,
    )
    services.set_minutes_summary(meeting=meeting, actor=cast.clerk, summary="会议纪要正文")
    perform(meeting, "issue_minutes", actor=cast.clerk)
    return item


def test_whoever_records_outcome_items_corrects_one_in_place_and_the_change_is_audited(cast, client):
    from django.urls import reverse

    from district.tests.factories import DepartmentFactory

    item = _item_of_a_minuted_meeting(cast)
    health = DepartmentFactory(name="区卫生健康局")
    url = reverse("consultations:outcome_edit", args=[item.pk])
    client.force_login(cast.clerk)
    page = client.get(item.meeting.get_absolute_url()).content.decode()
    assert url in page
    data = {
        "recommendation": "扩大课后服务覆盖面，增加体育类服务",
        "responsible_department": cast.liaison.department.pk,
        "co_departments": [health.pk],
        "agreed_action": "秋季学期起实施",
        "due_date": "2022-12-31",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.recommendation == "扩大课后服务覆盖面，增加体育类服务"
    assert list(item.co_departments.all()) == [health]
    assert item.history.first().history_user == cast.clerk
    # The item's page shows who changed what (its audited history), below the form.
    history = client.get(url).content.decode().split('data-testid="history"')[1]
    assert "扩大课后服务覆盖面 → 扩大课后服务覆盖面，增加体育类服务" in history
    assert "区卫生健康局" in history and cast.clerk.display in history
    # Those who do not record the meeting's outcomes may not correct them.
    client.force_login(cast.other_member)
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, data).status_code in (403, 404)


def test_an_outcome_item_is_locked_once_its_special_report_goes_for_signing(cast, client):
    from django.urls import reverse

    from core.workflow import perform
    from supervision.services.reports import compile_special_report

    item = _item_of_a_minuted_meeting(cast)
    report = compile_special_report(meeting=item.meeting, items=[item], actor=cast.research, lead=cast.member)
    url = reverse("consultations:outcome_edit", args=[item.pk])
    data = {"recommendation": "草稿专报中修改", "responsible_department": cast.liaison.department.pk}
    client.force_login(cast.clerk)
    assert client.post(url, data).status_code == 302  # the report is still a draft
    perform(report, "submit", actor=cast.research)
    page = client.get(item.meeting.get_absolute_url()).content.decode()
    # No edit link (the notice of the correction still links to the item's history).
    assert f'href="{url}"' not in page and 'data-testid="outcome-locked"' in page
    assert f'href="{url}#history"' in page
    page = client.get(url).content.decode()
    assert "不能再修改" in page and "outcome-edit-form" not in page
    response = client.post(url, {**data, "recommendation": "送签后修改"}, follow=True)
    assert "不能再修改" in response.content.decode()
    item.refresh_from_db()
    assert item.recommendation == "草稿专报中修改"
