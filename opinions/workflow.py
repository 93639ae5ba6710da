"""The 社情民意 state machine (domain.md §3): submit → receive → sign off → publish → report up → adoption."""

from django.utils.translation import gettext_lazy as _

from accounts.predicates import is_cppcc_leader, is_info_office
from core.workflow import Action, Workflow, register
from opinions.models import Status
from opinions.predicates import can_submit_report, is_forward_unit, is_platform, is_signer

S = Status
SVC = "opinions.services"
ADOPTED = (S.ADOPTED_LOCAL, S.REPORTED, S.ADOPTED_UPPER)

WORKFLOW = register(
    Workflow(
        model="opinions.OpinionReport",
        list_url="opinions:list",
        states=Status,
        initial=S.DRAFT,
        actions=[
            Action(
                "submit",
                _("报送"),
                (S.DRAFT,),
                S.SUBMITTED,
                can_submit_report,
                guard=f"{SVC}.guard_submit",
                effect=f"{SVC}.on_submit",
            ),
            Action(
                "return",
                _("退回"),
                (S.SUBMITTED,),
                S.DRAFT,
                is_info_office,
                note_required=True,
                note_label=_("退回理由"),
                style="outline-danger",
            ),
            Action("receive", _("接收"), (S.SUBMITTED,), S.RECEIVED, is_info_office, effect=f"{SVC}.on_receive"),
            Action("sign_off", _("签批"), (S.RECEIVED,), S.SIGNED, is_signer, effect=f"{SVC}.on_sign_off"),
            Action(
                "forward",
                _("转送有关单位"),
                (S.RECEIVED,),
                S.FORWARDED,
                is_info_office,
                fields=("department",),
                guard=f"{SVC}.guard_forward",
                effect=f"{SVC}.on_forward",
                style="outline-secondary",
            ),
            Action(
                "not_adopt",
                _("不予采用"),
                (S.RECEIVED,),
                S.NOT_ADOPTED,
                is_info_office,
                note_required=True,
                note_label=_("不予采用的理由"),
                style="outline-danger",
            ),
            Action(
                "publish",
                _("编发《社情民意》"),
                (S.SIGNED,),
                S.ADOPTED_LOCAL,
                is_info_office,
                fields=("bulletin", "bulletin_title"),
                guard=f"{SVC}.guard_publish",
                effect=f"{SVC}.on_publish",
            ),
            Action(
                "report_up",
                _("报送区委区政府及上级政协"),
                (S.ADOPTED_LOCAL,),
                S.REPORTED,
                is_info_office,
                fields=("to",),
                guard=f"{SVC}.guard_report_up",
                effect=f"{SVC}.on_report_up",
            ),
            Action(
                "record_adoption",
                _("登记上级采用"),
                (S.REPORTED,),
                S.ADOPTED_UPPER,
                is_info_office,
                fields=("level", "date"),
                guard=f"{SVC}.guard_adoption",
                effect=f"{SVC}.on_adoption",
            ),
            Action(
                "record_instruction",
                _("登记领导批示"),
                (*ADOPTED, S.INSTRUCTED),
                S.INSTRUCTED,
                is_info_office,
                fields=("leader", "level", "text", "date", "department"),
                guard=f"{SVC}.guard_instruction",
                effect=f"{SVC}.on_instruction",
            ),
            Action(
                "record_feedback",
                _("登记落实反馈"),
                (S.INSTRUCTED, S.FORWARDED),
                S.FEEDBACK,
                # The platform records the replies given on an instruction's supervision tasks itself.
                is_platform | is_info_office | is_forward_unit,
                note_required=True,
                note_label=_("反馈情况"),
                guard=f"{SVC}.guard_feedback",
                effect=f"{SVC}.on_feedback",
            ),
            Action(
                "archive",
                _("归档"),
                (*ADOPTED, S.FEEDBACK),
                S.ARCHIVED,
                is_info_office,
                guard=f"{SVC}.guard_archive",
                style="outline-secondary",
            ),
        ],
        holders="opinions.selectors.holders",
        visible="opinions.selectors.reports_visible_to",
        inbox="opinions.selectors.inbox",
        # The information office that edits and sends reports on, the leaders who sign them off and the
        # unit a report was forwarded to (which reports back on it) read every note; the member who
        # reported it reads the reasons and feedback told to him; the rest of the office sees the steps.
        reads_notes=is_info_office | is_cppcc_leader | is_forward_unit,
        addressee="opinions.selectors.is_reporter",
    )
)
