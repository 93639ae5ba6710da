"""Extension requests (延期申请): a handling unit asks for a later reply deadline; the assigning offices
(who may also extend directly) approve, possibly with another date within the limit, or refuse with a reason.

Each step is a workflow action that leaves the proposal in its state (`proposals.workflow`), so it is
locked, permission-checked and recorded on the proposal's timeline like any transition; the request
row (`ExtensionRequest`, with its own history) keeps what was asked and what was decided.
"""

from constance import config
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Role
from core.deadlines import add_deadline_line, check_extension_future, check_extension_in_time, check_extension_left
from core.exceptions import Refused, passes
from proposals.models import ExtensionRequest, ExtensionState, Proposal
from proposals.predicates import assignment_of
from proposals.selectors import _role_users, assigner_users, pending_extension_of
from proposals.services.handling import EXTENSION_WORDING, check_extended_due, due_from, latest_due
from proposals.services.recognition import follow_reply_due


def check_request_open(proposal: Proposal) -> None:
    """Whether a unit may ask for more time now, whatever date it asks: no request waits for a decision,
    the deadline has not passed (unless the district allows asking later), and a later date is left to
    grant (the latest an extension may give lies after today and after the current deadline). The one
    rule for offering the request (`request_offered`) and for refusing it (`guard_request`)."""
    pending = pending_extension_of(proposal)
    if pending is not None:
        raise Refused(
            _("%(unit)s已申请延期至%(d)s，正在等待审批；审批后才能再次申请。")
            % {"unit": pending.department, "d": pending.requested_due.isoformat()}
        )
    check_extension_in_time(proposal.reply_due, allowed=config.PROPOSAL_EXTENSION_AFTER_DUE, wording=EXTENSION_WORDING)
    check_extension_left(
        proposal.reply_due,
        latest_due(proposal),
        max_days=config.PROPOSAL_REPLY_MAX_DAYS,
        message=_("答复期限已不能再延（最晚为交办后%(n)s天，即%(d)s）；请尽快答复。"),
    )


def request_offered(user, proposal: Proposal) -> bool:
    """Offer 申请延期答复 (on the page and in the API's transitions) only when `check_request_open` lets it."""
    return passes(check_request_open, proposal)


def guard_request(proposal: Proposal, *, data, **kwargs) -> None:
    """One request at a time, before the deadline (unless the district allows later), within the limit."""
    check_request_open(proposal)
    due = due_from(data)
    check_extension_future(due, wording=EXTENSION_WORDING)
    check_extended_due(proposal, due)


def on_request(proposal: Proposal, *, actor, note, data, change, **kwargs) -> None:
    """Record the request and tell the assigners, who decide it, with the reason."""
    from notifications.services import notify

    request = ExtensionRequest(
        proposal=proposal,
        department=assignment_of(actor, proposal).department,
        round=proposal.round,
        requested_by=actor,
        current_due=proposal.reply_due,
        requested_due=due_from(data),
        reason=note,
    )
    request._history_user = actor
    request.full_clean()
    request.save()
    old = proposal.reply_due.isoformat() if proposal.reply_due else "—"
    add_deadline_line(
        change,
        gettext_lazy("申请将答复期限由%(old)s延至%(due)s。"),
        {"old": old, "due": request.requested_due.isoformat()},
    )
    notify(
        recipients=assigner_users(),
        event_key=f"proposal:{proposal.pk}:extension:{request.pk}:requested",
        title=gettext_lazy("%(unit)s申请延期答复：%(title)s"),
        body=gettext_lazy("申请将答复期限由%(old)s延至%(due)s。理由：%(reason)s"),
        params={
            "unit": request.department,
            "title": proposal.title[:60],
            "old": old,
            "due": request.requested_due.isoformat(),
            "reason": note[:500],
        },
        target=proposal,
    )


def _granted_due(proposal: Proposal, data: dict, pending: ExtensionRequest):
    """The date the office grants: the one asked for unless it gives another."""
    return due_from(data) if (data or {}).get("due") else pending.requested_due


