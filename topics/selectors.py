"""Reads for 拟题/确题: visibility, lists with their relations loaded, holders and inboxes."""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.module_loading import import_string
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.predicates import is_clerk, is_dept_liaison, is_office, is_public_account, is_standing_member
from accounts.roles import Role
from core.exceptions import Refused
from topics import predicates as p
from topics.models import (
    CollectionRound,
    ConsultationPlan,
    DepartmentReceipt,
    OfficeSignOff,
    PlanItem,
    PlanStatus,
    PlanVersion,
    PlanVote,
    RoundStatus,
    SuggestionStatus,
    TopicSuggestion,
)
from topics.models.plan import Office
from topics.workflow import EXPLAINED_STEPS, PLAN_WORKFLOW, STEP_FINISH_ACTIONS


def users_with_roles(*roles: str) -> QuerySet[User]:
    """Active users holding any of the roles."""
    return User.objects.filter(is_active=True, groups__name__in=roles).distinct()


# ---- collection rounds -------------------------------------------------------------------------


def rounds_visible_to(viewer) -> QuerySet[CollectionRound]:
    """Rounds: seen by everyone who may suggest a topic or follows the plan."""
    if not getattr(viewer, "is_authenticated", False) or not p.sees_rounds(viewer):
        return CollectionRound.objects.none()
    return CollectionRound.objects.all()


def round_list(viewer) -> QuerySet[CollectionRound]:
    """Rounds with their suggestion counts per state."""
    return rounds_visible_to(viewer).annotate(
        n_suggestions=Count("suggestions", filter=~Q(suggestions__status=SuggestionStatus.DRAFT)),
        n_shortlisted=Count("suggestions", filter=Q(suggestions__status=SuggestionStatus.SHORTLISTED)),
        n_adopted=Count("suggestions", filter=Q(suggestions__status=SuggestionStatus.ADOPTED)),
    )


def _plans_past_drafting() -> QuerySet[ConsultationPlan]:
    return ConsultationPlan.objects.exclude(status=PlanStatus.DRAFT)


def open_rounds() -> QuerySet[CollectionRound]:
    """Rounds that accept suggestions now: open, and their year's plan not yet gone for approval (a
    suggestion could no longer enter it)."""
    return (
        CollectionRound.objects.filter(status=RoundStatus.OPEN)
        .exclude(year__in=_plans_past_drafting().values("year"))
        .order_by("deadline")
    )


def round_of(plan: ConsultationPlan) -> CollectionRound | None:
    """The collection round feeding the plan: its own, else its year's."""
    return plan.round or CollectionRound.objects.filter(year=plan.year).first()


@dataclass
class EarlyClose:
    """A round that submitting the draft plan would close before its announced deadline."""

    round: CollectionRound
    days: int
    drafts: int


def round_closed_early_by_submit(plan: ConsultationPlan) -> EarlyClose | None:
    """Submitting a draft plan closes its round (`services.suggestions.close_round_for_plan`): the round,
    how many days before its deadline, and how many drafts could then no longer be submitted."""
    if plan.status != PlanStatus.DRAFT:
        return None
    rnd = round_of(plan)
    if rnd is None or rnd.status != RoundStatus.OPEN or rnd.days_left <= 0:
        return None
    drafts = rnd.suggestions.filter(status=SuggestionStatus.DRAFT).count()
    return EarlyClose(round=rnd, days=rnd.days_left, drafts=drafts)


def plan_past_drafting(rnd: CollectionRound) -> ConsultationPlan | None:
    """The round's year's plan once it has left drafting (submitted, adopted or published), if so."""
    return _plans_past_drafting().filter(year=rnd.year).first()


def round_holders(rnd, state):
    """A closed round waits for the office to screen its suggestions."""
    return users_with_roles(Role.CLERK) if state == RoundStatus.CLOSED else []


# ---- suggestions ---------------------------------------------------------------------------------


def suggestions_visible_to(viewer) -> QuerySet[TopicSuggestion]:
    """Own suggestions; the office side also sees everyone's submitted ones (never others' drafts).
    The same rule for one suggestion, without a query: `topics.predicates.may_see_suggestion`."""
    if not getattr(viewer, "is_authenticated", False):
        return TopicSuggestion.objects.none()
    mine = Q(suggester=viewer)
    if p.sees_all_plans(viewer):
        return TopicSuggestion.objects.filter(mine | ~Q(status=SuggestionStatus.DRAFT))
    return TopicSuggestion.objects.filter(mine)


