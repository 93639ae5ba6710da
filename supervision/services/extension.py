"""Extension requests (延期申请): the lead department asks for a later deadline; the office that sets
deadlines (the government office, `is_transfer_office`) approves — the date asked or another within the
district's limit — or refuses with a reason.

Each step is a workflow action (`supervision.workflow.extension_actions`), so it is locked,
permission-checked and recorded on the task's timeline like any transition; the request row
(`TaskExtensionRequest`, with its own history) keeps what was asked and what was decided. A granted
date moves `due_date`, which the reminder run reads: reminders for the new date follow, and an overdue
task is handled again (办理中) while keeping `was_overdue`.
"""

from datetime import date, timedelta

from constance import config
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.deadlines import (
    ExtensionWording,
    add_deadline_line,
    check_extension_due,
    check_extension_in_time,
    check_extension_left,
)
from core.exceptions import Refused, passes
from supervision.choices import ExtensionState
from supervision.models import SupervisionTask, TaskExtensionRequest
from supervision.selectors import current_round, extension_deciders, liaisons_of, pending_extension_of
from supervision.services.tasks import _date_from

EXTENSION_WORDING = ExtensionWording(
    field="due_date",
    not_later=gettext_lazy("延期后的办理期限须晚于原办理期限%(d)s。"),
    not_future=gettext_lazy("延期后的办理期限须晚于今天。"),
    past_limit=gettext_lazy("延期后的办理期限不能晚于原办理期限后%(n)s天（%(d)s）。"),
    past_due=gettext_lazy("办理期限%(d)s已过，不能再申请延期；请尽快办理并答复，如有困难请与区政府办公室联系。"),
)


def _due_from(data: dict) -> date:
    """The date asked for or granted, from the form or the API (`due_date`, 年-月-日)."""
    due = _date_from(data or {})
    if due is None:
        raise Refused(_("请填写延期后的办理期限。"), fields={"due_date": [_("必填。")]})
    return due


def original_due(task: SupervisionTask) -> date | None:
    """The round's deadline before any extension: the limit counts from it, however many were granted."""
    first = (
        TaskExtensionRequest.objects.filter(task=task, round=current_round(task), state=ExtensionState.APPROVED)
        .order_by("created_at", "id")
        .values_list("current_due", flat=True)
        .first()
    )
    return first or task.due_date


def latest_due(task: SupervisionTask) -> date:
    """The latest deadline an extension may give: SUPERVISION_EXTENSION_MAX_DAYS after the original one."""
    start = original_due(task) or timezone.localdate()
    return start + timedelta(days=int(config.SUPERVISION_EXTENSION_MAX_DAYS))


def check_extended_due(task: SupervisionTask, due: date) -> None:
    """A new deadline is later than the current one and than today, and within the limit."""
    check_extension_due(
        due,
        current=task.due_date,
        latest=latest_due(task),
        max_days=int(config.SUPERVISION_EXTENSION_MAX_DAYS),
        wording=EXTENSION_WORDING,
    )


def _iso(day: date | None) -> str:
    return day.isoformat() if day else "—"


# ---- the department asks ------------------------------------------------------------------------


def check_request_open(task: SupervisionTask) -> None:
    """Whether the lead department may ask for more time now, whatever date it asks: someone still chases
    the task, no request waits for a decision, the deadline has not passed (unless the district allows
    asking later), and a later date is left to grant (the latest an extension may give lies after today
    and after the current deadline). The one rule for offering the request (`request_offered`) and for
    refusing it (`guard_request`)."""
    if task.source_withdrawn_at:
        raise Refused(_("群众已撤回该任务所依据的诉求，系统不再催办，无需申请延期。"))
    pending = pending_extension_of(task)
    if pending is not None:
        raise Refused(
            _("%(dept)s已申请延期至%(d)s，正在等待审批；审批后才能再次申请。")
            % {"dept": pending.department, "d": pending.requested_due.isoformat()}
        )
    check_extension_in_time(task.due_date, allowed=config.SUPERVISION_EXTENSION_AFTER_DUE, wording=EXTENSION_WORDING)
    check_extension_left(
        task.due_date,
        latest_due(task),
        max_days=config.SUPERVISION_EXTENSION_MAX_DAYS,
        message=_("办理期限已不能再延（最晚为原办理期限后%(n)s天，即%(d)s）；请尽快办理并答复。"),
    )


def request_offered(user, task: SupervisionTask) -> bool:
    """Offer 申请延期 (on the page and in the API's transitions) only when `check_request_open` lets it."""
    return passes(check_request_open, task)


def guard_request(task: SupervisionTask, *, data, **kwargs) -> None:
    """One request at a time, only while someone still chases the task, after the deadline only if the
    district allows it, and for a date within the limit."""
    check_request_open(task)
    check_extended_due(task, _due_from(data))


