"""The proposal state machine (domain.md §2): draft → co-signing → review → assignment → reply → rating."""

from django.utils.translation import gettext_lazy as _

from accounts.predicates import is_proposal_office
from core.workflow import Action, Workflow, register
from core.workflow import extension_actions as core_extension_actions
from proposals.models import Status
from proposals.predicates import (
    is_assigned_unit,
    is_assigner,
    is_author,
    is_co_or_separate_unit,
    is_proposer,
    is_replying_unit,
    is_separate_unit,
    is_system,
    reads_all_notes,
    replies_or_system,
)

S = Status
SERVICES = "proposals.services"
EXT = f"{SERVICES}.extension"
# Units may ask for more time while handling, also in the re-handling round (action name suffix per state).
EXTENSION_SUFFIX = {S.IN_PROGRESS: "", S.REHANDLING: "_rehandling"}


def extension_actions(state: str, suffix: str) -> list[Action]:
    """A unit's extension request and the office's decision; each keeps the proposal in `state`. The units
    that reply ask (the lead, each separate unit): a co-unit has no deadline of its own, its opinion goes
    to the lead. Each is offered (page, API transitions) only when its guard lets it: the request while one
    may ask, the decision while a request waits. The assigners, who decide, read the reason."""
    return core_extension_actions(
        state,
        suffix,
        services=EXT,
        asker=is_replying_unit,
        decider=is_assigner,
        field="due",
        request_label=_("申请延期答复"),
        request_offered=f"{EXT}.request_offered",
        decide_offered=f"{EXT}.decide_offered",
    )


