"""Reads on proposals: visibility, lists with filters, inboxes, who holds the next step."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.predicates import (
    is_clerk,
    is_cppcc_leader,
    is_dept_liaison,
    is_gov_office,
    is_member,
    is_party_office,
    is_proposal_office,
)
from accounts.roles import Role
from district.models import Department, Member
from proposals.models import (
    EXCELLENT_STATES,
    FILED_STATES,
    REPLYING_ROLES,
    UNIT_STATES,
    ExtensionRequest,
    ExtensionState,
    HandlingMode,
    Proposal,
    ProposalAssignment,
    ProposalRating,
    ProposalReply,
    ProposalSigner,
    ReplyClass,
    Status,
    UnitRole,
)
from proposals.predicates import sees_all_proposals
from proposals.statistics import proposal_rating

S = Status
PRIVATE_STATES = (S.DRAFT, S.COSIGNING)


def _base() -> QuerySet[Proposal]:
    return Proposal.objects.select_related(
        "author", "member", "session__term", "org_sector", "org_party", "org_body", "merged_into__session__term"
    )


def unit_order() -> tuple:
    """The order units are listed in: the lead unit, the separate units, then the co-handling units."""
    rank = Case(When(role=UnitRole.LEAD, then=Value(0)), When(role=UnitRole.SEPARATE, then=Value(1)), default=Value(2))
    return (rank, "id")


def with_lists(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Prefetch what a list row or an export row shows: signers, units, replies and ratings."""
    return qs.prefetch_related(
        Prefetch("signers", queryset=ProposalSigner.objects.select_related("member").order_by("order", "id")),
        Prefetch(
            "assignments",
            queryset=ProposalAssignment.objects.filter(is_active=True)
            .select_related("department")
            .order_by(*unit_order()),
            to_attr="active_assignments",
        ),
        Prefetch("replies", queryset=ProposalReply.objects.select_related("reply_class", "department")),
        Prefetch("ratings", queryset=ProposalRating.objects.order_by("round", "id")),
    )


def _assigned_to(department_id) -> Exists:
    return Exists(
        ProposalAssignment.objects.filter(proposal=OuterRef("pk"), department_id=department_id, is_active=True)
    )


def handled_by(department_id) -> Q:
    """The proposals a unit has (its liaisons see them): assigned to it and handed over (交办). Units the
    office has planned before the hand-over (确定承办单位) do not have the proposal yet."""
    return Q(status__in=UNIT_STATES) & Q(_assigned_to(department_id))


def _extension_pending() -> Q:
    """Proposals being handled whose unit waits for a decision on more time."""
    pending = ExtensionRequest.objects.filter(
        proposal=OuterRef("pk"), round=OuterRef("round"), state=ExtensionState.PENDING
    )
    return Q(Exists(pending), status__in=(S.IN_PROGRESS, S.REHANDLING))


def _co_return_pending() -> Q:
    """Proposals being handled whose co-unit or separate unit waits for a decision on its request for adjustment."""
    asking = ProposalAssignment.objects.filter(
        proposal=OuterRef("pk"),
        role__in=(UnitRole.CO, UnitRole.SEPARATE),
        is_active=True,
        return_requested_at__isnull=False,
    )
    return Q(Exists(asking), status=S.IN_PROGRESS)


def proposals_visible_to(viewer) -> QuerySet[Proposal]:
    """Proposals the viewer may open: own and co-signed ones, filed ones for members, assigned ones for units."""
    if not getattr(viewer, "is_authenticated", False):
        return Proposal.objects.none()
    # A co-signer sees the proposal once the author has invited him (联名), not the author's draft before it.
    invited = Q(Exists(ProposalSigner.objects.filter(proposal=OuterRef("pk"), user=viewer))) & ~Q(status=S.DRAFT)
    q = Q(author=viewer) | invited
    if sees_all_proposals(viewer):
        q |= ~Q(status__in=PRIVATE_STATES)
    if is_gov_office(viewer) or is_party_office(viewer) or is_member(viewer):
        q |= Q(status__in=FILED_STATES)
    if is_dept_liaison(viewer) and viewer.department_id:
        q |= handled_by(viewer.department_id)
    return _base().filter(q)


