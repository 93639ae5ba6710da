"""Writes of the insight area: the office edits the duty-record scoring rules and grade marks (each
change with its reason, shown on the rules page), corrects a member's counted items, and answers the
questions members ask about their records."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Role
from core.exceptions import ActionForbidden, Refused
from core.services import record_status_change
from core.tasks import enqueue_on_commit
from insight.data.scoring import DEFAULT_NOTES_EN, DEFAULT_RULES, EFFECTIVE_YEAR
from insight.models import ACTIVITIES, DutyAdjustment, DutyQuery, GradeMarks, ScoringRule
from insight.predicates import edits_duty_scoring
from notifications.services import notify
from notifications.wording import Phrase

# The audited actions (core.StatusChange.action) of the scoring rules and of members' records.
RULE_CHANGED = "scoring_rule_changed"
MARKS_CHANGED = "grade_marks_changed"
ADJUSTED = "duty_adjusted"
ASKED = "duty_query_asked"
ANSWERED = "duty_query_answered"


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("请填写修改理由。"), fields={"reason": [_("请填写修改理由。")]})
    return reason


def _rule_text(rule: ScoringRule | None) -> str:
    """A rule as the change log shows it: points each / yearly cap (— for none, or when no rule was in force)."""
    if rule is None:
        return "—"
    tenth = Decimal("0.1")
    cap = Decimal(rule.cap).quantize(tenth) if rule.cap is not None else "—"
    return f"{Decimal(rule.points).quantize(tenth)} / {cap}"


def _guard(actor) -> None:
    if not edits_duty_scoring(actor):
        raise ActionForbidden(_("只有政协办公室（综合）工作人员可以修改履职积分规则和等次分数线。"))


@transaction.atomic
def set_scoring_rule(
    *,
    item: str,
    variant: str,
    points: Decimal,
    cap: Decimal | None,
    effective_year: int,
    actor,
    reason: str,
    note: str = "",
    note_en: str = "",
) -> ScoringRule:
    """Create or replace the rule for one activity from effective_year on (earlier years keep theirs),
    recorded with what was in force for that year before, the new points and the reason."""
    from insight.selectors.duty import rules_for

    _guard(actor)
    reason = _reason(reason)
    before = rules_for(effective_year).get((item, variant))
    before_text = _rule_text(before)
    rule = (
        ScoringRule.objects.select_for_update()
        .filter(item=item, variant=variant, effective_year=effective_year)
        .first()
    ) or ScoringRule(item=item, variant=variant, effective_year=effective_year)
    rule.points, rule.cap, rule.note, rule.note_en = points, cap, note.strip(), note_en.strip()
    rule.full_clean()
    rule._history_user = actor
    rule.save()
    change = record_status_change(
        rule,
        RULE_CHANGED,
        before_text,
        _rule_text(rule),
        actor=actor,
        note=reason,
        data={"item": item, "variant": variant, "effective_year": effective_year},
    )
    if before_text != change.to_state:  # saved again unchanged (a note edited): nobody's score moves
        from insight.tasks import tell_members_of_rule_change

        enqueue_on_commit(tell_members_of_rule_change, change.pk)
    return rule


RULE_CHANGE_TITLE = gettext_lazy("履职积分规则调整：%(activity)s")
RULE_CHANGE_BODY = gettext_lazy(
    "自%(year)s年度起，“%(activity)s”的每次分值/年度上限由 %(before)s 调整为 %(after)s，"
    "您该年度起的履职积分按新规则计算。调整理由：%(reason)s"
)
VARIANT_ACTIVITY = gettext_lazy("%(item)s · %(variant)s")


def tell_members_of_rule_change(*, change_id: int) -> int:
    """Tell the members in office that a scoring rule changed from a year on (their scores move with it):
    what changed, before and after, and the office's reason, linked to their own record of that year.
    Once per member and change; returns how many were told (run by the task the change queued)."""
    from core.models import StatusChange
    from insight.models import Item, Variant

    change = StatusChange.objects.filter(pk=change_id, action=RULE_CHANGED).first()
    if change is None:
        return 0
    data = change.data or {}
    item, variant, year = data.get("item", ""), data.get("variant", ""), data.get("effective_year")
    activity = Item(item).label
    if variant:
        activity = Phrase(VARIANT_ACTIVITY, {"item": Item(item).label, "variant": Variant(variant).label})
    recipients = get_user_model().objects.filter(is_active=True, member__is_active=True).order_by("pk")
    told = notify(
        recipients=recipients.iterator(chunk_size=500),
        event_key=f"status:{change.pk}",
        title=RULE_CHANGE_TITLE,
        body=RULE_CHANGE_BODY,
        params={
            "activity": activity,
            "year": year,
            "before": change.from_state,
            "after": change.to_state,
            "reason": change.note,
        },
        url=reverse("insight:duty-me") + f"?year={year}",
    )
    return len(told)


@transaction.atomic
def set_grade_marks(
    *, excellent: int, good: int, passing: int, effective_year: int, actor, reason: str, note: str = ""
) -> GradeMarks:
    """Create or replace the grade marks from effective_year on (earlier years keep their grades),
    recorded with the marks in force for that year before and the reason."""
    from insight.selectors.duty import grade_thresholds

    _guard(actor)
    reason = _reason(reason)
    before = "/".join(str(m) for m in grade_thresholds(effective_year))
    marks = GradeMarks.objects.select_for_update().filter(effective_year=effective_year).first() or GradeMarks(
        effective_year=effective_year
    )
    marks.excellent, marks.good, marks.passing, marks.note = excellent, good, passing, note.strip()
    marks.until_year = None  # set by the office: from its year on (a kept default row becomes open-ended)
    marks.full_clean()
    marks._history_user = actor
    marks.save()
    record_status_change(
        marks,
        MARKS_CHANGED,
        before,
        f"{excellent}/{good}/{passing}",
        actor=actor,
        note=reason,
        data={"effective_year": effective_year},
    )
    return marks


def keep_past_default_marks(*, old: tuple[int, int, int], year: int | None = None) -> GradeMarks | None:
    """The district's default grade marks (规则设置 DUTY_GRADE_*) are about to change: the years before
    `year` (this year) that were graded by them keep them, written as a row up to the year before. The
    new defaults then apply from this year on to the years without marks of their own. Returns the row
    written, or None when no past year was graded by the defaults."""
    year = year or timezone.localdate().year
    kept = GradeMarks.objects.filter(until_year__isnull=False).order_by("-until_year").first()
    start = kept.until_year + 1 if kept else EFFECTIVE_YEAR
    first_own = GradeMarks.objects.filter(until_year__isnull=True).order_by("effective_year").first()
    end = min(year - 1, first_own.effective_year - 1 if first_own else year - 1)
    if start > end:
        return None
    excellent, good, passing = old
    return GradeMarks.objects.create(
        effective_year=start,
        until_year=end,
        excellent=excellent,
        good=good,
        passing=passing,
        note=_("规则设置修改默认分数线前的分数线，%(a)s—%(b)s年度沿用") % {"a": start, "b": end},
    )


# ---- a member's record: the office's corrections and the member's questions ---------------------


def _office_staff():
    """Who answers a member's question about their record: the office that keeps the scoring."""
    return get_user_model().objects.filter(is_active=True, groups__name=Role.CLERK).distinct()


