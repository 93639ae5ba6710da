"""R5#8: an SMTP outage loses no notification e-mail: marked e-mailed only once the mail server took it,
retried later (retry_notification_emails), and logged."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from notifications.models import Notification
from notifications.services import email_notification, notify, send_digests

pytestmark = pytest.mark.django_db


class MailServerDown:
    """The SMTP backend's failure when nothing listens on the port."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


@pytest.fixture
def mail_down(settings):
    settings.EMAIL_BACKEND = "notifications.tests.test_email_failures.MailServerDown"


def _note(user, key="e-outage"):
    user.email = "someone@example.org"
    user.save()
    return notify(recipients=[user], event_key=key, title="请审核计划")[0]


def test_a_failed_mail_leaves_the_notification_unsent_and_is_logged(cast, mail_down, caplog):
    note = _note(cast.clerk)
    with pytest.raises(ConnectionRefusedError):  # the task fails (its row says why)…
        email_notification(notification_id=note.pk)
    note.refresh_from_db()
    assert note.emailed_at is None  # …and the notification is still to be e-mailed
    assert any("retried later" in r.getMessage() and r.levelname == "ERROR" for r in caplog.records)


def test_the_retry_sends_it_once_the_mail_server_is_back(cast, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "notifications.tests.test_email_failures.MailServerDown"
    note = _note(cast.clerk)
    with pytest.raises(ConnectionRefusedError):
        email_notification(notification_id=note.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Too early: the first try may still be on its way.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retry_notification_emails", stdout=open("/dev/null", "w"))
    assert mail.outbox == []
    Notification.objects.filter(pk=note.pk).update(created_at=timezone.now() - timedelta(minutes=20))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retry_notification_emails", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1 and "请审核计划" in mail.outbox[0].subject
    note.refresh_from_db()
    assert note.emailed_at is not None
    # Sent now: a later retry, or the old task run again, sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retry_notification_emails", stdout=open("/dev/null", "w"))
    assert email_notification(notification_id=note.pk) is False
    assert len(mail.outbox) == 1


def test_a_failed_digest_keeps_its_notifications_for_the_next_one(cast, mail_down, settings):
    cast.member.email, cast.member.email_digest = "m@example.org", True
    cast.member.save()
    notify(recipients=[cast.member], event_key="d1", title="第一件")
    assert send_digests() == 0
    assert Notification.objects.get(event_key="d1").emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_digests() == 1 and "第一件" in mail.outbox[0].body
