"""Issued minutes are a fixed record: the DOCX and PDF stored when they were issued are what every later
download serves, whatever is corrected afterwards; a correction is announced next to the download, and
those who run the meeting can still download the current version, marked as not the issued minutes."""

import io
from datetime import datetime

import pytest
from django.urls import reverse
from docx import Document

from consultations import services
from consultations.selectors import corrections_after_issue, issued_minutes
from consultations.tests.factories import consultation_meeting, send_notice
from core.exceptions import Refused
from core.models import Attachment, StatusChange
from core.workflow import perform
from district.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def _text(docx: bytes) -> str:
    doc = Document(io.BytesIO(docx))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _held(cast):
    meeting = consultation_meeting(cast)
    send_notice(meeting, actor=cast.clerk)
    perform(meeting, "hold", actor=cast.clerk)
    item = services.record_outcome_item(
        meeting=meeting,
        actor=cast.clerk,
        recommendation="扩大课后服务覆盖面",
        responsible_department=cast.liaison.department,
        agreed_action="秋季学期全覆盖",
    )
    return meeting, item


def _minuted(cast):
    meeting, item = _held(cast)
    perform(meeting, "issue_minutes", actor=cast.clerk)
    return meeting, item


def _correct(item, actor, **changes):
    values = {
        "recommendation": item.recommendation,
        "responsible_department": item.responsible_department,
        "agreed_action": item.agreed_action,
        "due_date": item.due_date,
        "co_departments": list(item.co_departments.all()),
        **changes,
    }
    return services.update_outcome_item(item=item, actor=actor, **values)


def _get(client, user, name, meeting, fmt="docx"):
    client.force_login(user)
    return client.get(reverse(f"consultations:{name}", args=[meeting.pk, fmt]))


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_issuing_the_minutes_stores_the_issued_docx_and_pdf_with_the_issue_step(cast, client):
    meeting, _item = _minuted(cast)
    docx, pdf = issued_minutes(meeting, "docx"), issued_minutes(meeting, "pdf")
    step = StatusChange.objects.get(object_id=meeting.pk, action="issue_minutes")
    assert docx.status_change == pdf.status_change == step
    assert docx.original_name == "落实教育“双减”政策专题协商会纪要.docx"
    stored_docx, stored_pdf = docx.file.read(), pdf.file.read()
    assert "扩大课后服务覆盖面" in _text(stored_docx)
    assert stored_pdf.startswith(b"%PDF")
    # The download serves the stored files themselves.
    assert _body(_get(client, cast.clerk, "minutes", meeting, "docx")) == stored_docx
    assert _body(_get(client, cast.clerk, "minutes", meeting, "pdf")) == stored_pdf