def get_proposal_for(viewer, pk: int) -> Proposal:
    """One proposal the viewer may see, else 404."""
    return get_object_or_404(proposals_visible_to(viewer), pk=pk)


def proposer_user_ids(proposal: Proposal) -> set[int]:
    """Users who rate the reply: the author, confirmed co-signers, and those of proposals merged into it."""
    family = Q(pk=proposal.pk) | Q(merged_into_id=proposal.pk)
    ids = set(Proposal.objects.filter(family).values_list("author_id", flat=True))
    ids |= set(
        ProposalSigner.objects.filter(
            Q(proposal_id=proposal.pk) | Q(proposal__merged_into_id=proposal.pk), accepted=True
        )
        .exclude(user__isnull=True)
        .values_list("user_id", flat=True)
    )
    return ids


def proposers(proposal: Proposal):
    """The users in proposer_user_ids, in a stable order."""
    return get_user_model().objects.filter(pk__in=proposer_user_ids(proposal)).order_by("id")


def proposer_members(proposal: Proposal) -> QuerySet[Member]:
    """The members who propose it, with or without a platform account: the first proposers and confirmed
    co-signers (paper ones too) of the proposal and of the proposals merged into it, in a stable order."""
    family = Proposal.objects.filter(Q(pk=proposal.pk) | Q(merged_into_id=proposal.pk))
    signers = ProposalSigner.objects.filter(
        Q(proposal_id=proposal.pk) | Q(proposal__merged_into_id=proposal.pk), accepted=True
    )
    return Member.objects.filter(
        Q(pk__in=family.exclude(member__isnull=True).values("member_id"))
        | Q(user_id__in=family.values("author_id"))
        | Q(pk__in=signers.values("member_id"))
    ).order_by("id")


def _role_users(*roles: str):
    return get_user_model().objects.filter(groups__name__in=roles, is_active=True).distinct()


def assigner_users():
    """The people of the assigning offices (`predicates.is_assigner`: the proposal office, the CPPCC office,
    the party and government offices), who decide a unit's request for adjustment or for more time: each is
    told of a request, with its reason."""
    return _role_users(Role.PROPOSAL_OFFICE, Role.CLERK, Role.GOV_OFFICE, Role.PARTY_OFFICE)


def _unit_liaisons(proposal: Proposal, roles=None):
    units = proposal.assignments.filter(is_active=True)
    if roles:
        units = units.filter(role__in=roles)
    return _role_users(Role.DEPT_LIAISON).filter(department__in=units.values("department"))


def holders(proposal: Proposal, state: str):
    """Who must act when the proposal enters state (they are notified)."""
    if state == S.DRAFT:
        return [proposal.author]
    if state == S.COSIGNING:
        pending = proposal.signers.filter(accepted__isnull=True, user__isnull=False).select_related("user")
        return [s.user for s in pending]
    if state in (S.SUBMITTED, S.PRE_REVIEWED, S.FILED, S.TO_ASSIGN, S.RETURN_REQUESTED, S.REVIEW, S.UNSATISFIED):
        return list(_role_users(Role.PROPOSAL_OFFICE))
    if state in (S.ASSIGNED, S.IN_PROGRESS, S.REHANDLING):
        return list(_unit_liaisons(proposal))
    if state == S.FOLLOW_UP:
        return list(_unit_liaisons(proposal, roles=REPLYING_ROLES))
    return list(proposers(proposal))


def watchers(proposal: Proposal, state: str):
    """Who is told of progress on entering state without having to act: the proposers, when their
    proposal is filed (with its number), when it is handed to its units (with the deadline) and when the office
    sends it back for re-handling (with what it asks of the units: the note is meant for them). Of its closing
    (办结, with the office's note) they are told as the holders of 已办结 (`holders`)."""
    if state in (S.FILED, S.ASSIGNED, S.REHANDLING):
        return list(proposers(proposal))
    return []


def proposing_bodies() -> QuerySet:
    """The bodies that propose in their own name (集体提案): the special committees, not the office, the research
    office nor the committee that reviews proposals (提案委员会)."""
    from district.models import Body

    return Body.objects.filter(kind=Body.Kind.SPECIAL, handles_proposals=False)


