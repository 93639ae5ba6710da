"""State machines: research group, research task, consultation report, meeting."""

from django.utils.translation import gettext_lazy as _

from consultations.models import GroupStatus, MeetingStatus, ReportStatus, TaskStatus
from consultations.predicates import (
    adopts_reports,
    is_report_lead,
    manages_group,
    manages_meeting,
    manages_task,
    oversees_meetings,
    runs_research,
    works_on_report,
)
from core.workflow import Action, Workflow, register

GROUP_WORKFLOW = register(
    Workflow(
        model="consultations.ResearchGroup",
        list_url="consultations:groups",
        states=GroupStatus,
        initial=GroupStatus.FORMING,
        actions=[
            Action(
                "start_research",
                _("开始调研"),
                (GroupStatus.FORMING,),
                GroupStatus.RESEARCHING,
                manages_group,
                guard="consultations.services.research.guard_group_can_start",
            ),
            Action(
                "conclude",
                _("结束调研"),
                (GroupStatus.RESEARCHING,),
                GroupStatus.CONCLUDED,
                manages_group,
                guard="consultations.services.research.guard_group_can_conclude",
                effect="consultations.services.research.on_group_closed",
            ),
            Action(
                "cancel",
                _("撤销课题组"),
                (GroupStatus.FORMING, GroupStatus.RESEARCHING),
                GroupStatus.CANCELLED,
                runs_research,
                note_required=True,
                note_label=_("撤销理由"),
                effect="consultations.services.research.on_group_closed",
                style="outline-danger",
            ),
        ],
        visible="consultations.selectors.groups_visible_to",
        inbox="consultations.selectors.group_inbox",
        # The group's notes are its working material's: an invitee who has not accepted sees the steps.
        reads_notes="consultations.selectors.reads_research_notes",
        recorded_steps={"accept_invitation": _("接受邀请，加入课题组")},
    )
)

TASK_WORKFLOW = register(
    Workflow(
        model="consultations.ResearchTask",
        states=TaskStatus,
        initial=TaskStatus.OPEN,
        actions=[
            Action("complete", _("标记完成"), (TaskStatus.OPEN,), TaskStatus.DONE, manages_task),
            Action(
                "reopen",
                _("重新打开"),
                (TaskStatus.DONE,),
                TaskStatus.OPEN,
                manages_task,
                note_required=True,
                note_label=_("重新打开的原因"),
                style="outline-secondary",
            ),
        ],
        visible="consultations.selectors.tasks_visible_to",
        inbox="consultations.selectors.task_inbox",
        reads_notes="consultations.selectors.reads_research_notes",
    )
)

REPORT_WORKFLOW = register(
    Workflow(
        model="consultations.ConsultationReport",
        states=ReportStatus,
        initial=ReportStatus.DRAFTING,
        actions=[
            Action(
                "submit_review",
                _("提交组长审阅"),
                (ReportStatus.DRAFTING,),
                ReportStatus.REVIEW,
                works_on_report,
                guard="consultations.services.research.guard_report_has_draft",
                offered="consultations.predicates.report_has_version",
            ),
            Action(
                "return_for_revision",
                _("退回修改"),
                (ReportStatus.REVIEW,),
                ReportStatus.DRAFTING,
                is_report_lead,
                note_required=True,
                note_label=_("修改要求"),
                style="outline-secondary",
            ),
            Action(
                "finalise",
                _("定稿"),
                (ReportStatus.DRAFTING, ReportStatus.REVIEW),
                ReportStatus.FINALISED,
                is_report_lead,
                guard="consultations.services.research.guard_report_can_finalise",
                offered="consultations.services.research.finalise_offered",
                effect="consultations.services.research.on_report_finalised",
                style="success",
            ),
            Action(
                "reopen",
                _("撤回定稿"),
                (ReportStatus.FINALISED,),
                ReportStatus.DRAFTING,
                is_report_lead,
                note_required=True,
                note_label=_("撤回原因"),
                style="outline-secondary",
            ),
            Action("adopt", _("采用报告"), (ReportStatus.FINALISED,), ReportStatus.ADOPTED, adopts_reports),
        ],
        holders="consultations.selectors.report_holders",
        visible="consultations.selectors.reports_visible_to",
        inbox="consultations.selectors.report_inbox",
        reads_notes="consultations.selectors.reads_research_notes",
    )
)

MEETING_WORKFLOW = register(
    Workflow(
        model="consultations.Meeting",
        list_url="consultations:calendar",
        states=MeetingStatus,
        initial=MeetingStatus.PLANNED,
        actions=[
            Action(
                "send_invitations",
                _("发出会议通知"),
                (MeetingStatus.PLANNED,),
                MeetingStatus.INVITED,
                manages_meeting,
                guard="consultations.services.meetings.guard_notice_can_be_sent",
                offered="consultations.predicates.notice_still_useful",
                effect="consultations.services.meetings.on_invitations_sent",
            ),
            Action(
                "hold",
                _("会议召开"),
                (MeetingStatus.PLANNED, MeetingStatus.INVITED),
                MeetingStatus.HELD,
                manages_meeting,
                guard="consultations.services.meetings.guard_meeting_can_be_held",
                offered="consultations.predicates.meeting_day_has_come",
            ),
            Action(
                "issue_minutes",
                _("印发会议纪要"),
                (MeetingStatus.HELD,),
                MeetingStatus.MINUTED,
                manages_meeting,
                guard="consultations.services.meetings.guard_meeting_can_be_minuted",
                effect="consultations.services.meetings.on_minutes_issued",
                style="success",
            ),
            Action(
                "cancel",
                _("取消会议"),
                (MeetingStatus.PLANNED, MeetingStatus.INVITED),
                MeetingStatus.CANCELLED,
                manages_meeting,
                note_required=True,
                note_label=_("取消原因"),
                effect="consultations.services.meetings.on_meeting_cancelled",
                style="outline-danger",
            ),
        ],
        visible="consultations.selectors.meetings_visible_to",
        holders="consultations.selectors.meeting_holders",
        inbox="consultations.selectors.meeting_inbox",
        # The offices that convene meetings (or whoever created one) and those who oversee them read every
        # note; the participants read the reasons they are told (a cancellation's); the research group
        # whose meeting it is sees the steps.
        reads_notes=oversees_meetings | manages_meeting,
        addressee="consultations.selectors.is_meeting_participant",
        # Meeting materials uploaded and removed by who runs the meeting (`services.add_meeting_material`).
        recorded_steps={"add_material": _("上传会议材料"), "remove_material": _("删除会议材料")},
    )
)
