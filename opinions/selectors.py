"""Reads on public-opinion reports: visibility, lists, inboxes, counts per member and per provider."""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.predicates import is_cppcc_leader, is_dept_liaison, is_info_office, is_office
from accounts.roles import Role
from core.http import as_int
from district.models import Member
from opinions.models import ADOPTED_STATES, Bulletin, OpinionReport, Status

S = Status


def _base() -> QuerySet[OpinionReport]:
    return OpinionReport.objects.select_related(
        "author", "member", "bulletin", "forwarded_to", "signed_by", "provider_type", "source_type"
    )


def reports_visible_to(viewer) -> QuerySet[OpinionReport]:
    """Own reports; everything submitted for the office and leaders; forwarded ones for their unit."""
    if not getattr(viewer, "is_authenticated", False):
        return OpinionReport.objects.none()
    q = Q(author=viewer) | Q(member__user=viewer)
    if is_office(viewer) or is_cppcc_leader(viewer):
        q |= ~Q(status=S.DRAFT)
    if is_dept_liaison(viewer) and viewer.department_id:
        q |= Q(forwarded_to_id=viewer.department_id)
    return _base().filter(q)


def get_report_for(viewer, pk: int) -> OpinionReport:
    """One report the viewer may see, else 404."""
    return get_object_or_404(reports_visible_to(viewer), pk=pk)


def valid_year(raw) -> int | None:
    """A year typed into a filter, or None when it is not one (a typo such as 20222 must not break a page)."""
    raw = str(raw if raw is not None else "").strip()
    year = as_int(raw)
    return year if year is not None and 1900 <= year <= 9999 else None


def report_list(viewer, *, filters: dict | None = None) -> QuerySet[OpinionReport]:
    """Visible reports with the list filters applied (a year that is not one is ignored)."""
    f = filters or {}
    qs = reports_visible_to(viewer)
    if f.get("q"):
        qs = qs.filter(Q(title__icontains=f["q"]) | Q(member__name__contains=f["q"]))
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if valid_year(f.get("year")):
        qs = qs.filter(created_at__year=valid_year(f["year"]))
    if f.get("mine"):
        qs = qs.filter(Q(author=viewer) | Q(member__user=viewer))
    return qs.prefetch_related("provider").order_by("-created_at", "-id")


def _users(*roles: str):
    return list(get_user_model().objects.filter(groups__name__in=roles, is_active=True).distinct())


def holders(report: OpinionReport, state: str):
    """Who acts next when the report enters state."""
    if state in (S.SUBMITTED, S.SIGNED):
        return _users(Role.INFO_OFFICE)
    if state == S.RECEIVED:
        return _users(Role.SECRETARY_GENERAL, Role.VICE_CHAIR)
    if state == S.FORWARDED and report.forwarded_to_id:
        return list(
            get_user_model().objects.filter(
                groups__name=Role.DEPT_LIAISON, department_id=report.forwarded_to_id, is_active=True
            )
        )
    return [report.author]


def inbox(user) -> QuerySet[OpinionReport]:
    """Reports waiting for this user."""
    if not getattr(user, "is_authenticated", False):
        return OpinionReport.objects.none()
    q = Q(author=user, status=S.DRAFT)
    if is_info_office(user):
        q |= Q(status__in=(S.SUBMITTED, S.SIGNED))
    if user.has_role(Role.SECRETARY_GENERAL, Role.VICE_CHAIR, Role.CHAIR):
        q |= Q(status=S.RECEIVED)
    if is_dept_liaison(user) and user.department_id:
        q |= Q(status=S.FORWARDED, forwarded_to_id=user.department_id)
    return _base().filter(q)


def detail_context(report: OpinionReport) -> dict:
    return {
        "adoptions": list(report.adoptions.select_related("level")),
        "instructions": list(report.instructions.select_related("level", "task")),
    }


def _counted(year: int | None) -> QuerySet[OpinionReport]:
    qs = OpinionReport.objects.exclude(status=S.DRAFT)
    year = valid_year(year)
    return qs.filter(submitted_at__year=year) if year else qs


def _tally(qs: QuerySet, *keys: str) -> QuerySet:
    return qs.values(*keys).annotate(
        submitted=Count("id"),
        adopted=Count("id", filter=Q(status__in=ADOPTED_STATES)),
        instructed=Count("instructions__report", distinct=True),
    )


def counts_per_member(year: int | None = None) -> list[dict]:
    """Reports submitted, adopted (published or sent on) and instructed, per member, most first."""
    rows = list(_tally(_counted(year).filter(member__isnull=False), "member").order_by("-adopted", "-submitted"))
    names = dict(Member.objects.filter(pk__in=[r["member"] for r in rows]).values_list("pk", "name"))
    return [{**r, "name": names.get(r["member"], "")} for r in rows]


def counts_per_provider(year: int | None = None) -> list[dict]:
    """The same counts per provider (a workstation, a sector, a party group), e.g. "38 useful items"."""
    rows = list(
        _tally(_counted(year).filter(provider_type__isnull=False), "provider_type", "provider_id").order_by(
            "-adopted", "-submitted"
        )
    )
    by_type: dict[int, list[int]] = defaultdict(list)
    for r in rows:
        by_type[r["provider_type"]].append(r["provider_id"])
    names: dict[tuple[int, int], str] = {}
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        for obj in model._default_manager.filter(pk__in=ids):
            names[(type_id, obj.pk)] = str(obj)
    return [{**r, "name": names.get((r["provider_type"], r["provider_id"]), "")} for r in rows]


def signed_reports() -> QuerySet[OpinionReport]:
    """Signed reports waiting to be published in the bulletin."""
    return _base().filter(status=S.SIGNED).order_by("signed_at", "id")


def bulletins() -> QuerySet[Bulletin]:
    return Bulletin.objects.select_related("published_by").annotate(n=Count("reports"))
