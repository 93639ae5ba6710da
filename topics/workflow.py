"""State machines of 拟题/确题: collection rounds, topic suggestions and the annual plan.

The plan's approval steps come from `config.PLAN_APPROVAL_CHAIN` (see topics/chain.py). Every step
has a pending state; the action that finishes a step is declared once per possible next state and
is only available when the configured chain leads there, so dropping or reordering steps needs no
code change. Action names read as "<what>_to_<next state>", e.g. `leader_approve_to_vote`.
"""

from django.utils.translation import gettext_lazy as _

from accounts.predicates import is_clerk
from core.workflow import Action, Workflow, register
from topics import predicates as p
from topics.chain import STEP_STATE
from topics.models import PlanStatus, RoundStatus, SuggestionStatus

S = SuggestionStatus
P = PlanStatus

ROUND_WORKFLOW = register(
    Workflow(
        model="topics.CollectionRound",
        list_url="topics:rounds",
        states=RoundStatus,
        initial=RoundStatus.OPEN,
        actions=[
            Action(
                "close",
                _("截止征集"),
                (RoundStatus.OPEN,),
                RoundStatus.CLOSED,
                is_clerk,
                # Closed before its deadline, the effect tells those who were asked to suggest until then.
                effect="topics.services.suggestions.on_close_round",
                style="secondary",
            ),
            Action(
                "reopen",
                _("重新开放征集"),
                (RoundStatus.CLOSED,),
                RoundStatus.OPEN,
                is_clerk,
                note_required=True,
                note_label=_("重新开放的原因"),
                guard="topics.services.suggestions.guard_reopen_round",
                offered="topics.services.suggestions.reopen_offered",
                style="outline-primary",
            ),
        ],
        holders="topics.selectors.round_holders",
        visible="topics.selectors.rounds_visible_to",
        # Opening and closing a round is the office's work: those who follow the whole plan read its notes.
        reads_notes=p.sees_all_plans,
    )
)

SUGGESTION_WORKFLOW = register(
    Workflow(
        model="topics.TopicSuggestion",
        list_url="topics:suggestions",
        states=SuggestionStatus,
        initial=S.DRAFT,
        actions=[
            Action(
                "submit",
                _("提交建议"),
                (S.DRAFT,),
                S.SUBMITTED,
                p.is_suggester,
                guard="topics.services.suggestions.guard_submit",
                effect="topics.services.suggestions.on_submit",
            ),
            Action("shortlist", _("列入备选"), (S.SUBMITTED,), S.SHORTLISTED, is_clerk),
            Action(
                "merge",
                _("合并到其他建议"),
                (S.SUBMITTED, S.SHORTLISTED),
                S.MERGED,
                is_clerk,
                fields=("into",),
                guard="topics.services.suggestions.guard_merge",
                effect="topics.services.suggestions.on_merge",
                style="outline-secondary",
            ),
            Action(
                "reject",
                _("不予采纳"),
                (S.SUBMITTED, S.SHORTLISTED),
                S.REJECTED,
                is_clerk,
                note_required=True,
                note_label=_("未采纳理由（将告知提出人）"),
                effect="topics.services.suggestions.on_reject",
                style="outline-danger",
            ),
            # Fired by topics.services.plan when an item of the draft plan names this suggestion.
            Action("adopt", _("列入计划草案"), (S.SUBMITTED, S.SHORTLISTED), S.ADOPTED, is_clerk & p.is_in_a_plan_item),
            # Fired by topics.services.plan when no item of any plan names it any more (an origin
            # deselected, an item taken out): back to the shortlist, to be listed, merged or rejected.
            Action(
                "unadopt",
                _("移出计划草案"),
                (S.ADOPTED,),
                S.SHORTLISTED,
                is_clerk & ~p.is_in_a_plan_item,
                style="outline-secondary",
            ),
        ],
        holders="topics.selectors.suggestion_holders",
        visible="topics.selectors.suggestions_visible_to",
        inbox="topics.selectors.suggestion_inbox",
        # The office screens suggestions; the suggester is told each outcome with its reason.
        reads_notes=p.sees_all_plans,
        addressee=p.is_suggester,
    )
)

# The steps whose refusal the plan page explains next to the action, disabled (三办会签未齐, 赞成票不足):
# what the clerk must know before the step can be taken. The others are only left out while refused.
EXPLAINED_STEPS = ("joint_agree", "vote_pass")

