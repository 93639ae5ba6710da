"""Tell people about events: in-app inbox, single e-mails, or a daily digest."""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from notifications.models import Notification
from notifications.wording import pack_params, pack_text, word_text

logger = logging.getLogger("xieshang.notifications")

# A notification's single e-mail not sent this long after it was created is queued again, for this long.
EMAIL_RETRY_AFTER_MINUTES = 15
EMAIL_RETRY_FOR_HOURS = 48


def _target_url(target) -> str:
    get_url = getattr(target, "get_absolute_url", None)
    return get_url() if get_url else ""


def notify(
    *,
    recipients: Iterable,
    event_key: str,
    title: Promise | str,
    body: Promise | str = "",
    params: dict | None = None,
    target=None,
    url: str = "",
) -> list[Notification]:
    """Create one notification per recipient for an event, at most once per (recipient, event).

    title and body: `gettext_lazy("…%(name)s…")` with the values in `params` (worded in each reader's
    language when read), or plain text someone typed (shown as it is); see notifications.wording.
    """
    message = {"title": pack_text(title), "body": pack_text(body), "params": pack_params(params)}
    # The stored title and body: the wording in the site's language, for the admin and as a fallback.
    with translation.override(settings.LANGUAGE_CODE):
        site_title = word_text(message["title"], message["params"])
        site_body = word_text(message["body"], message["params"])
    created = []
    ct = ContentType.objects.get_for_model(target) if target is not None else None
    seen: set[int] = set()
    for user in recipients:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    recipient=user,
                    event_key=event_key[:120],
                    title=site_title[:200],
                    body=site_body,
                    message=message,
                    url=url or (_target_url(target) if target is not None else ""),
                    content_type=ct,
                    object_id=target.pk if target is not None else None,
                )
        except IntegrityError:
            continue  # already told about this event
        created.append(note)
        if user.email and not user.email_digest:
            from notifications.tasks import send_notification_email

            transaction.on_commit(lambda pk=note.pk: send_notification_email.enqueue(pk))
    return created


def email_notification(*, notification_id: int) -> bool:
    """Send the single e-mail for one notification, once; none to an account deactivated since it was queued
    (a liaison who has left). The row is held (select_for_update; SQLite's write lock) while the mail server
    takes the message and marked e-mailed in the same transaction: a second copy of the task waits and then
    finds it sent, and a mail server that refuses or is down leaves it unsent (the error is logged and raised,
    the task fails) for `retry_notification_emails` to try again."""
    with transaction.atomic():
        note = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True, recipient__is_active=True)
            .first()
        )
        if note is None:
            return False
        with translation.override(note.recipient.preferred_language):
            subject = _("[协商平台] %(title)s") % {"title": note.shown_title}
            text = render_to_string("notifications/email_single.txt", {"n": note, "site": settings.SITE_URL})
        try:
            send_mail(
                subject=subject,
                message=text,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[note.recipient.email],
            )
        except Exception:
            logger.exception("e-mail of notification %s to user %s failed; retried later", note.pk, note.recipient_id)
            raise
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
    return True


def retry_unsent_emails(*, now=None) -> int:
    """Queue the e-mail again for notifications whose single e-mail has not gone out (the mail server was
    down, or the worker died): created over EMAIL_RETRY_AFTER_MINUTES ago (its first try has had its
    turn) and under EMAIL_RETRY_FOR_HOURS ago (then it is left to the inbox). Digest readers get theirs in
    the digest. A copy queued twice sends once (email_notification). Returns how many were queued."""
    from notifications.tasks import send_notification_email

    now = now or timezone.now()
    pending = Notification.objects.filter(
        emailed_at__isnull=True,
        recipient__is_active=True,
        recipient__email_digest=False,
        created_at__lt=now - timedelta(minutes=EMAIL_RETRY_AFTER_MINUTES),
        created_at__gte=now - timedelta(hours=EMAIL_RETRY_FOR_HOURS),
    ).exclude(recipient__email="")
    ids = list(pending.values_list("pk", flat=True))
    for pk in ids:
        transaction.on_commit(lambda pk=pk: send_notification_email.enqueue(pk))
    if ids:
        logger.warning("%s notification e-mail(s) not sent yet: queued again", len(ids))
    return len(ids)


def send_digests(*, now=None) -> int:
    """E-mail each digest user the notifications not yet mailed; returns mails sent."""
    from accounts.models import User

    now = now or timezone.now()
    sent = 0
    users = User.objects.filter(email_digest=True, is_active=True).exclude(email="")
    for user in users.iterator():
        try:
            sent += _send_digest(user, now)
        except Exception:
            # Marked e-mailed in the transaction that sends: a failed mail leaves them for the next digest.
            logger.exception("digest to user %s failed; its notifications stay for the next digest", user.pk)
    return sent


def _send_digest(user, now) -> int:
    """One digest e-mail; its notifications marked e-mailed only if the mail server took it."""
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update()
            .filter(recipient=user, emailed_at__isnull=True)
            .order_by("created_at")
        )
        if not pending:
            return 0
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
        with translation.override(user.preferred_language):
            subject = _("[协商平台] 每日摘要：%(n)s条新消息") % {"n": len(pending)}
            text = render_to_string(
                "notifications/email_digest.txt", {"items": pending, "user": user, "site": settings.SITE_URL}
            )
        send_mail(
            subject=subject,
            message=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
    return 1


def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications (all, or the given ids) read."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
