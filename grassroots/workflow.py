"""The duty-group issue workflow: collected → investigating → resolved (with an outcome), or dropped."""

from django.utils.translation import gettext_lazy as _

from core.workflow import Action, Workflow, register
from grassroots.models import IssueStatus as S
from grassroots.predicates import handles_issue

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
            Action(
                "resolve",
                _("办结"),
                (S.INVESTIGATING,),
                S.RESOLVED,
                handles_issue,
                note_required=True,
                note_label=_("结果说明"),
                fields=("outcome", "plan_due_date"),
                guard="grassroots.services.check_outcome",
                effect="grassroots.services.on_resolve",
            ),
            Action(
                "drop",
                _("不予处理"),
                (S.COLLECTED, S.INVESTIGATING),
                S.DROPPED,
                handles_issue,
                note_required=True,
                note_label=_("理由"),
                style="outline-secondary",
            ),
        ],
        holders="grassroots.selectors.issue_holders",
        visible="grassroots.selectors.issues_visible_to",
        inbox="grassroots.selectors.issue_inbox",
    )
)
