"""拟题: the formats a topic may take, the annual collection round and the suggestions it gathers."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BilingualShortNameMixin, TimeStampedModel, VersionedModel


class ConsultationFormat(BilingualShortNameMixin):
    """A consultation format of the plan (常委会会议重点协商, 委处对口协商, ...): configurable rows."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    short_name = models.CharField(_("简称"), max_length=20, blank=True)
    # The kind of consultations.Meeting at which a topic of this format is consulted.
    meeting_kind = models.CharField(_("会议类型"), max_length=30, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    # Renaming or retiring a row is kept with who, when and the old value (the admin's 历史).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("协商形式")
        verbose_name_plural = _("协商形式")
        ordering = ["order", "id"]


class RoundStatus(models.TextChoices):
    OPEN = "open", _("征集中")
    CLOSED = "closed", _("已截止")


class CollectionRound(TimeStampedModel):
    """The office's call for topic suggestions for one year's plan (征集), with a deadline."""

    year = models.PositiveSmallIntegerField(_("计划年度"), unique=True)
    title = models.CharField(_("名称"), max_length=100)
    notice = models.TextField(_("征集通知"), blank=True)
    deadline = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("议题征集")
        verbose_name_plural = _("议题征集")
        ordering = ["-year"]
        constraints = [models.CheckConstraint(condition=models.Q(status__in=RoundStatus.values), name="round_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("topics:round", args=[self.pk])

    @property
    def days_left(self) -> int:
        return (self.deadline - timezone.localdate()).days

    @property
    def accepting(self) -> bool:
        return self.status == RoundStatus.OPEN and self.days_left >= 0


class SuggestionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    SHORTLISTED = "shortlisted", _("已入围")
    MERGED = "merged", _("已合并")
    REJECTED = "rejected", _("未采纳")
    ADOPTED = "adopted", _("已列入计划")


class TopicSuggestion(TimeStampedModel, VersionedModel):
    """A suggested consultation topic, from a committee, a sector, a member or another source."""

    round = models.ForeignKey(
        CollectionRound, verbose_name=_("征集"), on_delete=models.PROTECT, related_name="suggestions"
    )
    title = models.CharField(_("议题名称"), max_length=120)
    background = models.TextField(_("背景和现状"))
    why_now = models.TextField(_("为何当前协商"), blank=True)
    suggested_format = models.ForeignKey(
        ConsultationFormat, verbose_name=_("建议协商形式"), null=True, blank=True, on_delete=models.PROTECT
    )
    departments = models.ManyToManyField(
        "district.Department", verbose_name=_("相关部门"), blank=True, related_name="topic_suggestions"
    )
    suggested_lead = models.ForeignKey(
        "district.Member",
        verbose_name=_("建议牵头领导"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    suggested_body = models.ForeignKey(
        "district.Body",
        verbose_name=_("建议牵头委处"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    suggester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="topic_suggestions"
    )
    # On whose behalf: a special committee, a sector group or a member.
    body = models.ForeignKey(
        "district.Body", verbose_name=_("提出委处"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sector = models.ForeignKey(
        "district.Sector",
        verbose_name=_("提出界别"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    member = models.ForeignKey(
        "district.Member",
        verbose_name=_("提出委员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Where the idea came from: a citizens' appeal, a hot-topic candidate ... (set by other apps).
    source_type = models.ForeignKey(
        ContentType, verbose_name=_("来源类型"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(_("来源编号"), null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    merged_into = models.ForeignKey(
        "self", verbose_name=_("并入议题"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    rejection_reason = models.TextField(_("未采纳理由"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=SuggestionStatus.choices, default=SuggestionStatus.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[departments])

    class Meta:
        verbose_name = _("议题建议")
        verbose_name_plural = _("议题建议")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["source_type", "source_id"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=SuggestionStatus.values), name="suggestion_status"),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("id")), name="suggestion_not_merged_into_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("topics:suggestion", args=[self.pk])

    @property
    def proposer_label(self) -> str:
        """Who suggested it, as shown in lists: the committee, sector or member, else the user."""
        return str(self.body or self.sector or self.member or self.suggester)