def proposing_organisations(user) -> dict[str, QuerySet]:
    """The sectors, parties/groups and special committees the user may submit a collective proposal (集体提案) in
    the name of, by field: a member speaks for his own sector, party or group and special committee; the proposal
    office enters an organisation's sealed paper proposal for any of them. The form offers these and
    `services.create_proposal` refuses any other."""
    from district.models import Body, Party, Sector

    bodies = proposing_bodies()
    if is_proposal_office(user):
        return {"org_sector": Sector.objects.all(), "org_party": Party.objects.all(), "org_body": bodies}
    member = (
        Member.objects.filter(user=user, is_active=True).first() if getattr(user, "is_authenticated", False) else None
    )
    if member is None or not is_member(user):
        return {"org_sector": Sector.objects.none(), "org_party": Party.objects.none(), "org_body": Body.objects.none()}
    return {
        "org_sector": Sector.objects.filter(pk=member.sector_id),
        "org_party": Party.objects.filter(pk=member.party_id),
        "org_body": bodies.filter(pk=member.body_id),
    }


def cosign_open() -> Q:
    """Proposals in co-signing whose confirmation window has not closed (`Proposal.cosign_window_open`,
    which `respond_cosign` checks)."""
    return Q(status=S.COSIGNING) & (Q(cosign_deadline__isnull=True) | Q(cosign_deadline__gte=timezone.localdate()))


def inbox(user) -> QuerySet[Proposal]:
    """Proposals waiting for this user."""
    if not getattr(user, "is_authenticated", False):
        return Proposal.objects.none()
    q = Q(author=user, status=S.DRAFT) | (
        Q(Exists(ProposalSigner.objects.filter(proposal=OuterRef("pk"), user=user, accepted__isnull=True)))
        & cosign_open()
    )
    if is_member(user):
        rated = ProposalRating.objects.filter(proposal=OuterRef("pk"), round=OuterRef("round"), user=user)
        mine = Q(author=user) | Q(
            Exists(ProposalSigner.objects.filter(proposal=OuterRef("pk"), user=user, accepted=True))
        )
        q |= Q(status=S.REPLIED) & mine & ~Q(Exists(rated))
    if is_proposal_office(user):
        q |= Q(status__in=(S.SUBMITTED, S.PRE_REVIEWED, S.FILED, S.REVIEW, S.UNSATISFIED))
    if is_proposal_office(user) or is_clerk(user) or is_gov_office(user) or is_party_office(user):
        q |= Q(status__in=(S.TO_ASSIGN, S.RETURN_REQUESTED)) | _extension_pending() | _co_return_pending()
    if is_dept_liaison(user) and user.department_id:
        q |= Q(status__in=(S.ASSIGNED, S.IN_PROGRESS, S.REHANDLING)) & Q(_assigned_to(user.department_id))
    return _base().filter(q).order_by("reply_due", "-created_at")


def proposal_list(viewer, *, filters: dict | None = None) -> QuerySet[Proposal]:
    """The viewer's visible proposals with the list filters applied, ready for a table or an export."""
    f = filters or {}
    qs = proposals_visible_to(viewer)
    if f.get("q"):
        # The proposers by name: the lead member and the co-signers who confirmed.
        cosigned = ProposalSigner.objects.filter(proposal=OuterRef("pk"), accepted=True, member__name__contains=f["q"])
        qs = qs.filter(Q(title__icontains=f["q"]) | Q(member__name__contains=f["q"]) | Q(Exists(cosigned)))
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("year"):
        qs = qs.filter(session__year=f["year"])
    if f.get("session"):
        qs = qs.filter(session_id=f["session"])
    if f.get("department"):
        qs = qs.filter(_assigned_to(f["department"]))
    if f.get("reply_class"):
        shown = ProposalReply.objects.filter(
            readable_replies(viewer), proposal=OuterRef("pk"), reply_class__code=f["reply_class"]
        )
        if f.get("first_reply"):
            # As the statistics count a class (a figure's row opens the same proposals).
            shown = shown.filter(counted_replies())
        qs = qs.filter(Exists(shown))
    # The proposal's rating as the statistics count it: a figure's row opens the same proposals, and the
    # export's 评价 column says what the statistics counted.
    qs = qs.annotate(outcome_rating=proposal_rating(), has_pending_extension=_extension_pending())
    if f.get("rating"):
        qs = qs.filter(outcome_rating=f["rating"])
    if f.get("is_key"):
        qs = qs.filter(is_key=True)
    if f.get("is_excellent"):
        qs = qs.filter(is_excellent=True)
    if f.get("overdue"):
        late = (S.ASSIGNED, S.RETURN_REQUESTED, S.IN_PROGRESS, S.REHANDLING)
        qs = qs.filter(status__in=late, reply_due__lt=timezone.localdate())
    if f.get("extension_pending"):
        qs = qs.filter(_extension_pending())
    if f.get("waiting"):
        # The 待我处理 box's whole queue (the box shows its first items).
        qs = qs.filter(pk__in=inbox(viewer).order_by().values("pk"))
    if f.get("mine"):
        # Own proposals and those the viewer co-signs or is asked to: not those he declined.
        signing = ProposalSigner.objects.filter(proposal=OuterRef("pk"), user=viewer).exclude(accepted=False)
        qs = qs.filter(Q(author=viewer) | Q(Exists(signing)))
    return with_lists(qs).order_by("-session__year", "serial", "-created_at", "-id")