WORKFLOW = register(
    Workflow(
        model="proposals.Proposal",
        list_url="proposals:list",
        inbox_query="waiting=on",
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
                offered=f"{SERVICES}.drafting.invite_offered",
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
                offered=f"{SERVICES}.review.convert_offered",
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
                offered=f"{SERVICES}.review.merge_offered",
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
                offered=f"{SERVICES}.handling.assign_offered",
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
                # Who handles the proposal is settled between the unit and the assigners (docs/proposals.md
                # "Visibility"): the proposers see that the step was taken, not the reasons given. The
                # effect tells the assigners, who decide it, with the unit's reason (they read it:
                # `note_readers`, on the decisions too).
                notify_holders=False,
                note_in_notice=False,
                style="outline-danger",
                note_readers=is_assigner,
            ),
            Action(
                "accept_return",
                _("同意调整"),
                (S.RETURN_REQUESTED,),
                S.TO_ASSIGN,
                is_assigner,
                effect=f"{SERVICES}.handling.on_accept_return",
                note_in_notice=False,
                note_readers=is_assigner,
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
                # The effect tells the unit that asked, with the reason; the proposers are not told again.
                notify_holders=False,
                note_in_notice=False,
                style="outline-danger",
                note_readers=is_assigner,
            ),
            Action(
                "acknowledge",
                _("签收办理"),
                (S.ASSIGNED,),
                S.IN_PROGRESS,
                is_replying_unit,
                guard=f"{SERVICES}.handling.guard_acknowledge",
                offered=f"{SERVICES}.handling.acknowledge_offered",
                effect=f"{SERVICES}.handling.on_acknowledge",
            ),
            # With separate units (分办) the first unit's acknowledgement starts the handling; each other separate
            # unit signs for the proposal itself (its own 签收), by the same rule. The state does not change, so
            # nobody else is told.
            Action(
                "acknowledge_separate",
                _("签收办理"),
                (S.IN_PROGRESS,),
                S.IN_PROGRESS,
                is_separate_unit,
                guard=f"{SERVICES}.handling.guard_acknowledge",
                offered=f"{SERVICES}.handling.acknowledge_offered",
                effect=f"{SERVICES}.handling.on_acknowledge",
                notify_holders=False,
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
                offered=f"{SERVICES}.handling.extend_offered",
                effect=f"{SERVICES}.handling.on_extend",
                style="outline-secondary",
            ),
            # A misassigned or silent co-unit must not block the lead's reply (the lead waits for every
            # co-unit's opinion): the assigners relieve it, or let the lead reply without its opinion.
            Action(
                "remove_co_unit",
                _("撤销会办单位"),
                (S.IN_PROGRESS,),
                S.IN_PROGRESS,
                is_assigner,
                note_required=True,
                note_label=_("撤销理由"),
                fields=("unit",),
                guard=f"{SERVICES}.handling.guard_remove_co_unit",
                offered=f"{SERVICES}.handling.remove_co_unit_offered",
                effect=f"{SERVICES}.handling.on_remove_co_unit",
                notify_holders=False,
                style="outline-danger",
            ),
            Action(
                "waive_co_opinion",
                _("免于等待会办意见"),
                (S.IN_PROGRESS,),
                S.IN_PROGRESS,
                is_assigner,
                note_required=True,
                note_label=_("理由"),
                fields=("unit",),
                guard=f"{SERVICES}.handling.guard_waive_co_opinion",
                offered=f"{SERVICES}.handling.waive_co_opinion_offered",
                effect=f"{SERVICES}.handling.on_waive_co_opinion",
                notify_holders=False,
                style="outline-secondary",
            ),
            # A co-unit may ask for adjustment within the same window after the hand-over as every unit
            # (domain.md §2), also once the lead has acknowledged: the lead handles on, and the assigners
            # relieve the co-unit or keep it (services.handling). So may a separate unit that has not signed for
            # the proposal yet, once another separate unit's acknowledgement started the handling.
            Action(
                "request_co_return",
                _("申请调整承办单位"),
                (S.IN_PROGRESS,),
                S.IN_PROGRESS,
                is_co_or_separate_unit,
                note_required=True,
                note_label=_("申请调整理由"),
                guard=f"{SERVICES}.handling.guard_request_co_return",
                offered=f"{SERVICES}.handling.request_co_return_offered",
                effect=f"{SERVICES}.handling.on_request_co_return",
                notify_holders=False,
                note_in_notice=False,
                style="outline-danger",
                note_readers=is_assigner,
            ),
            Action(
                "accept_co_return",
                _("同意调整"),
                (S.IN_PROGRESS,),
                S.IN_PROGRESS,
                is_assigner,
                fields=("unit", "replacement"),
                guard=f"{SERVICES}.handling.guard_accept_co_return",
                offered=f"{SERVICES}.handling.co_return_pending",
                effect=f"{SERVICES}.handling.on_accept_co_return",
                notify_holders=False,
                note_in_notice=False,
                note_readers=is_assigner,
            ),
            Action(
                "refuse_co_return",
                _("不同意调整"),
                (S.IN_PROGRESS,),
                S.IN_PROGRESS,
                is_assigner,
                note_required=True,
                note_label=_("不同意调整的理由"),
                fields=("unit",),
                guard=f"{SERVICES}.handling.guard_decide_co_return",
                offered=f"{SERVICES}.handling.co_return_pending",
                effect=f"{SERVICES}.handling.on_refuse_co_return",
                notify_holders=False,
                note_in_notice=False,
                style="outline-danger",
                note_readers=is_assigner,
            ),
            *(a for state, suffix in EXTENSION_SUFFIX.items() for a in extension_actions(state, suffix)),
            # Fired by the last replying unit's reply, or by the platform once the last unit still to reply was
            # relieved (a separate unit's request for adjustment accepted) and the others have replied.
            Action(
                "send_reply",
                _("报送答复"),
                (S.IN_PROGRESS, S.REHANDLING),
                S.REVIEW,
                replies_or_system,
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
                # The effect tells the proposers (with the day to rate by) and the replying units (approved, and
                # reclassified when the office changed the class).
                notify_holders=False,
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
                is_system,
                guard=f"{SERVICES}.feedback.guard_conclude_closed",
                effect=f"{SERVICES}.feedback.on_close",
            ),
            Action(
                "conclude_follow_up",
                _("评价完成：跟踪落实"),
                (S.REPLIED,),
                S.FOLLOW_UP,
                is_system,
                guard=f"{SERVICES}.feedback.guard_conclude_follow_up",
            ),
            Action(
                "conclude_unsatisfied",
                _("评价完成：不满意"),
                (S.REPLIED,),
                S.UNSATISFIED,
                is_system,
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
                offered=f"{SERVICES}.feedback.rehandle_offered",
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
        # The handling side reads every note; the proposers those of the steps they are told of (the
        # office's reasons, the units' answers), not its working notes (`note_in_notice=False`). The party
        # and government offices read those of the requests they decide (a unit's request for adjustment
        # or for more time, and the decisions on it: `note_readers`); other members read none.
        reads_notes=reads_all_notes,
        addressee=is_proposer,
        # A co-signer's answer to the invitation (services.drafting.respond_cosign): who, when, which answer.
        recorded_steps={"cosign_accept": _("同意联名"), "cosign_decline": _("谢绝联名")},
    )
)

# Actions fired by the services themselves, never offered as buttons: the conclusion of the ratings is the
# platform's step (no actor, shown as 系统), the reply goes to review once every replying unit has replied.
SYSTEM_ACTIONS = frozenset({"conclude_closed", "conclude_follow_up", "conclude_unsatisfied", "send_reply"})
