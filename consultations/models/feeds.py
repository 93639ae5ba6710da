"""A person's calendar feed: a secret address a calendar app subscribes to (会议日历订阅).

A calendar app fetches the feed on its own, with no session and no password, so the address itself is
the credential: only its SHA-256 is stored, the address is shown once when made, and making a new one
or stopping the feed kills the old address at once.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CalendarFeed(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="calendar_feed"
    )
    key_hash = models.CharField(_("订阅密钥哈希"), max_length=64, unique=True)
    prefix = models.CharField(_("订阅地址前缀"), max_length=8)
    created_at = models.DateTimeField(_("生成时间"))
    last_used_at = models.DateTimeField(_("最近同步"), null=True, blank=True)
    # Made by a session that had passed two-factor: while ENFORCE_STAFF_2FA is on, a staff account's feed
    # works only if so (the address would otherwise reach the staff member's meetings around it).
    second_factor = models.BooleanField(_("经两步验证生成"), default=False)
    history = HistoricalRecords(excluded_fields=["key_hash", "last_used_at"])

    class Meta:
        verbose_name = _("日历订阅")
        verbose_name_plural = _("日历订阅")

    def __str__(self) -> str:
        return f"{self.user} · {self.prefix}…"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(32)

    @property
    def lacks_second_factor(self) -> bool:
        from accounts.predicates import owes_second_factor

        return not self.second_factor and owes_second_factor(self.user)