def suggestion_list(viewer, *, round=None, status=None, fmt=None, q: str = "") -> QuerySet[TopicSuggestion]:
    """Suggestions for a list page, filterable by round, state, format and words of the title."""
    qs = suggestions_visible_to(viewer)
    if round:
        qs = qs.filter(round=round)
    if status:
        qs = qs.filter(status=status)
    if fmt:
        qs = qs.filter(suggested_format=fmt)
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(background__contains=q))
    return _with_relations(qs).order_by("-round__year", "title", "id")


def _with_relations(qs: QuerySet[TopicSuggestion]) -> QuerySet[TopicSuggestion]:
    return qs.select_related(
        "round", "suggested_format", "suggester", "body", "sector", "member", "merged_into", "suggested_lead"
    ).prefetch_related(
        "departments", "merged_from", Prefetch("plan_items", queryset=PlanItem.objects.select_related("plan"))
    )


def get_suggestion_for(viewer, pk: int) -> TopicSuggestion:
    """One suggestion the viewer may see (404 otherwise)."""
    return get_object_or_404(_with_relations(suggestions_visible_to(viewer)), pk=pk)


def merge_candidates(suggestion: TopicSuggestion) -> QuerySet[TopicSuggestion]:
    """Suggestions of the same round that another may be merged into."""
    return (
        TopicSuggestion.objects.filter(
            round_id=suggestion.round_id,
            status__in=[SuggestionStatus.SUBMITTED, SuggestionStatus.SHORTLISTED, SuggestionStatus.ADOPTED],
        )
        .exclude(pk=suggestion.pk)
        .order_by("title")
    )


def suggestion_holders(suggestion, state):
    """Submitted suggestions wait for the office; every outcome is told to the suggester."""
    if state == SuggestionStatus.SUBMITTED:
        return users_with_roles(Role.CLERK)
    return [suggestion.suggester]


def suggestion_inbox(user) -> QuerySet[TopicSuggestion]:
    """Submitted suggestions waiting for the office to screen them."""
    if not is_clerk(user):
        return TopicSuggestion.objects.none()
    return TopicSuggestion.objects.filter(status=SuggestionStatus.SUBMITTED).order_by("submitted_at")


# ---- plans ---------------------------------------------------------------------------------------


def plans_visible_to(viewer) -> QuerySet[ConsultationPlan]:
    """The office side sees every plan; standing members from the vote on; everyone else once published.

    Accounts of the public (citizens) read the published plan on the public pages (`topics:portal_plan`),
    not on these, which also show the offices' sign-offs, the leader's instructions and the vote roll.
    """
    if not getattr(viewer, "is_authenticated", False):
        return ConsultationPlan.objects.filter(status=PlanStatus.PUBLISHED)
    if is_public_account(viewer):
        return ConsultationPlan.objects.none()
    if p.sees_all_plans(viewer):
        return ConsultationPlan.objects.all()
    states = [PlanStatus.PUBLISHED]
    if is_standing_member(viewer):
        states += [PlanStatus.VOTE, PlanStatus.ADOPTED]
    return ConsultationPlan.objects.filter(status__in=states)


def plan_list(viewer, *, status=None, year=None) -> QuerySet[ConsultationPlan]:
    """Plans with their current version and item count."""
    qs = plans_visible_to(viewer).select_related("current_version", "round").annotate(n_items=Count("items"))
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year")


def get_plan_for(viewer, pk: int) -> ConsultationPlan:
    """One plan the viewer may see (404 otherwise)."""
    return get_object_or_404(plans_visible_to(viewer).select_related("current_version", "round"), pk=pk)


def plans_deliberated_for(viewer) -> QuerySet[ConsultationPlan]:
    """Plans whose deliberation record (versions, sign-offs, instructions, timeline) the viewer may read."""
    if not p.sees_plan_deliberations(viewer):
        return ConsultationPlan.objects.none()
    return plans_visible_to(viewer)


def get_deliberated_plan_for(viewer, pk: int) -> ConsultationPlan:
    """One plan whose deliberation record the viewer may read (404 otherwise)."""
    return get_object_or_404(plans_deliberated_for(viewer).select_related("current_version", "round"), pk=pk)