def detail_context(viewer, proposal: Proposal) -> dict:
    """Everything the detail page shows beside the proposal itself.

    The notes kept beside the timeline (an extension request's reason and the decision on it, a unit's
    request for adjustment, a co-unit's opinion to the lead, the units' contact notes) are read by whom
    the timeline shows the same steps' notes to (`handling_notes_for`)."""
    from proposals.services.drafting import supporting_files

    merged = list(proposal.merged.select_related("member", "author", "org_sector", "org_party", "org_body"))
    context = {
        "signers": list(proposal.signers.select_related("member", "user")),
        "assignments": list(proposal.assignments.select_related("department").order_by("-is_active", *unit_order())),
        "contacts": list(proposal.contacts.select_related("department", "recorded_by")),
        "replies": with_sealed_letters(viewer, replies_for(viewer, proposal)),
        "files": list(supporting_files(proposal)),
        # Each proposer's rating and reason for those who read them (`predicates.reads_ratings`); the others read
        # the overall result only (`rating_result`).
        "ratings": ratings_for(viewer, proposal),
        "rating_result": rating_result_label(proposal),
        "merged": merged,
        "merged_proposers": merged_proposer_names(merged),
        "reply_classes": list(ReplyClass.objects.filter(is_active=True)),
        "extension_requests": list(
            proposal.extension_requests.select_related("department", "requested_by", "decided_by")
        ),
        "meetings": handling_meetings_for(viewer, proposal),
    }
    handling_notes_for(viewer, proposal, context)
    return context


def ratings_for(viewer, proposal: Proposal) -> list[ProposalRating]:
    """The proposers' ratings of the replies, each with its reason, for the viewers who read them
    (`predicates.reads_ratings`: the handling side and the proposers); none for anyone else. The one rule for
    the page and the API."""
    from proposals.predicates import reads_ratings

    if not reads_ratings(viewer, proposal):
        return []
    return list(proposal.ratings.select_related("user"))


def rating_reader(viewer):
    """`predicates.reads_ratings` for rows already loaded: reads(proposal) -> whether the viewer reads each
    proposer's rating of it (the export's 本轮各提案者评价 column)."""
    from proposals.predicates import reads_ratings

    if sees_all_proposals(viewer):
        return lambda proposal: True
    return lambda proposal: bool(reads_ratings(viewer, proposal))


def rating_result(proposal: Proposal) -> str | None:
    """The proposal's overall rating as the statistics count it (`statistics.proposal_rating`: the latest rated
    round, its lowest rating), or None while nobody has rated: what every viewer may read."""
    return Proposal.objects.filter(pk=proposal.pk).annotate(r=proposal_rating()).values_list("r", flat=True).first()


def rating_result_label(proposal: Proposal):
    """`rating_result` as the page says it (满意 / 基本满意 / 不满意), or None."""
    from proposals.models import Rating

    value = rating_result(proposal)
    return Rating(value).label if value else None