# (step, action base name, label, who, extra keyword arguments). An action with a guard is offered only
# when the guard would let it through: pressing it could only be refused. In _STEP_RETURN a `note_label`
# may be a dict by the state the return goes to: the label tells where the plan goes.
_STEP_FINISH = [
    ("chairs_meeting", "chairs_approve", _("主席会议审议通过"), p.can_record_chairs_meeting, {}),
    (
        "joint_offices",
        "joint_agree",
        _("三办联席会定稿"),
        is_clerk,
        {"guard": "topics.services.plan.guard_joint_agree", "offered": "topics.services.plan.joint_agree_offered"},
    ),
    (
        "party_leader",
        "leader_approve",
        _("审阅同意"),
        p.can_review_plan,
        {
            "note_label": _("批示（可选）"),
            "effect": "topics.services.plan.on_leader_approve",
        },
    ),
    (
        "standing_vote",
        "vote_pass",
        _("宣布表决通过"),
        is_clerk,
        {
            "guard": "topics.services.votes.guard_vote_passes",
            "effect": "topics.services.votes.on_vote_closed",
            "offered": "topics.services.votes.pass_offered",
        },
    ),
]
# Which action finishes each step: the plan's timeline tells the steps it actually passed.
STEP_FINISH_ACTIONS = {step: base for step, base, *_rest in _STEP_FINISH}
_STEP_RETURN = [
    (
        "chairs_meeting",
        "chairs_return",
        _("主席会议退回修改"),
        p.can_record_chairs_meeting,
        {
            "note_required": True,
            "note_label": _("退回意见"),
            # The effect tells the clerks the plan came back and why.
            "effect": "topics.services.plan.tell_returned",
            "notify_holders": False,
        },
    ),
    (
        "party_leader",
        "leader_return",
        _("退回并批示"),
        p.can_review_plan,
        {
            "note_required": True,
            "note_label": {
                P.JOINT: _("批示意见（退回三办联席会修改）"),
                P.DRAFT: _("批示意见（退回草案编制修改）"),
            },
            "effect": "topics.services.plan.on_leader_return",
            "notify_holders": False,
        },
    ),
    (
        "standing_vote",
        "vote_fail",
        _("宣布表决未通过"),
        is_clerk,
        {
            "guard": "topics.services.votes.guard_vote_fails",
            "effect": "topics.services.votes.on_vote_closed",
            "offered": "topics.services.votes.fail_offered",
        },
    ),
]
_SUBMIT_LABELS = {
    P.CHAIRS: _("提交主席会议审议"),
    P.JOINT: _("提交三办联席会修改"),
    P.LEADER: _("呈报区委领导审阅"),
    P.VOTE: _("提交常委会表决"),
    P.ADOPTED: _("直接审定"),
}


def _plan_actions() -> list[Action]:
    """Every move the chain may ask for; the `allowed` predicate checks the configured chain."""
    actions = [
        Action(
            f"submit_to_{target}",
            label,
            (P.DRAFT,),
            target,
            is_clerk & p.first_state_is(target),
            guard="topics.services.plan.guard_submit",
            effect="topics.services.plan.on_submit",
        )
        for target, label in _SUBMIT_LABELS.items()
    ]
    for step, base, label, who, extra in _STEP_FINISH:
        for target in [*STEP_STATE.values(), P.ADOPTED]:
            if target == STEP_STATE[step]:
                continue
            actions.append(
                Action(
                    f"{base}_to_{target}",
                    label,
                    (STEP_STATE[step],),
                    target,
                    who & p.next_state_is(step, target),
                    **extra,
                )
            )
    for step, base, label, who, extra in _STEP_RETURN:
        for target in (P.DRAFT, P.JOINT):
            kwargs = dict(extra)
            if isinstance(kwargs.get("note_label"), dict):
                kwargs["note_label"] = kwargs["note_label"][target]
            actions.append(
                Action(
                    f"{base}_to_{target}",
                    label,
                    (STEP_STATE[step],),
                    target,
                    who & p.return_state_is(step, target),
                    style="outline-danger",
                    **kwargs,
                )
            )
    actions.append(
        # A standing-committee meeting without its quorum: the vote is closed as not taken (result
        # no_quorum, the attendance stays on record) and the plan waits for a new vote.
        Action(
            "vote_no_quorum",
            _("宣布未达到法定人数"),
            (STEP_STATE["standing_vote"],),
            STEP_STATE["standing_vote"],
            is_clerk,
            guard="topics.services.votes.guard_no_quorum",
            effect="topics.services.votes.on_vote_closed",
            offered="topics.services.votes.no_quorum_offered",
            notify_holders=False,
            style="outline-danger",
        )
    )
    actions.append(
        Action(
            "publish",
            _("印发计划"),
            (P.ADOPTED,),
            P.PUBLISHED,
            p.can_publish,
            fields=("doc_number",),
            guard="topics.services.publication.guard_publish",
            effect="topics.services.publication.on_publish",
        )
    )
    return actions


PLAN_WORKFLOW = register(
    Workflow(
        model="topics.ConsultationPlan",
        list_url="topics:plans",
        states=PlanStatus,
        initial=P.DRAFT,
        actions=_plan_actions(),
        holders="topics.selectors.plan_holders",
        visible="topics.selectors.plans_visible_to",
        inbox="topics.selectors.plan_inbox",
        # The chairs' and the party leader's comments are the plan's deliberations.
        reads_notes=p.sees_plan_deliberations,
        # A standing member's paper ballot the office entered at the vote (services.votes.record_paper_ballot).
        recorded_steps={"paper_ballot": _("代为录入书面表决票")},
    )
)
