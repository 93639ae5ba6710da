"""Dashboard figures, every one an aggregate query (Count, Avg, conditional counts), never rows loaded.

Each figure row carries the URL of the list page behind it, filtered the same way, so that a leader
can click from a bar to the records it counts.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from constance import config
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.models import Attendance, GroupStatus, Meeting, MeetingParticipant, MeetingStatus, ResearchGroup
from core.i18n import in_reader_language
from district.models import Town
from insight.selectors.scope import Period, Scope
from intake.models import Appeal, AppealCategory, AppealStatus, Channel, Satisfaction
from intake.predicates import member_id_of
from intake.selectors import SATISFACTION_NOTE as APPEAL_SATISFACTION_NOTE
from intake.selectors import rating_counts as appeal_rating_counts
from intake.selectors import referred_to
from opinions.models import OpinionReport
from opinions.models import Status as OpinionStatus
from opinions.selectors import members_reports
from proposals.models import REPLYING_ROLES, Proposal, ProposalAssignment
from proposals.models import Rating as ProposalRatingChoice
from proposals.models import Status as ProposalStatus
from proposals.selectors import handled_by
from proposals.statistics import SATISFACTION_NOTE, first_replies
from proposals.statistics import rating_counts as proposal_rating_counts
from proposals.statistics import satisfaction_rate as rate_of_counts
from supervision.choices import OPEN_STATES, TaskStatus
from supervision.choices import Rating as TaskRating
from supervision.models import SupervisionTask
from supervision.selectors import department_tasks
from topics.models import ConsultationPlan, PlanItem, PlanStatus, SuggestionStatus, TopicSuggestion

OPEN_APPEAL_STATES = (AppealStatus.RECEIVED, AppealStatus.ROUTED)
# A proposal is late when its unit has not answered by the reply deadline.
PROPOSAL_HANDLING_STATES = (
    ProposalStatus.ASSIGNED,
    ProposalStatus.RETURN_REQUESTED,
    ProposalStatus.IN_PROGRESS,
    ProposalStatus.REHANDLING,
)
UNSUBMITTED = (ProposalStatus.DRAFT, ProposalStatus.COSIGNING)
TOP_UNITS = 15


@dataclass
class Row:
    label: str
    value: float
    url: str = ""


@dataclass
class Figure:
    """One chart: a title, labelled values, and how to draw it (bar, hbar, line, pie)."""

    key: str
    title: str
    rows: list[Row] = field(default_factory=list)
    chart: str = "bar"
    unit: str = ""
    note: str = ""

    @property
    def total(self) -> float:
        return sum(r.value for r in self.rows)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "title": str(self.title),
            "chart": self.chart,
            "unit": str(self.unit),
            "note": str(self.note),
            "rows": [{"label": str(r.label), "value": r.value, "url": r.url} for r in self.rows],
        }


def _url(name: str, **params) -> str:
    params = {k: v for k, v in params.items() if v not in (None, "", False)}
    return reverse(name) + ("?" + urlencode(params) if params else "")


class Seconds(Func):
    """A date or datetime as seconds since the epoch, in the database's own arithmetic (the project
    runs on SQLite and PostgreSQL): Django's datetime subtraction on SQLite is a Python function
    called for every row (seconds per figure at a million appeals)."""

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(julianday(%(expressions)s) * 86400.0)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        # date_part, not EXTRACT: since PostgreSQL 14 EXTRACT returns numeric, and numeric arithmetic
        # over a year of appeals cost a third of the dashboard's computation; date_part is float8.
        return self.as_sql(compiler, connection, template="date_part('epoch', %(expressions)s)", **extra)


class _Median(Aggregate):
    """PostgreSQL's median of an expression (the mean of the two middle values for an even count)."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def duration_stats(qs: QuerySet, start: str, end: str) -> dict:
    """Count, mean and median days from start to end over qs (no row loading)."""
    return durations(qs, {"span": (start, end)})["span"]


