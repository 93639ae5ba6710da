"""The supervision task and special report state machines (domain.md §5, adapted)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.predicates import is_cppcc_leader
from core.workflow import Action, Workflow, register
from core.workflow import extension_actions as core_extension_actions
from supervision.choices import HANDLING_STATES, ReportStatus, TaskStatus
from supervision.predicates import (
    is_lead_liaison,
    is_rater,
    is_report_compiler,
    is_secretary_general,
    is_supervising_office,
    is_system,
    is_task_liaison,
    is_transfer_office,
)

S = TaskStatus
SVC = "supervision.services.tasks."
EXT = "supervision.services.extension"
# The lead department may ask for more time in every state in which it handles the task; an action
# has one target, so each state has its own three actions (name suffix per state).
EXTENSION_SUFFIX = {
    S.ACKED: "_acked",
    S.IN_PROGRESS: "",
    S.OVERDUE: "_overdue",
    S.REMINDED: "_reminded",
    S.REOPENED: "_reopened",
}


def extension_actions(state: str, suffix: str) -> list[Action]:
    """The lead department's extension request and the transfer office's decision in `state`. A later
    date granted to an overdue (or chased) task puts it back to 办理中 (its `was_overdue` stays: the
    ranking still counts it late). Each is offered (page, API transitions) only when its guard lets it:
    the request while one may ask, the decision while a request waits."""
    return core_extension_actions(
        state,
        suffix,
        services=EXT,
        asker=is_lead_liaison,
        decider=is_transfer_office,
        field="due_date",
        request_label=_("申请延期"),
        granted=S.IN_PROGRESS if state in (S.OVERDUE, S.REMINDED) else state,
        request_offered=f"{EXT}.request_offered",
        decide_offered=f"{EXT}.decide_offered",
    )


TASK_WORKFLOW = register(
    Workflow(
        model="supervision.SupervisionTask",
        list_url="supervision:tasks",
        states=TaskStatus,
        initial=S.CREATED,
        actions=[
            Action(
                "assign",
                _("交办"),
                (S.CREATED,),
                S.ASSIGNED,
                is_transfer_office,
                guard=SVC + "guard_assign",
                effect=SVC + "on_assign",
                fields=("lead_department", "due_date"),
            ),
            Action("accept", _("签收"), (S.ASSIGNED,), S.ACKED, is_lead_liaison),
            Action(
                "request_reassign",
                # Its own msgid: the state 申请改派 reads "Reassignment requested", the button "Request reassignment".
                pgettext_lazy("action", "申请改派"),
                (S.ASSIGNED,),
                S.REASSIGN,
                is_lead_liaison,
                note_required=True,
                note_label=_("申请改派的理由"),
                guard=SVC + "guard_request_reassign",
                offered=SVC + "reassign_request_offered",
                style="outline-danger",
            ),
            Action(
                "reassign",
                _("改派"),
                # On the department's request, or on the government office's own while nobody has accepted
                # the task yet (a wrong lead department corrected before it acts).
                (S.REASSIGN, S.ASSIGNED),
                S.ASSIGNED,
                is_transfer_office,
                guard=SVC + "guard_reassign",
                effect=SVC + "on_reassign",
                fields=("lead_department", "due_date"),
            ),
            Action(
                "keep_assignment",
                _("维持原交办"),
                (S.REASSIGN,),
                S.ASSIGNED,
                is_transfer_office,
                note_required=True,
                note_label=_("维持原交办的理由"),
                style="outline-secondary",
            ),
            Action("start", _("开始办理"), (S.ACKED, S.REOPENED), S.IN_PROGRESS, is_task_liaison),
            Action(
                "mark_overdue",
                _("逾期"),
                (S.ASSIGNED, S.ACKED, S.IN_PROGRESS, S.REOPENED),
                S.OVERDUE,
                is_system,
                effect=SVC + "on_overdue",
            ),
            Action(
                "remind",
                _("催办"),
                (S.OVERDUE, S.REMINDED),
                S.REMINDED,
                is_supervising_office,
                note_required=True,
                note_label=_("催办意见"),
                style="warning",
            ),
            Action(
                "submit_reply",
                _("提交答复"),
                HANDLING_STATES,
                S.FEEDBACK,
                is_lead_liaison,
                guard=SVC + "guard_submit_reply",
                effect=SVC + "on_submit_reply",
                own_form=True,
            ),
            # A satisfied or basic rating closes the task, unless the reply only promises (正在解决或列入计划):
            # then the task is followed up (跟踪落实) until the department reports it done. The same buttons;
            # which pair is offered (and allowed by its guard) follows the reply's class.
            *(
                Action(
                    name,
                    label,
                    (S.FEEDBACK,),
                    target,
                    is_rater,
                    guard=SVC + guard,
                    offered=SVC + offered,
                    effect=SVC + "on_rate",
                    style=style,
                )
                for suffix, target, guard, offered in (
                    ("", S.CLOSED, "guard_rate_close", "rating_closes"),
                    ("_follow_up", S.FOLLOW_UP, "guard_rate_follow_up", "rating_follows_up"),
                )
                for name, label, style in (
                    (f"rate_satisfied{suffix}", _("评价：满意"), "success"),
                    (f"rate_basic{suffix}", _("评价：基本满意"), "outline-success"),
                )
            ),
            Action(
                "report_done",
                _("报告落实完成"),
                (S.FOLLOW_UP,),
                S.CLOSED,
                is_lead_liaison,
                note_required=True,
                note_label=_("落实情况"),
                effect=SVC + "on_report_done",
                style="success",
                # The rater (told by `task_watchers`) reads what the department says it did.
                note_readers=is_rater,
            ),
            Action(
                "rate_unsatisfied",
                _("评价：不满意，重新办理"),
                (S.FEEDBACK,),
                S.REOPENED,
                is_rater,
                note_required=True,
                note_label=_("不满意的理由"),
                effect=SVC + "on_rate",
                style="outline-danger",
            ),
            *(a for state, suffix in EXTENSION_SUFFIX.items() for a in extension_actions(state, suffix)),
        ],
        holders="supervision.selectors.task_holders",
        watchers="supervision.selectors.task_watchers",
        visible="supervision.selectors.tasks_visible_to",
        inbox="supervision.selectors.task_inbox",
        # The notes (reminders, reassignment and extension requests and their answers, an unsatisfied
        # rating's reasons) pass between the supervising offices and the lead department; the
        # co-departments and the rater see the steps, and read the notes they wrote.
        reads_notes="supervision.selectors.reads_task_notes",
        # Steps recorded beside the actions (core.services.record_status_change): the deadline taken
        # from the record the task was opened from (a key proposal's reply deadline).
        recorded_steps={"follow_source_deadline": _("随来源调整办理期限")},
    )
)

R = ReportStatus
RSVC = "supervision.services.reports."

REPORT_WORKFLOW = register(
    Workflow(
        model="supervision.SpecialReport",
        list_url="supervision:reports",
        states=ReportStatus,
        initial=R.DRAFT,
        actions=[
            Action(
                "submit",
                _("送秘书长签发"),
                (R.DRAFT,),
                R.SUBMITTED,
                is_report_compiler,
                guard=RSVC + "guard_submit",
                offered=RSVC + "submit_offered",
            ),
            Action(
                "return",
                _("退回修改"),
                (R.SUBMITTED,),
                R.DRAFT,
                is_secretary_general,
                note_required=True,
                note_label=_("退回意见"),
                style="outline-danger",
            ),
            Action("sign", _("签发"), (R.SUBMITTED,), R.SIGNED, is_secretary_general, effect=RSVC + "on_sign"),
            Action("issue", _("印发"), (R.SIGNED,), R.ISSUED, is_report_compiler, effect=RSVC + "on_issue"),
        ],
        holders="supervision.selectors.report_holders",
        visible="supervision.selectors.reports_visible_to",
        inbox="supervision.selectors.report_inbox",
        # The draft's return comments are between the research office that compiles the report and the
        # CPPCC leaders who sign it; the offices it goes to see the steps.
        reads_notes=is_report_compiler | is_cppcc_leader,
    )
)
