"""The grassroots workflows: a duty group's issue (collected → investigating → resolved with an
outcome, or dropped; a plan followed up until carried out, or looked into again when the appeal it came
from is reopened) and a resident's booking on a reception day (booked → attended, no-show or
cancelled)."""

from django.utils.translation import gettext_lazy as _

from accounts.predicates import is_cppcc_leader
from core.workflow import Action, Workflow, register
from grassroots.models import Appointment
from grassroots.models import IssueStatus as S
from grassroots.predicates import answers_planned_appeal, handles_issue, holds_booking, runs_booked_workstation

WORKFLOW = register(
    Workflow(
        model="grassroots.DutyIssue",
        states=S,
        initial=S.COLLECTED,
        actions=[
            Action(
                "investigate",
                _("开始调查"),
                (S.COLLECTED,),
                S.INVESTIGATING,
                handles_issue,
                note_label=_("调查安排"),
            ),
            # Solved on the spot, or explained to the residents: done.
            Action(
                "resolve",
                _("办结"),
                (S.INVESTIGATING,),
                S.RESOLVED,
                handles_issue,
                note_required=True,
                note_label=_("结果说明"),
                fields=("outcome",),
                guard="grassroots.services.check_outcome",
                effect="grassroots.services.on_resolve",
            ),
            # 制定计划限期解决: followed up until the plan is carried out; reminded at its date, then every
            # ISSUE_PLAN_REMIND_EVERY_DAYS days while overdue (`grassroots.services.remind_due_plans`,
            # command send_issue_plan_reminders).
            Action(
                "plan",
                _("制定计划限期解决"),
                (S.INVESTIGATING,),
                S.FOLLOW_UP,
                handles_issue,
                note_required=True,
                note_label=_("计划内容"),
                fields=("plan_due_date",),
                guard="grassroots.services.check_plan",
                effect="grassroots.services.on_plan",
            ),
            # An issue taken up from an appeal closed with a plan has the appeal's plan (one plan): who
            # answers the appeal records it carried out or moves it here too, the same step on both
            # (`grassroots.services.follow_appeal_step`).
            Action(
                "complete_plan",
                _("计划已落实"),
                (S.FOLLOW_UP,),
                S.RESOLVED,
                handles_issue | answers_planned_appeal,
                note_required=True,
                note_label=_("落实情况"),
                effect="grassroots.services.on_complete_plan",
            ),
            Action(
                "reschedule_plan",
                _("调整计划完成日期"),
                (S.FOLLOW_UP,),
                S.FOLLOW_UP,
                handles_issue | answers_planned_appeal,
                note_required=True,
                note_label=_("调整原因"),
                fields=("plan_due_date",),
                guard="grassroots.services.check_reschedule",
                effect="grassroots.services.on_reschedule",
                style="outline-secondary",
            ),
            # The appeal it came from was reopened (重新办理, the citizen not satisfied) after its plan was
            # made: the group looks into it again and may hold a further micro-consultation. Fired with the
            # appeal's reopen (`grassroots.services.follow_appeal_step`), or on the issue's page for one
            # reopened before.
            Action(
                "reopen",
                _("随诉求重新办理"),
                (S.FOLLOW_UP,),
                S.INVESTIGATING,
                handles_issue,
                note_required=True,
                note_label=_("重新办理原因"),
                guard="grassroots.services.check_appeal_reopened",
                offered="grassroots.services.appeal_reopened",
                effect="grassroots.services.on_reopen",
                own_form=True,
                notify_holders=False,
            ),
            Action(
                "drop",
                _("不予处理"),
                (S.COLLECTED, S.INVESTIGATING),
                S.DROPPED,
                handles_issue,
                note_required=True,
                note_label=_("理由"),
                effect="grassroots.services.on_drop",
                style="outline-secondary",
            ),
        ],
        holders="grassroots.selectors.issue_holders",
        visible="grassroots.selectors.issues_visible_to",
        inbox="grassroots.selectors.issue_inbox",
        # The duty group's working notes: its members and the clerks who run it, and the CPPCC leaders;
        # the other members and offices, who read its issues, see the steps.
        reads_notes=handles_issue | is_cppcc_leader,
    )
)


B = Appointment.Status

# Every action on a booking but the resident's own is for who runs its workstation: the day page
# offers them by state and time only (`grassroots.views.office._day_page`), which a test keeps true.
APPOINTMENT_WORKFLOW = register(
    Workflow(
        model="grassroots.Appointment",
        states=B,
        initial=B.BOOKED,
        actions=[
            # The resident, with the reference and the phone number (`services.cancel_appointment`).
            Action(
                "cancel",
                _("预约人取消"),
                (B.BOOKED,),
                B.CANCELLED,
                holds_booking,
                note_label=_("取消原因（选填）"),
                guard="grassroots.services.guard_resident_cancel",
                effect="grassroots.services.on_booking_cancelled",
                own_form=True,
            ),
            Action(
                "cancel_for_resident",
                _("代预约人取消"),
                (B.BOOKED,),
                B.CANCELLED,
                runs_booked_workstation,
                note_required=True,
                note_label=_("取消原因（如群众来电告知不能到场）"),
                guard="grassroots.services.guard_before_end",
                offered="grassroots.services.before_end",
                effect="grassroots.services.on_booking_cancelled",
                style="outline-danger",
            ),
            # The whole reception day is cancelled (`services.cancel_reception_day`), with its reason.
            Action(
                "cancel_with_day",
                _("接待日取消"),
                (B.BOOKED,),
                B.CANCELLED,
                runs_booked_workstation,
                note_required=True,
                note_label=_("取消接待日的原因"),
                own_form=True,
            ),
            # Recorded with the reception's contact log (`services.log_contact`); a booking marked as
            # not come by mistake can still be received.
            Action(
                "attend",
                _("登记已接待"),
                (B.BOOKED, B.NO_SHOW),
                B.ATTENDED,
                runs_booked_workstation,
                guard="grassroots.services.guard_day_has_come",
                own_form=True,
            ),
            Action(
                "no_show",
                _("未到场"),
                (B.BOOKED,),
                B.NO_SHOW,
                runs_booked_workstation,
                note_label=_("说明（选填）"),
                guard="grassroots.services.guard_started",
                offered="grassroots.services.has_started",
                style="outline-secondary",
            ),
        ],
        visible="grassroots.selectors.appointments_visible_to",
        inbox="grassroots.selectors.appointment_inbox",
        # Who runs the workstation and the CPPCC leaders; the resident reads why a booking was cancelled.
        reads_notes=runs_booked_workstation | is_cppcc_leader,
        addressee=holds_booking,
    )
)