def on_request(task: SupervisionTask, *, actor, note, data, change, **kwargs) -> None:
    """Record the request and tell the office that decides it."""
    request = TaskExtensionRequest(
        task=task,
        department=task.lead_department,
        round=current_round(task),
        requested_by=actor,
        current_due=task.due_date,
        requested_due=_due_from(data),
        reason=note,
    )
    request._history_user = actor
    request.full_clean()
    request.save()
    params = {
        "dept": request.department.name,
        "title": task.title[:60],
        "old": _iso(request.current_due),
        "due": request.requested_due.isoformat(),
        "reason": note[:500],
    }
    add_deadline_line(change, gettext_lazy("申请将办理期限由%(old)s延至%(due)s。"), params)
    _notify_on_commit(
        extension_deciders(),
        f"supervision-extension:{request.pk}:requested",
        gettext_lazy("%(dept)s申请督办任务延期：%(title)s"),
        gettext_lazy("申请将办理期限由%(old)s延至%(due)s。理由：%(reason)s"),
        params,
        task,
    )


# ---- the office decides --------------------------------------------------------------------------


def _granted_due(data: dict, pending: TaskExtensionRequest) -> date:
    """The date the office grants: the one asked for unless it gives another."""
    return _due_from(data) if (data or {}).get("due_date") else pending.requested_due


def _pending_or_refuse(task: SupervisionTask) -> TaskExtensionRequest:
    pending = pending_extension_of(task)
    if pending is None:
        raise Refused(_("该督办任务没有待审批的延期申请。"))
    return pending


def guard_decide(task: SupervisionTask, **kwargs) -> None:
    _pending_or_refuse(task)


def decide_offered(user, task: SupervisionTask) -> bool:
    """Offer 同意延期 / 不同意延期 (in the API's transitions; the page shows them with the request) only
    while a request waits for a decision, the rule `guard_decide` refuses by."""
    return passes(guard_decide, task)


def guard_approve(task: SupervisionTask, *, data, **kwargs) -> None:
    check_extended_due(task, _granted_due(data, _pending_or_refuse(task)))


def on_approve(task: SupervisionTask, *, actor, note, data, change, **kwargs) -> None:
    """Move the deadline (the reminder run reads it) and answer the department.

    `was_overdue` is left as it is: having been overdue stays on the record and in the ranking."""
    pending = pending_extension_of(task, lock=True)
    due, old = _granted_due(data, pending), task.due_date
    task.due_date = due
    task._history_user = actor
    task.save(update_fields=["due_date", "updated_at"])
    _decide(task, pending, actor=actor, state=ExtensionState.APPROVED, note=note, granted=due)
    add_deadline_line(
        change, gettext_lazy("同意延期：办理期限由%(old)s延至%(due)s。"), {"old": _iso(old), "due": due.isoformat()}
    )


def on_refuse(task: SupervisionTask, *, actor, note, **kwargs) -> None:
    """Keep the deadline and tell the department why."""
    _decide(task, pending_extension_of(task, lock=True), actor=actor, state=ExtensionState.REFUSED, note=note)


def _decide(task, request: TaskExtensionRequest, *, actor, state: str, note: str, granted=None) -> None:
    """Record the decision on the request and tell the requester and the department's liaisons."""
    request.state, request.decided_by, request.decided_at = state, actor, timezone.now()
    request.granted_due, request.decision_note = granted, note
    request._history_user = actor
    request.full_clean()
    request.save()
    if state == ExtensionState.APPROVED:
        title = gettext_lazy("督办任务延期申请已同意：%(title)s")
        body = gettext_lazy("办理期限延至%(due)s。%(note)s")
    else:
        title = gettext_lazy("督办任务延期申请未同意：%(title)s")
        body = gettext_lazy("办理期限仍为%(due)s。理由：%(note)s")
    _notify_on_commit(
        [request.requested_by, *liaisons_of([request.department_id])],
        f"supervision-extension:{request.pk}:{state}",
        title,
        body,
        {"title": task.title[:60], "due": _iso(task.due_date), "note": note[:500]},
        task,
    )


def lapse_pending_extension(task: SupervisionTask, *, actor) -> None:
    """The department replied while its request waited: nothing is left to decide (kept, marked lapsed)."""
    pending = pending_extension_of(task, lock=True)
    if pending is None:
        return
    pending.state, pending.decided_at = ExtensionState.LAPSED, timezone.now()
    pending._history_user = actor
    pending.save(update_fields=["state", "decided_at", "updated_at"])


def _notify_on_commit(recipients, event_key: str, title, body, params: dict, task) -> None:
    """Worded in each recipient's language when read (notifications.wording); sent once the step commits."""
    from notifications.services import notify

    recipients = list(recipients)
    transaction.on_commit(
        lambda: notify(recipients=recipients, event_key=event_key, title=title, body=body, params=params, target=task)
    )
