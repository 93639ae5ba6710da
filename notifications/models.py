from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications.wording import word_text


class Notification(models.Model):
    """An in-app message; the (recipient, event_key) pair is unique so nobody is told twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    event_key = models.CharField(_("事件"), max_length=120)
    # title and body: the wording in the site's language (zh-hans) when created, kept as the record and
    # for notifications created before `message`. Every reader (pages, API, e-mails, the admin) shows
    # shown_title / shown_body, worded in the reader's language.
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    # The text unworded (message ids and parameters, see notifications.wording), worded when read.
    message = models.JSONField(_("消息内容"), default=dict, blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("记录类型"), null=True, blank=True, on_delete=models.SET_NULL
    )
    object_id = models.PositiveBigIntegerField(_("记录编号"), null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    # Set when the e-mail (single or within a digest) has gone out.
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "event_key"], name="notification_once")]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.shown_title

    @property
    def shown_title(self) -> str:
        """The title in the active language (the stored wording for notifications from before)."""
        if not self.message:
            return self.title
        return word_text(self.message.get("title"), self.message.get("params")) or self.title

    @property
    def shown_body(self) -> str:
        """The body in the active language."""
        if not self.message:
            return self.body
        return word_text(self.message.get("body"), self.message.get("params"))
