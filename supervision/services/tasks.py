"""Supervision tasks: open, transfer, accept or dispute, report progress, reply, rate, note."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from constance import config
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.deadlines import record_rehandling_deadline, rehandling_deadline
from core.exceptions import ActionForbidden, Refused, passes
from core.i18n import join_clauses, join_list, recorded
from core.services import store_attachment
from core.workflow import perform
from district.models import Department
from supervision.choices import HANDLING_STATES, Rating, ReplyKind, ReportStatus, TaskStatus
from supervision.models import ProgressReport, SupervisionNote, SupervisionTask, TaskReply, TaskReplyClass
from supervision.predicates import is_lead_liaison, is_rater, is_task_liaison, is_transfer_office


@transaction.atomic
def create_task(
    *,
    source,
    title: str,
    actor,
    description: str = "",
    lead_department=None,
    co_departments=(),
    due_date: date | None = None,
    is_public: bool = True,
    rater=None,
    special_report=None,
    notify_holders: bool = True,
) -> SupervisionTask:
    """Open a supervision task for a source record (outcome item, instruction, key proposal, appeal).

    It is created 待交办, outside the workflow: the government office, who transfers (交办) it, is told
    that it waits, and its rater (a key proposal's supervising leader) that it was opened. A caller that
    tells them itself, or transfers the task at once, passes `notify_holders=False`."""
    from consultations.models import OutcomeItem

    task = SupervisionTask(
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=source.pk if source is not None else None,
        title=title[:300],
        description=description,
        lead_department=lead_department,
        due_date=due_date,
        is_public=is_public,
        created_by=actor,
        outcome_item=source if isinstance(source, OutcomeItem) else None,
        rater=rater,
        special_report=special_report,
    )
    task._history_user = actor
    task.full_clean(exclude=["co_departments"])
    task.save()
    if co_departments:
        task.co_departments.set(co_departments)
    if notify_holders:
        _tell_task_opened(task, actor)
    return task


def _tell_task_opened(task: SupervisionTask, actor) -> None:
    """Tell whoever must act on a new task (its holders in 待交办: the government office) that it waits
    for them, and its rater that a task they supervise was opened; not the person who opened it."""
    from notifications.services import notify
    from supervision.selectors import task_holders

    actor_pk = getattr(actor, "pk", None)
    holders = [u for u in task_holders(task, TaskStatus.CREATED) if u.pk != actor_pk]
    rater = task.rater if task.rater_id and task.rater_id != actor_pk else None
    params = {"t": task.title[:60], "due": task.due_date.isoformat() if task.due_date else "—"}

    def send() -> None:
        if holders:
            notify(
                recipients=holders,
                event_key=f"supervision-task-created:{task.pk}",
                title=gettext_lazy("新的督办任务待您交办：%(t)s"),
                body=gettext_lazy("请确定牵头部门和办理期限后交办（拟定办理期限：%(due)s）。"),
                params=params,
                target=task,
            )
        if rater is not None:
            notify(
                recipients=[rater],
                event_key=f"supervision-task-rater:{task.pk}",
                title=gettext_lazy("您督办的任务已建立：%(t)s"),
                body=gettext_lazy(
                    "任务经区政府办公室交办后由承办单位办理（拟定办理期限：%(due)s），承办单位答复后请您评价。"
                ),
                params=params,
                target=task,
            )

    transaction.on_commit(send)


# The audited step (supervision.workflow's recorded steps) by which a task takes its source's new deadline.
FOLLOW_SOURCE_DEADLINE = "follow_source_deadline"


@transaction.atomic
def follow_source_deadline(*, source, due: date | None, actor, reason: str) -> list[SupervisionTask]:
    """The record tasks were opened from has a new deadline (a key proposal's reply deadline, set on
    hand-over, extended or re-handled): each unfinished task takes it, an audited step on the task's
    timeline (who, when; its note: the old and the new date and why, `reason` in the district's language).
    A late task given a date still ahead is handled again (办理中), as when its own extension is granted
    (its `was_overdue` stays)."""
    from core.services import record_status_change

    if due is None:
        return []
    tasks = list(
        SupervisionTask.objects.select_for_update()
        .filter(source_type=ContentType.objects.get_for_model(source), source_id=source.pk)
        .exclude(status=TaskStatus.CLOSED)
        .exclude(due_date=due)
        .order_by("pk")
    )
    for task in tasks:
        old, state = task.due_date, task.status
        task.due_date = due
        fields = ["due_date", "updated_at"]
        if state in (TaskStatus.OVERDUE, TaskStatus.REMINDED) and due >= timezone.localdate():
            task.status = TaskStatus.IN_PROGRESS
            fields.append("status")
        task._history_user = actor
        task.save(update_fields=fields)
        line = recorded(
            gettext_lazy("办理期限由%(old)s调整为%(due)s。"),
            {"old": old.isoformat() if old else "—", "due": due.isoformat()},
        )
        record_status_change(
            task,
            FOLLOW_SOURCE_DEADLINE,
            state,
            task.status,
            actor=actor,
            note=f"{line}\n{reason}" if reason else line,
            data={"due_date": due.isoformat(), "previous_due_date": old.isoformat() if old else None},
        )
    return tasks


def tasks_for_source(source):
    """Supervision tasks opened from one record."""
    return SupervisionTask.objects.filter(
        source_type=ContentType.objects.get_for_model(source), source_id=source.pk
    ).select_related("lead_department")


@transaction.atomic
def mark_source_withdrawn(*, source) -> list[SupervisionTask]:
    """The citizen withdrew the appeal a task was opened from: every unfinished task shows it (an
    audited change), is no longer chased by reminders, and its departments and supervisors are told."""
    from notifications.services import notify
    from supervision.selectors import source_withdrawn_recipients

    tasks = list(
        SupervisionTask.objects.select_for_update()
        .filter(source_type=ContentType.objects.get_for_model(source), source_id=source.pk)
        .exclude(status=TaskStatus.CLOSED)
        .filter(source_withdrawn_at__isnull=True)
        .order_by("pk")
    )
    now = timezone.now()
    for task in tasks:
        task.source_withdrawn_at = now
        # Recorded as the system's doing: the citizen's account name stays on the appeal's own record.
        task._history_user = None
        task.save(update_fields=["source_withdrawn_at", "updated_at"])
        recipients = source_withdrawn_recipients(task)
        # Worded in each recipient's language when read (notifications.wording).
        params = {"t": task.title[:60], "d": timezone.localtime(now).strftime("%Y-%m-%d %H:%M")}
        transaction.on_commit(
            lambda task=task, recipients=recipients, params=params: notify(
                recipients=recipients,
                event_key=f"supervision-source-withdrawn:{task.pk}",
                title=gettext_lazy("群众已撤回诉求：%(t)s"),
                body=gettext_lazy(
                    "该督办任务所依据的群众诉求已于%(d)s由群众撤回，系统不再发送到期提醒和逾期催办。"
                    "已开展的工作可通过报送进展或提交答复说明情况，由督办部门确认后办结。"
                ),
                params=params,
                target=task,
            )
        )
    return tasks


# ---- transfer (转交) -----------------------------------------------------------------------------


@dataclass
class Assignment:
    """How one outcome item is transferred: the lead department, co-departments and deadline."""

    item: object
    lead_department: Department | None
    due_date: date | None
    co_departments: list = field(default_factory=list)


@transaction.atomic
def transfer_outcome_items(*, report, assignments: Iterable[Assignment], actor) -> list[SupervisionTask]:
    """The government office turns each outcome item of an issued special report into a task."""
    if not is_transfer_office(actor):
        raise ActionForbidden(_("只有区政府办公室可以转交督办任务。"))
    if report.status != ReportStatus.ISSUED:
        raise Refused(_("专报件尚未印发，不能转交。"))
    item_ids = set(report.items.values_list("pk", flat=True))
    tasks = []
    for a in assignments:
        if a.item.pk not in item_ids:
            raise Refused(_("成果事项“%(item)s”不属于本专报件。") % {"item": a.item})
        if SupervisionTask.objects.filter(outcome_item=a.item).exists():
            raise Refused(_("成果事项“%(item)s”已转交，不能重复转交。") % {"item": a.item})
        task = create_task(
            source=a.item,
            title=recorded(
                gettext_lazy("%(topic)s：%(rec)s"), {"topic": report.topic_title, "rec": a.item.recommendation[:200]}
            ),
            description=a.item.agreed_action,
            actor=actor,
            lead_department=a.lead_department,
            co_departments=[d for d in a.co_departments if d != a.lead_department],
            due_date=a.due_date,
            is_public=report.is_public,
            rater=report.lead,
            special_report=report,
            notify_holders=False,  # transferred at once: the departments are told of the transfer
        )
        tasks.append(perform(task, "assign", actor=actor))
    if not tasks:
        raise Refused(_("请至少选择一项成果事项。"))
    return tasks


@transaction.atomic
def assign_task(*, task, actor, lead_department, due_date, co_departments=()) -> SupervisionTask:
    """Set departments and deadline of a task opened elsewhere, and hand it over (交办)."""
    if not is_transfer_office(actor):
        raise ActionForbidden(_("只有区政府办公室可以交办督办任务。"))
    task.co_departments.set([d for d in co_departments if d != lead_department])
    return perform(
        task,
        "assign",
        actor=actor,
        data={"lead_department": lead_department.pk if lead_department else None, "due_date": due_date},
    )


def _department_from(data: dict) -> Department | None:
    value = data.get("lead_department")
    if value in (None, ""):
        return None
    if isinstance(value, Department):
        return value
    try:
        return Department.objects.get(pk=int(value), is_active=True)
    except (ValueError, TypeError, Department.DoesNotExist):
        raise Refused(_("所选牵头部门不存在。"), fields={"lead_department": [_("请重新选择。")]}) from None


def _date_from(data: dict) -> date | None:
    value = data.get("due_date")
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        parsed = parse_date(str(value))
    except ValueError:
        parsed = None
    if parsed is None:
        raise Refused(_("办理期限格式不正确（应为“年-月-日”）。"), fields={"due_date": [_("格式不正确。")]})
    return parsed


def check_staffed(department: Department) -> None:
    """A task goes only to a lead department with a liaison in post: nobody else there can accept,
    dispute or answer it, or be told about it (the same rule as forwarding a public-opinion report)."""
    from accounts.selectors import active_liaisons_of

    if not active_liaisons_of(department.pk).exists():
        msg = _("%(d)s目前没有在岗联络员，交办后无人签收和办理。请选择其他部门，或请政协办公室先为其添加联络员。") % {
            "d": department
        }
        raise Refused(msg, fields={"lead_department": [msg]})


def guard_assign(task, *, actor, note, data) -> None:
    """A task leaves for a department only with a lead department that has a liaison in post and a
    future deadline."""
    department = _department_from(data) or task.lead_department
    due = _date_from(data) or task.due_date
    if department is None:
        raise Refused(_("请选择牵头部门。"), fields={"lead_department": [_("必填。")]})
    check_staffed(department)
    if due is None:
        raise Refused(_("请填写办理期限。"), fields={"due_date": [_("必填。")]})
    if due < timezone.localdate():
        raise Refused(_("办理期限不能早于今天。"), fields={"due_date": [_("不能早于今天。")]})


def on_assign(task, *, actor, note, data, change) -> None:
    task.lead_department = _department_from(data) or task.lead_department
    task.due_date = _date_from(data) or task.due_date
    task.assigned_at = change.created_at
    task._history_user = actor
    task.save(update_fields=["lead_department", "due_date", "assigned_at", "updated_at"])


def assignment_was_kept(task) -> bool:
    """Whether the government office already ruled on a reassignment request for the current
    assignment and kept it (维持原交办): the department may not dispute the same transfer again."""
    from core.models import StatusChange

    kept = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(SupervisionTask), object_id=task.pk, action="keep_assignment"
    )
    if task.assigned_at:
        kept = kept.filter(created_at__gte=task.assigned_at)
    return kept.exists()


def reassign_window_open(task) -> bool:
    """Whether the transfer is recent enough to dispute (SUPERVISION_RETURN_WINDOW_DAYS from `assigned_at`)."""
    days = int(config.SUPERVISION_RETURN_WINDOW_DAYS)
    return not (task.assigned_at and timezone.now() > task.assigned_at + timedelta(days=days))


def check_reassign_request_open(task) -> None:
    """Whether the lead department may still dispute the current transfer: only within the window, and
    only once (after the office kept the assignment, the ruling stands). The one rule for offering
    申请改派 (`reassign_request_offered`) and for refusing it (`guard_request_reassign`)."""
    if assignment_was_kept(task):
        raise Refused(_("区政府办公室已决定维持原交办，不能再次申请改派；请按期办理。"))
    if not reassign_window_open(task):
        raise Refused(
            _("交办已超过%(n)s天，不能再申请改派；如确有困难，请与区政府办公室联系。")
            % {"n": config.SUPERVISION_RETURN_WINDOW_DAYS}
        )


def reassign_request_offered(user, task) -> bool:
    """The task page and the API offer 申请改派 only while `check_reassign_request_open` lets it."""
    return task is not None and passes(check_reassign_request_open, task)


def reassign_request_closed(user, task) -> str | None:
    """For the lead department of a transferred task that may no longer dispute it: why, and whom to
    contact instead (the guard's words, one line on the page in place of the form); else None."""
    if task is None or task.status != TaskStatus.ASSIGNED or not is_lead_liaison(user, task):
        return None
    try:
        check_reassign_request_open(task)
    except Refused as exc:
        return str(exc.message)
    return None


def guard_request_reassign(task, *, actor, note, data) -> None:
    check_reassign_request_open(task)


def guard_reassign(task, *, actor, note, data) -> None:
    department = _department_from(data)
    if department is None:
        raise Refused(_("请选择改派的牵头部门。"), fields={"lead_department": [_("必填。")]})
    if department.pk == task.lead_department_id:
        raise Refused(_("改派的部门与原牵头部门相同。"), fields={"lead_department": [_("请选择其他部门。")]})
    check_staffed(department)
    due = _date_from(data)
    if due is not None and due < timezone.localdate():
        raise Refused(_("办理期限不能早于今天。"), fields={"due_date": [_("不能早于今天。")]})


def on_reassign(task, *, actor, note, data, change) -> None:
    previous = task.lead_department
    task.lead_department = _department_from(data)
    task.due_date = _date_from(data) or task.due_date
    task.assigned_at = change.created_at
    task._history_user = actor
    task.save(update_fields=["lead_department", "due_date", "assigned_at", "updated_at"])
    co = data.get("co_departments")
    if co is None:
        task.co_departments.remove(task.lead_department)
    else:
        # The reassign form sends a list of ids; one value (the generic action endpoint) is a list of one.
        try:
            ids = [int(getattr(pk, "pk", pk)) for pk in (co if isinstance(co, list | tuple | set) else [co])]
        except (TypeError, ValueError):
            raise Refused(_("提交的数据有误。"), fields={"co_departments": _("提交的数据有误。")}) from None
        task.co_departments.set(Department.objects.filter(pk__in=ids).exclude(pk=task.lead_department_id))
    if previous is not None:
        _tell_previous_lead(task, previous, change)


def _tell_previous_lead(task: SupervisionTask, previous: Department, change) -> None:
    """The department that led the task until a reassignment hears where it went and why (the holders
    of 已交办 are the new lead and co-departments only): the answer to its own request, or the office's
    correction of a transfer made to the wrong department."""
    from notifications.services import notify
    from supervision.selectors import liaisons_of

    recipients = liaisons_of([previous.pk])
    still_on_it = task.co_departments.filter(pk=previous.pk).exists()
    params = {"t": task.title[:60], "d": task.lead_department.name, "why": change.note or "—"}
    if change.from_state == TaskStatus.REASSIGN:
        body = gettext_lazy("区政府办公室同意了贵单位的改派申请，该任务改由%(d)s牵头办理。说明：%(why)s")
    else:
        body = gettext_lazy("区政府办公室已将该任务改由%(d)s牵头办理。说明：%(why)s")
    transaction.on_commit(
        lambda: notify(
            recipients=recipients,
            event_key=f"supervision-reassigned-from:{change.pk}",
            title=gettext_lazy("督办任务已改派：%(t)s"),
            body=body,
            params=params,
            # A department that stays on as a co-department still sees the task; else the task is no
            # longer theirs to open.
            target=task if still_on_it else None,
        )
    )


def on_overdue(task, *, actor, note, data, change) -> None:
    task.was_overdue = True
    task.save(update_fields=["was_overdue", "updated_at"])


# ---- progress --------------------------------------------------------------------------------


@transaction.atomic
def report_progress(*, task, actor, percent: int, text: str, attachments: Iterable = ()) -> ProgressReport:
    """A lead or cooperating department reports progress; the first report starts the handling."""
    if not is_task_liaison(actor, task):
        raise ActionForbidden(_("您所在的部门不是本任务的承办或协办部门，不能报送进展。"))
    if task.status == TaskStatus.ASSIGNED:
        raise Refused(_("任务尚未签收，请牵头部门先签收再报送进展。"))
    if task.status not in HANDLING_STATES:
        raise Refused(_("任务当前状态为“%(s)s”，不能报送进展。") % {"s": task.get_status_display()})
    report = ProgressReport(task=task, department=actor.department, percent=percent, text=text.strip(), author=actor)
    try:
        report.full_clean()
    except ValidationError as exc:
        raise Refused(_("进展信息不完整：%(m)s") % {"m": join_clauses(exc.messages)}, fields=exc.message_dict) from None
    report._history_user = actor
    report.save()
    for upload in attachments:
        store_attachment(target=report, upload=upload, actor=actor, kind="progress")
    if actor.department_id == task.lead_department_id:
        task.progress = percent
        task._history_user = actor
        task.save(update_fields=["progress", "updated_at"])
    if task.status in (TaskStatus.ACKED, TaskStatus.REOPENED):
        perform(task, "start", actor=actor, note=recorded(gettext_lazy("报送进展：%(p)s%%"), {"p": percent}))
    return report


# ---- reply -----------------------------------------------------------------------------------


def _reply_class(value) -> TaskReplyClass | None:
    """The class a reply names, by its code (any case) or as the row; None for none yet. A code the district
    does not have, or a class it retired, is refused."""
    if value is None or value == "":
        return None
    if isinstance(value, TaskReplyClass):
        found = value if value.is_active else None
    else:
        found = TaskReplyClass.objects.filter(code__iexact=str(value).strip(), is_active=True).first()
    if found is None:
        raise Refused(_("答复类别无效。"), fields={"classification": [_("请重新选择。")]})
    return found


@transaction.atomic
def save_reply_draft(
    *,
    task,
    actor,
    classification: "str | TaskReplyClass | None" = "",
    planned_date: date | None = None,
    reason: str = "",
    body: str = "",
) -> TaskReply:
    """Keep the lead department's reply as a draft while they write it (autosave and save-draft)."""
    if not is_lead_liaison(actor, task):
        raise ActionForbidden(_("只有牵头部门可以撰写答复。"))
    if task.status not in HANDLING_STATES:
        raise Refused(_("任务当前状态为“%(s)s”，不能撰写答复。") % {"s": task.get_status_display()})
    reply_class = _reply_class(classification)
    draft = TaskReply.objects.select_for_update().filter(task=task, submitted_at__isnull=True).first()
    if draft is None:
        round_no = TaskReply.objects.filter(task=task).count() + 1
        draft = TaskReply(task=task, round=round_no, author=actor)
    draft.reply_class = reply_class
    draft.planned_date = planned_date
    draft.reason = reason
    draft.body = body
    draft.author = actor
    draft._history_user = actor
    draft.save()
    return draft


def check_reply_complete(reply: TaskReply) -> None:
    """A reply needs a class the district still uses, and the date or reason its kind calls for, and a text."""
    klass = reply.reply_class
    if klass is None:
        classes = join_list(TaskReplyClass.objects.filter(is_active=True))
        raise Refused(
            _("请选择答复类别：%(classes)s。") % {"classes": classes},
            fields={"classification": [_("请选择答复类别。")]},
        )
    if not klass.is_active:
        raise Refused(
            _("答复类别“%(cls)s”已停用，请重新选择。") % {"cls": klass},
            fields={"classification": [_("请重新选择。")]},
        )
    if klass.kind == ReplyKind.PLANNED and not reply.planned_date:
        raise Refused(
            _("答复类别为“%(cls)s”时，请填写计划解决时间。") % {"cls": klass},
            fields={"planned_date": [_("请填写计划解决时间。")]},
        )
    if klass.kind == ReplyKind.PLANNED and reply.planned_date < timezone.localdate():
        # The task is followed up (跟踪落实) until then: a date already past promises nothing.
        raise Refused(
            _("计划解决时间不能早于今天。"),
            fields={"planned_date": [_("不能早于今天。")]},
        )
    if klass.kind == ReplyKind.CANNOT and not reply.reason.strip():
        raise Refused(_("答复类别为“%(cls)s”时，请说明原因。") % {"cls": klass}, fields={"reason": [_("请说明原因。")]})
    if not reply.body.strip():
        raise Refused(_("请填写答复正文。"), fields={"body": [_("请填写答复正文。")]})


def guard_submit_reply(task, *, actor, note, data) -> None:
    draft = TaskReply.objects.filter(task=task, submitted_at__isnull=True).select_related("reply_class").first()
    if draft is None:
        raise Refused(_("请先填写答复。"), fields={"body": [_("请填写答复正文。")]})
    check_reply_complete(draft)


def on_submit_reply(task, *, actor, note, data, change) -> None:
    from supervision.services.extension import lapse_pending_extension

    lapse_pending_extension(task, actor=actor)
    draft = TaskReply.objects.select_related("reply_class").get(task=task, submitted_at__isnull=True)
    draft.submitted_at = change.created_at
    draft._history_user = actor
    draft.save(update_fields=["submitted_at", "updated_at"])
    task.replied_at = change.created_at
    if draft.reply_class.kind == ReplyKind.SOLVED:
        task.progress = 100
    task._history_user = actor
    task.save(update_fields=["replied_at", "progress", "updated_at"])


def submit_reply(*, task, actor, **fields) -> SupervisionTask:
    """Save the reply (kept even if refused) and send it to the lead member for rating."""
    save_reply_draft(task=task, actor=actor, **fields)
    return perform(task, "submit_reply", actor=actor)


# ---- rating ----------------------------------------------------------------------------------

RATE_ACTIONS = {
    Rating.SATISFIED: "rate_satisfied",
    Rating.BASIC: "rate_basic",
    Rating.UNSATISFIED: "rate_unsatisfied",
}
# A satisfied or basic rating of a reply that only promises (正在解决或列入计划): followed up, not closed.
FOLLOW_UP_ACTIONS = {
    Rating.SATISFIED: "rate_satisfied_follow_up",
    Rating.BASIC: "rate_basic_follow_up",
}
RATING_OF_ACTION = {
    **{v: k for k, v in RATE_ACTIONS.items()},
    **{v: k for k, v in FOLLOW_UP_ACTIONS.items()},
}


def latest_reply(task) -> TaskReply | None:
    """The reply being rated: the last submitted round."""
    return (
        TaskReply.objects.filter(task=task, submitted_at__isnull=False)
        .select_related("reply_class")
        .order_by("-round")
        .first()
    )


def needs_follow_up(task) -> bool:
    """Whether a satisfied or basic rating leaves the task to be followed up (跟踪落实): the reply only
    promises (正在解决或列入计划), with a planned date. The one rule for which rating buttons are offered
    and which one the guards let through."""
    reply = latest_reply(task)
    return (
        reply is not None
        and reply.reply_class is not None
        and reply.reply_class.kind == ReplyKind.PLANNED
        and reply.planned_date is not None
    )


def rating_closes(user, task) -> bool:
    return task is not None and not needs_follow_up(task)


def rating_follows_up(user, task) -> bool:
    return task is not None and needs_follow_up(task)


def guard_rate_close(task, *, actor, note, data) -> None:
    if needs_follow_up(task):
        raise Refused(
            _("答复类别为“%(cls)s”，评价满意或基本满意后转入跟踪落实，待承办部门报告落实完成后办结。")
            % {"cls": latest_reply(task).reply_class}
        )


def guard_rate_follow_up(task, *, actor, note, data) -> None:
    if not needs_follow_up(task):
        raise Refused(_("只有列入计划（填有计划解决时间）的答复评价后转入跟踪落实。"))


def rate_reply(*, task, actor, rating: str, note: str = "") -> SupervisionTask:
    """The lead member or research-group lead rates the reply; not satisfied reopens the task."""
    if not is_rater(actor, task):
        raise ActionForbidden(_("只有本任务的牵头委员或调研组组长可以评价答复。"))
    if rating not in RATE_ACTIONS:
        raise Refused(_("请选择评价：满意、基本满意或不满意。"), fields={"rating": [_("请选择评价。")]})
    actions = FOLLOW_UP_ACTIONS if rating in FOLLOW_UP_ACTIONS and needs_follow_up(task) else RATE_ACTIONS
    return perform(task, actions[rating], actor=actor, note=note)


def on_rate(task, *, actor, note, data, change) -> None:
    rating = RATING_OF_ACTION[change.action]
    reply = latest_reply(task)
    if reply is not None:
        reply.rating, reply.rating_note = rating, note
        reply.rated_by, reply.rated_at = actor, change.created_at
        reply._history_user = actor
        reply.save(update_fields=["rating", "rating_note", "rated_by", "rated_at", "updated_at"])
    task.rating = rating
    fields = ["rating", "updated_at"]
    if rating == Rating.UNSATISFIED:
        old_due, days = task.due_date, config.SUPERVISION_REHANDLE_DAYS
        task.due_date = rehandling_deadline(old_due, days)
        record_rehandling_deadline(change, old=old_due, new=task.due_date, days=days)
        # A reply classed 已解决 set the progress to 100%; the rater found it not done, so the task
        # goes back to what the lead department last reported (0 when it reported nothing).
        last = (
            ProgressReport.objects.filter(task=task, department_id=task.lead_department_id)
            .order_by("-created_at", "-id")
            .values_list("percent", flat=True)
            .first()
        )
        task.progress = last or 0
        fields += ["due_date", "progress"]
    elif change.to_state == TaskStatus.FOLLOW_UP:
        # Followed up until the planned date (the reminders command reminds the department then).
        task.follow_up_date = reply.planned_date
        fields.append("follow_up_date")
    else:
        task.closed_at = change.created_at
        fields.append("closed_at")
    task._history_user = actor
    task.save(update_fields=fields)


def on_report_done(task, *, actor, note, data, change) -> None:
    """The lead department reports that what it planned is done: the task is closed (已办结)."""
    task.closed_at = change.created_at
    task.progress = 100
    task._history_user = actor
    task.save(update_fields=["closed_at", "progress", "updated_at"])


# ---- supervision notes -----------------------------------------------------------------------


@transaction.atomic
def add_note(*, task, actor, body: str, kind: str = SupervisionNote.Kind.NOTE) -> SupervisionNote:
    """Record a supervision note, or an instruction that the lead department is told about."""
    from supervision.selectors import liaisons_of, sees_everything

    if not sees_everything(actor):
        raise ActionForbidden(_("只有督办部门、政协机关和领导可以填写督办记录。"))
    if not body.strip():
        raise Refused(_("请填写督办记录的内容。"), fields={"body": [_("必填。")]})
    note = SupervisionNote(task=task, kind=kind, body=body.strip(), author=actor)
    try:
        note.full_clean()
    except ValidationError as exc:
        raise Refused(join_clauses(exc.messages), fields=exc.message_dict) from None
    note.save()
    if kind == SupervisionNote.Kind.INSTRUCTION:
        from notifications.services import notify

        recipients = liaisons_of([task.lead_department_id])
        transaction.on_commit(
            lambda: notify(
                recipients=recipients,
                event_key=f"supervision-instruction:{note.pk}",
                title=gettext_lazy("督办指示：%(t)s"),
                params={"t": task.title[:60]},
                body=note.body,
                target=task,
            )
        )
    return note
