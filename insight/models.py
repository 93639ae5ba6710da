"""Duty-record scoring rules (委员履职积分规则): points per counted activity, per year, versioned.

The activities themselves are never stored here: they are counted from what the other areas
recorded (meetings, speeches, proposals, reports, research, workstations). A rule says how many
points one counted activity is worth and the most it may bring in one year. Rules are versioned by
`effective_year`: the rule in force for a year is the one with the latest effective year not after it.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.i18n import in_reader_language
from core.models import TimeStampedModel


class Item(models.TextChoices):
    """The kinds of activity a duty record counts (domain.md §6)."""

    PLENARY = "plenary", _("全体会议")
    STANDING = "standing", _("常委会会议")
    MEETING = "meeting", _("其他会议活动")
    SPEECH = "speech", _("会议发言")
    PROPOSAL = "proposal", _("提案")
    OPINION = "opinion", _("社情民意信息")
    RESEARCH = "research", _("调研视察")
    RECEPTION = "reception", _("委员工作室")
    MICRO = "micro", _("微协商")
    COMMUNITY = "community", _("社区事务协商")
    DUTY_GROUP = "duty_group", _("界别履职小组")


class Variant(models.TextChoices):
    """The role or outcome within an item: attended or excused, lead or joint proposer, adopted …"""

    NONE = "", _("—")
    PRESENT = "present", _("出席")
    EXCUSED = "excused", _("请假")
    ABSENT = "absent", _("缺席")
    LEAD = "lead", _("第一提案人提交")
    JOINT = "joint", _("联名提交")
    FILED_LEAD = "filed_lead", _("立案（第一提案人）")
    FILED_JOINT = "filed_joint", _("立案（联名）")
    KEY = "key", _("重点提案（第一提案人）")
    EXCELLENT = "excellent", _("优秀提案（第一提案人）")
    SUBMITTED = "submitted", _("报送")
    ADOPTED = "adopted", _("采用")
    GROUP = "group", _("参加课题组")
    VISIT = "visit", _("参加实地调研")
    DUTY_DAY = "duty_day", _("接待日值班")
    CONTACT = "contact", _("接待走访群众")
    COLLECTED = "collected", _("收集民生问题")
    RESOLVED = "resolved", _("跟踪办结民生问题")


# Which variants each item has, in display order. Everything counted is one of these pairs.
CATALOGUE: dict[str, tuple[str, ...]] = {
    Item.PLENARY: (Variant.PRESENT, Variant.EXCUSED, Variant.ABSENT),
    Item.STANDING: (Variant.PRESENT, Variant.EXCUSED, Variant.ABSENT),
    Item.MEETING: (Variant.PRESENT, Variant.EXCUSED, Variant.ABSENT),
    Item.SPEECH: (Variant.NONE,),
    Item.PROPOSAL: (
        Variant.LEAD,
        Variant.JOINT,
        Variant.FILED_LEAD,
        Variant.FILED_JOINT,
        Variant.KEY,
        Variant.EXCELLENT,
    ),
    Item.OPINION: (Variant.SUBMITTED, Variant.ADOPTED),
    Item.RESEARCH: (Variant.GROUP, Variant.VISIT),
    Item.RECEPTION: (Variant.DUTY_DAY, Variant.CONTACT),
    Item.MICRO: (Variant.PRESENT,),
    Item.COMMUNITY: (Variant.PRESENT,),
    Item.DUTY_GROUP: (Variant.COLLECTED, Variant.RESOLVED),
}
ACTIVITIES: tuple[tuple[str, str], ...] = tuple((item, v) for item, variants in CATALOGUE.items() for v in variants)
# The lines that count an activity done (履职活动): not a meeting missed (请假、缺席), and not an outcome of
# an activity already counted (立案、重点、优秀、采用、办结), so that each activity counts once.
NOT_ACTIVITIES = frozenset(
    {
        *((item, v) for item in (Item.PLENARY, Item.STANDING, Item.MEETING) for v in (Variant.EXCUSED, Variant.ABSENT)),
        (Item.PROPOSAL, Variant.FILED_LEAD),
        (Item.PROPOSAL, Variant.FILED_JOINT),
        (Item.PROPOSAL, Variant.KEY),
        (Item.PROPOSAL, Variant.EXCELLENT),
        (Item.OPINION, Variant.ADOPTED),
        (Item.DUTY_GROUP, Variant.RESOLVED),
    }
)


def activity_label(item: str, variant: str) -> str:
    """E.g. "提案 · 立案（第一提案人）", or just "会议发言"."""
    if not variant:
        return str(Item(item).label)
    return f"{Item(item).label} · {Variant(variant).label}"


class ScoringRule(models.Model):
    """Points for one counted activity from `effective_year` on (until a later rule replaces it)."""

    item = models.CharField(_("履职事项"), max_length=20, choices=Item.choices)
    variant = models.CharField(_("情形"), max_length=20, choices=Variant.choices, blank=True, default="")
    points = models.DecimalField(_("每次分值"), max_digits=6, decimal_places=1, help_text=_("可为负数（如缺席扣分）。"))
    cap = models.DecimalField(
        _("年度上限"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("该事项一年内最多计入的分值（扣分时为最多扣除的分值）；留空表示不设上限。"),
    )
    effective_year = models.PositiveSmallIntegerField(
        _("起始年度"), help_text=_("自该年度起适用，直到更晚的规则取代它。")
    )
    note = models.CharField(_("依据或说明"), max_length=200, blank=True)
    note_en = models.CharField(
        _("依据或说明（英文）"), max_length=200, blank=True, help_text=_("英文界面显示的说明；不填则显示中文说明。")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("履职积分规则")
        verbose_name_plural = _("履职积分规则")
        ordering = ["item", "variant", "-effective_year"]
        constraints = [
            models.UniqueConstraint(fields=["item", "variant", "effective_year"], name="scoring_rule_once_per_year"),
            models.CheckConstraint(condition=models.Q(item__in=Item.values), name="scoring_rule_item_valid"),
            models.CheckConstraint(condition=models.Q(variant__in=Variant.values), name="scoring_rule_variant_valid"),
            models.CheckConstraint(
                condition=models.Q(cap__isnull=True) | models.Q(cap__gte=0), name="scoring_rule_cap_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.points}（{self.effective_year}—）"

    @property
    def label(self) -> str:
        return activity_label(self.item, self.variant)

    @property
    def display_note(self) -> str:
        """The note as the reader reads it: its English for an English reader when there is one."""
        return in_reader_language(self.note, self.note_en)

    def clean(self) -> None:
        if self.item in CATALOGUE and self.variant not in CATALOGUE[self.item]:
            raise ValidationError({"variant": _("该履职事项没有这种情形。")})

    def score(self, count: int) -> Decimal:
        """Points for `count` activities in one year, within the cap (a cap on deductions limits the loss)."""
        total = self.points * count
        if not total:
            return abs(total)  # a deduction × 0 is Decimal("-0.0"), shown as "-0.0"
        if self.cap is None:
            return total
        return min(total, self.cap) if total >= 0 else max(total, -self.cap)


class GradeMarks(models.Model):
    """The grade marks (等次分数线) from `effective_year` on, until a later row replaces them: raising
    them for a year leaves the grades of earlier years as they were. Years with no row of their own or
    before use the district rules' defaults (DUTY_GRADE_*). When those defaults change on 规则设置, the
    years before the current one that were graded by them keep them: a row with `until_year` is written
    for them (`insight.services.keep_past_default_marks`), so the new defaults apply from this year on."""

    effective_year = models.PositiveSmallIntegerField(_("起始年度"), unique=True)
    until_year = models.PositiveSmallIntegerField(
        _("截止年度"), null=True, blank=True, help_text=_("留空表示直到更晚的分数线取代它。")
    )
    excellent = models.PositiveSmallIntegerField(_("优秀分数线"))
    good = models.PositiveSmallIntegerField(_("良好分数线"))
    passing = models.PositiveSmallIntegerField(_("合格分数线"))
    note = models.CharField(_("依据或说明"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("履职等次分数线")
        verbose_name_plural = _("履职等次分数线")
        ordering = ["-effective_year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(excellent__gt=models.F("good"), good__gt=models.F("passing")),
                name="grade_marks_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.effective_year}: {self.excellent}/{self.good}/{self.passing}"


class DutyAdjustment(TimeStampedModel):
    """The office's correction or annotation of one counted item of a member's year (核减、补记、备注):
    points added or deducted (0 for a note), with the reason. Never edited: a correction of a correction
    is another row, so the record keeps its history. Counted in the year's total everywhere."""

    member = models.ForeignKey(
        "district.Member", verbose_name=_("委员"), on_delete=models.PROTECT, related_name="duty_adjustments"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    item = models.CharField(_("履职事项"), max_length=20, choices=Item.choices)
    variant = models.CharField(_("情形"), max_length=20, choices=Variant.choices, blank=True, default="")
    points = models.DecimalField(
        _("调整分值"), max_digits=6, decimal_places=1, help_text=_("加分填正数，扣分填负数；仅作备注填0。")
    )
    reason = models.CharField(_("理由"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("履职积分调整")
        verbose_name_plural = _("履职积分调整")
        ordering = ["year", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.member} {self.year} {self.label} {self.points}"

    @property
    def label(self) -> str:
        return activity_label(self.item, self.variant)

    def clean(self) -> None:
        if (self.item, self.variant) not in ACTIVITIES:
            raise ValidationError({"variant": _("该履职事项没有这种情形。")})


class DutyQuery(TimeStampedModel):
    """A member's question to the office about their record of a year (对履职档案的疑问), and the answer."""

    member = models.ForeignKey(
        "district.Member", verbose_name=_("委员"), on_delete=models.PROTECT, related_name="duty_queries"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    question = models.TextField(_("疑问"), max_length=1000)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提问人"), on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(_("答复"), blank=True, max_length=1000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("履职档案疑问")
        verbose_name_plural = _("履职档案疑问")
        ordering = ["year", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.member} {self.year}: {self.question[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("insight:duty-member", args=[self.member_id]) + f"?year={self.year}#queries"