def merged_proposer_names(merged: list[Proposal]) -> list[str]:
    """The proposers of the proposals merged into one (their lead proposer or organisation, then their
    confirmed co-signers), in merging order: they are answered with it and rate its reply."""
    names: list[str] = []
    signers = ProposalSigner.objects.filter(proposal__in=merged, accepted=True).select_related("member")
    by_proposal: dict[int, list[str]] = {}
    for s in signers.order_by("order", "id"):
        by_proposal.setdefault(s.proposal_id, []).append(s.member.name)
    for p in merged:
        for name in [p.proposer_label, *by_proposal.get(p.pk, [])]:
            if name not in names:
                names.append(name)
    return names


def handling_meetings_for(viewer, proposal: Proposal) -> list:
    """The proposal's handling consultations (提案办理协商会) the viewer may open, next first."""
    from consultations.selectors import meetings_visible_to

    ct = ContentType.objects.get_for_model(Proposal)
    return list(meetings_visible_to(viewer).filter(subject_type=ct, subject_id=proposal.pk).order_by("starts_at", "id"))


def handling_notes_for(viewer, proposal: Proposal, context: dict) -> None:
    """Withhold from the rows of the detail page's context the notes the viewer does not read.

    The rule is the timeline's (`core.workflow.note_reader`, from `proposals.workflow` reads_notes and
    addressee): each note is that of the step that wrote it (an extension request and its decision, a
    unit's request for adjustment), or a record kept beside the workflow that the handling side reads (a
    co-unit's opinion to the lead, a unit's contact notes). Whoever may see the proposal still sees that
    the step was taken and when. The rows are loaded for display only and never saved."""
    from core.workflow import note_reader
    from proposals.workflow import EXTENSION_SUFFIX

    reads = note_reader(proposal, viewer)
    for e in context["extension_requests"]:
        suffix = EXTENSION_SUFFIX[S.IN_PROGRESS if e.round == 1 else S.REHANDLING]
        if not reads(f"request_extension{suffix}", e.requested_by_id):
            e.reason = ""
        decision = "approve" if e.state == ExtensionState.APPROVED else "refuse"
        if not reads(f"{decision}_extension{suffix}", e.decided_by_id):
            e.decision_note = ""
    for a in context["assignments"]:
        a.return_asked = bool(a.return_reason)
        if not reads("request_co_return" if a.role == UnitRole.CO else "request_return", None):
            a.return_reason = ""
        a.opinion_waived = a.role == UnitRole.CO and a.opinion_at is not None and not a.opinion
        if not reads(None, None):
            a.opinion = ""
    for c in context["contacts"]:
        if not reads(None, c.recorded_by_id):
            c.summary = ""


def sees_replies_under_review(viewer) -> bool:
    """The proposal office, the clerks and the CPPCC leaders read a reply before it is approved."""
    return bool(sees_all_proposals(viewer))


def released_replies() -> Q:
    """Replies (ProposalReply rows) the office has approved and sent to the proposers: those of an
    earlier round, and those of a proposal whose reply has gone out (`letters.is_released` for one row)."""
    from proposals.services.letters import RELEASED_STATES

    return Q(round__lt=F("proposal__round")) | Q(proposal__status__in=RELEASED_STATES)


def counted_replies() -> Q:
    """The replies the statistics count by reply class (the annual report, the dashboard and the list
    they open): first-round replies the office has approved. A reply still under the office's review
    may be returned and rewritten with another class, so it is not counted yet; re-handling is apart."""
    return released_replies() & Q(round=1)


def readable_replies(viewer) -> Q:
    """The replies (ProposalReply rows) the viewer may read: the rule the proposal page, the API and
    the lists' reply-class filter share.

    A reply is the unit's until the office approves it (review may return it for rewriting): before
    that only the office side and the replying unit's liaisons read it; proposers, other members and
    other units read approved replies only, as with the reply letters (`letters_for`)."""
    if sees_replies_under_review(viewer):
        return Q()
    q = released_replies()
    if is_dept_liaison(viewer) and viewer.department_id:
        q |= Q(department_id=viewer.department_id)
    return q


def reply_reader(viewer):
    """`readable_replies` for rows already loaded: reads(reply, proposal) -> whether the viewer may read it (the
    export's reply class column)."""
    from proposals.services.letters import is_released

    if sees_replies_under_review(viewer):
        return lambda reply, proposal: True
    own = viewer.department_id if is_dept_liaison(viewer) and viewer.department_id else None
    return lambda reply, proposal: is_released(reply, proposal) or (own is not None and reply.department_id == own)


