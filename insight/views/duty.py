"""Duty records: a member's year, the office's rankings, and the scoring rules."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from core.forms import refuse_into
from insight import services
from insight.forms import (
    DutyAdjustmentForm,
    DutyAnswerForm,
    DutyQueryForm,
    GradeMarksForm,
    RankingForm,
    ScoringRuleForm,
)
from insight.models import ACTIVITIES, DutyQuery, activity_label
from insight.predicates import edits_duty_scoring
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


def _record_url(member, year: int, anchor: str = "") -> str:
    return reverse("insight:duty-member", args=[member.pk]) + f"?year={year}" + (f"#{anchor}" if anchor else "")


@login_required
def member_record(request, pk: int, *, year: int | None = None, status: int = 200, **forms):
    member = duty.get_member_for(request.user, pk)
    year = year or _year(request)
    record = duty.duty_record(member, year)
    # Each line with what it counted, so that a member can check (or question) their score.
    details = duty.linked_for(request.user, duty.duty_details(member, year))
    for line in record.lines:
        line.entries = details.get((line.item, line.variant), [])
    corrects = edits_duty_scoring(request.user)
    asks = services.asks_about_record(request.user, member)
    return render(
        request,
        "insight/duty_member.html",
        {
            "record": record,
            "years": duty.duty_years(),
            "sees_all": duty.sees_all_records(request.user),
            "scale_note": duty.scale_note(record.thresholds),
            "period": Period.for_year(year),
            "queries": duty.queries_of(member, year),
            "corrects": corrects,
            "asks": asks,
            "adjust_form": forms.get("adjust_form") or (DutyAdjustmentForm() if corrects else None),
            "query_form": forms.get("query_form") or (DutyQueryForm() if asks else None),
            "answer_form": DutyAnswerForm() if corrects else None,
            # A refused answer comes back under its own question, with what was typed.
            "refused_answer": forms.get("refused_answer"),
        },
        status=status,
    )


def _posted_year(request) -> int:
    """The year a form on a record's page was posted for (one of the years offered)."""
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        raise Http404 from None
    if year not in duty.duty_years():
        raise Http404
    return year


@login_required
@require_POST
def adjust(request, pk: int):
    """The office corrects or annotates one counted item of the member's year."""
    if not edits_duty_scoring(request.user):
        raise Http404
    member = duty.get_member_for(request.user, pk)
    year = _posted_year(request)
    form = DutyAdjustmentForm(request.POST)
    if form.is_valid():
        item, variant = form.item_and_variant()
        try:
            services.adjust_duty_record(
                member=member,
                year=year,
                item=item,
                variant=variant,
                points=form.cleaned_data["points"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except DomainError as exc:
            refuse_into(form, exc)
        else:
            messages.success(request, _("调整已记入履职档案，并已通知委员本人。"))
            return redirect(_record_url(member, year, "adjustments"))
    return member_record(request, pk, year=year, status=400, adjust_form=form)


@login_required
@require_POST
def ask(request, pk: int):
    """A member asks the office about their own record of a year."""
    member = duty.get_member_for(request.user, pk)
    if not services.asks_about_record(request.user, member):
        raise Http404
    year = _posted_year(request)
    form = DutyQueryForm(request.POST)
    if form.is_valid():
        try:
            services.ask_about_duty_record(
                member=member, year=year, question=form.cleaned_data["question"], actor=request.user
            )
        except DomainError as exc:
            refuse_into(form, exc)
        else:
            messages.success(request, _("疑问已提交，政协办公室答复后会通知您。"))
            return redirect(_record_url(member, year, "queries"))
    return member_record(request, pk, year=year, status=400, query_form=form)


@login_required
@require_POST
def answer(request, pk: int):
    """The office answers a member's question about their record."""
    if not edits_duty_scoring(request.user):
        raise Http404
    query = get_object_or_404(DutyQuery.objects.select_related("member"), pk=pk)
    form = DutyAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_duty_query(query=query, answer=form.cleaned_data["answer"], actor=request.user)
        except DomainError as exc:
            query.refresh_from_db()
            if query.answered_at:  # answered meanwhile: the page shows that answer
                messages.error(request, exc.message)
                return redirect(_record_url(query.member, query.year, "queries"))
            refuse_into(form, exc)
        else:
            messages.success(request, _("已答复，并已通知委员本人。"))
            return redirect(_record_url(query.member, query.year, "queries"))
    form.query_pk = query.pk
    return member_record(request, query.member.pk, year=query.year, status=400, refused_answer=form)


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
            "can_edit": edits_duty_scoring(request.user),
            "changes": duty.rule_changes(),
            "scale_note": duty.scale_note(marks),
            "marks": marks,
            "marks_row": duty.grade_marks_of(year),
        },
    )


@login_required
def grade_marks_edit(request):
    """Set the grade marks from a year on; that year's row is created or replaced (earlier years keep theirs)."""
    if not edits_duty_scoring(request.user):
        raise Http404
    year = _year(request)
    excellent, good, passing = duty.grade_thresholds(year)
    initial = {"effective_year": year, "excellent": excellent, "good": good, "passing": passing}
    form = GradeMarksForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            marks = services.set_grade_marks(**form.cleaned_data, actor=request.user)
        except DomainError as exc:
            refuse_into(form, exc)
        else:
            messages.success(request, _("等次分数线已保存，自%(y)s年度起适用。") % {"y": marks.effective_year})
            return redirect(reverse("insight:rules") + f"?year={marks.effective_year}")
    return render(
        request, "insight/grade_marks_edit.html", {"form": form, "year": year}, status=400 if form.errors else 200
    )


@login_required
def rule_edit(request, item: str, variant: str = ""):
    """Set the points of one activity from a year on; that year's rule is created or replaced."""
    if not edits_duty_scoring(request.user) or (item, variant) not in ACTIVITIES:
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
            refuse_into(form, exc)
        else:
            messages.success(request, _("已保存：%(rule)s") % {"rule": rule})
            return redirect(reverse("insight:rules") + f"?year={rule.effective_year}")
    return render(
        request,
        "insight/rule_edit.html",
        {"form": form, "label": activity_label(item, variant), "current": current, "year": year},
        status=400 if form.errors else 200,
    )
