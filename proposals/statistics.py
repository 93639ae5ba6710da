"""Figures for the annual proposal work report (提案工作报告): counts by outcome, kind, sector, unit, class, rating."""

from collections.abc import Mapping

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy as _

from district.models import Department, Sector
from proposals.models import (
    FILED_STATES,
    Kind,
    Proposal,
    ProposalAssignment,
    ProposalRating,
    ProposalReply,
    Rating,
    ReplyClass,
    Status,
    UnitRole,
)

S = Status

# The one definition of the proposal satisfaction rate (提案答复满意率), used by the statistics page,
# the annual report, the insight dashboard and the proposal list's rating filter. Counted per
# proposal (件), as a 政协 office reports it: "满意和基本满意" ÷ proposals rated. A proposal's rating is
# that of its latest rated round (after re-handling, the second reply's rating replaces the first);
# within a round the lowest of its proposers' ratings counts, since one 不满意 sends it back.
SATISFACTION_NOTE = _(
    "按提案计：满意率 =（满意 + 基本满意）÷ 已评价的提案；以最近一轮评价为准，联名提案任一提案者不满意即计为不满意。"
)
CONTENT_RATINGS = (Rating.SATISFIED, Rating.BASIC)
_LOWEST_FIRST = Case(
    When(rating=Rating.UNSATISFIED, then=Value(0)),
    When(rating=Rating.BASIC, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def proposal_rating() -> Subquery:
    """A proposal's rating for the statistics: its latest rated round, the lowest proposer's rating in it."""
    rows = ProposalRating.objects.filter(proposal=OuterRef("pk")).order_by("-round", _LOWEST_FIRST)
    return Subquery(rows.values("rating")[:1])


def rating_counts(proposals: QuerySet[Proposal]) -> dict[str, int]:
    """How many of these proposals are rated 满意 / 基本满意 / 不满意 (by `proposal_rating`)."""
    rows = (
        proposals.order_by()
        .annotate(outcome_rating=proposal_rating())
        .filter(outcome_rating__isnull=False)
        .values_list("outcome_rating")
        .annotate(n=Count("id"))
    )
    return {value: n for value, n in rows}


def satisfaction_rate(counts: Mapping[str, int]) -> float | None:
    """(满意 + 基本满意) ÷ rated, in % to one decimal; None when nothing is rated."""
    rated = sum(counts.values())
    if not rated:
        return None
    return round(100.0 * sum(counts.get(r, 0) for r in CONTENT_RATINGS) / rated, 1)


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def annual_statistics(year: int) -> dict:
    """Everything the annual report counts for proposals of one year's session(s)."""
    year_qs = Proposal.objects.filter(session__year=year).exclude(status__in=(S.DRAFT, S.COSIGNING))
    totals = year_qs.aggregate(
        submitted=Count("id"),
        filed=Count("id", filter=Q(status__in=FILED_STATES)),
        rejected=Count("id", filter=Q(status=S.REJECTED)),
        converted=Count("id", filter=Q(status=S.CONVERTED)),
        converted_to_reports=Count("id", filter=Q(status=S.CONVERTED, converted_report__isnull=False)),
        merged=Count("id", filter=Q(status=S.MERGED)),
        # Submitted and not yet decided (初审 and 立案审查): with the four outcomes above, all submitted.
        under_review=Count("id", filter=Q(status__in=(S.SUBMITTED, S.PRE_REVIEWED))),
        replied=Count("id", filter=Q(replied_at__isnull=False, status__in=FILED_STATES)),
        closed=Count("id", filter=Q(status=S.CLOSED)),
        key=Count("id", filter=Q(is_key=True)),
        excellent=Count("id", filter=Q(is_excellent=True)),
        urgent=Count("id", filter=Q(is_urgent=True, status__in=FILED_STATES)),
    )
    filed = year_qs.filter(status__in=FILED_STATES)
    kinds = dict(filed.values_list("kind").annotate(n=Count("id")))
    by_kind = [{"label": label, "count": kinds.get(value, 0)} for value, label in Kind.choices]
    # A member's proposal counts under the lead proposer's sector; a collective one under the sector it is made in
    # the name of (a party's or a special committee's under none), never under the sector of whoever drafted it.
    proposing_sector = Case(
        When(kind=Kind.COLLECTIVE, then=F("org_sector")),
        default=F("member__sector"),
    )
    sector_counts = dict(
        filed.order_by()
        .annotate(proposing_sector=proposing_sector)
        .filter(proposing_sector__isnull=False)
        .values_list("proposing_sector")
        .annotate(count=Count("id"))
    )
    sectors = Sector.objects.in_bulk(list(sector_counts))
    # The sector as the reader reads it (its English name for an English reader, when it has one).
    rows = sorted(sector_counts.items(), key=lambda item: (-item[1], sectors[item[0]].name))
    by_sector = [{"name": str(sectors[pk]), "count": count} for pk, count in rows]
    return {
        "year": year,
        "totals": totals,
        "filing_rate": _pct(totals["filed"], totals["submitted"]),
        "by_kind": by_kind,
        "by_sector": by_sector,
        "by_class": _by_class(filed),
        "ratings": _ratings(filed),
        "units": _units(filed),
    }


def first_replies(proposals) -> QuerySet[ProposalReply]:
    """The replies of these proposals counted by reply class (`proposals.selectors.counted_replies`):
    first-round replies the office has approved and sent to the proposers; the annual report and the
    insight dashboard both count these."""
    from proposals.selectors import counted_replies

    return ProposalReply.objects.filter(counted_replies(), proposal__in=proposals)


def _by_class(filed) -> list[dict]:
    # First-round replies: the class a unit gave when it first answered (re-handling is counted apart).
    counts = dict(first_replies(filed).values_list("reply_class").annotate(n=Count("id")))
    total = sum(counts.values())
    return [
        {"code": c.code, "label": str(c), "count": counts.get(c.pk, 0), "pct": _pct(counts.get(c.pk, 0), total)}
        for c in ReplyClass.objects.all()
    ]


def _ratings(filed) -> dict:
    counts = rating_counts(filed)
    total = sum(counts.values())
    rows = [
        {"value": value, "label": label, "count": counts.get(value, 0), "pct": _pct(counts.get(value, 0), total)}
        for value, label in Rating.choices
    ]
    return {"rows": rows, "total": total, "satisfaction": satisfaction_rate(counts), "note": SATISFACTION_NOTE}


def _units(filed) -> list[dict]:
    """Per unit: proposals led, co-handled and handled separately; replies; replies on time."""
    rows = (
        ProposalAssignment.objects.filter(proposal__in=filed, is_active=True)
        .values("department")
        .annotate(
            lead=Count("id", filter=Q(role=UnitRole.LEAD)),
            co=Count("id", filter=Q(role=UnitRole.CO)),
            separate=Count("id", filter=Q(role=UnitRole.SEPARATE)),
        )
        .order_by("-lead", "-separate", "department")
    )
    replies = first_replies(filed)
    replied = dict(replies.values_list("department").annotate(n=Count("id")))
    # On time: sent to the office (submitted_at; a reply entered without that step, when it was
    # written) no later than the proposal's reply deadline.
    on_time = dict(
        replies.annotate(sent_on=TruncDate(Coalesce("submitted_at", "created_at")))
        .filter(proposal__reply_due__isnull=False, sent_on__lte=F("proposal__reply_due"))
        .values_list("department")
        .annotate(n=Count("id"))
    )
    names = dict(Department.objects.values_list("pk", "name"))
    return [
        {
            "name": names.get(r["department"], ""),
            "lead": r["lead"],
            "co": r["co"],
            "separate": r["separate"],
            "replied": replied.get(r["department"], 0),
            "on_time": on_time.get(r["department"], 0),
        }
        for r in rows
    ]
