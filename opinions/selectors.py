"""Reads on public-opinion reports: visibility, lists, inboxes, counts per member and per provider."""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.predicates import is_cppcc_leader, is_dept_liaison, is_info_office, is_office
from accounts.roles import Role
from core.http import as_int
from district.models import Body, Department, Member, Party, Sector
from opinions.models import Adoption, Bulletin, OpinionReport, Status, adopted

S = Status


def _base() -> QuerySet[OpinionReport]:
    return OpinionReport.objects.select_related(
        "author__member", "member", "bulletin", "forwarded_to", "signed_by", "provider_type", "source_type"
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


def is_reporter(viewer, report: OpinionReport) -> bool:
    """The member whose report it is (or who wrote it): told why it was returned or not adopted, and the
    feedback on it (`opinions.workflow`)."""
    if report is None or not getattr(viewer, "is_authenticated", False):
        return False
    return report.author_id == viewer.pk or (report.member_id is not None and report.member.user_id == viewer.pk)


def get_report_for(viewer, pk: int) -> OpinionReport:
    """One report the viewer may see, else 404."""
    return get_object_or_404(reports_visible_to(viewer), pk=pk)


def valid_year(raw) -> int | None:
    """A year typed into a filter, or None when it is not one (a typo such as 20222 must not break a page)."""
    raw = str(raw if raw is not None else "").strip()
    year = as_int(raw)
    return year if year is not None and 1900 <= year <= 9999 else None


def listed_on() -> Coalesce:
    """The date a report is listed, filtered by year and ordered by: when it was submitted, as the figures
    and statistics count it (a report drafted in December and submitted in January is January's); a
    draft never submitted, when it was written."""
    return Coalesce("submitted_at", "created_at")


def report_list(viewer, *, filters: dict | None = None) -> QuerySet[OpinionReport]:
    """Visible reports with the list filters applied (a year that is not one is ignored), each with
    `listed_on` (`listed_on`), newest first."""
    f = filters or {}
    qs = reports_visible_to(viewer).annotate(listed_on=listed_on())
    if f.get("q"):
        # The reporter's name as the list shows it (`OpinionReport.reported_by`).
        name = Q(member__name__contains=f["q"]) | Q(member__isnull=True, author__member__name__contains=f["q"])
        qs = qs.filter(Q(title__icontains=f["q"]) | name)
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if valid_year(f.get("year")):
        qs = qs.filter(listed_on__year=valid_year(f["year"]))
    if f.get("mine"):
        qs = qs.filter(Q(author=viewer) | Q(member__user=viewer))
    return qs.prefetch_related("provider").order_by("-listed_on", "-id")


def _users(*roles: str):
    return list(get_user_model().objects.filter(groups__name__in=roles, is_active=True).distinct())


def holders(report: OpinionReport, state: str):
    """Who acts next when the report enters state."""
    if state in (S.SUBMITTED, S.SIGNED):
        return _users(Role.INFO_OFFICE)
    if state == S.RECEIVED:
        return _users(Role.SECRETARY_GENERAL, Role.VICE_CHAIR, Role.CHAIR)
    if state == S.FORWARDED and report.forwarded_to_id:
        return list(
            get_user_model().objects.filter(
                groups__name=Role.DEPT_LIAISON, department_id=report.forwarded_to_id, is_active=True
            )
        )
    if state == S.FEEDBACK:
        # The information office files the answered report; the member is told of it.
        return [*_users(Role.INFO_OFFICE), *(u for u in _reporters(report) if not is_info_office(u))]
    return _reporters(report)


def _reporters(report: OpinionReport) -> list:
    """Who wrote the report and the member it is reported for (the office may enter it on their behalf)."""
    users = [report.author]
    member_user = report.member.user if report.member_id and report.member.user_id else None
    if member_user is not None and member_user.is_active and member_user.pk != report.author_id:
        users.append(member_user)
    return users


def inbox(user) -> QuerySet[OpinionReport]:
    """Reports waiting for this user."""
    if not getattr(user, "is_authenticated", False):
        return OpinionReport.objects.none()
    q = Q(author=user, status=S.DRAFT)
    if is_info_office(user):
        q |= Q(status__in=(S.SUBMITTED, S.SIGNED, S.FEEDBACK))
    if user.has_role(Role.SECRETARY_GENERAL, Role.VICE_CHAIR, Role.CHAIR):
        q |= Q(status=S.RECEIVED)
    if is_dept_liaison(user) and user.department_id:
        q |= Q(status=S.FORWARDED, forwarded_to_id=user.department_id)
    return _base().filter(q)


def detail_context(report: OpinionReport, viewer=None) -> dict:
    """What the report's page shows besides the report: adoptions, instructions with the state of the
    supervision task each opened (linked for those who may open it), and who entered it for whom."""
    from supervision.selectors import tasks_visible_to

    instructions = list(report.instructions.select_related("level", "task"))
    task_ids = [i.task_id for i in instructions if i.task_id]
    openable = set(tasks_visible_to(viewer).filter(pk__in=task_ids).values_list("pk", flat=True)) if task_ids else set()
    return {
        "adoptions": list(report.adoptions.select_related("level")),
        "instructions": instructions,
        "openable_task_ids": openable,
        "entered_by": report.entered_by,
    }


def credited_member() -> Coalesce:
    """The member a report counts for, as an expression (None: no member's).

    One definition of "a member's 社情民意 reports" for the member's dashboard, the duty record and its
    ranking, and the statistics per member: the member the report is reported for; else its author,
    when the author is a member. So a report a member writes and submits in the name of a workstation,
    a sector or a group is still his (he wrote it: 履职), one the information office enters for a member
    (a paper report) is that member's, and one the office enters for a group alone is no member's."""
    return Coalesce("member_id", "author__member__id")


def members_reports() -> QuerySet[OpinionReport]:
    """Submitted reports that count for a member, each with `credited_member_id` (`credited_member`)."""
    return (
        OpinionReport.objects.exclude(status=S.DRAFT)
        .annotate(credited_member_id=credited_member())
        .filter(credited_member_id__isnull=False)
    )


def adoption_day():
    """The day a report was adopted (采用), as an expression: the day its bulletin was published (编发, the
    `publish` step every adoption in the workflow starts with, `opinions.models.adopted`). A report on the
    adoption path without a bulletin (imported) is dated by its first recorded adoption, else by its
    submission. One rule for the duty records and the statistics per member and per provider."""
    first = Adoption.objects.filter(report=OuterRef("pk")).order_by("adopted_on", "id").values("adopted_on")[:1]
    return Coalesce("bulletin__published_on", Subquery(first), TruncDate("submitted_at"))


def submitted_in(year: int) -> Q:
    """Submitted (报送) in year."""
    return Q(submitted_at__year=year)


def adopted_in(year: int) -> Q:
    """Adopted in year, on reports annotated with `adopted_on` (`adoption_day`): a report submitted in
    December and published in January is submitted in December's year and adopted in January's."""
    return adopted() & Q(adopted_on__year=year)


def _tally(qs: QuerySet[OpinionReport], year: int | None, *keys: str) -> QuerySet:
    """Per keys: reports submitted in year, adopted in year (`adopted_in`, whenever submitted) and, of those
    submitted in year, instructed on; every year's when year is None or not one."""
    year = valid_year(year)
    if year:
        submitted, adopted_then = submitted_in(year), adopted_in(year)
        qs = qs.annotate(adopted_on=adoption_day()).filter(submitted | adopted_then)
    else:
        submitted, adopted_then = None, adopted()
    # distinct: the join to the instructions repeats a report once per instruction.
    return qs.values(*keys).annotate(
        submitted=Count("id", filter=submitted, distinct=True),
        adopted=Count("id", filter=adopted_then, distinct=True),
        instructed=Count("instructions__report", filter=submitted, distinct=True),
    )


def counts_per_member(year: int | None = None) -> list[dict]:
    """Reports submitted, adopted (`opinions.models.adopted`, in the year of publication: `adopted_in`) and
    instructed, per member (the member each counts for: `credited_member`), most first: the same counts as
    the duty records (`insight.selectors.duty`)."""
    rows = _tally(members_reports(), year, "credited_member_id")
    rows = list(rows.order_by("-adopted", "-submitted", "credited_member_id"))
    names = dict(Member.objects.filter(pk__in=[r["credited_member_id"] for r in rows]).values_list("pk", "name"))
    return [{"member": r["credited_member_id"], **r, "name": names.get(r["credited_member_id"], "")} for r in rows]


def counts_per_provider(year: int | None = None) -> list[dict]:
    """The same counts per provider (a workstation, a sector, a party group), e.g. "38 useful items", each
    with its name and its kind (`kind`: the model's name, 界别, 党派…)."""
    rows = list(
        _tally(
            OpinionReport.objects.exclude(status=S.DRAFT).filter(provider_type__isnull=False),
            year,
            "provider_type",
            "provider_id",
        ).order_by("-adopted", "-submitted")
    )
    by_type: dict[int, list[int]] = defaultdict(list)
    for r in rows:
        by_type[r["provider_type"]].append(r["provider_id"])
    names: dict[tuple[int, int], str] = {}
    kinds: dict[int, str] = {}
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        # The kind of group (界别, 党派, 委员工作室…): a sector and a party may share a name (致公党).
        kinds[type_id] = str(model._meta.verbose_name)
        for obj in model._default_manager.filter(pk__in=ids):
            names[(type_id, obj.pk)] = str(obj)
    return [
        {
            **r,
            "name": names.get((r["provider_type"], r["provider_id"]), ""),
            "kind": kinds.get(r["provider_type"], ""),
        }
        for r in rows
    ]


def signed_reports() -> QuerySet[OpinionReport]:
    """Signed reports waiting to be published in the bulletin."""
    return _base().filter(status=S.SIGNED).order_by("signed_at", "id")


def bulletins() -> QuerySet[Bulletin]:
    """Bulletin issues with their number of reports, newest first."""
    # Explicit: a query with GROUP BY (the count) does not take Meta.ordering, and would list by id.
    return (
        Bulletin.objects.select_related("published_by").annotate(n=Count("reports")).order_by("-year", "-issue", "-id")
    )


def provider_options(user) -> list[tuple[str, object, str]]:
    """The groups a report may be given in the name of, as (key, group, label) with keys like "sector:3": a
    member's own sector, party and special committee; for the information office, which enters paper
    reports on behalf of members and groups, every sector, party, special committee, members' workstation
    and sector duty group."""
    from grassroots.models import DutyGroup, Workstation

    kinds = {
        "sector": _("界别：%(n)s"),
        "party": _("党派团体：%(n)s"),
        "body": _("专委会：%(n)s"),
        "workstation": _("委员工作室：%(n)s"),
        "group": _("履职小组：%(n)s"),
    }
    if is_info_office(user):
        groups = [
            *(("sector", g) for g in Sector.objects.all()),
            *(("party", g) for g in Party.objects.all()),
            *(("body", g) for g in Body.objects.filter(kind=Body.Kind.SPECIAL)),
            *(("workstation", g) for g in Workstation.objects.filter(is_active=True)),
            *(("group", g) for g in DutyGroup.objects.all()),
        ]
    else:
        member = Member.objects.filter(user=user).select_related("sector", "party", "body").first()
        if member is None:
            return []
        groups = [("sector", member.sector), ("party", member.party)]
        if member.body_id:
            groups.append(("body", member.body))
    return [(f"{kind}:{g.pk}", g, kinds[kind] % {"n": g}) for kind, g in groups]


def members_to_report_for() -> QuerySet[Member]:
    """Serving members the information office may enter a paper report for."""
    return Member.objects.filter(is_active=True).select_related("sector").order_by("name", "id")


def report_departments() -> QuerySet[Department]:
    """Active departments a report may be forwarded or an instruction given to, each flagged
    `has_active_liaison`: one without a liaison in post has nobody to receive the work."""
    from accounts.selectors import active_liaisons_of

    return (
        Department.objects.filter(is_active=True)
        .annotate(has_active_liaison=Exists(active_liaisons_of(OuterRef("pk"))))
        .order_by("order", "id")
    )


def instruction_tasks(report: OpinionReport) -> list:
    """The supervision tasks the report's leaders' instructions opened, oldest first."""
    from supervision.models import SupervisionTask

    return list(
        SupervisionTask.objects.filter(pk__in=report.instructions.exclude(task=None).values("task"))
        .select_related("lead_department")
        .order_by("created_at", "id")
    )
