"""Open311 GeoReport v2: registered client applications and the appeals they filed."""

import hashlib
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# django-ratelimit's rate syntax: a count per (optionally multiplied) unit, e.g. "60/m", "1000/h", "5/10s".
RATE_PATTERN = re.compile(r"^[1-9]\d{0,5}/\d{0,4}[smhd]$")
DEFAULT_RATE = "60/m"


def validate_rate(value: str) -> None:
    if not RATE_PATTERN.match(value or ""):
        raise ValidationError(_("频率格式应为“次数/时间单位”，如 60/m（每分钟60次）、1000/h、5000/d。"))


class ClientApplication(models.Model):
    """An outside system (an app, a hotline's software) that files appeals with its own api_key."""

    name = models.CharField(_("应用名称"), max_length=100, unique=True)
    contact = models.CharField(
        _("对接联系人"), max_length=200, help_text=_("开发或运维方的联系人及电话/邮箱，便于出现问题时联系。")
    )
    # Only the SHA-256 of the key is stored; the key itself is shown once, when it is issued.
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("密钥前缀"), max_length=8, editable=False)
    is_active = models.BooleanField(_("启用"), default=True)
    rate_limit = models.CharField(
        _("调用频率上限"),
        max_length=20,
        default=DEFAULT_RATE,
        validators=[validate_rate],
        help_text=_("如 60/m 表示每分钟最多60次调用。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    deactivated_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近调用"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["key_hash", "last_used_at"])

    class Meta:
        verbose_name = _("Open311 客户端应用")
        verbose_name_plural = _("Open311 客户端应用")
        ordering = ["-is_active", "name"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ServiceRequest(models.Model):
    """The Open311 side of an appeal filed through a client application (location, media)."""

    appeal = models.OneToOneField("intake.Appeal", on_delete=models.CASCADE, related_name="open311")
    client = models.ForeignKey(
        ClientApplication, verbose_name=_("客户端应用"), on_delete=models.PROTECT, related_name="requests"
    )
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    long = models.FloatField(_("经度"), null=True, blank=True)
    media_url = models.URLField(_("图片链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 服务请求")
        verbose_name_plural = _("Open311 服务请求")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lat__isnull=True, long__isnull=True)
                | models.Q(lat__gte=-90, lat__lte=90, long__gte=-180, long__lte=180),
                name="open311_location_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.client} → {self.appeal_id}"
