"""Reads for 拟题/确题: visibility, lists with their relations loaded, holders and inboxes."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.models import User
from accounts.predicates import is_clerk, is_dept_liaison, is_public_account, is_standing_member
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
from topics.workflow import EXPLAINED_STEPS, PLAN_WORKFLOW


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


def open_rounds() -> QuerySet[CollectionRound]:
    """Rounds that accept suggestions now."""
    return CollectionRound.objects.filter(status=RoundStatus.OPEN).order_by("deadline")


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