@transaction.atomic
def adjust_duty_record(*, member, year: int, item: str, variant: str, points: Decimal, reason: str, actor):
    """The office corrects or annotates one counted item of a member's year: points added or deducted
    (0 for a note), with the reason. Audited on the member (total before → after) and the member told."""
    from insight.selectors.duty import duty_record

    _guard(actor)
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("请填写调整理由。"), fields={"reason": [_("请填写调整理由。")]})
    if (item, variant) not in ACTIVITIES:
        raise Refused(_("该履职事项没有这种情形。"))
    before = duty_record(member, year).total
    adjustment = DutyAdjustment(
        member=member, year=year, item=item, variant=variant, points=points, reason=reason, created_by=actor
    )
    adjustment.full_clean()
    adjustment._history_user = actor
    adjustment.save()
    after = before + adjustment.points
    record_status_change(
        member,
        ADJUSTED,
        str(before),
        str(after),
        actor=actor,
        note=reason,
        data={"year": year, "item": item, "variant": variant, "points": str(points), "adjustment": adjustment.pk},
    )
    if member.user_id:
        notify(
            recipients=[member.user],
            event_key=f"insight.duty_adjusted.{adjustment.pk}",
            title=gettext_lazy("您的%(year)s年度履职档案有一项调整"),
            body=gettext_lazy("%(label)s：%(points)s分。理由：%(reason)s"),
            params={"year": year, "label": adjustment.label, "points": str(points), "reason": reason},
            url=adjustment_url(member, year),
        )
    return adjustment


def adjustment_url(member, year: int) -> str:
    from django.urls import reverse

    return reverse("insight:duty-member", args=[member.pk]) + f"?year={year}#adjustments"


def asks_about_record(actor, member) -> bool:
    """A member asks about their own record only."""
    return bool(getattr(actor, "is_authenticated", False) and member.user_id and member.user_id == actor.pk)


@transaction.atomic
def ask_about_duty_record(*, member, year: int, question: str, actor) -> DutyQuery:
    """A member questions their record of a year; the office is told and answers on the record's page."""
    if not asks_about_record(actor, member):
        raise ActionForbidden(_("只能对本人的履职档案提出疑问。"))
    question = (question or "").strip()
    if not question:
        raise Refused(_("请填写疑问。"), fields={"question": [_("请填写疑问。")]})
    query = DutyQuery(member=member, year=year, question=question, asked_by=actor)
    query.full_clean()
    query._history_user = actor
    query.save()
    record_status_change(query, ASKED, "", "open", actor=actor, note=question)
    notify(
        recipients=_office_staff(),
        event_key=f"insight.duty_query.{query.pk}",
        title=gettext_lazy("%(name)s对%(year)s年度履职档案提出疑问"),
        body=question,
        params={"name": member.name, "year": year},
        target=query,
    )
    return query


@transaction.atomic
def answer_duty_query(*, query: DutyQuery, answer: str, actor) -> DutyQuery:
    """The office answers a member's question (once); the member is told."""
    _guard(actor)
    query = DutyQuery.objects.select_for_update().get(pk=query.pk)
    if query.answered_at:
        raise Refused(_("该疑问已答复。"))
    answer = (answer or "").strip()
    if not answer:
        raise Refused(_("请填写答复。"), fields={"answer": [_("请填写答复。")]})
    query.answer, query.answered_by, query.answered_at = answer, actor, timezone.now()
    query._history_user = actor
    query.save()
    record_status_change(query, ANSWERED, "open", "answered", actor=actor, note=answer)
    notify(
        recipients=[query.asked_by],
        event_key=f"insight.duty_query_answered.{query.pk}",
        title=gettext_lazy("政协办公室已答复您对%(year)s年度履职档案的疑问"),
        body=answer,
        params={"year": query.year},
        target=query,
    )
    return query


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
