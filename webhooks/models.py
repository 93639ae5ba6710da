"""Webhooks: registered client systems receive signed POSTs when appeals or tasks change state."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import EncryptedTextField


class WebhookEndpoint(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    url = models.URLField(_("接收地址"), max_length=500)
    secret = EncryptedTextField(_("签名密钥"))
    # Model labels whose state changes are sent, e.g. ["intake.appeal", "supervision.supervisiontask"].
    events = models.JSONField(_("订阅的事件"), default=list)
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    deactivated_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        verbose_name = _("Webhook 接收端")
        verbose_name_plural = _("Webhook 接收端")

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("已放弃")

    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("接收端"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.CharField(_("事件编号"), max_length=64)
    delivery_id = models.UUIDField(_("投递编号"), default=uuid.uuid4, unique=True, editable=False)
    payload = models.JSONField(_("投递内容"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), db_index=True)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("最近响应状态码"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("Webhook 投递")
        verbose_name_plural = _("Webhook 投递")
        constraints = [models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_event_once")]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.endpoint_id} ({self.status})"
