"""确题: the plan, its items, immutable versions, the three offices' sign-offs and the leader's review."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.i18n import reads_english
from core.models import TimeStampedModel, VersionedModel


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草案编制")
    CHAIRS = "chairs", _("待主席会议审议")
    JOINT = "joint", _("三办联席会修改")
    LEADER = "leader", _("待区委领导审阅")
    VOTE = "vote", _("待常委会表决")
    ADOPTED = "adopted", _("已审定待印发")
    PUBLISHED = "published", _("已印发")


# Plan states in which the clerk may still edit items (the working copy of the next version).
EDITABLE_STATES = (PlanStatus.DRAFT, PlanStatus.JOINT)


class ConsultationPlan(TimeStampedModel, VersionedModel):
    """The annual consultation plan (年度协商计划) of one year."""

    year = models.PositiveSmallIntegerField(_("计划年度"), unique=True)
    title = models.CharField(_("标题"), max_length=120)
    preamble = models.TextField(_("正文说明"), blank=True)
    round = models.ForeignKey(
        "topics.CollectionRound",
        verbose_name=_("议题征集"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plans",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT, db_index=True
    )
    current_version = models.ForeignKey(
        "topics.PlanVersion",
        verbose_name=_("当前版本"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    doc_number = models.CharField(_("文号"), max_length=40, blank=True)
    published_on = models.DateField(_("印发日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度协商计划")
        verbose_name_plural = _("年度协商计划")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=PlanStatus.values), name="plan_status"),
            models.UniqueConstraint(
                fields=["doc_number"], condition=~models.Q(doc_number=""), name="plan_doc_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("topics:plan", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATES


QUARTER_LABELS = {1: _("第一季度"), 2: _("第二季度"), 3: _("第三季度"), 4: _("第四季度")}


def timing_label(quarter: int | None, month: int | None) -> str:
    """When an item is scheduled, in the current language: a month, a quarter or the whole year."""
    if month:
        return str(_("%(m)s月") % {"m": month})
    if quarter:
        return str(QUARTER_LABELS[quarter])
    return str(_("全年"))


class PlanItem(TimeStampedModel, VersionedModel):
    """One topic of the plan: format, timing, lead chair/vice-chair, lead committee, departments."""

    plan = models.ForeignKey(
        ConsultationPlan, verbose_name=_("年度协商计划"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    title = models.CharField(_("协商议题"), max_length=120)
    format = models.ForeignKey("topics.ConsultationFormat", verbose_name=_("协商形式"), on_delete=models.PROTECT)
    quarter = models.PositiveSmallIntegerField(_("季度"), null=True, blank=True)
    month = models.PositiveSmallIntegerField(_("月份"), null=True, blank=True)
    lead_member = models.ForeignKey(
        "district.Member",
        verbose_name=_("牵头领导"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_plan_items",
    )
    lead_body = models.ForeignKey(
        "district.Body",
        verbose_name=_("牵头委处"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_items",
    )
    departments = models.ManyToManyField(
        "district.Department", verbose_name=_("参与部门"), blank=True, related_name="plan_items"
    )
    origins = models.ManyToManyField(
        "topics.TopicSuggestion", verbose_name=_("来源建议"), blank=True, related_name="plan_items"
    )
    notes = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords(m2m_fields=[departments])

    class Meta:
        verbose_name = _("计划议题")
        verbose_name_plural = _("计划议题")
        ordering = ["plan", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quarter__isnull=True) | models.Q(quarter__gte=1, quarter__lte=4),
                name="plan_item_quarter_range",
            ),
            models.CheckConstraint(
                condition=models.Q(month__isnull=True) | models.Q(month__gte=1, month__lte=12),
                name="plan_item_month_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("topics:plan", args=[self.plan_id]) + f"#item-{self.pk}"

    @property
    def timing(self) -> str:
        return timing_label(self.quarter, self.month)


class PlanVersion(models.Model):
    """An immutable snapshot of the plan's items at one revision; offices sign off a version."""

    plan = models.ForeignKey(
        ConsultationPlan, verbose_name=_("年度协商计划"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("版本号"))
    items = models.JSONField(_("议题快照"), default=list)
    stage = models.CharField(_("形成阶段"), max_length=20, choices=PlanStatus.choices)
    note = models.TextField(_("修改说明"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("修改人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("形成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("计划版本")
        verbose_name_plural = _("计划版本")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")]

    def __str__(self) -> str:
        return str(_("第%(n)s稿") % {"n": self.number})

    @property
    def shown_items(self) -> list[dict]:
        """The snapshot's items for display: the timing is worded in the reader's language (the stored
        "timing" is in the language of whoever froze the version), and an English reader reads the
        format and the lead body by their English names where they have one."""
        items = [shown_item(i) for i in self.items]
        return _english_names(items) if reads_english() else items


def _english_names(items: list[dict]) -> list[dict]:
    """The snapshot keeps the district's names (the formal document prints them); for an English reader
    each format (by its code) and lead body (by its name) reads as its English name when it has one."""
    from district.models import Body
    from topics.models.suggestions import ConsultationFormat

    if not items:
        return items
    formats = dict(
        ConsultationFormat.objects.filter(code__in={i.get("format_code") for i in items})
        .exclude(name_en="")
        .values_list("code", "name_en")
    )
    bodies = dict(
        Body.objects.filter(name__in={i.get("lead_body") for i in items})
        .exclude(name_en="")
        .values_list("name", "name_en")
    )
    return [
        {
            **i,
            "format": formats.get(i.get("format_code")) or i.get("format", ""),
            "lead_body": bodies.get(i.get("lead_body")) or i.get("lead_body", ""),
        }
        for i in items
    ]


def shown_item(item: dict) -> dict:
    """One snapshot item with its timing worded in the current language."""
    if "quarter" not in item and "month" not in item:
        return item
    return {**item, "timing": timing_label(item.get("quarter"), item.get("month"))}


class Office(models.TextChoices):
    """The three offices of the joint meeting (三办联席会)."""

    PARTY = "party", _("区委办")
    GOV = "gov", _("区政府办")
    CPPCC = "cppcc", _("区政协办")


class OfficeSignOff(models.Model):
    """One office's sign-off of one plan version, or its comments asking for changes."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="signoffs")
    office = models.CharField(_("会签单位"), max_length=10, choices=Office.choices)
    agreed = models.BooleanField(_("同意"), default=True)
    comment = models.TextField(_("意见"), blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("会签人"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("会签时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("三办会签")
        verbose_name_plural = _("三办会签")
        ordering = ["version", "office"]
        constraints = [
            models.UniqueConstraint(fields=["version", "office"], name="signoff_once_per_office"),
            models.CheckConstraint(condition=models.Q(office__in=Office.values), name="signoff_office_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_office_display()} · {self.version}"


class SignOffItemComment(models.Model):
    """An office's comment on one item of the version it signs."""

    signoff = models.ForeignKey(OfficeSignOff, on_delete=models.CASCADE, related_name="item_comments")
    item = models.ForeignKey(PlanItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments")
    item_title = models.CharField(_("议题"), max_length=120)
    text = models.TextField(_("意见"))

    class Meta:
        verbose_name = _("议题意见")
        verbose_name_plural = _("议题意见")
        ordering = ["signoff", "id"]

    def __str__(self) -> str:
        return f"{self.item_title}: {self.text[:40]}"


class LeaderReview(models.Model):
    """The party-committee leader's review of a version: approval, or return with instructions (批示)."""

    class Decision(models.TextChoices):
        APPROVE = "approve", _("同意")
        RETURN = "return", _("退回修改")

    plan = models.ForeignKey(ConsultationPlan, on_delete=models.CASCADE, related_name="leader_reviews")
    version = models.ForeignKey(PlanVersion, null=True, on_delete=models.SET_NULL, related_name="+")
    decision = models.CharField(_("审阅意见"), max_length=10, choices=Decision.choices)
    instructions = models.TextField(_("批示"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审阅人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("审阅时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("区委领导审阅")
        verbose_name_plural = _("区委领导审阅")
        ordering = ["plan", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(decision__in=["approve", "return"]), name="review_decision")
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} · {self.plan}"