def guard_decide(proposal: Proposal, **kwargs) -> None:
    if pending_extension_of(proposal) is None:
        raise Refused(_("该提案没有待审批的延期申请。"))


def decide_offered(user, proposal: Proposal) -> bool:
    """Offer 同意延期 / 不同意延期 (in the API's transitions; the page shows them with the request) only while a
    request waits for a decision, the rule `guard_decide` refuses by."""
    return passes(guard_decide, proposal)


def guard_approve(proposal: Proposal, *, data, **kwargs) -> None:
    pending = pending_extension_of(proposal)
    if pending is None:
        raise Refused(_("该提案没有待审批的延期申请。"))
    due = _granted_due(proposal, data, pending)
    check_extension_future(due, wording=EXTENSION_WORDING)
    check_extended_due(proposal, due)


def on_approve(proposal: Proposal, *, actor, note, data, change, **kwargs) -> None:
    """Move the deadline (reminders and overdue lists read it) and answer the unit."""
    pending = pending_extension_of(proposal, lock=True)
    due, old = _granted_due(proposal, data, pending), proposal.reply_due
    proposal.reply_due = due
    proposal.save(update_fields=["reply_due"])
    _decide(proposal, pending, actor=actor, state=ExtensionState.APPROVED, note=note, granted=due)
    old = old.isoformat() if old else "—"
    add_deadline_line(
        change, gettext_lazy("同意延期：答复期限由%(old)s延至%(due)s。"), {"old": old, "due": due.isoformat()}
    )
    follow_reply_due(proposal, actor=actor, change=change)


def on_refuse(proposal: Proposal, *, actor, note, **kwargs) -> None:
    """Keep the deadline and tell the unit why."""
    pending = pending_extension_of(proposal, lock=True)
    _decide(proposal, pending, actor=actor, state=ExtensionState.REFUSED, note=note)


def settle_by_direct_extension(proposal: Proposal, *, actor, note: str) -> None:
    """The office extended the deadline itself: a pending request is answered by it."""
    pending = pending_extension_of(proposal, lock=True)
    if pending is not None:
        _decide(proposal, pending, actor=actor, state=ExtensionState.APPROVED, note=note, granted=proposal.reply_due)


def _decide(proposal: Proposal, request: ExtensionRequest, *, actor, state: str, note: str, granted=None) -> None:
    """Record the decision on the request and tell the requester and the unit's liaisons."""
    from notifications.services import notify

    request.state, request.decided_by, request.decided_at = state, actor, timezone.now()
    request.granted_due, request.decision_note = granted, note
    request._history_user = actor
    request.full_clean()
    request.save()
    due = proposal.reply_due
    if state == ExtensionState.APPROVED:
        title = gettext_lazy("延期申请已同意：%(title)s")
        body = gettext_lazy("答复期限延至%(due)s。%(note)s")
    else:
        title = gettext_lazy("延期申请未同意：%(title)s")
        body = gettext_lazy("答复期限仍为%(due)s。理由：%(note)s")
    notify(
        recipients=[request.requested_by, *_role_users(Role.DEPT_LIAISON).filter(department=request.department)],
        event_key=f"proposal:{proposal.pk}:extension:{request.pk}:{state}",
        title=title,
        body=body,
        params={
            "title": proposal.title[:60],
            "due": due.isoformat() if due else "—",
            "note": note[:500],
        },
        target=proposal,
    )
    if state == ExtensionState.APPROVED:
        # The proposers wait for the reply: they are told it will come later, not why the unit asked.
        from proposals.selectors import proposers

        notify(
            recipients=list(proposers(proposal)),
            event_key=f"proposal:{proposal.pk}:extension:{request.pk}:proposers",
            title=gettext_lazy("“%(title)s”答复期限延长"),
            body=gettext_lazy("承办单位的答复期限延至%(due)s。"),
            params={"title": proposal.title[:60], "due": due.isoformat() if due else "—"},
            target=proposal,
        )
