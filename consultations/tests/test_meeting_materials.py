"""Meeting materials (会议材料): who runs a meeting uploads them before it; every invited participant reads
and downloads them from the meeting page; the notice names them, and materials added after the notice
are announced; the 材料送达期限 warning clears once they are uploaded and the notice is sent."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import MeetingMaterial
from consultations.selectors import materials_delivered_on, materials_due
from consultations.tests.factories import TZ, at, consultation_meeting, send_notice
from core.exceptions import ActionForbidden, Refused, TransitionNotAllowed
from core.models import Attachment, StatusChange
from core.workflow import perform
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _file(name="报告.txt", text="协商议政报告正文"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


def _upload(client, meeting, title="协商议政报告（征求意见稿）", upload=None):
    return client.post(
        reverse("consultations:material_create", args=[meeting.pk]),
        {"title": title, "upload": upload or _file()},
    )


def _token(material) -> str:
    return Attachment.objects.get(object_id=material.pk, kind="meeting_material").token


def test_the_office_uploads_a_material_that_an_invited_member_downloads_and_an_outsider_cannot(client, cast):
    meeting = consultation_meeting(cast)  # cast.other_member and cast.liaison's department are invited
    client.force_login(cast.clerk)
    assert _upload(client, meeting).status_code == 302
    material = MeetingMaterial.objects.get(meeting=meeting)
    url = reverse("core:attachment", args=[_token(material)])

    client.force_login(cast.other_member)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "协商议政报告（征求意见稿）" in page and url in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content).decode() == "协商议政报告正文"
    # The invited department's liaison reads them too; a member and a liaison not invited do not.
    client.force_login(cast.liaison)
    assert client.get(url).status_code == 200
    for outsider in (cast.member, cast.other_liaison, cast.citizen):
        client.force_login(outsider)
        assert client.get(url).status_code == 404, outsider.username


def test_a_participant_may_not_upload_and_nothing_is_uploaded_once_the_meeting_is_held(client, cast):
    meeting = consultation_meeting(cast)
    client.force_login(cast.other_member)
    assert _upload(client, meeting).status_code == 403
    with pytest.raises(ActionForbidden):
        services.add_meeting_material(meeting=meeting, actor=cast.other_member, title="x", upload=_file())
    perform(meeting, "hold", actor=cast.clerk)
    with pytest.raises(TransitionNotAllowed):
        services.add_meeting_material(meeting=meeting, actor=cast.clerk, title="会后补充", upload=_file())
    assert not MeetingMaterial.objects.exists()


def test_a_refused_file_is_said_beside_the_field_and_the_title_is_kept(client, cast):
    meeting = consultation_meeting(cast)
    client.force_login(cast.clerk)
    script = SimpleUploadedFile("报告.html", b"<html><script>alert(1)</script></html>", content_type="text/html")
    response = _upload(client, meeting, title="议程说明", upload=script)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="议程说明"' in html and "reselect-files" in html
    assert not MeetingMaterial.objects.exists() and not Attachment.objects.exists()
    with pytest.raises(Refused):
        services.add_meeting_material(meeting=meeting, actor=cast.clerk, title=" ", upload=_file())


@time_machine.travel(at(1, 9), tick=False)  # the meeting is on 2022-06-20: its materials due on the 6th
def test_the_materials_warning_clears_once_they_are_uploaded_and_the_notice_is_sent(client, cast):
    meeting = consultation_meeting(cast)
    assert materials_due(meeting) > timezone.localdate()
    client.force_login(cast.clerk)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert 'data-testid="materials-warning"' in page and "尚未上传会议材料" in page

    _upload(client, meeting)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "发出会议通知后即送达参会人员" in page and 'data-testid="materials-delivered"' not in page
    assert materials_delivered_on(meeting) is None

    send_notice(meeting, actor=cast.clerk)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert 'data-testid="materials-warning"' not in page
    assert 'data-testid="materials-delivered"' in page
    assert materials_delivered_on(meeting) is not None


def test_materials_delivered_after_their_due_date_are_marked_late_not_delivered(client, cast):
    meeting = consultation_meeting(cast)  # on 2022-06-20: the materials are due 10 working days before
    due = materials_due(meeting)
    with time_machine.travel(datetime.combine(due + timedelta(days=2), time(10), tzinfo=TZ), tick=False):
        client.force_login(cast.clerk)
        _upload(client, meeting)
        send_notice(meeting, actor=cast.clerk)
        page = client.get(meeting.get_absolute_url()).content.decode()
    delivered = materials_delivered_on(meeting)
    assert delivered > due
    assert f"逾期送达（{delivered:%Y-%m-%d}）" in page and 'data-testid="materials-delivered-late"' in page
    assert 'data-testid="materials-delivered"' not in page and "已送达" not in page


def test_the_notice_names_the_materials_and_a_later_upload_is_announced(client, cast):
    meeting = consultation_meeting(cast)
    services.add_meeting_material(meeting=meeting, actor=cast.clerk, title="情况通报", upload=_file())
    send_notice(meeting, actor=cast.clerk)
    notice = Notification.objects.get(recipient=cast.other_member, event_key__contains=":invite:")
    assert "会议材料" in notice.title and "情况通报" in notice.body

    client.force_login(cast.clerk)
    response = _upload(client, meeting, title="补充数据表")
    assert response.status_code == 302
    for participant in (cast.other_member, cast.liaison):
        update = Notification.objects.get(recipient=participant, event_key__contains=":material:")
        assert "会议材料已更新" in update.title and "补充数据表" in update.title
        assert update.url == meeting.get_absolute_url()
    assert not Notification.objects.filter(recipient=cast.member, event_key__contains=":material:").exists()


def test_upload_and_removal_are_audited_and_a_removed_file_is_gone(client, cast, django_capture_on_commit_callbacks):
    meeting = consultation_meeting(cast)
    client.force_login(cast.clerk)
    _upload(client, meeting, title="旧稿")
    material = MeetingMaterial.objects.get(meeting=meeting)
    url = reverse("core:attachment", args=[_token(material)])
    stored = Attachment.objects.get(object_id=material.pk, kind="meeting_material").file

    client.force_login(cast.other_member)
    remove = reverse("consultations:material_remove", args=[material.pk])
    assert client.post(remove).status_code == 403
    client.force_login(cast.clerk)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(remove).status_code == 302

    steps = StatusChange.objects.filter(object_id=meeting.pk, action__in=["add_material", "remove_material"])
    added, removed = steps.order_by("created_at", "id")
    assert (added.action, added.actor, removed.action, removed.actor) == (
        "add_material",
        cast.clerk,
        "remove_material",
        cast.clerk,
    )
    assert "旧稿" in added.note and "旧稿" in removed.note
    assert removed.data["files"][0]["name"] == "报告.txt" and removed.data["files"][0]["sha256"]
    assert not MeetingMaterial.objects.exists()
    assert not stored.storage.exists(stored.name)
    assert client.get(url).status_code == 404
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "上传会议材料" in page and "删除会议材料" in page  # the steps, named on the timeline