def durations(qs: QuerySet, spans: dict[str, tuple[str, str]]) -> dict[str, dict]:
    """`duration_stats` of several (start, end) pairs over the same rows, each counting the rows
    where both are set. PostgreSQL reads the rows once for all of them (count, mean and median as
    aggregates with FILTER); SQLite, which has no median aggregate, takes two queries per pair
    (count and mean, then the middle rows by ORDER BY … OFFSET)."""
    qs = qs.order_by()
    expressions = {
        key: ExpressionWrapper(Seconds(end) - Seconds(start), output_field=FloatField())
        for key, (start, end) in spans.items()
    }
    present = {key: Q(**{f"{start}__isnull": False, f"{end}__isnull": False}) for key, (start, end) in spans.items()}
    if connection.vendor == "postgresql":
        aggregates = {}
        for key, span in expressions.items():
            aggregates[f"{key}__n"] = Count("pk", filter=present[key])
            aggregates[f"{key}__avg"] = Avg(span, filter=present[key])
            aggregates[f"{key}__median"] = _Median(span, filter=present[key])
        row = qs.aggregate(**aggregates)
        return {
            key: {
                "count": row[f"{key}__n"],
                "avg_days": _days(row[f"{key}__avg"]),
                "median_days": _days(row[f"{key}__median"]),
            }
            for key in spans
        }
    result = {}
    for key, span in expressions.items():
        rows = qs.filter(present[key]).annotate(span=span)
        agg = rows.aggregate(n=Count("pk"), avg=Avg("span"))
        n, median = agg["n"], None
        if n:
            middle = list(rows.order_by("span").values_list("span", flat=True)[(n - 1) // 2 : n // 2 + 1])
            median = sum(middle) / len(middle)
        result[key] = {"count": n, "avg_days": _days(agg["avg"]), "median_days": _days(median)}
    return result


def _days(seconds) -> float | None:
    return None if seconds is None else round(float(seconds) / 86400, 1)


# ---- appeals ---------------------------------------------------------------------------------


def appeal_base(scope: Scope, period: Period) -> QuerySet[Appeal]:
    """Appeals received in the period within the town/category filters and the viewer's scope."""
    qs = Appeal.objects.filter(created_at__gte=period.start_dt, created_at__lt=period.end_dt)
    if period.town is not None:
        qs = qs.filter(town=period.town)
    if period.category is not None:
        qs = qs.filter(category=period.category)
    if scope.department_id:
        # A department's appeals are those referred to it: what its liaisons can open from the figures.
        qs = qs.filter(pk__in=referred_to(scope.department_id))
    return qs.order_by()


def _appeal_url(period: Period, **extra) -> str:
    return _url("intake:office-list", **{**period.query(), **extra})


def appeal_counts(scope: Scope, period: Period) -> dict[tuple, int]:
    """Appeals of the period by (town id, category id, channel), either id None where unset: one
    grouped pass over the period's rows, from which the category, town and channel figures and the
    heat table are all summed (the dashboard passes it to each, instead of four passes over a year)."""
    rows = appeal_base(scope, period).values_list("town", "category", "channel").annotate(n=Count("pk"))
    return {(town, category, channel): n for town, category, channel, n in rows}


def _counts(scope: Scope, period: Period, counts: dict | None) -> dict[tuple, int]:
    """The counts a caller passed (the dashboard's one pass), or this figure's own."""
    return counts if counts is not None else appeal_counts(scope, period)


def _summed(counts: dict[tuple, int], position: int) -> Counter:
    totals: Counter = Counter()
    for key, n in counts.items():
        totals[key[position]] += n
    return totals


def _largest_first(totals: Counter, rows: dict) -> list:
    """(id, n) by count, then by the reference table's order and id; the unset (None) row last among equals."""

    def key(item):
        pk, n = item
        row = rows.get(pk)
        return (-n, 1, 0, 0) if row is None else (-n, 0, row.order, pk)

    return sorted(((pk, n) for pk, n in totals.items() if n), key=key)


def appeals_by_category(scope: Scope, period: Period, counts: dict | None = None) -> Figure:
    totals = _summed(_counts(scope, period, counts), 1)
    return _reference_figure(
        "appeals_by_category", _("群众诉求 · 按类别"), totals, AppealCategory, _("未分类"), period, "category"
    )


def _reference_figure(key: str, title: str, totals: Counter, model, unset: str, period: Period, param: str) -> Figure:
    """A bar per row of a reference table (towns, categories) by count, linking to the appeal list
    filtered on it; appeals without one form an unlinked row labelled `unset`."""
    rows = model.objects.in_bulk([pk for pk in totals if pk is not None])
    return Figure(
        key,
        title,
        [
            Row(
                str(rows[pk]) if pk in rows else unset,  # a category's name in the reader's language
                n,
                _appeal_url(period, **{param: pk}) if pk in rows else "",
            )
            for pk, n in _largest_first(totals, rows)
        ],
        chart="hbar",
        unit=_("件"),
    )


def appeals_by_channel(scope: Scope, period: Period, counts: dict | None = None) -> Figure:
    totals = _summed(_counts(scope, period, counts), 2)
    return Figure(
        "appeals_by_channel",
        _("群众诉求 · 按渠道"),
        [
            Row(label, totals[value], _appeal_url(period, channel=value))
            for value, label in Channel.choices
            if totals.get(value)
        ],
        chart="pie",
        unit=_("件"),
    )


def appeals_by_town(scope: Scope, period: Period, counts: dict | None = None) -> Figure:
    totals = _summed(_counts(scope, period, counts), 0)
    return _reference_figure("appeals_by_town", _("群众诉求 · 按镇街"), totals, Town, _("未注明镇街"), period, "town")


def _month_end(month_start: date) -> date:
    return (month_start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def appeals_by_month(scope: Scope, period: Period) -> Figure:
    """Appeals per month of the period with at least one, as conditional counts in one pass over the
    period's rows (no per-row month truncation, which SQLite runs as a Python function)."""
    months = []
    first = period.start.replace(day=1)
    while first <= period.end:
        months.append(first)
        first = _month_end(first) + timedelta(days=1)
    bounds = {
        f"m{i}": Period(max(first, period.start), min(_month_end(first), period.end)) for i, first in enumerate(months)
    }
    counts = appeal_base(scope, period).aggregate(
        **{
            key: Count("pk", filter=Q(created_at__gte=month.start_dt, created_at__lt=month.end_dt))
            for key, month in bounds.items()
        }
    )
    out = []
    for key, month in bounds.items():
        if counts[key]:
            query = {**period.query(), "start": month.start.isoformat(), "end": month.end.isoformat()}
            out.append(Row(f"{month.start:%Y-%m}", counts[key], _url("intake:office-list", **query)))
    return Figure("appeals_by_month", _("群众诉求 · 按月"), out, chart="line", unit=_("件"))


def appeal_heat_table(scope: Scope, period: Period, counts: dict | None = None) -> dict:
    """Towns × categories: how many appeals each town raised in each category."""
    cells: Counter = Counter()
    for (town, category, _channel), n in _counts(scope, period, counts).items():
        if town is not None and category is not None:
            cells[(town, category)] += n
    town_ids = {t for t, _c in cells}
    category_ids = {c for _t, c in cells}
    towns = [t for t in Town.objects.order_by("order", "id") if t.pk in town_ids]
    categories = [c for c in AppealCategory.objects.order_by("order", "id") if c.pk in category_ids]
    peak = max(cells.values(), default=0)
    rows = []
    for town in towns:
        row = []
        for cat in categories:
            n = cells.get((town.pk, cat.pk), 0)
            row.append(
                {
                    "value": n,
                    "level": 0 if not n or not peak else min(4, 1 + (4 * n - 1) // peak),
                    "url": _appeal_url(period, town=town.pk, category=cat.pk) if n else "",
                }
            )
        rows.append({"town": town.name, "cells": row, "total": sum(c["value"] for c in row)})
    # A category's name in the reader's language, as the chart by category names it.
    return {"columns": [c.display_name for c in categories], "rows": rows, "peak": peak}


def appeal_outcomes(scope: Scope, period: Period) -> dict:
    """Appeals received in the period by how they ended, in one pass: withdrawn by the citizen, merged
    into another case (answered there), answered, closed; and the answer rate over the appeals that
    were the office's to answer (received minus withdrawn and merged), None when there were none.
    Then, in one more query, the citizens' ratings (`ratings`, latest rated round per appeal), how
    many appeals were `rated` and the `satisfaction` rate: (满意 + 基本满意) ÷ rated, None when none was."""
    kept = ~Q(status__in=(AppealStatus.WITHDRAWN, AppealStatus.MERGED))
    row = appeal_base(scope, period).aggregate(
        total=Count("pk"),
        withdrawn=Count("pk", filter=Q(status=AppealStatus.WITHDRAWN)),
        merged=Count("pk", filter=Q(status=AppealStatus.MERGED)),
        # An appeal reopened and then withdrawn keeps its first answer's time: not counted as answered.
        answered=Count("pk", filter=kept & Q(answered_at__isnull=False)),
        closed=Count("pk", filter=kept & Q(closed_at__isnull=False)),
    )
    row["to_answer"] = row["total"] - row["withdrawn"] - row["merged"]
    row["answer_rate"] = round(100.0 * row["answered"] / row["to_answer"], 1) if row["to_answer"] else None
    row["ratings"] = appeal_rating_counts(appeal_base(scope, period))
    row["rated"] = sum(row["ratings"].values())
    row["satisfaction"] = rate_of_counts(row["ratings"])
    return row


def appeal_ratings(scope: Scope, period: Period, counts: dict[str, int] | None = None) -> Figure:
    """Appeals of the period by the citizen's rating of the latest rated round, each linking to the
    appeal list filtered the same way (`counts`: `appeal_outcomes(...)["ratings"]`, if at hand)."""
    if counts is None:
        counts = appeal_rating_counts(appeal_base(scope, period))
    return Figure(
        "appeal_ratings",
        _("群众诉求办理满意度"),
        [Row(label, counts.get(value, 0), _appeal_url(period, rating=value)) for value, label in Satisfaction.choices],
        chart="pie",
        unit=_("件"),
        note=APPEAL_SATISFACTION_NOTE,
    )


def appeal_timeliness(scope: Scope, period: Period) -> dict:
    return durations(
        appeal_base(scope, period),
        {"first_answer": ("created_at", "answered_at"), "close": ("created_at", "closed_at")},
    )


# ---- overdue (a snapshot as of today, whatever the period) ----------------------------------


def overdue_counts(scope: Scope, today: date | None = None, *, town=None, category=None) -> Figure:
    """Open items past their deadline now: supervision tasks, proposals past the reply date, appeals
    (those of the chosen town and category: the dashboard's filters apply to appeals)."""
    today = today or timezone.localdate()
    tasks = SupervisionTask.objects.filter(status__in=OPEN_STATES, due_date__lt=today, source_withdrawn_at__isnull=True)
    proposals = Proposal.objects.filter(status__in=PROPOSAL_HANDLING_STATES, reply_due__lt=today)
    answer_days = config.INSIGHT_APPEAL_ANSWER_DAYS
    cutoff = today - timedelta(days=answer_days)
    appeals = Appeal.objects.filter(status__in=OPEN_APPEAL_STATES, created_at__lt=Period(cutoff, cutoff).end_dt)
    if scope.department_id:
        # What the department's lists show it: the transferred tasks it leads, the proposals handed over
        # to it, the appeals referred to it (not those still 待交办).
        tasks = tasks.filter(department_tasks(scope.department_id, lead_only=True))
        proposals = proposals.filter(handled_by(scope.department_id))
        appeals = appeals.filter(pk__in=referred_to(scope.department_id))
    appeal_filters = {}
    if town is not None:
        appeals = appeals.filter(town=town)
        appeal_filters["town"] = town.pk
    if category is not None:
        appeals = appeals.filter(category=category)
        appeal_filters["category"] = category.pk
    return Figure(
        "overdue",
        _("逾期未办结事项（截至今日）"),
        [
            Row(_("督办任务"), tasks.count(), _url("supervision:tasks", overdue=1, department=scope.department_id)),
            Row(_("提案（超过答复期限）"), proposals.count(), _url("proposals:list", overdue="on")),
            Row(
                _("群众诉求（超过%(n)s天未办结）") % {"n": answer_days},
                appeals.count(),
                _url("intake:office-list", status="open", end=cutoff.isoformat(), **appeal_filters),
            ),
        ],
        chart="bar",
        unit=_("件"),
    )


# ---- supervision -------------------------------------------------------------------------------


def _task_query(scope: Scope, period: Period) -> dict:
    """The task list's filters for a figure: the period and, for a department, its lead tasks only
    (the list also shows a liaison the tasks their department co-handles, which the figures leave out)."""
    return {"start": period.start.isoformat(), "end": period.end.isoformat(), "department": scope.department_id}


def task_base(scope: Scope, period: Period) -> QuerySet[SupervisionTask]:
    """Tasks created in the period; a department's are those it leads and its list shows it: once
    transferred (交办), not while still 待交办 (`supervision.selectors.department_tasks`)."""
    qs = SupervisionTask.objects.filter(created_at__gte=period.start_dt, created_at__lt=period.end_dt)
    if scope.department_id:
        qs = qs.filter(department_tasks(scope.department_id, lead_only=True))
    return qs.order_by()


@dataclass
class DepartmentTasks:
    """One lead department's tasks of a period, as a row of the annual report."""

    name: str
    total: int
    closed: int
    overdue: int
    rated: int
    satisfied: int  # satisfied or basically satisfied

    @property
    def timeliness(self) -> float | None:
        """Share (%) of the tasks never overdue (the ranking's 按时办理率)."""
        return 100.0 * (self.total - self.overdue) / self.total if self.total else None

    @property
    def satisfaction(self) -> float | None:
        return 100.0 * self.satisfied / self.rated if self.rated else None


def task_departments(scope: Scope, period: Period) -> list[DepartmentTasks]:
    """The period's tasks (`task_base`: created in it, as the dashboard counts them) per lead department,
    by the rule of the departments' ranking (`supervision.selectors.department_ranking`, which counts every
    year): transferred tasks only (a 待交办 task is no department's yet), closed, ever overdue, rated;
    ranked by timeliness, then satisfaction, then tasks closed. One grouped query."""
    rated = (TaskRating.SATISFIED, TaskRating.BASIC, TaskRating.UNSATISFIED)
    rows = (
        task_base(scope, period)
        .exclude(status=TaskStatus.CREATED)
        .filter(lead_department__isnull=False)
        .values("lead_department", "lead_department__name", "lead_department__order")
        .annotate(
            total=Count("pk"),
            closed=Count("pk", filter=Q(status=TaskStatus.CLOSED)),
            overdue=Count("pk", filter=Q(was_overdue=True)),
            rated=Count("pk", filter=Q(rating__in=rated)),
            satisfied=Count("pk", filter=Q(rating__in=(TaskRating.SATISFIED, TaskRating.BASIC))),
        )
    )
    departments = [
        (
            r["lead_department__order"],
            r["lead_department"],
            DepartmentTasks(
                r["lead_department__name"], r["total"], r["closed"], r["overdue"], r["rated"], r["satisfied"]
            ),
        )
        for r in rows
    ]

    def rank(entry):
        order, pk, d = entry
        return (-(d.timeliness or 0), -(d.satisfaction if d.satisfaction is not None else -1), -d.closed, order, pk)

    return [d for *_key, d in sorted(departments, key=rank)]


def task_ratings(scope: Scope, period: Period) -> Figure:
    counts = dict(task_base(scope, period).exclude(rating="").values_list("rating").annotate(n=Count("id")))
    query = _task_query(scope, period)
    return Figure(
        "task_ratings",
        _("督办答复评价"),
        [
            Row(label, counts.get(value, 0), _url("supervision:tasks", rating=value, **query))
            for value, label in TaskRating.choices
        ],
        chart="pie",
        unit=_("件"),
    )


def task_status(scope: Scope, period: Period) -> Figure:
    counts = dict(task_base(scope, period).values_list("status").annotate(n=Count("id")))
    query = _task_query(scope, period)
    return Figure(
        "task_status",
        _("督办任务 · 按状态"),
        [
            Row(label, counts[value], _url("supervision:tasks", status=value, **query))
            for value, label in TaskStatus.choices
            if counts.get(value)
        ],
        chart="hbar",
        unit=_("件"),
    )


# ---- proposals ---------------------------------------------------------------------------------


def proposal_base(scope: Scope, period: Period) -> QuerySet[Proposal]:
    """Submitted proposals of the period's session year (the year the proposal list filters on); a
    department's are those handed over to it, as its list shows them (`proposals.selectors.handled_by`):
    not those whose units are only planned (待交办)."""
    qs = Proposal.objects.filter(session__year=period.year).exclude(status__in=UNSUBMITTED)
    if scope.department_id:
        qs = qs.filter(handled_by(scope.department_id))
    return qs.order_by()


def proposals_by_unit(scope: Scope, period: Period) -> Figure:
    qs = ProposalAssignment.objects.filter(is_active=True, proposal__in=proposal_base(scope, period))
    if scope.department_id:
        qs = qs.filter(department_id=scope.department_id)
    rows = (
        qs.values("department", "department__name")
        .annotate(
            n=Count("proposal", distinct=True),
            lead=Count("proposal", distinct=True, filter=Q(role__in=REPLYING_ROLES)),
        )
        .order_by("-n", "department__order", "department")[:TOP_UNITS]
    )
    return Figure(
        "proposals_by_unit",
        _("提案 · 按承办单位（前%(n)s）") % {"n": TOP_UNITS},
        [
            Row(r["department__name"], r["n"], _url("proposals:list", department=r["department"], year=period.year))
            for r in rows
        ],
        chart="hbar",
        unit=_("件"),
        note=_("含主办、会办、分办，按%(y)s年会次统计") % {"y": period.year},
    )


def proposals_by_reply_class(scope: Scope, period: Period) -> Figure:
    """Proposals by the class of their reply, counted as the annual report counts them
    (`proposals.statistics.first_replies`: first-round replies the office has approved)."""
    qs = first_replies(proposal_base(scope, period))
    if scope.department_id:
        qs = qs.filter(department_id=scope.department_id)
    rows = (
        qs.values("reply_class__code", "reply_class__name", "reply_class__name_en")
        .annotate(n=Count("proposal", distinct=True))
        .order_by("reply_class__order", "reply_class__code")
    )
    return Figure(
        "proposals_by_reply_class",
        _("提案 · 按答复类别"),
        [
            Row(
                _("%(code)s类（%(name)s）")
                % {
                    "code": r["reply_class__code"],
                    "name": in_reader_language(r["reply_class__name"], r["reply_class__name_en"]),
                },
                r["n"],
                _url("proposals:list", reply_class=r["reply_class__code"], year=period.year, first_reply="on"),
            )
            for r in rows
        ],
        chart="pie",
        unit=_("件"),
    )


def proposal_ratings(scope: Scope, period: Period) -> Figure:
    """Proposals by their rating, as the proposals' statistics count them (`proposals.statistics`)."""
    counts = proposal_rating_counts(proposal_base(scope, period))
    return Figure(
        "proposal_ratings",
        _("提案答复满意度"),
        [
            Row(label, counts.get(value, 0), _url("proposals:list", rating=value, year=period.year))
            for value, label in ProposalRatingChoice.choices
        ],
        chart="pie",
        unit=_("件"),
        note=SATISFACTION_NOTE,
    )


TIMELINESS_LABELS = {
    "appeal_answer": _("群众诉求：受理至首次答复"),
    "appeal_close": _("群众诉求：受理至办结"),
    "proposal_reply": _("提案：交办至答复"),
    "task_reply": _("督办任务：交办至答复"),
}


def proposal_timeliness(scope: Scope, period: Period) -> dict:
    return duration_stats(proposal_base(scope, period), "assigned_at", "replied_at")


def task_timeliness(scope: Scope, period: Period) -> dict:
    return duration_stats(task_base(scope, period), "assigned_at", "replied_at")


def satisfaction_rate(figure: Figure) -> float | None:
    """Share (%) satisfied or basically satisfied of a ratings figure (rows: satisfied, basic, unsatisfied),
    by the proposals' formula (`proposals.statistics.satisfaction_rate`)."""
    keys = (ProposalRatingChoice.SATISFIED, ProposalRatingChoice.BASIC, ProposalRatingChoice.UNSATISFIED)
    return rate_of_counts({key: row.value for key, row in zip(keys, figure.rows, strict=True)})


# ---- topics ------------------------------------------------------------------------------------

STAGES = {
    "drafting": _("计划审定中"),
    "planned": _("已列入计划"),
    "researching": _("调研中"),
    "consulted": _("已协商"),
    "supervising": _("成果督办中"),
    "closed": _("督办办结"),
}


def plan_item_stages(year: int) -> Figure:
    """Plan items of the year by how far they have come: plan → research → consultation → supervision."""
    ct = ContentType.objects.get_for_model(PlanItem)
    on_item = {"subject_type": ct, "subject_id": OuterRef("pk")}
    groups = ResearchGroup.objects.filter(**on_item).exclude(status=GroupStatus.CANCELLED)
    meetings = Meeting.objects.filter(
        research_group__subject_type=ct,
        research_group__subject_id=OuterRef("pk"),
        status__in=(MeetingStatus.HELD, MeetingStatus.MINUTED),
    )
    tasks = SupervisionTask.objects.filter(
        outcome_item__meeting__research_group__subject_type=ct,
        outcome_item__meeting__research_group__subject_id=OuterRef("pk"),
    )
    stage = Case(
        When(~Q(plan__status__in=(PlanStatus.ADOPTED, PlanStatus.PUBLISHED)), then=Value("drafting")),
        When(Exists(tasks.exclude(status=TaskStatus.CLOSED)), then=Value("supervising")),
        When(Exists(tasks), then=Value("closed")),
        When(Exists(meetings), then=Value("consulted")),
        When(Exists(groups), then=Value("researching")),
        default=Value("planned"),
        output_field=CharField(),
    )
    counts = dict(
        PlanItem.objects.filter(plan__year=year)
        .annotate(stage=stage)
        .values_list("stage")
        .annotate(n=Count("id"))
        .order_by()
    )
    # The plan's item list cannot be filtered by stage: a stage links to it only when it holds every
    # item of the year (otherwise the list would show more items than the bar counts).
    total = sum(counts.values())
    url = _url("topics:items", year=year)
    return Figure(
        "plan_stages",
        _("%(y)s年协商议题 · 按进展阶段") % {"y": year},
        [Row(label, counts.get(key, 0), url if counts.get(key) == total else "") for key, label in STAGES.items()],
        chart="bar",
        unit=_("项"),
    )


def suggestion_status(year: int) -> Figure:
    rows = dict(
        TopicSuggestion.objects.filter(round__year=year)
        .exclude(status=SuggestionStatus.DRAFT)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    round_id = TopicSuggestion.objects.filter(round__year=year).values_list("round", flat=True).first()
    return Figure(
        "suggestion_status",
        _("%(y)s年议题建议 · 按处理结果") % {"y": year},
        [
            Row(label, rows[value], _url("topics:suggestions", round=round_id, status=value))
            for value, label in SuggestionStatus.choices
            if rows.get(value)
        ],
        chart="pie",
        unit=_("条"),
    )


def plan_status_label(year: int) -> str:
    plan = ConsultationPlan.objects.filter(year=year).only("status").first()
    return str(plan.get_status_display()) if plan else ""


# ---- a member's own figures ------------------------------------------------------------------


ANNUAL_NOTE = _("按%(y)s年度统计")


def own_proposals(user, year: int) -> Figure:
    """The member's proposals (as lead or accepted co-signer) of the session year: proposals belong
    to a year's session, so a date range counts its start year's (the note says which)."""
    mine = Q(author=user) | Q(signers__user=user, signers__accepted=True)
    counts = dict(
        Proposal.objects.filter(mine, session__year=year)
        .exclude(status__in=UNSUBMITTED)
        .values_list("status")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    return Figure(
        "own_proposals",
        _("我的提案 · 按状态"),
        [
            Row(label, counts[value], _url("proposals:list", mine="on", status=value, year=year))
            for value, label in ProposalStatus.choices
            if counts.get(value)
        ],
        chart="hbar",
        unit=_("件"),
        note=ANNUAL_NOTE % {"y": year},
    )


def own_opinions(user, period: Period) -> Figure:
    """The member's reports submitted within the period: those that count for him in his duty record
    (`opinions.selectors.members_reports`), also those written in a workstation's or group's name. The
    report list filters by year only: rows link to it for a whole year; a date range's rows link nowhere
    (the list would show other reports)."""
    member_id = member_id_of(user)
    reports = members_reports().filter(credited_member_id=member_id) if member_id else OpinionReport.objects.none()
    counts = dict(
        reports.filter(submitted_at__gte=period.start_dt, submitted_at__lt=period.end_dt)
        .values_list("status")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )

    def url(status: str) -> str:
        if not period.is_whole_year:
            return ""
        return _url("opinions:list", mine=1, status=status, year=period.year)

    return Figure(
        "own_opinions",
        _("我的社情民意信息 · 按状态"),
        [Row(label, counts[value], url(value)) for value, label in OpinionStatus.choices if counts.get(value)],
        chart="hbar",
        unit=_("篇"),
        note=_("按报送日期统计"),
    )


# ---- periods ------------------------------------------------------------------------------------


def data_years() -> list[int]:
    """Years with appeals or proposal sessions, newest first (for the year picker)."""
    today = timezone.localdate()
    # Not a DISTINCT over every appeal's year (a full scan): the first appeal by the created_at index,
    # then the first one of each later year, jumping over empty years (one probe per year with appeals).
    years, since = set(), None
    while True:
        qs = Appeal.objects.order_by("created_at")
        found = (qs.filter(created_at__gte=since) if since else qs).values_list("created_at", flat=True).first()
        if found is None:
            break
        year = timezone.localtime(found).year
        years.add(year)
        if year >= today.year:
            break
        since = Period(date(year + 1, 1, 1), date(year + 1, 1, 1)).start_dt
    # order_by(): the default ordering would join the DISTINCT and return one row per proposal.
    years |= set(
        Proposal.objects.filter(session__isnull=False).order_by().values_list("session__year", flat=True).distinct()
    )
    years.add(today.year)
    return sorted((y for y in years if y <= today.year), reverse=True)


def default_year() -> int:
    """The year the statistics, the annual report and the duty records open on: the latest year
    (not in the future) with appeals or members' attended meetings, else this year. One rule for
    all of them, so that going from the dashboard to a member's record stays in the same year."""
    today = timezone.localdate()
    latest_appeal = (
        Appeal.objects.filter(created_at__lt=Period(today, today).end_dt)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    latest_meeting = (
        MeetingParticipant.objects.filter(attendance=Attendance.PRESENT, meeting__starts_at__date__lte=today)
        .filter(Q(member__isnull=False) | Q(user__member__isnull=False))
        .order_by("-meeting__starts_at")
        .values_list("meeting__starts_at", flat=True)
        .first()
    )
    years = [timezone.localtime(at).year for at in (latest_appeal, latest_meeting) if at]
    return max(years, default=today.year)
