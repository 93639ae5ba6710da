"""State and class choices shared by the models and the workflows."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Shared with proposals' extension requests; imported from here by the supervision modules.
from core.models import ExtensionState as ExtensionState


class TaskStatus(models.TextChoices):
    """Supervision task states (domain.md §5)."""

    CREATED = "created", _("待交办")
    ASSIGNED = "assigned", _("已交办")
    REASSIGN = "reassign", _("申请改派")
    ACKED = "acked", _("已签收")
    IN_PROGRESS = "in_progress", _("办理中")
    OVERDUE = "overdue", _("已逾期")
    REMINDED = "reminded", _("已催办")
    FEEDBACK = "feedback", _("已答复待评价")
    REOPENED = "reopened", _("重新办理")
    # A reply classed 正在解决或列入计划 rated satisfied or basic: the department still has to do what it
    # promised by its planned date and report it done before the task is closed (domain.md §2, §5).
    FOLLOW_UP = "follow_up", _("跟踪落实")
    CLOSED = "closed", _("已办结")


# States in which the department is still working and the deadline runs.
OPEN_STATES = (
    TaskStatus.ASSIGNED,
    TaskStatus.ACKED,
    TaskStatus.IN_PROGRESS,
    TaskStatus.OVERDUE,
    TaskStatus.REMINDED,
    TaskStatus.REOPENED,
)
# States in which the department may report progress or write its reply.
HANDLING_STATES = (
    TaskStatus.ACKED,
    TaskStatus.IN_PROGRESS,
    TaskStatus.OVERDUE,
    TaskStatus.REMINDED,
    TaskStatus.REOPENED,
)


class ReportStatus(models.TextChoices):
    """Special report states: drafted by the research office, signed off by the secretary-general."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待签发")
    SIGNED = "signed", _("已签发")
    ISSUED = "issued", _("已印发")


class ReplyKind(models.TextChoices):
    """What the workflow does with a reply, whatever the district calls its class (TaskReplyClass.kind):
    the three of domain.md §2, variant (c). Solved: the task's progress goes to 100 %. Planned: a planned
    date is due, and a satisfied or basic rating leaves the task to be followed up until then. Cannot:
    a reason is due."""

    SOLVED = "solved", _("已解决或采纳")
    PLANNED = "planned", _("正在解决或列入计划")
    CANNOT = "cannot", _("因条件限制暂不能解决")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")
