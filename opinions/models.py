"""Public-opinion information reports (社情民意信息): one matter per report (domain.md §3)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BilingualNameMixin, TimeStampedModel, VersionedModel


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RECEIVED = "received", _("已接收")
    SIGNED = "signed", _("已签批")
    ADOPTED_LOCAL = "adopted_local", _("已编发")
    FORWARDED = "forwarded", _("已转送")
    NOT_ADOPTED = "not_adopted", _("未采用")
    REPORTED = "reported", _("已上报")
    ADOPTED_UPPER = "adopted_upper", _("上级采用")
    INSTRUCTED = "instructed", _("领导批示")
    FEEDBACK = "feedback", _("已反馈")
    ARCHIVED = "archived", _("已归档")


# Adoption (采用) is a path, not a last state (domain.md §3): published in the district bulletin
# (ADOPTED_LOCAL), then perhaps reported up, adopted above, instructed on. These states lie only on that
# path; FEEDBACK and ARCHIVED do not say which way a report came (feedback and filing also end the
# forwarding branch, 转送, which is not adoption), so for them the bulletin decides (`adopted`).
ADOPTION_PATH_STATES = frozenset({Status.ADOPTED_LOCAL, Status.REPORTED, Status.ADOPTED_UPPER, Status.INSTRUCTED})


def adopted() -> models.Q:
    """Reports adopted (采用): published in a bulletin (every adoption starts there), or in a state of
    the adoption path. A condition on the report's own columns (no join), for counts and filters."""
    return models.Q(bulletin__isnull=False) | models.Q(status__in=ADOPTION_PATH_STATES)


class AdoptionLevel(BilingualNameMixin):
    """Who adopted or instructed on a report (区政协, 区委区政府, 市级, 省级, 全国): configurable rows."""

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    # Renaming or retiring a row is kept with who, when and the old value (the admin's 历史).
    history = HistoricalRecords()

    class Meta:
        # "a" and "A" would be two classes that read as one in every list and export.
        constraints = [
            models.UniqueConstraint(
                Lower("code"),
                name="opinions_adoptionlevel_code_ci",
                violation_error_message=_("已有代码相同（不区分大小写）的采用层级。"),
            )
        ]
        verbose_name = _("采用层级")
        verbose_name_plural = _("采用层级")
        ordering = ["order", "id"]


class Bulletin(TimeStampedModel):
    """One issue of the district 《社情民意》 bulletin: a single report or a combined edition."""

    class Form(models.TextChoices):
        SINGLE = "single", _("单篇")
        COMBINED = "combined", _("综合")

    year = models.PositiveSmallIntegerField(_("年度"))
    issue = models.PositiveSmallIntegerField(_("期号"))
    title = models.CharField(_("标题"), max_length=200)
    form = models.CharField(_("编发形式"), max_length=10, choices=Form.choices)
    published_on = models.DateField(_("编发日期"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("社情民意简报")
        verbose_name_plural = _("社情民意简报")
        ordering = ["-year", "-issue"]
        constraints = [models.UniqueConstraint(fields=["year", "issue"], name="bulletin_issue_unique")]

    def __str__(self) -> str:
        return _("《社情民意》%(year)s年第%(issue)s期") % {"year": self.year, "issue": self.issue}


class OpinionReport(TimeStampedModel, VersionedModel):
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    status = models.CharField(_("状态"), max_length=20, default="draft", db_index=True, choices=Status.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), on_delete=models.PROTECT, related_name="opinion_reports"
    )
    member = models.ForeignKey(
        "district.Member",
        verbose_name=_("委员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinion_reports",
    )
    # Where the matter came from (an appeal, a workstation visit, a duty-group issue) and who provides it.
    source_type = models.ForeignKey(
        ContentType, verbose_name=_("来源类型"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(_("来源编号"), null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    provider_type = models.ForeignKey(
        ContentType, verbose_name=_("报送方类型"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider_id = models.PositiveBigIntegerField(_("报送方编号"), null=True, blank=True)
    provider = GenericForeignKey("provider_type", "provider_id")
    is_urgent = models.BooleanField(_("紧急"), default=False, help_text=_("紧急情况紧急报送"))
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("签批时间"), null=True, blank=True)
    bulletin = models.ForeignKey(
        Bulletin, verbose_name=_("编发简报"), null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    forwarded_to = models.ForeignKey(
        "district.Department",
        verbose_name=_("转送单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_to = models.CharField(_("报送对象"), max_length=200, blank=True)
    reported_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    feedback = models.TextField(_("反馈情况"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("社情民意信息")
        verbose_name_plural = _("社情民意信息")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["provider_type", "provider_id"]),
            models.Index(fields=["source_type", "source_id"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="opinion_status_valid")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("opinions:detail", args=[self.pk])

    @property
    def credited_member(self):
        """The member the report counts for, as `opinions.selectors.credited_member` reads it for many: the
        member it is reported for, else its author when a member; None for a group's report the office
        entered (select `author__member` with it)."""
        if self.member_id:
            return self.member
        return getattr(self.author, "member", None)

    @property
    def reported_by(self) -> str:
        """Whom lists, pages, exports and bulletins name as the report's reporter (反映人/报送人): the member
        it counts for; else the group it was given in the name of (报送名义); else its author, who wrote it
        in nobody else's name. Never a clerk who entered it for a member or a group (`entered_by`)."""
        if (member := self.credited_member) is not None:
            return member.name
        if self.provider_id and self.provider is not None:
            return str(self.provider)
        return self.author.display

    @property
    def entered_by(self):
        """Who entered the report for someone else (录入人): its author, when it is reported for a member
        who is not him or given in a group's name alone (a paper report the information office keyed in)."""
        member = self.credited_member
        if member is not None:
            return self.author if member.user_id != self.author_id else None
        return self.author if self.provider_id else None

    @property
    def is_adopted(self) -> bool:
        """The report taken on its own, as `adopted()` counts it."""
        return self.bulletin_id is not None or self.status in ADOPTION_PATH_STATES


class Adoption(models.Model):
    """A record that a body at some level adopted (采用) a report."""

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="adoptions")
    level = models.ForeignKey(AdoptionLevel, verbose_name=_("采用层级"), on_delete=models.PROTECT)
    adopted_on = models.DateField(_("采用日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("采用记录")
        verbose_name_plural = _("采用记录")
        ordering = ["adopted_on", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.level}"


class Instruction(models.Model):
    """A leader's written instruction (批示) on a report; it opens a supervision task."""

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="instructions")
    leader = models.CharField(_("批示领导"), max_length=60)
    level = models.ForeignKey(AdoptionLevel, verbose_name=_("批示层级"), on_delete=models.PROTECT)
    text = models.TextField(_("批示内容"))
    instructed_on = models.DateField(_("批示日期"))
    task = models.ForeignKey(
        "supervision.SupervisionTask",
        verbose_name=_("督办任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("领导批示")
        verbose_name_plural = _("领导批示")
        ordering = ["instructed_on", "id"]

    def __str__(self) -> str:
        return f"{self.leader}: {self.text[:30]}"