def items_of(plan: ConsultationPlan) -> QuerySet[PlanItem]:
    """The plan's items (the working copy) with everything a table shows."""
    return (
        PlanItem.objects.filter(plan=plan)
        .select_related("format", "lead_member", "lead_body")
        .prefetch_related("departments", "origins")
        .order_by("order", "id")
    )


def next_item_order(plan: ConsultationPlan) -> int:
    """The 序号 a new item of the plan takes by default: after the last."""
    return (plan.items.aggregate(m=Max("order"))["m"] or 0) + 1


def item_list(viewer, *, year=None, fmt=None, body=None, department=None) -> QuerySet[PlanItem]:
    """Items of the plans the viewer may see, filterable by year, format, lead committee and department."""
    qs = PlanItem.objects.filter(plan__in=plans_visible_to(viewer))
    if year:
        qs = qs.filter(plan__year=year)
    if fmt:
        qs = qs.filter(format=fmt)
    if body:
        qs = qs.filter(lead_body=body)
    if department:
        qs = qs.filter(departments=department)
    return (
        qs.select_related("plan", "format", "lead_member", "lead_body")
        .prefetch_related("departments")
        .order_by("-plan__year", "order", "id")
    )


def versions_of(plan: ConsultationPlan) -> QuerySet[PlanVersion]:
    """Versions newest first, with their sign-offs and per-item comments."""
    signoffs = OfficeSignOff.objects.select_related("signed_by").prefetch_related("item_comments")
    return (
        PlanVersion.objects.filter(plan=plan)
        .select_related("author")
        .prefetch_related(Prefetch("signoffs", queryset=signoffs))
        .order_by("-number")
    )


def votes_visible_to(viewer) -> QuerySet[PlanVote]:
    """Standing-committee votes (attendance, tally) on the plans the viewer may see: for those who run
    or follow the plan's approval and for the standing members, who vote; not for members or liaisons."""
    if not p.sees_plan_votes(viewer):
        return PlanVote.objects.none()
    return PlanVote.objects.filter(plan__in=plans_visible_to(viewer))


def votes_of(plan: ConsultationPlan, viewer) -> QuerySet[PlanVote]:
    """The plan's votes the viewer may read, newest first."""
    return votes_visible_to(viewer).filter(plan=plan).select_related("meeting", "version").order_by("-opened_at")


def get_vote_for(viewer, pk: int) -> PlanVote:
    """A vote the viewer may read (404 otherwise)."""
    return get_object_or_404(votes_visible_to(viewer).select_related("plan", "meeting", "version"), pk=pk)


def receipts_of(plan: ConsultationPlan, viewer) -> QuerySet[DepartmentReceipt]:
    """The departments' receipts of a published plan: all of them for those who follow the plan, a
    liaison's own department's for a liaison, none for anyone else."""
    qs = DepartmentReceipt.objects.filter(plan=plan).select_related("department", "acknowledged_by")
    if p.sees_plan_deliberations(viewer):
        return qs
    if is_dept_liaison(viewer) and viewer.department_id:
        return qs.filter(department_id=viewer.department_id)
    return qs.none()


def published_plans() -> QuerySet[ConsultationPlan]:
    """Plans on the public portal."""
    return ConsultationPlan.objects.filter(status=PlanStatus.PUBLISHED).order_by("-year")


def get_published_plan(year: int) -> ConsultationPlan:
    return get_object_or_404(published_plans(), year=year)


_STATE_ROLES = {
    PlanStatus.DRAFT: (Role.CLERK,),
    PlanStatus.CHAIRS: (Role.CHAIR, Role.CLERK),
    PlanStatus.JOINT: (Role.CLERK, Role.PARTY_OFFICE, Role.GOV_OFFICE),
    PlanStatus.LEADER: (Role.PARTY_LEADER,),
    PlanStatus.VOTE: (Role.CLERK,),
    PlanStatus.ADOPTED: (Role.PARTY_OFFICE, Role.CLERK),
}


