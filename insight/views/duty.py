"""Duty records: a member's year, the office's rankings, and the scoring rules."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.predicates import is_office
from core.exceptions import DomainError
from insight import services
from insight.forms import GradeMarksForm, RankingForm, ScoringRuleForm
from insight.models import ACTIVITIES, activity_label
from insight.selectors import duty
from insight.selectors.scope import Period


def _year(request) -> int:
    years = duty.duty_years()
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return duty.default_duty_year()
    return year if year in years else duty.default_duty_year()


@login_required
def my_record(request):
    """A member's own record; everyone else is sent to the ranking (or 404 if they may not see it)."""
    member = duty.members_visible_to(request.user).filter(user=request.user).first()
    if member is not None:
        return redirect(reverse("insight:duty-member", args=[member.pk]) + f"?year={_year(request)}")
    if duty.sees_all_records(request.user):
        return redirect("insight:duty-ranking")
    raise Http404


@login_required
def member_record(request, pk: int):
    member = duty.get_member_for(request.user, pk)
    year = _year(request)
    record = duty.duty_record(member, year)
    # Each line with what it counted, so that a member can check (or question) their score.
    details = duty.linked_for(request.user, duty.duty_details(member, year))
    for line in record.lines:
        line.entries = details.get((line.item, line.variant), [])
    return render(
        request,
        "insight/duty_member.html",
        {
            "record": record,
            "years": duty.duty_years(),
            "sees_all": duty.sees_all_records(request.user),
            "scale_note": duty.scale_note(record.thresholds),
            "period": Period.for_year(year),
        },
    )


@login_required
def ranking(request):
    if not duty.sees_all_records(request.user):
        raise Http404
    # The filters as the export reads them too (`RankingForm.from_query`): a refused one is named on
    # the page (and the export refuses it), the others apply.
    form = RankingForm.from_query(request.GET)
    filters = form.filters()
    refused = form.refused()
    records = duty.ranking(request.user, **filters)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "insight/duty_ranking.html",
        {
            "form": form,
            "year": filters["year"],
            "page": page,
            "count": len(records),
            "filter_label": duty.filter_label(**filters),
            "rank_note": duty.FILTERED_RANK_NOTE,
            "summaries": [
                (_("按界别"), duty.group_summary(records, lambda m: m.sector)),
                (_("按专委会"), duty.group_summary(records, lambda m: m.body)),
            ],
            "grades": _grade_counts(records),
            "scale_note": duty.scale_note(records[0].thresholds if records else duty.grade_thresholds(filters["year"])),
            "query": query.urlencode(),
            "refused": refused,
        },
        status=400 if refused else 200,
    )


def _grade_counts(records) -> list[dict]:
    counts = {key: 0 for key in duty.GRADES}
    for r in records:
        counts[r.grade] += 1
    return [{"label": label, "count": counts[key]} for key, label in duty.GRADES.items()]


@login_required
def rules(request):
    """The scoring table in force for a year, with the rule of each activity."""
    if not duty.sees_all_records(request.user):
        raise Http404
    year = _year(request)
    marks = duty.grade_thresholds(year)
    return render(
        request,
        "insight/rules.html",
        {
            "table": duty.rules_table(year),
            "year": year,
            "years": duty.duty_years(),
            "can_edit": is_office(request.user),
            "scale_note": duty.scale_note(marks),
            "marks": marks,
            "marks_row": duty.grade_marks_of(year),
        },
    )


@login_required
def grade_marks_edit(request):
    """Set the grade marks from a year on; that year's row is created or replaced (earlier years keep theirs)."""
    if not is_office(request.user):
        raise Http404
    year = _year(request)
    excellent, good, passing = duty.grade_thresholds(year)
    initial = {"effective_year": year, "excellent": excellent, "good": good, "passing": passing}
    form = GradeMarksForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            marks = services.set_grade_marks(**form.cleaned_data, actor=request.user)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("等次分数线已保存，自%(y)s年度起适用。") % {"y": marks.effective_year})
            return redirect(reverse("insight:rules") + f"?year={marks.effective_year}")
    return render(
        request, "insight/grade_marks_edit.html", {"form": form, "year": year}, status=400 if form.errors else 200
    )


@login_required
def rule_edit(request, item: str, variant: str = ""):
    """Set the points of one activity from a year on; that year's rule is created or replaced."""
    if not is_office(request.user) or (item, variant) not in ACTIVITIES:
        raise Http404
    year = _year(request)
    current = duty.rules_for(year).get((item, variant))
    initial = {"effective_year": year}
    if current is not None:
        initial.update(points=current.points, cap=current.cap, note=current.note, note_en=current.note_en)
    form = ScoringRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "item": item, "variant": variant}
        try:
            rule = services.set_scoring_rule(**data, actor=request.user)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存：%(rule)s") % {"rule": rule})
            return redirect(reverse("insight:rules") + f"?year={rule.effective_year}")
    return render(
        request,
        "insight/rule_edit.html",
        {"form": form, "label": activity_label(item, variant), "current": current, "year": year},
        status=400 if form.errors else 200,
    )
