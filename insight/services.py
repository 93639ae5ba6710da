"""Writes of the insight area: the office edits the duty-record scoring rules."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.predicates import is_office
from core.exceptions import ActionForbidden
from insight.data.scoring import DEFAULT_NOTES_EN, DEFAULT_RULES, EFFECTIVE_YEAR
from insight.models import GradeMarks, ScoringRule


@transaction.atomic
def set_scoring_rule(
    *,
    item: str,
    variant: str,
    points: Decimal,
    cap: Decimal | None,
    effective_year: int,
    actor,
    note: str = "",
    note_en: str = "",
) -> ScoringRule:
    """Create or replace the rule for one activity from effective_year on (earlier years keep theirs)."""
    if not is_office(actor):
        raise ActionForbidden(_("只有政协办公室工作人员可以修改积分规则。"))
    rule = (
        ScoringRule.objects.select_for_update()
        .filter(item=item, variant=variant, effective_year=effective_year)
        .first()
    ) or ScoringRule(item=item, variant=variant, effective_year=effective_year)
    rule.points, rule.cap, rule.note, rule.note_en = points, cap, note.strip(), note_en.strip()
    rule.full_clean()
    rule._history_user = actor
    rule.save()
    return rule


@transaction.atomic
def set_grade_marks(
    *, excellent: int, good: int, passing: int, effective_year: int, actor, note: str = ""
) -> GradeMarks:
    """Create or replace the grade marks from effective_year on (earlier years keep their grades)."""
    if not is_office(actor):
        raise ActionForbidden(_("只有政协办公室工作人员可以修改等次分数线。"))
    marks = GradeMarks.objects.select_for_update().filter(effective_year=effective_year).first() or GradeMarks(
        effective_year=effective_year
    )
    marks.excellent, marks.good, marks.passing, marks.note = excellent, good, passing, note.strip()
    marks.full_clean()
    marks._history_user = actor
    marks.save()
    return marks


def seed_default_rules() -> int:
    """Create the default (Tongcheng) rules that are missing; returns how many were created."""
    created = 0
    for item, variant, points, cap, note in DEFAULT_RULES:
        _rule, made = ScoringRule.objects.get_or_create(
            item=item,
            variant=variant,
            effective_year=EFFECTIVE_YEAR,
            defaults={
                "points": Decimal(points),
                "cap": Decimal(cap) if cap else None,
                "note": note,
                "note_en": DEFAULT_NOTES_EN.get(note, ""),
            },
        )
        created += made
    return created