def approval_steps_passed(plan: ConsultationPlan) -> list[str]:
    """The approval steps (topics.chain names) the plan passed since it was last submitted, in the order
    it first passed them, read from its timeline: what the formal document may say it went through,
    whatever the chain is configured to be now."""
    from core.models import StatusChange

    actions = list(
        StatusChange.objects.filter(content_type=ContentType.objects.get_for_model(plan), object_id=plan.pk)
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )
    submits = [n for n, action in enumerate(actions) if action.startswith("submit_to_")]
    steps: list[str] = []
    for action in actions[submits[-1] if submits else 0 :]:
        step = next((s for s, base in STEP_FINISH_ACTIONS.items() if action.startswith(f"{base}_to_")), None)
        if step and step not in steps:
            steps.append(step)
    return steps


def plan_holders(plan, state):
    """Who acts next on a plan in `state`; a published plan waits for each related department's liaison."""
    if state == PlanStatus.PUBLISHED:
        pending = DepartmentReceipt.objects.filter(plan=plan, acknowledged_at__isnull=True).values("department")
        return users_with_roles(Role.DEPT_LIAISON).filter(department__in=pending)
    return users_with_roles(*_STATE_ROLES.get(state, ()))


def _signing_office(user) -> str | None:
    """The party or government office the user signs plan versions for (the clerk also finalises)."""
    if is_clerk(user):
        return None
    if user.has_role(Role.PARTY_OFFICE):
        return Office.PARTY
    return Office.GOV if user.has_role(Role.GOV_OFFICE) else None


def plan_inbox(user) -> QuerySet[ConsultationPlan]:
    """Plans waiting for this user: their step, an online ballot to cast, or a receipt to acknowledge."""
    if not getattr(user, "is_authenticated", False):
        return ConsultationPlan.objects.none()
    states = [state for state, roles in _STATE_ROLES.items() if user.has_role(*roles)]
    cond = Q(status__in=states)
    office = _signing_office(user)
    if office and PlanStatus.JOINT in states:
        # Once the party or government office has agreed to the current version, the plan waits
        # for the others (and the clerk's 定稿), not for it.
        signed = OfficeSignOff.objects.filter(office=office, agreed=True).values("version_id")
        cond = Q(status__in=[s for s in states if s != PlanStatus.JOINT]) | (
            Q(status=PlanStatus.JOINT) & ~Q(current_version_id__in=signed)
        )
    if is_dept_liaison(user) and user.department_id:
        cond |= Q(
            status=PlanStatus.PUBLISHED,
            receipts__department_id=user.department_id,
            receipts__acknowledged_at__isnull=True,
        )
    member = getattr(user, "member", None) if is_standing_member(user) else None
    if member is not None:
        # A ballot waits for the member once the meeting has begun (it cannot be cast before).
        unvoted = PlanVote.objects.filter(
            closed_at__isnull=True, method=PlanVote.Method.ONLINE, meeting__starts_at__lte=timezone.now()
        ).exclude(ballots__member=member)
        cond |= Q(status=PlanStatus.VOTE, votes__in=unvoted)
    return ConsultationPlan.objects.filter(cond).distinct().order_by("-year")


def plan_years_under_approval() -> set[int]:
    """The years whose plan has left drafting and is not published yet (主席会议 → 常委会 → 印发): the
    viewers who may not read it yet are told it is being approved, not that there is none."""
    pending = ConsultationPlan.objects.exclude(status__in=[PlanStatus.DRAFT, PlanStatus.PUBLISHED])
    return set(pending.values_list("year", flat=True))


def open_ballot_for(user, plan: ConsultationPlan | None) -> PlanVote | None:
    """The plan's open online vote a standing member has yet to cast a ballot in, if he may read it."""
    member = getattr(user, "member", None) if is_standing_member(user) else None
    if member is None or plan is None or plan.status != PlanStatus.VOTE:
        return None
    from consultations.models import Attendance, MeetingParticipant

    # Recorded absent or on leave at the vote's meeting: there is no ballot for him to cast (guard_ballot).
    away = MeetingParticipant.objects.filter(
        meeting=OuterRef("meeting"), member=member, attendance__in=[Attendance.ABSENT, Attendance.DECLINED]
    )
    return (
        votes_visible_to(user)
        .filter(plan=plan, closed_at__isnull=True, method=PlanVote.Method.ONLINE)
        .exclude(ballots__member=member)
        .exclude(Exists(away))
        .order_by("-opened_at")
        .first()
    )


