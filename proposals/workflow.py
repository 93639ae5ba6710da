"""The proposal state machine (domain.md §2): draft → co-signing → review → assignment → reply → rating."""

from django.utils.translation import gettext_lazy as _

from accounts.predicates import is_proposal_office
from core.workflow import Action, Workflow, register
from core.workflow import extension_actions as core_extension_actions
from proposals.models import Status
from proposals.predicates import is_assigned_unit, is_assigner, is_author, is_proposer, is_replying_unit

S = Status
SERVICES = "proposals.services"
EXT = f"{SERVICES}.extension"
# Units may ask for more time while handling, also in the re-handling round (action name suffix per state).
EXTENSION_SUFFIX = {S.IN_PROGRESS: "", S.REHANDLING: "_rehandling"}


def extension_actions(state: str, suffix: str) -> list[Action]:
    """A unit's extension request and the office's decision; each keeps the proposal in `state`. The units
    that reply ask (the lead, each separate unit): a co-unit has no deadline of its own, its opinion goes
    to the lead."""
    return core_extension_actions(
        state,
        suffix,
        services=EXT,
        asker=is_replying_unit,
        decider=is_assigner,
        field="due",
        request_label=_("申请延期答复"),
    )


WORKFLOW = register(
    Workflow(
        model="proposals.Proposal",
        list_url="proposals:list",
        states=Status,
        initial=S.DRAFT,
        actions=[
            Action(
                "invite",
                _("发起联名"),
                (S.DRAFT,),
                S.COSIGNING,
                is_author,
                guard=f"{SERVICES}.drafting.guard_invite",
                effect=f"{SERVICES}.drafting.on_invite",
            ),
            Action(
                "recall",
                _("撤回联名修改"),
                (S.COSIGNING,),
                S.DRAFT,
                is_author,
                style="outline-secondary",
                effect=f"{SERVICES}.drafting.on_recall",
            ),
            Action(
                "submit",
                _("提交提案"),
                (S.DRAFT, S.COSIGNING),
                S.SUBMITTED,
                is_author,
                guard=f"{SERVICES}.drafting.guard_submit",
                offered=f"{SERVICES}.drafting.submit_offered",
                effect=f"{SERVICES}.drafting.on_submit",
            ),
            Action("pre_review", _("初审通过"), (S.SUBMITTED,), S.PRE_REVIEWED, is_proposal_office),
            Action(
                "return_to_draft",
                _("退回修改"),
                (S.SUBMITTED,),
                S.DRAFT,
                is_proposal_office,
                note_required=True,
                note_label=_("退回理由"),
                style="outline-danger",
            ),
            Action(
                "file",
                _("立案"),
                (S.PRE_REVIEWED,),
                S.FILED,
                is_proposal_office,
                guard=f"{SERVICES}.review.guard_file",
                effect=f"{SERVICES}.review.on_file",
            ),
            Action(
                "reject",
                _("不予立案"),
                (S.PRE_REVIEWED,),
                S.REJECTED,
                is_proposal_office,
                note_required=True,
                note_label=_("不予立案理由"),
                fields=("ground",),
                guard=f"{SERVICES}.review.guard_reject",
                effect=f"{SERVICES}.review.on_reject",
                style="outline-danger",
            ),
            Action(
                "convert",
                _("不予立案并转办"),
                (S.PRE_REVIEWED,),
                S.CONVERTED,
                is_proposal_office,
                note_required=True,
                note_label=_("不予立案理由"),
                fields=("ground", "conversion"),
                guard=f"{SERVICES}.review.guard_convert",
                effect=f"{SERVICES}.review.on_convert",
                style="outline-danger",
            ),
            Action(
                "merge",
                _("并案"),
                (S.PRE_REVIEWED,),
                S.MERGED,
                is_proposal_office,
                fields=("master",),
                guard=f"{SERVICES}.review.guard_merge",
                effect=f"{SERVICES}.review.on_merge",
                style="outline-secondary",
            ),
            Action(
                "set_units",
                _("确定承办单位"),
                (S.FILED, S.TO_ASSIGN),
                S.TO_ASSIGN,
                is_assigner,
                fields=("mode", "lead", "co", "units"),
                guard=f"{SERVICES}.handling.guard_set_units",
                effect=f"{SERVICES}.handling.on_set_units",
            ),
            Action(
                "assign",
                _("交办"),
                (S.TO_ASSIGN,),
                S.ASSIGNED,
                is_assigner,
                guard=f"{SERVICES}.handling.guard_assign",
                effect=f"{SERVICES}.handling.on_assign",
            ),
            Action(
                "request_return",
                _("申请调整承办单位"),
                (S.ASSIGNED,),
                S.RETURN_REQUESTED,
                is_assigned_unit,
                note_required=True,
                note_label=_("申请调整理由"),
                guard=f"{SERVICES}.handling.guard_request_return",
                offered=f"{SERVICES}.handling.request_return_offered",
                effect=f"{SERVICES}.handling.on_request_return",
                style="outline-danger",
            ),
            Action(
                "accept_return",
                _("同意调整"),
                (S.RETURN_REQUESTED,),
                S.TO_ASSIGN,
                is_assigner,
                effect=f"{SERVICES}.handling.on_accept_return",
            ),
            Action(
                "refuse_return",
                _("不同意调整"),
                (S.RETURN_REQUESTED,),
                S.ASSIGNED,
                is_assigner,
                note_required=True,
                note_label=_("不同意调整的理由"),
                effect=f"{SERVICES}.handling.on_refuse_return",
                style="outline-danger",
            ),
            Action(
                "acknowledge",
                _("签收办理"),
                (S.ASSIGNED,),
                S.IN_PROGRESS,
                is_replying_unit,
                effect=f"{SERVICES}.handling.on_acknowledge",
            ),
            Action(
                "extend",
                _("延期答复"),
                (S.IN_PROGRESS,),
                S.IN_PROGRESS,
                is_assigner,
                note_required=True,
                note_label=_("延期理由"),
                fields=("due",),
                guard=f"{SERVICES}.handling.guard_extend",
                effect=f"{SERVICES}.handling.on_extend",
                style="outline-secondary",
            ),
            *(a for state, suffix in EXTENSION_SUFFIX.items() for a in extension_actions(state, suffix)),
            Action(
                "send_reply",
                _("报送答复"),
                (S.IN_PROGRESS, S.REHANDLING),
                S.REVIEW,
                is_replying_unit,
                guard=f"{SERVICES}.handling.guard_send_reply",
            ),
            Action(
                "approve_reply",
                _("审核通过答复"),
                (S.REVIEW,),
                S.REPLIED,
                is_proposal_office,
                fields=("reply_class",),
                guard=f"{SERVICES}.handling.guard_approve_reply",
                effect=f"{SERVICES}.handling.on_approve_reply",
                # The office's note on the unit's reply (答复规范, say) is not a message for the proposers.
                note_in_notice=False,
            ),
            Action(
                "return_reply",
                _("退回答复"),
                (S.REVIEW,),
                S.IN_PROGRESS,
                is_proposal_office,
                note_required=True,
                note_label=_("退回理由"),
                style="outline-danger",
            ),
            Action(
                "conclude_closed",
                _("评价完成：办结"),
                (S.REPLIED,),
                S.CLOSED,
                is_proposer,
                guard=f"{SERVICES}.feedback.guard_conclude_closed",
                effect=f"{SERVICES}.feedback.on_close",
            ),
            Action(
                "conclude_follow_up",
                _("评价完成：跟踪落实"),
                (S.REPLIED,),
                S.FOLLOW_UP,
                is_proposer,
                guard=f"{SERVICES}.feedback.guard_conclude_follow_up",
            ),
            Action(
                "conclude_unsatisfied",
                _("评价完成：不满意"),
                (S.REPLIED,),
                S.UNSATISFIED,
                is_proposer,
                guard=f"{SERVICES}.feedback.guard_conclude_unsatisfied",
            ),
            Action(
                "rehandle",
                _("交重新办理"),
                (S.UNSATISFIED,),
                S.REHANDLING,
                is_proposal_office,
                note_required=True,
                note_label=_("不满意的理由和重新办理要求"),
                guard=f"{SERVICES}.feedback.guard_rehandle",
                effect=f"{SERVICES}.feedback.on_rehandle",
            ),
            Action(
                "close",
                _("办结"),
                (S.REPLIED, S.UNSATISFIED, S.FOLLOW_UP),
                S.CLOSED,
                is_proposal_office,
                note_required=True,
                note_label=_("办结说明"),
                # From REPLIED only after every proposer has rated or PROPOSAL_RATING_DAYS have passed.
                guard=f"{SERVICES}.feedback.guard_close",
                offered=f"{SERVICES}.feedback.close_offered",
                effect=f"{SERVICES}.feedback.on_close",
                style="outline-secondary",
            ),
        ],
        holders="proposals.selectors.holders",
        watchers="proposals.selectors.watchers",
        visible="proposals.selectors.proposals_visible_to",
        inbox="proposals.selectors.inbox",
    )
)

# Actions fired by the services themselves (after the last rating), never offered as buttons.
SYSTEM_ACTIONS = frozenset({"conclude_closed", "conclude_follow_up", "conclude_unsatisfied", "send_reply"})
