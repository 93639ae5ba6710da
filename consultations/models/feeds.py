"""A person's calendar feed: a secret address a calendar app subscribes to (会议日历订阅).

A calendar app fetches the feed on its own, with no session and no password, so the address itself is
the credential: only its SHA-256 is stored, the address is shown once when made, and making a new one
or stopping the feed kills the old address at once.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import SecretKey


class CalendarFeed(SecretKey):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="calendar_feed"
    )
    created_at = models.DateTimeField(_("生成时间"))
    last_used_at = models.DateTimeField(_("最近同步"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["key_hash", "last_used_at"])

    class Meta:
        verbose_name = _("日历订阅")
        verbose_name_plural = _("日历订阅")

    def __str__(self) -> str:
        return f"{self.user} · {self.prefix}…"