@dataclass
class PlanConcern:
    """Why a published plan concerns someone besides the departments, and which of its items."""

    user: User
    reason: str  # "lead", "body" or "suggester"
    items: list[PlanItem] = field(default_factory=list)


def concerned_by_plan(plan: ConsultationPlan) -> list[PlanConcern]:
    """Who the plan's items concern: each item's lead leader (who forms its research group), the staff of its
    lead committee, and whoever suggested the topics it adopted (duplicates merged into them included).
    Each active person once, for the first of these reasons that applies, with the items of that reason."""
    origins = TopicSuggestion.objects.select_related("suggester")
    items = list(
        plan.items.select_related("lead_member__user", "lead_body")
        .prefetch_related(Prefetch("origins", queryset=origins))
        .order_by("order", "id")
    )
    concerns: dict[int, PlanConcern] = {}

    def add(user, reason: str, item: PlanItem) -> None:
        if user is None or not user.is_active:
            return
        concern = concerns.setdefault(user.pk, PlanConcern(user, reason))
        if concern.reason == reason and item not in concern.items:
            concern.items.append(item)

    for item in items:
        add(getattr(item.lead_member, "user", None), "lead", item)
    staff = User.objects.filter(is_active=True, body_id__in={i.lead_body_id for i in items if i.lead_body_id})
    for user in staff.order_by("pk"):
        for item in items:
            if item.lead_body_id == user.body_id:
                add(user, "body", item)
    level = [(origin, item) for item in items for origin in item.origins.all()]
    while level:
        for suggestion, item in level:
            add(suggestion.suggester, "suggester", item)
        items_by_suggestion: dict[int, list[PlanItem]] = {}
        for suggestion, item in level:
            items_by_suggestion.setdefault(suggestion.pk, []).append(item)
        merged = origins.filter(merged_into_id__in=items_by_suggestion)
        level = [(dup, item) for dup in merged for item in items_by_suggestion[dup.merged_into_id]]
    return list(concerns.values())


def has_pending_receipts(plan: ConsultationPlan) -> bool:
    """Whether a department has yet to sign for the published plan."""
    return plan.receipts.filter(acknowledged_at__isnull=True).exists()


def receipt_for(user, plan) -> DepartmentReceipt | None:
    """The receipt of the user's department for a published plan, signed or not, if the user is its liaison."""
    if not is_dept_liaison(user) or not user.department_id:
        return None
    return (
        DepartmentReceipt.objects.filter(plan=plan, department_id=user.department_id)
        .select_related("department", "acknowledged_by")
        .first()
    )


def steps_not_ready(plan: ConsultationPlan, viewer) -> list[dict]:
    """The next steps the viewer takes on the plan that are not offered yet, each with the reason its guard
    gives (三办会签未齐, 赞成票不足): only those of `topics.workflow.EXPLAINED_STEPS`."""
    prefixes = tuple(f"{step}_to_" for step in EXPLAINED_STEPS)
    out = []
    for action in PLAN_WORKFLOW.actions:
        if not action.name.startswith(prefixes) or plan.status not in action.sources:
            continue
        if not action.is_allowed(viewer, plan) or action.is_offered(viewer, plan):
            continue
        guard = import_string(action.guard) if isinstance(action.guard, str) else action.guard
        try:
            guard(plan, actor=viewer)
        except Refused as exc:
            out.append({"label": action.label, "reason": exc.message})
    return out


# ---- where each topic has got to (调研 → 协商 → 专报 → 督办) ----------------------------------------


@dataclass
class TopicStep:
    """Where one plan item stands in the five steps, and the records the viewer may open for it."""

    key: str
    label: str
    links: list[tuple[str, str]] = field(default_factory=list)


# Later meeting states win when a topic has several meetings.
_MEETING_RANK = {"planned": 1, "invited": 1, "held": 2, "minuted": 3}