def replies_for(viewer, proposal: Proposal) -> list[ProposalReply]:
    """The replies of a proposal the viewer may read (`readable_replies`)."""
    replies = proposal.replies.filter(readable_replies(viewer))
    return list(replies.select_related("department", "reply_class", "submitted_by"))


def active_reply_classes() -> QuerySet[ReplyClass]:
    """Reply classes offered to units."""
    return ReplyClass.objects.filter(is_active=True)


def filterable_reply_classes() -> QuerySet[ReplyClass]:
    """Reply classes the proposal list filters by: the active ones and every retired one that still
    classes some reply (a district that retires C keeps listing the proposals answered C)."""
    used = ProposalReply.objects.filter(reply_class=OuterRef("pk"))
    return ReplyClass.objects.filter(Q(is_active=True) | Exists(used))


def replacement_units(proposal: Proposal) -> QuerySet[Department]:
    """The units the assigners may name to take over from a unit whose request for adjustment they accept: the
    active departments not handling the proposal already."""
    handling = proposal.assignments.filter(is_active=True).values("department_id")
    return Department.objects.filter(is_active=True).exclude(pk__in=handling)


def merge_candidates(proposal: Proposal) -> QuerySet[Proposal]:
    """Filed, unanswered proposals that a proposal could be merged into."""
    from proposals.services.review import MERGEABLE_STATES

    return _base().filter(status__in=MERGEABLE_STATES).exclude(pk=proposal.pk).order_by("serial")


def viewer_flags(viewer, proposal: Proposal) -> dict:
    """What the viewer may do on the detail page (the template shows forms by these flags)."""
    from proposals.predicates import assignment_of, is_assigner, is_key_selector, replies, sees_proposer_contacts
    from proposals.services.drafting import submit_waits
    from proposals.services.feedback import MAX_ROUNDS, rating_open_until, rating_period_end
    from proposals.services.handling import latest_due, signs_first

    unit = assignment_of(viewer, proposal) if is_dept_liaison(viewer) else None
    handling = proposal.status in (S.IN_PROGRESS, S.REHANDLING)
    proposer = viewer.pk in proposer_user_ids(proposal)
    rated = ProposalRating.objects.filter(proposal=proposal, round=proposal.round, user=viewer).exists()
    pending_signer = (
        proposal.status == S.COSIGNING
        and proposal.cosign_window_open
        and ProposalSigner.objects.filter(proposal=proposal, user=viewer, accepted__isnull=True).exists()
    )
    open_filed = proposal.status in FILED_STATES and proposal.status != S.CLOSED
    pending_extension = pending_extension_of(proposal) if handling else None
    office = bool(is_proposal_office(viewer))
    return {
        "can_edit": proposal.author_id == viewer.pk and proposal.status == S.DRAFT,
        # What the author's draft or co-signing proposal waits for before 提交提案 (or 发起联名) is offered:
        # the co-signers who have not answered and the deadline, or the parts still missing.
        "submit_waits": submit_waits(proposal) if proposal.author_id == viewer.pk else "",
        # Why the office is not offered 不予立案并转办 / 交重新办理 (the guards' rules, `services.review` and
        # `services.feedback`), said beside the actions it has.
        "convert_waits": office and proposal.status == S.PRE_REVIEWED and not proposal.consents_to_conversion,
        "rehandle_waits": office and proposal.status == S.UNSATISFIED and proposal.round >= MAX_ROUNDS,
        "pending_signer": pending_signer,
        "unit": unit,
        "can_contact": unit is not None and proposal.status in (S.ASSIGNED, S.IN_PROGRESS, S.REHANDLING),
        # The unit's liaisons may ask to see the proposers' phone numbers while it handles the proposal.
        "may_reveal_proposer_contacts": unit is not None and bool(sees_proposer_contacts(viewer, proposal)),
        "can_opine": unit is not None and unit.role == UnitRole.CO and handling,
        # A separate unit replies once it has signed for the proposal itself (`services.handling.signs_first`).
        "can_reply": replies(unit) and handling and not signs_first(unit, proposal),
        "can_rate": proposer and proposal.status == S.REPLIED and not rated,
        # The last day to rate, said above the rating form (请于…前评价).
        "rating_due": rating_period_end(proposal) if proposer and proposal.status == S.REPLIED and not rated else None,
        "can_set_units": bool(is_assigner(viewer)) and proposal.status in (S.FILED, S.TO_ASSIGN),
        "can_mark_key": bool(is_key_selector(viewer)) and open_filed and not proposal.is_key,
        "can_meeting": bool(is_key_selector(viewer)) and proposal.is_key,
        "can_excellent": bool(is_proposal_office(viewer))
        and proposal.status in EXCELLENT_STATES
        and not proposal.is_excellent,
        "can_withdraw_excellent": bool(is_proposal_office(viewer)) and proposal.is_excellent,
        # The office waits for the proposers' ratings before it may close a replied proposal (办结).
        "close_waits_until": rating_open_until(proposal) if is_proposal_office(viewer) else None,
        "can_export": bool(sees_all_proposals(viewer)),
        # The extension-request form (a handling unit) and the decision form (the assigning offices).
        "pending_extension": pending_extension,
        # As the workflow offers it: co-units answer through the lead unit's reply and its deadline, so only
        # replying units ask, and only while a request could be granted (`services.extension.request_offered`).
        "can_request_extension": handling and may_request_extension(viewer, proposal),
        "can_decide_extension": bool(is_assigner(viewer)) and pending_extension is not None,
        "extension_actions": extension_action_names(proposal) if handling else {},
        "extension_latest": latest_due(proposal) if handling else None,
    }


