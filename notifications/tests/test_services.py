import pytest
from django.core import mail

from notifications.models import Notification
from notifications.services import notify, send_digests

pytestmark = pytest.mark.django_db


def test_nobody_is_told_twice_about_the_same_event(cast):
    notify(recipients=[cast.clerk, cast.clerk], event_key="e1", title="待办")
    notify(recipients=[cast.clerk], event_key="e1", title="待办")
    assert Notification.objects.filter(recipient=cast.clerk).count() == 1


def test_single_mail_goes_out_on_commit(cast, django_capture_on_commit_callbacks):
    cast.clerk.email = "clerk@example.org"
    cast.clerk.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[cast.clerk], event_key="e2", title="请审核计划")
    assert len(mail.outbox) == 1
    assert "请审核计划" in mail.outbox[0].subject
    assert Notification.objects.get(event_key="e2").emailed_at is not None


def test_no_mail_to_a_liaison_who_left_after_the_notification_was_queued(cast):
    from accounts.services import deactivate_liaison
    from notifications.services import email_notification

    cast.liaison.email = "edu@example.org"
    cast.liaison.save()
    note = notify(recipients=[cast.liaison], event_key="e3", title="新的转办工作")[0]  # the task is queued here
    deactivate_liaison(user=cast.liaison, actor=cast.clerk, reason="transfer", leave_unstaffed=True)
    assert email_notification(notification_id=note.pk) is False
    assert mail.outbox == []


def test_digest_users_get_one_mail_with_everything_once(cast, django_capture_on_commit_callbacks):
    cast.member.email, cast.member.email_digest = "m@example.org", True
    cast.member.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[cast.member], event_key="a", title="第一件")
        notify(recipients=[cast.member], event_key="b", title="第二件")
    assert mail.outbox == []
    assert send_digests() == 1
    assert "第一件" in mail.outbox[0].body and "第二件" in mail.outbox[0].body
    assert send_digests() == 0
    assert len(mail.outbox) == 1


def test_inbox_shows_and_marks_read(client, cast):
    notify(recipients=[cast.member], event_key="x", title="新的督办任务")
    client.force_login(cast.member)
    assert "新的督办任务" in client.get("/notifications/").content.decode()
    client.post("/notifications/read-all/")
    assert Notification.objects.get().read_at is not None


def test_mail_text_is_not_html_escaped(cast, django_capture_on_commit_callbacks):
    cast.clerk.email = "clerk@example.org"
    cast.clerk.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[cast.clerk], event_key="q", title='落实教育"双减"政策 & 其他')
    assert '落实教育"双减"政策 & 其他' in mail.outbox[0].body