def test_a_correction_after_the_issue_leaves_the_issued_minutes_as_they_were_issued(cast, client):
    meeting, item = _minuted(cast)
    issued_docx = _body(_get(client, cast.clerk, "minutes", meeting, "docx"))
    issued_pdf = _body(_get(client, cast.clerk, "minutes", meeting, "pdf"))
    _correct(item, cast.clerk, recommendation="扩大课后服务覆盖面，增加体育类服务")

    # The issued minutes, downloaded by anyone who sees the meeting, still say what was issued.
    for user in (cast.clerk, cast.liaison):
        assert _body(_get(client, user, "minutes", meeting, "docx")) == issued_docx
        assert _body(_get(client, user, "minutes", meeting, "pdf")) == issued_pdf
    assert "增加体育类服务" not in _text(issued_docx)

    # The current version shows the correction and says it is not the issued minutes.
    response = _get(client, cast.research, "minutes_current", meeting, "docx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="minutes-{meeting.pk}-current.docx"'
    current = _text(response.content)
    assert "扩大课后服务覆盖面，增加体育类服务" in current
    assert "（含印发后更正，非印发稿）" in current
    assert f"纪要印发后，成果事项有1处更正：第1项（{cast.clerk.display}，" in current
    assert _get(client, cast.research, "minutes_current", meeting, "pdf").content.startswith(b"%PDF")


def test_the_meeting_page_says_the_outcome_items_were_corrected_after_the_issue(cast, client):
    meeting, item = _minuted(cast)
    client.force_login(cast.clerk)
    assert 'data-testid="minutes-corrections"' not in client.get(meeting.get_absolute_url()).content.decode()
    _correct(item, cast.clerk, agreed_action="秋季学期起全覆盖")
    _correct(item, cast.clerk, due_date=datetime(2022, 12, 31).date())

    page = client.get(meeting.get_absolute_url()).content.decode()
    notice = page.split('data-testid="minutes-corrections"')[1].split("</header>")[0]
    assert "纪要印发后，成果事项有2处更正：" in notice
    assert f"第1项（{cast.clerk.display}，" in notice
    assert f"{reverse('consultations:outcome_edit', args=[item.pk])}#history" in notice
    assert reverse("consultations:minutes_current", args=[meeting.pk, "docx"]) in notice
    # A department invited to the meeting is told too, without the clerks' links.
    client.force_login(cast.liaison)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "纪要印发后，成果事项有2处更正：" in page
    assert reverse("consultations:minutes_current", args=[meeting.pk, "docx"]) not in page
    assert reverse("consultations:outcome_edit", args=[item.pk]) not in page


def test_who_may_download_the_minutes_is_unchanged_and_the_current_version_is_for_the_organisers(cast, client):
    meeting, item = _minuted(cast)
    _correct(item, cast.clerk, recommendation="改写后的意见建议")
    # Whoever sees the meeting downloads the issued minutes; whoever does not, gets nothing.
    for user in (cast.clerk, cast.research, cast.liaison, cast.other_member):
        assert _get(client, user, "minutes", meeting).status_code == 200
    assert _get(client, cast.member, "minutes", meeting).status_code == 404
    stored = issued_minutes(meeting, "docx")
    client.force_login(cast.member)
    assert client.get(reverse("core:attachment", args=[stored.token])).status_code == 404
    # The current version: those who run the meeting (and compile its special report) only.
    assert _get(client, cast.clerk, "minutes_current", meeting).status_code == 200
    assert _get(client, cast.liaison, "minutes_current", meeting).status_code == 403
    assert _get(client, cast.other_member, "minutes_current", meeting).status_code == 403
    assert _get(client, cast.member, "minutes_current", meeting).status_code == 404


def test_without_a_correction_the_current_version_is_the_issued_minutes(cast, client):
    meeting, _item = _minuted(cast)
    assert corrections_after_issue(meeting) == []
    response = _get(client, cast.clerk, "minutes_current", meeting)
    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:minutes", args=[meeting.pk, "docx"])


def test_minutes_issued_before_the_platform_kept_a_copy_are_still_generated_from_the_record(cast, client):
    meeting, item = _minuted(cast)
    Attachment.objects.filter(object_id=meeting.pk, kind__startswith="minutes_").delete()
    _correct(item, cast.clerk, recommendation="更正后的意见建议")
    response = _get(client, cast.clerk, "minutes", meeting)
    assert response["Content-Disposition"] == f'attachment; filename="minutes-{meeting.pk}.docx"'
    assert "更正后的意见建议" in _text(response.content)
    assert corrections_after_issue(meeting) == []


def test_the_draft_of_a_held_meeting_is_generated_and_nothing_is_stored_before_the_issue(cast, client):
    meeting, item = _held(cast)
    assert issued_minutes(meeting, "docx") is None
    _correct(item, cast.clerk, recommendation="会中修改")
    assert "会中修改" in _text(_get(client, cast.clerk, "minutes", meeting).content)
    assert not Attachment.objects.filter(object_id=meeting.pk, kind__startswith="minutes_").exists()


def test_one_correction_is_one_entry_in_the_items_history_and_an_unchanged_form_none(cast):
    meeting, item = _minuted(cast)
    health, finance = DepartmentFactory(name="区卫生健康局"), DepartmentFactory(name="区财政局")
    before = item.history.count()
    _correct(item, cast.clerk, recommendation="新的意见建议", co_departments=[health, finance])
    assert item.history.count() == before + 1
    latest = item.history.first()
    assert latest.recommendation == "新的意见建议" and latest.history_user == cast.clerk
    assert {row.department_id for row in latest.co_departments.all()} == {health.pk, finance.pk}
    _correct(item, cast.clerk, co_departments=[health])
    assert item.history.count() == before + 2
    item.refresh_from_db()
    _correct(item, cast.clerk)  # saved without a change
    assert item.history.count() == before + 2
    assert len(corrections_after_issue(meeting)) == 2


def test_minutes_entered_after_the_paper_went_out_carry_the_day_they_were_issued(cast, client):
    meeting, _item = _held(cast)
    with pytest.raises(Refused):
        perform(meeting, "issue_minutes", actor=cast.clerk, data={"issued_on": "2022-06-19"})  # before the meeting
    with pytest.raises(Refused):
        perform(meeting, "issue_minutes", actor=cast.clerk, data={"issued_on": "2999-01-01"})
    perform(meeting, "issue_minutes", actor=cast.clerk, data={"issued_on": "2022-06-24"})
    assert "2022年6月24日" in _text(issued_minutes(meeting, "docx").file.read())