def may_request_extension(viewer, proposal: Proposal) -> bool:
    """Whether the workflow offers the viewer the extension request of the proposal's handling state."""
    from core.workflow import workflow_for

    action = workflow_for(proposal).action(extension_action_names(proposal)["request"])
    return action.is_allowed(viewer, proposal) and action.is_offered(viewer, proposal)


def units_initial(proposal: Proposal) -> dict:
    """The units form's starting values: the units the assigners saved, else the proposer's suggested unit
    (建议承办单位, the first as the page lists them) as the lead."""
    rows = list(proposal.assignments.filter(is_active=True).order_by("role", "id"))
    if rows:
        return {
            "mode": proposal.handling_mode or HandlingMode.LEAD,
            "lead": next((r.department_id for r in rows if r.role == UnitRole.LEAD), None),
            "co": [r.department_id for r in rows if r.role == UnitRole.CO],
            "units": [r.department_id for r in rows if r.role == UnitRole.SEPARATE],
        }
    suggested = proposal.suggested_departments.filter(is_active=True).first()
    return {"mode": HandlingMode.LEAD, "lead": suggested.pk} if suggested else {}


def reply_initial(viewer, proposal: Proposal) -> dict:
    """The reply form's starting values: signer and contact as in the unit's latest reply to this proposal
    (the first round's, when re-handling), else the liaison's own name and phone."""
    initial = {"contact_name": viewer.display, "contact_phone": getattr(viewer, "phone", "")}
    department_id = getattr(viewer, "department_id", None)
    if not department_id:
        return initial
    last = (
        ProposalReply.objects.filter(proposal=proposal, department_id=department_id)
        .order_by("-round", "-id")
        .only("signed_by", "contact_name", "contact_phone")
        .first()
    )
    if last is not None:
        initial["signed_by"] = last.signed_by
        initial["contact_name"] = last.contact_name or initial["contact_name"]
        initial["contact_phone"] = last.contact_phone or initial["contact_phone"]
    return initial


def pending_extension_of(proposal: Proposal, *, lock: bool = False) -> ExtensionRequest | None:
    """The extension request of the current round still waiting for a decision, if any."""
    qs = ExtensionRequest.objects.filter(proposal=proposal, round=proposal.round, state=ExtensionState.PENDING)
    if lock:
        qs = qs.select_for_update(of=("self",))
    return qs.select_related("department", "requested_by").first()


def extension_action_names(proposal: Proposal) -> dict:
    """The workflow action names of the extension steps in the proposal's state, for the page's forms."""
    from proposals.workflow import EXTENSION_SUFFIX

    suffix = EXTENSION_SUFFIX[proposal.status]
    return {step: f"{step}_extension{suffix}" for step in ("request", "approve", "refuse")}


