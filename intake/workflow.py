"""The appeal workflow: received → routed → answered → closed (with an outcome), or merged; the
citizen may withdraw it until it is answered. An appeal closed with a plan (制定计划限期解决) stays
closed (the citizen's rating and the statistics count from the closing) and is followed up until its
handlers record the plan carried out, or move its date with a reason; they are reminded at its date,
then every ISSUE_PLAN_REMIND_EVERY_DAYS days while it is overdue (`intake.services.remind_due_plans`,
command send_appeal_plan_reminders)."""

from django.utils.translation import gettext_lazy as _

from accounts.predicates import is_cppcc_leader
from core.workflow import Action, Workflow, register
from intake.models import AppealStatus as S
from intake.predicates import answers_appeal, handles_appeal, handles_appeals_office, is_appeal_citizen, recorded_appeal

# The steps of a duty group's issue taken up from the appeal (grassroots.DutyIssue.appeal), recorded on the
# appeal's audit record too (`intake.services.record_duty_step`): who, when, and the group's note, read by
# the appeal's handling side; the citizen reads a sentence of its own (`selectors.duty_step_label`).
DUTY_STEPS = {
    "duty_collect": _("登记为履职小组民生问题"),
    "duty_micro": _("履职小组微协商"),
    "duty_resolve": _("履职小组办结民生问题"),
    "duty_plan": _("履职小组制定解决计划"),
    "duty_complete_plan": _("履职小组登记计划已落实"),
    "duty_reschedule_plan": _("履职小组调整计划完成日期"),
    "duty_drop": _("履职小组不予处理民生问题"),
}

WORKFLOW = register(
    Workflow(
        model="intake.Appeal",
        list_url="intake:office-list",
        inbox_query="waiting=on",
        states=S,
        initial=S.RECEIVED,
        actions=[
            Action(
                "route",
                _("分派办理"),
                (S.RECEIVED,),
                S.ROUTED,
                handles_appeals_office,
                fields=("route", "workstation", "duty_group"),
                guard="intake.services.check_route",
                effect="intake.services.on_route",
            ),
            Action(
                "reroute",
                _("改派"),
                (S.ROUTED,),
                S.ROUTED,
                handles_appeals_office,
                note_required=True,
                note_label=_("改派理由"),
                fields=("route", "workstation", "duty_group"),
                guard="intake.services.check_route",
                effect="intake.services.on_route",
                style="outline-secondary",
            ),
            Action(
                "answer",
                _("答复群众"),
                (S.ROUTED,),
                S.ANSWERED,
                answers_appeal,
                note_required=True,
                note_label=_("答复内容"),
                # Not while a referral runs: the department's reply counts once the office accepted it.
                guard="intake.services.check_answer",
                offered="intake.services.may_answer_now",
                effect="intake.services.on_answer",
            ),
            Action(
                "close",
                _("办结"),
                (S.ANSWERED,),
                S.CLOSED,
                answers_appeal,
                note_required=True,
                note_label=_("办理结果说明"),
                fields=("outcome", "plan_due_date"),
                guard="intake.services.check_close",
                offered="intake.services.may_close_now",
                effect="intake.services.on_close",
            ),
            # The plan of a closed appeal: its handlers record it carried out (what was done, told to the
            # citizen on the tracking page) or move its date (the reason stays with the handlers; the old
            # date is kept in the step's data and the edit history). Offered while a plan is open.
            Action(
                "complete_plan",
                _("计划已落实"),
                (S.CLOSED,),
                S.CLOSED,
                answers_appeal,
                note_required=True,
                note_label=_("落实情况（诉求人可见）"),
                guard="intake.services.check_plan_open",
                offered="intake.services.has_open_plan",
                effect="intake.services.on_complete_plan",
                notify_holders=False,
            ),
            Action(
                "reschedule_plan",
                _("调整计划完成日期"),
                (S.CLOSED,),
                S.CLOSED,
                answers_appeal,
                note_required=True,
                note_label=_("调整原因"),
                fields=("plan_due_date",),
                guard="intake.services.check_reschedule_plan",
                offered="intake.services.has_open_plan",
                effect="intake.services.on_reschedule_plan",
                style="outline-secondary",
                notify_holders=False,
                note_in_notice=False,
            ),
            Action(
                "merge",
                _("合并办理"),
                (S.RECEIVED, S.ROUTED),
                S.MERGED,
                handles_appeals_office,
                fields=("into",),
                guard="intake.services.check_merge",
                effect="intake.services.on_merge",
                style="outline-secondary",
            ),
            Action(
                "reopen",
                _("重新办理"),
                (S.CLOSED,),
                S.ROUTED,
                handles_appeals_office,
                note_required=True,
                note_label=_("重新办理原因"),
                effect="intake.services.on_reopen",
                style="outline-danger",
            ),
            # The citizen's own action (signed in as the sender, or holding the tracking code of an
            # appeal sent without an account); never staff on the citizen's behalf.
            Action(
                "withdraw",
                _("诉求人撤回"),
                (S.RECEIVED, S.ROUTED, S.MERGED),
                S.WITHDRAWN,
                is_appeal_citizen,
                note_label=_("撤回原因（选填）"),
                guard="intake.services.check_withdraw",
                effect="intake.services.on_withdraw",
                style="outline-secondary",
            ),
        ],
        holders="intake.selectors.holders",
        visible="intake.selectors.appeals_visible_to",
        inbox="intake.selectors.inbox",
        # Its handlers (the clerks, the members it was routed to, a department while its referral runs)
        # and the CPPCC leaders read every note; the citizen, and whoever took it down for the citizen,
        # the answers and outcomes they are told. The other offices and a department whose referral is
        # over see the steps.
        reads_notes=handles_appeal | is_cppcc_leader,
        addressee=is_appeal_citizen | recorded_appeal,
        # Each merge step names the main case by number and title; the tracking codes a clerk typed into a
        # note are hidden from whoever may not see them (the leaders, the other offices).
        timeline="intake.selectors.staff_timeline",
        # Steps recorded beside the actions (core.services.record_status_change), the state unchanged:
        # a referral to a department (intake.services.refer_to_department; its note names the
        # department and the deadline, read by the handling side); a duty group's steps (DUTY_STEPS).
        recorded_steps={"refer": _("转交部门办理"), **DUTY_STEPS},
    )
)
