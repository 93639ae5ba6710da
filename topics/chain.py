"""The plan's approval chain (审定环节) as configuration: which steps, in which order.

`config.PLAN_APPROVAL_CHAIN` lists step names, comma-separated, e.g. the seed's
"chairs_meeting,joint_offices,party_leader,standing_vote". A district may drop or reorder steps
(Daxing: "joint_offices,chairs_meeting,party_leader"). Every step has the plan state in which it is
pending; finishing a step moves the plan to the next step's state, or to ADOPTED after the last.
"""

from constance import config
from django.utils.translation import gettext_lazy as _

from topics.models import PlanStatus

STEP_STATE = {
    "chairs_meeting": PlanStatus.CHAIRS,
    "joint_offices": PlanStatus.JOINT,
    "party_leader": PlanStatus.LEADER,
    "standing_vote": PlanStatus.VOTE,
}
STATE_STEP = {state: step for step, state in STEP_STATE.items()}
# What the office calls each step (规则设置 shows them beside the codes and takes them instead).
STEP_LABEL = {
    "chairs_meeting": _("主席会议审议"),
    "joint_offices": _("三办联席会"),
    "party_leader": _("区委领导审阅"),
    "standing_vote": _("常委会表决"),
}


def approval_chain() -> list[str]:
    """The configured steps in order; unknown names and repeats are ignored."""
    steps: list[str] = []
    for raw in str(config.PLAN_APPROVAL_CHAIN).split(","):
        name = raw.strip()
        if name in STEP_STATE and name not in steps:
            steps.append(name)
    return steps


def first_state() -> str:
    """Where a submitted draft goes: the first step's state (ADOPTED when the chain is empty)."""
    chain = approval_chain()
    return STEP_STATE[chain[0]] if chain else PlanStatus.ADOPTED


def next_state(step: str) -> str:
    """The state after finishing `step`. A step taken out of the chain while a plan waited on it leads
    on to the chain's next step that comes after it in the usual order (not back to the first step:
    the plan has passed those), or to ADOPTED when none does."""
    chain = approval_chain()
    if step in chain:
        rest = chain[chain.index(step) + 1 :]
    else:
        order = list(STEP_STATE)
        rest = [s for s in chain if order.index(s) > order.index(step)] if step in STEP_STATE else chain
    return STEP_STATE[rest[0]] if rest else PlanStatus.ADOPTED


def return_state(step: str) -> str:
    """Where a return from `step` goes: the joint offices when they come earlier in the chain, else the draft."""
    chain = approval_chain()
    if "joint_offices" in chain and step in chain and chain.index("joint_offices") < chain.index(step):
        return PlanStatus.JOINT
    return PlanStatus.DRAFT


def requires_signoffs() -> bool:
    return "joint_offices" in approval_chain()
