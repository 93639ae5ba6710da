"""Object predicates for the plan's workflows (django-rules: (user, obj))."""

import rules

from accounts.predicates import (
    has_role,
    is_clerk,
    is_cppcc_leader,
    is_dept_liaison,
    is_expert,
    is_gov_office,
    is_member,
    is_office,
    is_party_leader,
    is_party_office,
    is_standing_member,
)
from accounts.roles import Role
from topics import chain
from topics.models import SuggestionStatus

# Who may suggest a topic: members, committee staff, the chairs, the party and government offices.
can_suggest = is_member | is_office | is_cppcc_leader | is_party_office | is_gov_office
# Who follows the whole plan: the office, the CPPCC leaders, the three offices and the party leader.
sees_all_plans = is_office | is_cppcc_leader | is_party_office | is_gov_office | is_party_leader
# Who reads the plan's deliberation record: the versions with their revision notes, the three offices'
# sign-offs, the party leader's instructions, the chairs' and the leader's comments in the audited
# timeline. Those who run the approval or take part in it; members and department liaisons read the
# plan itself (its topics, lead bodies, formats and timing).
sees_plan_deliberations = sees_all_plans
# Who reads the standing committee's votes on the plan (attendance, tally, ballots): the above and the
# standing members, who vote.
sees_plan_votes = sees_all_plans | is_standing_member
# Who may open the collection rounds (and suggest into them): `topics.selectors.rounds_visible_to`.
sees_rounds = can_suggest | sees_all_plans
# Who opens the plan pages (overview, plans, items): the above, the department liaisons who receive the
# published plan, and the experts who read it; each sees the plans `selectors.plans_visible_to` allows.
reads_plans = sees_rounds | is_dept_liaison | is_expert
# The chairs' meeting (主席会议) is the chair, the vice-chairs and the secretary-general: any of them, or
# the clerk who keeps its record, enters its decision.
can_record_chairs_meeting = has_role(Role.CHAIR, Role.VICE_CHAIR, Role.SECRETARY_GENERAL) | is_clerk
can_publish = is_party_office | is_clerk
can_review_plan = is_party_leader


def may_see_suggestion(user, suggestion) -> bool:
    """One suggestion by the rule of `topics.selectors.suggestions_visible_to` (no query): one's own,
    and, for those who follow the whole plan, everyone's once submitted."""
    if suggestion is None or not getattr(user, "is_authenticated", False):
        return False
    if suggestion.suggester_id == user.pk:
        return True
    return suggestion.status != SuggestionStatus.DRAFT and sees_all_plans(user)


@rules.predicate
def is_suggester(user, suggestion) -> bool:
    return suggestion is not None and user.is_authenticated and suggestion.suggester_id == user.pk


@rules.predicate
def is_in_a_plan_item(user, suggestion) -> bool:
    return suggestion is not None and suggestion.plan_items.exists()


def first_state_is(target: str):
    @rules.predicate(f"first_state_is:{target}")
    def check(user, plan) -> bool:
        return chain.first_state() == target

    return check


def next_state_is(step: str, target: str):
    @rules.predicate(f"next_state_is:{step}:{target}")
    def check(user, plan) -> bool:
        return chain.next_state(step) == target

    return check


def return_state_is(step: str, target: str):
    @rules.predicate(f"return_state_is:{step}:{target}")
    def check(user, plan) -> bool:
        return chain.return_state(step) == target

    return check
