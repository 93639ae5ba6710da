"""Object predicates on proposals (django-rules): who may act on this proposal."""

import rules

from accounts.predicates import (
    is_clerk,
    is_cppcc_leader,
    is_dept_liaison,
    is_gov_office,
    is_member,
    is_party_office,
    is_proposal_office,
)
from proposals.models import REPLYING_ROLES, UNIT_STATES, Status, UnitRole

# The assigning offices (交办): the proposal committee with the party, government and CPPCC offices.
is_assigner = is_proposal_office | is_clerk | is_gov_office | is_party_office
# Who reads every proposal past co-signing, and every reply before it is approved (the proposal office,
# the CPPCC office and leaders).
sees_all_proposals = is_proposal_office | is_clerk | is_cppcc_leader
# Who chooses and supervises key proposals, and selects excellent ones.
is_key_selector = is_proposal_office | is_cppcc_leader
# Who may start a proposal (members for themselves; the proposal committee's staff on a unit's behalf).
may_draft_proposal = is_member | is_proposal_office
# Who exports the proposal list they see (`selectors.proposal_list` scopes the rows): the office side, the
# assigning offices (the 交办会, the deadlines they follow) and the units' liaisons (their unit's proposals).
may_export_proposals = sees_all_proposals | is_assigner | is_dept_liaison
# Who reads the annual figures (`proposals.statistics`): the office side and the assigning offices, who hand
# the proposals over and follow every unit's handling. A unit's liaisons export their own list instead.
sees_proposal_statistics = sees_all_proposals | is_assigner
# While a unit may need to reach the proposers (办前沟通 before its reply, until the office approves it).
CONTACT_STATES = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.REVIEW, Status.REHANDLING})


def is_system(user, proposal) -> bool:
    """Only the platform itself (no actor) takes the steps it decides: the conclusion the proposers'
    ratings reach once the last of them has rated (`services.feedback.rate_reply`)."""
    return user is None


@rules.predicate
def is_author(user, proposal) -> bool:
    return proposal is not None and user.is_authenticated and proposal.author_id == user.pk


@rules.predicate
def is_proposer(user, proposal) -> bool:
    from proposals.selectors import proposer_user_ids

    return proposal is not None and user.pk in proposer_user_ids(proposal)


def _unit_assignment(user, proposal, roles=None):
    if proposal is None or not getattr(user, "department_id", None) or proposal.status not in UNIT_STATES:
        return None
    qs = proposal.assignments.filter(is_active=True, department_id=user.department_id)
    if roles:
        qs = qs.filter(role__in=roles)
    return qs.first()


@rules.predicate
def is_assigned_unit(user, proposal) -> bool:
    """A liaison of a unit this proposal is assigned to (lead, co or separate)."""
    return bool(is_dept_liaison(user)) and _unit_assignment(user, proposal) is not None


@rules.predicate
def is_co_unit(user, proposal) -> bool:
    """A liaison of a co-handling unit (会办) of this proposal."""
    return bool(is_dept_liaison(user)) and _unit_assignment(user, proposal, roles=(UnitRole.CO,)) is not None


def replies(assignment) -> bool:
    """The assignment is the lead unit's or a separate unit's."""
    return assignment is not None and assignment.role in REPLYING_ROLES


@rules.predicate
def is_separate_unit(user, proposal) -> bool:
    """A liaison of a separate unit (分办) of this proposal: each signs for it and replies on its own."""
    return bool(is_dept_liaison(user)) and _unit_assignment(user, proposal, roles=(UnitRole.SEPARATE,)) is not None


@rules.predicate
def is_co_or_separate_unit(user, proposal) -> bool:
    """A liaison of a unit that asks for adjustment on its own while the proposal is handled (办理中): a co-unit,
    or a separate unit (the lead's request takes the whole proposal back, before it acknowledges)."""
    roles = (UnitRole.CO, UnitRole.SEPARATE)
    return bool(is_dept_liaison(user)) and _unit_assignment(user, proposal, roles=roles) is not None


@rules.predicate
def is_replying_unit(user, proposal) -> bool:
    """A liaison of the lead unit or of a separate unit: the units that write replies."""
    return bool(is_dept_liaison(user)) and _unit_assignment(user, proposal, roles=REPLYING_ROLES) is not None


# Who sends the replies on to the office's review (send_reply): the unit whose reply was the last missing, or
# the platform once the last unit still to reply has left (`services.handling.on_accept_co_return`).
replies_or_system = rules.predicate(is_system) | is_replying_unit


@rules.predicate
def reads_all_notes(user, proposal) -> bool:
    """The handling side, who read every note of the proposal's timeline (`Workflow.reads_notes`): the
    office side (the proposal office, the clerks and admins, the CPPCC leaders) and the liaisons of the
    units handling it (lead, co or separate)."""
    if sees_all_proposals(user):
        return True
    department_id = getattr(user, "department_id", None)
    return bool(
        proposal is not None
        and is_dept_liaison(user)
        and department_id
        and proposal.assignments.filter(department_id=department_id, is_active=True).exists()
    )


# Who reads each proposer's rating of the reply and the reason given (the proposal page, the API): the handling
# side (the proposal office, the clerks, the CPPCC leaders, the liaisons of the units handling it) and the
# proposers themselves. Other viewers (members, the party and government offices) read the proposal's overall
# result only, as the statistics publish it (`selectors.rating_result`).
reads_ratings = reads_all_notes | is_proposer


@rules.predicate
def sees_proposer_contacts(user, proposal) -> bool:
    """A liaison of a unit the proposal is handed to (lead, co or separate) while that unit handles it, from
    the hand-over until the office approves the reply: the unit must talk with the proposers before it
    replies (办前沟通), so it may ask to see their phone numbers (each look is logged)."""
    return (
        proposal is not None
        and proposal.status in CONTACT_STATES
        and bool(is_dept_liaison(user))
        and _unit_assignment(user, proposal) is not None
    )


def assignment_of(user, proposal):
    """The active assignment of the user's unit on this proposal, or None."""
    return _unit_assignment(user, proposal)