def proposer_contacts(proposal: Proposal, *, full: bool = False) -> list[dict]:
    """The proposers a handling unit talks with before it replies (办前沟通), with their phone numbers: masked,
    or in full for a unit's liaison who asked to see them (`services.handling.reveal_proposer_contacts` logs
    that look). A proposer without a member record (an organisation's proposal) is not listed."""
    from core.privacy import masked

    return [
        {"member": m, "name": m.name, "phone": m.phone if full else masked(m.phone, "phone")}
        for m in proposer_members(proposal)
    ]


def letters_for(viewer, proposal: Proposal) -> list[ProposalReply]:
    """The reply letters (答复函) of a proposal the viewer may download.

    The proposal office: every reply; a handling unit's liaisons: their own unit's replies; the
    proposers: replies the office has approved and sent to them. Nobody else (the letter prints the
    handler's phone)."""
    from proposals.services.letters import is_released

    replies = proposal.replies.select_related("department", "reply_class", "proposal__session__term")
    if is_proposal_office(viewer):
        return list(replies)
    mine: list[ProposalReply] = []
    if is_dept_liaison(viewer) and viewer.department_id:
        mine = [r for r in replies if r.department_id == viewer.department_id]
    if viewer.pk in proposer_user_ids(proposal):
        mine += [r for r in replies if is_released(r, proposal) and r not in mine]
    return mine


def reply_letters_visible_to(viewer) -> QuerySet[ProposalReply]:
    """The replies whose letters (the generated 答复函 and the unit's sealed scan, stored as the reply's
    attachments) the viewer may download: the audience of `letters_for`, as a query (core.visibility)."""
    from proposals.services.letters import RELEASED_STATES

    if not getattr(viewer, "is_authenticated", False):
        return ProposalReply.objects.none()
    replies = ProposalReply.objects.filter(proposal__in=proposals_visible_to(viewer).values("pk"))
    if is_proposal_office(viewer):
        return replies
    own = Proposal.objects.filter(
        Q(author=viewer) | Q(Exists(ProposalSigner.objects.filter(proposal=OuterRef("pk"), user=viewer, accepted=True)))
    ).values("pk")
    family = Proposal.objects.filter(Q(pk__in=own) | Q(merged__pk__in=own)).values("pk")
    released = Q(round__lt=F("proposal__round")) | Q(proposal__status__in=RELEASED_STATES)
    q = Q(proposal__in=family) & released
    if is_dept_liaison(viewer) and viewer.department_id:
        q |= Q(department_id=viewer.department_id)
    return replies.filter(q)


def with_sealed_letters(viewer, replies: list[ProposalReply]) -> list[ProposalReply]:
    """Give each reply its `sealed_letters`: the unit's sealed reply letters the viewer may download."""
    from core.services import attachments_by_record
    from proposals.services.handling import SEALED_LETTER

    allowed = reply_letters_visible_to(viewer).filter(pk__in=[r.pk for r in replies])
    letters = attachments_by_record(allowed, kind=SEALED_LETTER)
    for reply in replies:
        reply.sealed_letters = letters.get(reply.pk, [])
    return replies


def get_letter_for(viewer, pk: int, reply_id: int) -> ProposalReply:
    """One reply letter the viewer may download, else 404 (also when the proposal is not visible)."""
    from django.http import Http404

    proposal = get_proposal_for(viewer, pk)
    for reply in letters_for(viewer, proposal):
        if reply.pk == reply_id:
            return reply
    raise Http404


def reminders_for(viewer, proposal: Proposal) -> list:
    """The reminders sent about a proposal, shown beside its timeline: all of them to the office and
    CPPCC leaders, a unit's own to its liaisons, a proposer's own to the proposer."""
    qs = proposal.reminders.select_related("department", "user").order_by("claimed_at", "id")
    if is_proposal_office(viewer) or is_cppcc_leader(viewer):
        return list(qs)
    q = Q(user=viewer)
    if is_dept_liaison(viewer) and viewer.department_id:
        q |= Q(department_id=viewer.department_id)
    return list(qs.filter(q))
