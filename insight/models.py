"""Duty-record scoring rules (委员履职积分规则): points per counted activity, per year, versioned.

The activities themselves are never stored here: they are counted from what the other areas
recorded (meetings, speeches, proposals, reports, research, workstations). A rule says how many
points one counted activity is worth and the most it may bring in one year. Rules are versioned by
`effective_year`: the rule in force for a year is the one with the latest effective year not after it.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.i18n import in_reader_language


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
}
ACTIVITIES: tuple[tuple[str, str], ...] = tuple((item, v) for item, variants in CATALOGUE.items() for v in variants)


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
    them for a year leaves the grades of earlier years as they were. Years before the first row use the
    district rules' defaults (DUTY_GRADE_*)."""

    effective_year = models.PositiveSmallIntegerField(_("起始年度"), unique=True)
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
