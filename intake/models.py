"""Citizens' appeals (群众诉求) from every channel. Owned by the grassroots area."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import EncryptedTextField
from core.models import TimeStampedModel


class AppealCategory(models.Model):
    """A category of appeals (configurable list; the Open311 service list)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    department = models.ForeignKey(
        "district.Department", verbose_name=_("默认承办部门"), null=True, blank=True, on_delete=models.SET_NULL
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    WEB = "web", _("网上提交")
    WECHAT = "wechat", _("微信公众号")
    PHONE = "phone", _("电话")
    LETTER = "letter", _("来信来访")
    MAILBOX = "mailbox", _("委员信箱")
    RECEPTION = "reception", _("接待日")
    VISIT = "visit", _("走访")
    OPEN311 = "open311", _("开放接口")


class Appeal(TimeStampedModel):
    tracking_code = models.CharField(_("查询码"), max_length=16, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("诉求内容"))
    channel = models.CharField(
        _("来源渠道"), max_length=20, choices=Channel.choices, default=Channel.WEB, db_index=True
    )
    category = models.ForeignKey(
        AppealCategory, verbose_name=_("类别"), null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    town = models.ForeignKey(
        "district.Town", verbose_name=_("镇街"), null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    community = models.ForeignKey(
        "district.Community",
        verbose_name=_("社区/村"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    address = EncryptedTextField(_("详细地址"), blank=True)
    contact_name = EncryptedTextField(_("联系人"), blank=True)
    contact_phone = EncryptedTextField(_("联系电话"), blank=True)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="appeals"
    )
    department = models.ForeignKey(
        "district.Department",
        verbose_name=_("承办部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    status = models.CharField(_("状态"), max_length=20, default="received", db_index=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["address", "contact_name", "contact_phone"])

    class Meta:
        verbose_name = _("群众诉求")
        verbose_name_plural = _("群众诉求")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["category", "created_at"]),
            models.Index(fields=["town", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.title