def topic_steps(plan: ConsultationPlan, items, viewer) -> dict[int, TopicStep]:
    """Each item's step on the topic state machine (domain.md: in plan → researching → ready → scheduled →
    consulted → reported → supervising → closed), from its research group, meetings, special reports and
    their supervision tasks, each read through its own app's selectors; a fixed number of queries whatever
    the number of items."""
    from consultations.models import GroupStatus, MeetingStatus, ReportStatus
    from consultations.selectors import meetings_on, research_groups_on
    from supervision.choices import ReportStatus as SpecialReportStatus
    from supervision.choices import TaskStatus
    from supervision.selectors import special_reports_on, tasks_on

    items = list(items)
    if plan.status not in (PlanStatus.ADOPTED, PlanStatus.PUBLISHED):
        return {i.pk: TopicStep("plan", plan.get_status_display()) for i in items}
    ids = [i.pk for i in items]
    groups = research_groups_on(items)
    meetings = meetings_on(items, groups)
    reports = special_reports_on(items, meetings)
    tasks = tasks_on(reports, meetings)
    may_open = _openable(viewer, groups, meetings, reports, tasks)
    forms_groups = is_office(viewer)
    item_ct = ContentType.objects.get_for_model(PlanItem) if forms_groups else None

    out = {}
    for item_id in ids:
        group, item_tasks = groups.get(item_id), tasks.get(item_id, [])
        item_meetings, item_reports = meetings.get(item_id, []), reports.get(item_id, [])
        meeting = max(item_meetings, key=lambda m: (_MEETING_RANK[m.status], m.starts_at), default=None)
        issued = [r for r in item_reports if r.status == SpecialReportStatus.ISSUED]
        closed = sum(t["status"] == TaskStatus.CLOSED for t in item_tasks)
        if item_tasks and closed == len(item_tasks):
            step = TopicStep("closed", _("已办结"))
        elif item_tasks:
            counts = {"closed": closed, "total": len(item_tasks)}
            step = TopicStep("supervising", _("督办中（%(closed)s/%(total)s 办结）") % counts)
        elif issued:
            step = TopicStep("reported", _("已报送专报"))
        elif meeting and _MEETING_RANK[meeting.status] >= _MEETING_RANK[MeetingStatus.HELD]:
            step = TopicStep("consulted", _("已协商"))
        elif meeting:
            day = date_format(localtime(meeting.starts_at), "Y-m-d")
            step = TopicStep("scheduled", _("已安排协商（%(date)s）") % {"date": day})
        elif group and (
            group.status == GroupStatus.CONCLUDED
            or getattr(getattr(group, "report", None), "status", None) == ReportStatus.ADOPTED
        ):
            step = TopicStep("ready", _("调研完成，待协商"))
        elif group:
            step = TopicStep("researching", _("调研中"))
        else:
            step = TopicStep("in_plan", _("已列入计划"))
        if group and group.pk in may_open["groups"]:
            step.links.append((_("课题组"), group.get_absolute_url()))
        elif step.key == "in_plan" and forms_groups:
            # The group form pre-fills year, title, lead and committee from the item (consultations.selectors).
            step.links.append(
                (_("组建课题组"), f"{reverse('consultations:group_create')}?subject={item_ct.pk}:{item_id}")
            )
        if meeting and meeting.pk in may_open["meetings"]:
            step.links.append((_("协商会议"), meeting.get_absolute_url()))
        report = (issued or item_reports or [None])[-1]
        if report and report.pk in may_open["reports"]:
            step.links.append((_("专报件与督办任务"), report.get_absolute_url()))
        elif any(t["pk"] in may_open["tasks"] for t in item_tasks):
            step.links.append((_("督办任务"), reverse("supervision:tasks")))
        out[item_id] = step
    return out


def _openable(viewer, groups, meetings, reports, tasks) -> dict[str, set[int]]:
    """Which of a topic's records the viewer may open, asked of each app's own visibility selectors."""
    from consultations.selectors import groups_visible_to, meetings_visible_to
    from supervision.selectors import reports_visible_to, tasks_visible_to

    def visible(qs, pks) -> set[int]:
        return set(qs.filter(pk__in=pks).values_list("pk", flat=True)) if pks else set()

    def pks(by_item: dict[int, list]) -> list[int]:
        return [r.pk for rows in by_item.values() for r in rows]

    return {
        "groups": visible(groups_visible_to(viewer), [g.pk for g in groups.values()]),
        "meetings": visible(meetings_visible_to(viewer), pks(meetings)),
        "reports": visible(reports_visible_to(viewer), pks(reports)),
        "tasks": visible(tasks_visible_to(viewer), [t["pk"] for rows in tasks.values() for t in rows]),
    }
