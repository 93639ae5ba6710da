"""Figures for the annual proposal work report (提案工作报告): counts by outcome, kind, sector, unit, class, rating."""

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce, TruncDate

from district.models import Department
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
        replied=Count("id", filter=Q(replied_at__isnull=False, status__in=FILED_STATES)),
        closed=Count("id", filter=Q(status=S.CLOSED)),
        key=Count("id", filter=Q(is_key=True)),
        excellent=Count("id", filter=Q(is_excellent=True)),
        urgent=Count("id", filter=Q(is_urgent=True, status__in=FILED_STATES)),
    )
    filed = year_qs.filter(status__in=FILED_STATES)
    kinds = dict(filed.values_list("kind").annotate(n=Count("id")))
    by_kind = [{"label": label, "count": kinds.get(value, 0)} for value, label in Kind.choices]
    by_sector = list(
        filed.filter(member__isnull=False)
        .values("member__sector__name")
        .annotate(count=Count("id"))
        .order_by("-count", "member__sector__name")
    )
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


def _first_replies(filed):
    """First-round replies the office has approved and sent to the proposers. A reply still under the
    office's review may be returned and rewritten (with another class), so it is not counted yet."""
    from proposals.services.letters import RELEASED_STATES

    released = Q(round__lt=F("proposal__round")) | Q(proposal__status__in=RELEASED_STATES)
    return ProposalReply.objects.filter(released, proposal__in=filed, round=1)


def _by_class(filed) -> list[dict]:
    # First-round replies: the class a unit gave when it first answered (re-handling is counted apart).
    counts = dict(_first_replies(filed).values_list("reply_class").annotate(n=Count("id")))
    total = sum(counts.values())
    return [
        {"code": c.code, "label": str(c), "count": counts.get(c.pk, 0), "pct": _pct(counts.get(c.pk, 0), total)}
        for c in ReplyClass.objects.all()
    ]


def _ratings(filed) -> dict:
    first = dict(
        ProposalRating.objects.filter(proposal__in=filed, round=1).values_list("rating").annotate(n=Count("id"))
    )
    total = sum(first.values())
    rows = [
        {"label": label, "count": first.get(value, 0), "pct": _pct(first.get(value, 0), total)}
        for value, label in Rating.choices
    ]
    content = first.get(Rating.SATISFIED, 0) + first.get(Rating.BASIC, 0)
    return {"rows": rows, "total": total, "satisfaction": _pct(content, total)}


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
    replies = _first_replies(filed)
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
