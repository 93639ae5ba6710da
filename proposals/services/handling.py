"""Assignment (交办) and handling: units, hand-over, return requests, contacts, co-unit opinions, replies."""

from datetime import date, timedelta

from constance import config
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.predicates import is_dept_liaison
from accounts.roles import Role
from core.deadlines import ExtensionWording, check_extension_due, check_extension_future, check_extension_left
from core.exceptions import ActionForbidden, Refused, passes
from core.http import as_int
from core.i18n import join_clauses, join_list, record_language, recorded
from core.validators import phone_error
from district.models import Department
from proposals.models import (
    REPLYING_ROLES,
    ContactMethod,
    HandlingMode,
    Proposal,
    ProposalAssignment,
    ProposalContact,
    ProposalReply,
    ReplyClass,
    Status,
    UnitRole,
)
from proposals.predicates import assignment_of

HANDLING_STATES = (Status.IN_PROGRESS, Status.REHANDLING)
# The kind of a reply's attachment: the unit's reply letter as sent, with its seal (盖章答复函).
SEALED_LETTER = "sealed_letter"


def _ids(value) -> list[int]:
    if value in (None, ""):
        return []
    items = value if isinstance(value, list | tuple) else str(value).replace("，", ",").split(",")
    out = []
    for item in items:
        item = str(item).strip()
        if not item:
            continue
        if as_int(item) is None:
            raise Refused(_("承办单位选择有误。"))
        out.append(as_int(item))
    return list(dict.fromkeys(out))


def _departments(ids: list[int]) -> list[Department]:
    found = {d.pk: d for d in Department.objects.filter(pk__in=ids, is_active=True)}
    if len(found) != len(ids):
        raise Refused(_("所选承办单位不存在或已停用。"))
    return [found[i] for i in ids]


def planned_units(data: dict) -> tuple[str, list[tuple[Department, str]]]:
    """Validate the units payload: a lead with co-units (主办/会办), or two or more separate units (分办)."""
    data = data or {}
    mode = data.get("mode") or HandlingMode.LEAD
    if mode not in HandlingMode.values:
        raise Refused(_("请选择办理方式（主办会办或分办）。"), fields={"mode": [_("请选择办理方式。")]})
    if mode == HandlingMode.SEPARATE:
        units = _departments(_ids(data.get("units")))
        if len(units) < 2:
            msg = _("分办须指定两个以上承办单位；只有一个单位时请选择主办。")
            raise Refused(msg, fields={"units": [msg]})
        return mode, [(d, UnitRole.SEPARATE) for d in units]
    lead_ids = _ids(data.get("lead"))
    if len(lead_ids) != 1:
        msg = _("请指定一个主办单位。")
        raise Refused(msg, fields={"lead": [msg]})
    co_ids = [i for i in _ids(data.get("co")) if i != lead_ids[0]]
    lead, *co = _departments(lead_ids + co_ids)
    return mode, [(lead, UnitRole.LEAD)] + [(d, UnitRole.CO) for d in co]


def guard_set_units(proposal: Proposal, *, data, **kwargs) -> None:
    planned_units(data)


# The units chosen, as the set_units step records them (in the record's language).
UNITS_LINES = {
    UnitRole.LEAD: gettext_lazy("主办单位：%(units)s"),
    UnitRole.CO: gettext_lazy("会办单位：%(units)s"),
    UnitRole.SEPARATE: gettext_lazy("分办单位：%(units)s"),
}


def add_note_line(change, line: str) -> None:
    """Add a line the platform writes (in the record's language) to the note of an audited step, after what the
    actor typed: the timeline shows it with the step."""
    change.note = f"{change.note}\n{line}" if change.note else line
    change.save(update_fields=["note"])


def units_line(units: list[tuple[Department, str]]) -> str:
    """主办单位：X；会办单位：Y、Z (or 分办单位：X、Y), in the record's language."""
    with record_language():
        return join_clauses(
            recorded(message, {"units": join_list(d for d, r in units if r == role)})
            for role, message in UNITS_LINES.items()
            if any(r == role for _d, r in units)
        )


def on_set_units(proposal: Proposal, *, actor, data, change=None, **kwargs) -> None:
    """Replace the planned units: a unit kept in the same role keeps its row (saving the same units
    twice does not list them twice); units dropped or given another role stay on record as inactive.
    The step's note says which units were chosen, so the timeline keeps every choice."""
    mode, units = planned_units(data)
    if change is not None:
        add_note_line(change, units_line(units))
    wanted = {(department.pk, role) for department, role in units}
    kept = set()
    for row in proposal.assignments.filter(is_active=True):
        if (row.department_id, row.role) in wanted:
            kept.add((row.department_id, row.role))
        else:
            row.is_active = False
            row._history_user = actor
            row.save(update_fields=["is_active", "updated_at"])
    for department, role in units:
        if (department.pk, role) in kept:
            continue
        row = ProposalAssignment(proposal=proposal, department=department, role=role, assigned_by=actor)
        row._history_user = actor
        row.save()
    proposal.handling_mode = mode
    proposal.save(update_fields=["handling_mode"])


def guard_assign(proposal: Proposal, **kwargs) -> None:
    """The hand-over needs its units: one lead, or the separate units."""
    active = proposal.assignments.filter(is_active=True)
    if not active.exists():
        raise Refused(_("请先确定承办单位。"))
    if proposal.handling_mode == HandlingMode.LEAD and active.filter(role=UnitRole.LEAD).count() != 1:
        raise Refused(_("请先确定一个主办单位。"))


def assign_offered(user, proposal: Proposal) -> bool:
    """Offer 交办 only once its units are set (`guard_assign`): after an accepted request for adjustment the
    unit that asked has left, and the assigners set the units again first (确定承办单位)."""
    return passes(guard_assign, proposal)


def reply_days(proposal: Proposal) -> int:
    return int(config.PROPOSAL_URGENT_REPLY_DAYS) if proposal.is_urgent else int(config.PROPOSAL_REPLY_DAYS)


def on_assign(proposal: Proposal, *, actor, change, **kwargs) -> None:
    """Start the reply clock (shorter on the fast track); a key proposal's supervision task follows it."""
    from proposals.services.recognition import follow_reply_due

    now = timezone.now()
    proposal.assigned_at = now
    proposal.reply_due = timezone.localdate(now) + timedelta(days=reply_days(proposal))
    proposal.save(update_fields=["assigned_at", "reply_due"])
    proposal.assignments.filter(is_active=True).update(return_requested_at=None)
    follow_reply_due(proposal, actor=actor, change=change)


def return_window_open(proposal: Proposal) -> bool:
    """Whether the hand-over is recent enough for a unit to ask for adjustment (PROPOSAL_RETURN_WINDOW_DAYS)."""
    window = int(config.PROPOSAL_RETURN_WINDOW_DAYS)
    return not (proposal.assigned_at and timezone.now() > proposal.assigned_at + timedelta(days=window))


def return_refused(proposal: Proposal, department_id) -> bool:
    """Whether the assigners already refused this unit's request for adjustment of the current hand-over
    (不同意调整: 维持原交办). That ruling stands, as in supervision (`assignment_was_kept`): the unit may not ask
    again until the proposal is handed over anew. A request of this hand-over no longer pending while the unit
    still has the proposal was refused (an accepted one takes the proposal from the unit)."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import StatusChange

    if not department_id:
        return False
    pending = proposal.assignments.filter(
        is_active=True, department_id=department_id, return_requested_at__isnull=False
    ).exists()
    if pending:
        return False
    asked = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Proposal),
        object_id=proposal.pk,
        action__in=("request_return", "request_co_return"),
        actor__department_id=department_id,
    )
    if proposal.assigned_at:
        asked = asked.filter(created_at__gte=proposal.assigned_at)
    return asked.exists()


def return_blocker(user, proposal: Proposal) -> str:
    """Why the user's unit may not ask for adjustment of the hand-over now ("" when it may): the return window
    after the hand-over has closed, or the assigners already kept the hand-over for this unit (不同意调整: the
    ruling stands). The one rule of the offer and the guard of request_return, and the common part of
    `co_return_blocker`."""
    if return_refused(proposal, getattr(user, "department_id", None)):
        return _(
            "本单位的调整申请未获同意，维持原交办，不能再次申请调整承办单位；请按期办理，如有困难请与提案委员会联系。"
        )
    if not return_window_open(proposal):
        window = int(config.PROPOSAL_RETURN_WINDOW_DAYS)
        return _("交办已超过%(n)s天，不能再申请调整承办单位；如有困难请与提案委员会联系。") % {"n": window}
    return ""


def request_return_offered(user, proposal: Proposal) -> bool:
    return not return_blocker(user, proposal)


def guard_request_return(proposal: Proposal, *, actor, **kwargs) -> None:
    blocker = return_blocker(actor, proposal)
    if blocker:
        raise Refused(blocker)


def _record_return_request(proposal: Proposal, actor, note: str) -> ProposalAssignment:
    """Keep a unit's request for adjustment, with its reason, on the unit's row."""
    row = assignment_of(actor, proposal)
    row.return_reason = note
    row.return_requested_at = timezone.now()
    row._history_user = actor
    row.save(update_fields=["return_reason", "return_requested_at", "updated_at"])
    return row


def on_request_return(proposal: Proposal, *, actor, note, **kwargs) -> None:
    """Record the request on the unit's row and tell the assigners, who decide it, with the reason (the
    proposers are not told: who handles the proposal is for the unit and the assigners to settle)."""
    from notifications.services import notify
    from proposals.selectors import assigner_users

    row = _record_return_request(proposal, actor, note)
    notify(
        recipients=assigner_users(),
        event_key=f"proposal:{proposal.pk}:return:{row.pk}:{row.return_requested_at.timestamp():.0f}",
        title=gettext_lazy("%(unit)s申请调整承办单位：%(title)s"),
        body=note,
        params={"unit": row.department, "title": proposal.title[:60]},
        target=proposal,
    )


def on_accept_return(proposal: Proposal, *, actor, **kwargs) -> None:
    """The units that asked leave; the assigner then sets the units again and re-assigns."""
    proposal.assignments.filter(is_active=True, return_requested_at__isnull=False).update(is_active=False)


def on_refuse_return(proposal: Proposal, *, actor, note, **kwargs) -> None:
    """The units that asked keep the proposal (维持原交办) and are told why; the proposers are not told."""
    from notifications.services import notify
    from proposals.selectors import _role_users

    asking = list(proposal.assignments.filter(is_active=True, return_requested_at__isnull=False))
    proposal.assignments.filter(is_active=True).update(return_requested_at=None)
    for row in asking:
        notify(
            recipients=_role_users(Role.DEPT_LIAISON).filter(department=row.department_id),
            event_key=f"proposal:{proposal.pk}:return_refused:{row.pk}:{timezone.now().timestamp():.0f}",
            title=gettext_lazy("不同意%(unit)s调整承办单位，维持原交办：%(title)s"),
            body=note,
            params={"unit": row.department, "title": proposal.title[:60]},
            target=proposal,
        )


def active_co_units(proposal: Proposal):
    """The proposal's active co-handling units (会办)."""
    return proposal.assignments.filter(is_active=True, role=UnitRole.CO).select_related("department")


def _chosen(rows, data: dict, message: str) -> ProposalAssignment:
    """The row of `rows` whose department is chosen in data["unit"], else a refusal at that field."""
    department_id = as_int((data or {}).get("unit"))
    row = rows.filter(department_id=department_id).first() if department_id is not None else None
    if row is None:
        raise Refused(message, fields={"unit": [message]})
    return row


def _co_unit(proposal: Proposal, data: dict, *, waiting: bool = False) -> ProposalAssignment:
    """The active co-unit chosen in data["unit"] (its department's id); waiting: one yet to send its opinion."""
    if waiting:
        return _chosen(
            active_co_units(proposal).filter(opinion_at__isnull=True), data, _("请选择尚未提交会办意见的会办单位。")
        )
    return _chosen(active_co_units(proposal), data, _("请选择本提案的会办单位。"))


def _relieve(proposal: Proposal, row: ProposalAssignment, *, actor, note: str, event: str, title) -> None:
    """The co-unit leaves (its row stays on record as inactive, struck through on the page), the lead no
    longer waits for it, and both are told why."""
    row.is_active = False
    row._history_user = actor
    row.save(update_fields=["is_active", "updated_at"])
    _tell_units(proposal, row, event=event, title=title, note=note, removed=True)


def _tell_units(proposal: Proposal, row: ProposalAssignment, *, event: str, title, note: str, removed: bool) -> None:
    """Tell the lead unit and the co-unit concerned what the office decided about the co-unit, and why.
    A removed co-unit no longer sees the proposal: its notice does not link to it."""
    from notifications.services import notify
    from proposals.selectors import _role_users, _unit_liaisons

    params = {"unit": row.department, "title": proposal.title[:60]}
    key = f"proposal:{proposal.pk}:{event}:{row.pk}:{timezone.now().timestamp():.0f}"
    notify(
        recipients=_unit_liaisons(proposal, roles=(UnitRole.LEAD,)),
        event_key=key,
        title=title,
        body=note,
        params=params,
        target=proposal,
    )
    co_liaisons = _role_users(Role.DEPT_LIAISON).filter(department=row.department_id)
    notify(
        recipients=co_liaisons,
        event_key=key,
        title=title,
        body=note,
        params=params,
        target=None if removed else proposal,
    )


def remove_co_unit_offered(user, proposal: Proposal) -> bool:
    return active_co_units(proposal).exists()


def guard_remove_co_unit(proposal: Proposal, *, data, **kwargs) -> None:
    _co_unit(proposal, data)


def on_remove_co_unit(proposal: Proposal, *, actor, note, data, **kwargs) -> None:
    """The office relieves a misassigned or unresponsive co-unit while the lead handles the proposal;
    its row stays on record as inactive (struck through on the page), and the lead no longer waits for it."""
    _relieve(
        proposal,
        _co_unit(proposal, data),
        actor=actor,
        note=note,
        event="co_removed",
        title=gettext_lazy("提案委员会已撤销%(unit)s的会办任务：%(title)s"),
    )


def waive_co_opinion_offered(user, proposal: Proposal) -> bool:
    return active_co_units(proposal).filter(opinion_at__isnull=True).exists()


def guard_waive_co_opinion(proposal: Proposal, *, data, **kwargs) -> None:
    _co_unit(proposal, data, waiting=True)


def on_waive_co_opinion(proposal: Proposal, *, actor, note, data, **kwargs) -> None:
    """The office lets the lead reply without a co-unit's opinion: the opinion counts as settled with no
    text (a co-unit's own opinion always has text, so the page can say it was waived); the co-unit may
    still send one, which the lead then sees."""
    row = _co_unit(proposal, data, waiting=True)
    row.opinion = ""
    row.opinion_at = timezone.now()
    row._history_user = actor
    row.save(update_fields=["opinion", "opinion_at", "updated_at"])
    _tell_units(
        proposal,
        row,
        event="co_waived",
        title=gettext_lazy("提案委员会已同意主办单位不待%(unit)s的会办意见即可答复：%(title)s"),
        note=note,
        removed=False,
    )


# A co-unit's request for adjustment (申请调整) while the lead handles the proposal: every unit may return a
# misassigned proposal within the window after the hand-over (domain.md §2), and a co-unit does not
# acknowledge, so the lead's acknowledgement must not end its window. Nor does another separate unit's
# acknowledgement end a separate unit's window: until it signs for the proposal itself (签收, as the lead's
# acknowledgement ends the lead's), it may ask in 办理中 too. The proposal stays 办理中; the assigners decide on
# that unit alone, as remove_co_unit does.
RETURNING_APART = (UnitRole.CO, UnitRole.SEPARATE)


def co_return_blocker(user, proposal: Proposal) -> str:
    """Why the user's unit may not ask for adjustment while the proposal is handled ("" when it may): the one rule
    of the offer and the guard of request_co_return."""
    row = assignment_of(user, proposal)
    if row is None or row.role not in RETURNING_APART:
        return _("只有会办单位或尚未签收的分办单位可以在办理中申请调整承办单位。")
    blocker = return_blocker(user, proposal)
    if blocker:
        return blocker
    if row.return_requested_at is not None:
        return _("本单位已申请调整承办单位，正在等待提案委员会决定。")
    if row.role == UnitRole.SEPARATE and row.acknowledged_at is not None:
        return _("本单位已签收办理，不能再申请调整承办单位；如有困难请与提案委员会联系。")
    return ""


def request_co_return_offered(user, proposal: Proposal) -> bool:
    """Offer 申请调整承办单位 in 办理中 to a co-unit, or a separate unit not yet signed, while the return window is
    open, its request is not pending and the assigners have not refused one already (`co_return_blocker`)."""
    return not co_return_blocker(user, proposal)


def guard_request_co_return(proposal: Proposal, *, actor, **kwargs) -> None:
    blocker = co_return_blocker(actor, proposal)
    if blocker:
        raise Refused(blocker)


def on_request_co_return(proposal: Proposal, *, actor, note, **kwargs) -> None:
    """Record the request on the unit's row and tell the assigners, who decide it, with the reason."""
    from notifications.services import notify
    from proposals.selectors import assigner_users

    row = _record_return_request(proposal, actor, note)
    if row.role == UnitRole.SEPARATE:
        title = gettext_lazy("%(unit)s申请调整承办单位（分办）：%(title)s")
    else:
        title = gettext_lazy("%(unit)s申请调整承办单位（会办）：%(title)s")
    notify(
        recipients=assigner_users(),
        event_key=f"proposal:{proposal.pk}:co_return:{row.pk}:{row.return_requested_at.timestamp():.0f}",
        title=title,
        body=note,
        params={"unit": row.department, "title": proposal.title[:60]},
        target=proposal,
    )


def _asking_units(proposal: Proposal):
    """The active co-units and separate units whose request for adjustment waits for the assigners."""
    return proposal.assignments.filter(
        is_active=True, role__in=RETURNING_APART, return_requested_at__isnull=False
    ).select_related("department")


def co_return_pending(user, proposal: Proposal) -> bool:
    """Whether a co-unit's or a separate unit's request for adjustment waits for the assigners' decision."""
    return _asking_units(proposal).exists()


def _asking_co_unit(proposal: Proposal, data: dict) -> ProposalAssignment:
    """The active co-unit or separate unit chosen in data["unit"] whose request for adjustment is pending."""
    return _chosen(_asking_units(proposal), data, _("请选择申请调整的承办单位。"))


def guard_decide_co_return(proposal: Proposal, *, data, **kwargs) -> None:
    _asking_co_unit(proposal, data)


def _replacement(proposal: Proposal, data: dict) -> Department | None:
    """The unit named in data["replacement"] to take over from the unit that leaves (改由…承办), if any: an active
    department not already handling the proposal."""
    raw = str((data or {}).get("replacement") or "").strip()
    if not raw:
        return None
    department = Department.objects.filter(pk=as_int(raw), is_active=True).first() if as_int(raw) else None
    if department is None:
        msg = _("所选承办单位不存在或已停用。")
        raise Refused(msg, fields={"replacement": [msg]})
    if proposal.assignments.filter(is_active=True, department=department).exists():
        msg = _("%(unit)s已在承办本提案，请选择其他单位。") % {"unit": department}
        raise Refused(msg, fields={"replacement": [msg]})
    return department


def guard_accept_co_return(proposal: Proposal, *, data, **kwargs) -> None:
    _asking_co_unit(proposal, data)
    _replacement(proposal, data)


def on_accept_co_return(proposal: Proposal, *, actor, note, data, change=None, **kwargs) -> None:
    """The co-unit leaves as one the office removes (`_relieve`); so does a separate unit. The assigners may name
    the unit that takes over in the same role (改由…会办/分办): it is handed the proposal now, told with the reply
    deadline, and the step's record names it. If no unit is named and every other separate unit has replied
    already, the platform sends their replies on to the office's review."""
    from core.workflow import perform

    row = _asking_co_unit(proposal, data)
    replacement = _replacement(proposal, data)
    if row.role == UnitRole.SEPARATE:
        title = gettext_lazy("提案委员会同意%(unit)s调整，不再分办：%(title)s")
    else:
        title = gettext_lazy("提案委员会同意%(unit)s调整，不再会办：%(title)s")
    _relieve(proposal, row, actor=actor, note=note, event="co_return_accepted", title=title)
    if replacement is not None:
        _hand_over_to(proposal, replacement, role=row.role, actor=actor, change=change)
    elif row.role == UnitRole.SEPARATE and not replying_units_missing(proposal).exists():
        perform(proposal, "send_reply", actor=None)


REPLACEMENT_LINES = {
    UnitRole.CO: gettext_lazy("改由%(unit)s会办"),
    UnitRole.SEPARATE: gettext_lazy("改由%(unit)s分办"),
}


def _hand_over_to(proposal: Proposal, department: Department, *, role: str, actor, change) -> None:
    """Hand the proposal to the unit taking over in `role`; its liaisons are told with the reply deadline."""
    from notifications.services import notify
    from proposals.selectors import _role_users

    row = ProposalAssignment(proposal=proposal, department=department, role=role, assigned_by=actor)
    row._history_user = actor
    row.save()
    if change is not None:
        add_note_line(change, recorded(REPLACEMENT_LINES[role], {"unit": department}))
    if role == UnitRole.SEPARATE:
        title = gettext_lazy("提案委员会交办提案（分办，答复期限%(due)s）：%(title)s")
    else:
        title = gettext_lazy("提案委员会交办提案（会办，答复期限%(due)s）：%(title)s")
    notify(
        recipients=_role_users(Role.DEPT_LIAISON).filter(department=department),
        event_key=f"proposal:{proposal.pk}:handed_over:{row.pk}",
        title=title,
        params={"title": proposal.title[:60], "due": proposal.reply_due.isoformat() if proposal.reply_due else "—"},
        target=proposal,
    )


def on_refuse_co_return(proposal: Proposal, *, actor, note, data, **kwargs) -> None:
    """The co-unit stays and sends its opinion to the lead; its reason stays on record."""
    row = _asking_co_unit(proposal, data)
    row.return_requested_at = None
    row._history_user = actor
    row.save(update_fields=["return_requested_at", "updated_at"])
    _tell_units(
        proposal,
        row,
        event="co_return_refused",
        title=gettext_lazy("提案委员会不同意%(unit)s调整，请继续会办：%(title)s"),
        note=note,
        removed=False,
    )


def acknowledge_blocker(user, proposal: Proposal) -> str:
    """Why the user's unit may not sign for the proposal (签收办理) now ("" when it may): it has signed already,
    or it asked for adjustment and waits for the decision. The one rule of the offer and the guard of acknowledge
    (the lead, or the first separate unit) and acknowledge_separate (each other separate unit)."""
    row = assignment_of(user, proposal)
    if row is None:
        return _("该提案未交办给您所在的单位，不能%(doing)s。") % {"doing": _("签收")}
    if row.acknowledged_at is not None:
        return _("本单位已于%(d)s签收。") % {"d": timezone.localdate(row.acknowledged_at).isoformat()}
    if row.return_requested_at is not None:
        return _("本单位已申请调整承办单位，正在等待提案委员会决定。")
    return ""


def acknowledge_offered(user, proposal: Proposal) -> bool:
    return not acknowledge_blocker(user, proposal)


def guard_acknowledge(proposal: Proposal, *, actor, **kwargs) -> None:
    blocker = acknowledge_blocker(actor, proposal)
    if blocker:
        raise Refused(blocker)


def signs_first(row: ProposalAssignment | None, proposal: Proposal) -> bool:
    """Whether a separate unit must sign for the proposal (签收办理) before it replies: it has not, and the proposal
    is being handled in its first round (another separate unit's acknowledgement started it)."""
    return (
        row is not None
        and row.role == UnitRole.SEPARATE
        and row.acknowledged_at is None
        and proposal.status == Status.IN_PROGRESS
    )


def on_acknowledge(proposal: Proposal, *, actor, **kwargs) -> None:
    row = assignment_of(actor, proposal)
    if row is not None:
        row.acknowledged_at = timezone.now()
        row._history_user = actor
        row.save(update_fields=["acknowledged_at", "updated_at"])


def due_from(data: dict) -> date:
    try:
        return date.fromisoformat(str((data or {}).get("due") or ""))
    except ValueError:
        msg = _("请填写新的答复期限（日期）。")
        raise Refused(msg, fields={"due": [msg]}) from None


def latest_due(proposal: Proposal) -> date:
    """The latest reply deadline an extension may give: PROPOSAL_REPLY_MAX_DAYS after the hand-over."""
    start = timezone.localdate(proposal.assigned_at) if proposal.assigned_at else timezone.localdate()
    return start + timedelta(days=int(config.PROPOSAL_REPLY_MAX_DAYS))


EXTENSION_WORDING = ExtensionWording(
    field="due",
    not_later=gettext_lazy("新的答复期限须晚于原期限%(d)s。"),
    not_future=gettext_lazy("延期后的答复期限须晚于今天。"),
    past_limit=gettext_lazy("延期后的答复期限不能晚于交办后%(n)s天（%(d)s）。"),
    past_due=gettext_lazy("答复期限%(d)s已过，不能再申请延期；请尽快答复，如有困难请与提案委员会联系。"),
)


def check_extended_due(proposal: Proposal, due: date) -> None:
    """Extensions move the deadline later, but never past the maximum after the hand-over.

    Whether the date lies after today is the caller's check (each caller makes it)."""
    check_extension_due(
        due,
        current=proposal.reply_due,
        latest=latest_due(proposal),
        max_days=int(config.PROPOSAL_REPLY_MAX_DAYS),
        wording=EXTENSION_WORDING,
        future=False,
    )


def check_extension_possible(proposal: Proposal) -> None:
    """A later reply deadline is still left to give: the latest an extension may give (`latest_due`) lies
    after today and after the current deadline."""
    check_extension_left(
        proposal.reply_due,
        latest_due(proposal),
        max_days=int(config.PROPOSAL_REPLY_MAX_DAYS),
        message=_("答复期限已不能再延（最晚为交办后%(n)s天，即%(d)s）。"),
    )


def extend_offered(user, proposal: Proposal) -> bool:
    """Offer 延期答复 only while a later deadline is left to give (no date would pass `guard_extend`)."""
    return passes(check_extension_possible, proposal)


def guard_extend(proposal: Proposal, *, data, **kwargs) -> None:
    """The office's own extension: a later date than the current deadline, and (an overdue one too) after today."""
    due = due_from(data)
    check_extended_due(proposal, due)
    check_extension_future(due, wording=EXTENSION_WORDING)


def on_extend(proposal: Proposal, *, actor, note, data, change, **kwargs) -> None:
    """Move the deadline; a unit's pending request is answered by it (the office granted more time), and a
    key proposal's supervision task follows it."""
    from proposals.services.extension import settle_by_direct_extension
    from proposals.services.recognition import follow_reply_due

    proposal.reply_due = due_from(data)
    proposal.save(update_fields=["reply_due"])
    settle_by_direct_extension(proposal, actor=actor, note=note)
    follow_reply_due(proposal, actor=actor, change=change)


# Why a unit's liaison saw the proposers' phone numbers (core's PersonalDataAccess, in the record's language).
CONTACT_PURPOSE = gettext_lazy("办理提案（%(number)s）")


def reveal_proposer_contacts(*, proposal: Proposal, viewer) -> list[dict]:
    """The proposers' phone numbers in full for a liaison of a unit handling the proposal, so that it can talk
    with them before it replies (办前沟通); each proposer's record seen is logged with the purpose."""
    from core.i18n import recorded
    from core.services import log_personal_data_access
    from proposals.predicates import sees_proposer_contacts
    from proposals.selectors import proposer_contacts

    if not sees_proposer_contacts(viewer, proposal):
        # Who may, not a rule of the request: the page answers 403, and so does the API.
        raise ActionForbidden(_("只有正在办理该提案的承办单位联络员可以查看提案者联系方式。"))
    contacts = proposer_contacts(proposal, full=True)
    with record_language():  # the filed number as the district writes it
        number = proposal.number or proposal.title[:60]
    purpose = recorded(CONTACT_PURPOSE, {"number": number})
    for row in contacts:
        if row["phone"]:
            log_personal_data_access(user=viewer, target=row["member"], fields=["phone"], purpose=purpose)
    return contacts


def _unit_row(proposal: Proposal, actor, *, doing: str) -> ProposalAssignment:
    if not is_dept_liaison(actor):
        raise ActionForbidden(_("只有承办单位的联络员可以%(doing)s。") % {"doing": doing})
    row = assignment_of(actor, proposal)
    if row is None:
        raise Refused(_("该提案未交办给您所在的单位，不能%(doing)s。") % {"doing": doing})
    return row


def round_started_on(proposal: Proposal) -> date | None:
    """The day the current handling round began: the hand-over (交办), or for a re-handling round the office's
    decision to have it handled again (交重新办理)."""
    if proposal.round > 1:
        from django.contrib.contenttypes.models import ContentType

        from core.models import StatusChange

        steps = StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Proposal), object_id=proposal.pk, action="rehandle"
        )
        step = steps.order_by("-created_at", "-id").first()
        if step is not None:
            return timezone.localdate(step.created_at)
    return timezone.localdate(proposal.assigned_at) if proposal.assigned_at else None


def check_contact_date(proposal: Proposal, contacted_on: date) -> None:
    """A contact counts for the round it belongs to (a reply needs one): it cannot predate the round."""
    start = round_started_on(proposal)
    if start is None or contacted_on >= start:
        return
    if proposal.round > 1:
        msg = _("沟通日期不能早于交重新办理的日期（%(d)s）：重新办理须在此后再次与提案者沟通。")
    else:
        msg = _("沟通日期不能早于交办日期（%(d)s）：办前沟通须在提案交办后进行。")
    msg = msg % {"d": start.isoformat()}
    raise Refused(msg, fields={"contacted_on": [msg]})


@transaction.atomic
def record_contact(
    *, proposal: Proposal, actor, method: str, contacted_on: date, proposer_name: str, summary: str
) -> ProposalContact:
    """Record the unit's contact with the proposer before replying (面商/沟通)."""
    row = _unit_row(proposal, actor, doing=_("记录办前沟通"))
    if proposal.status not in (Status.ASSIGNED, *HANDLING_STATES):
        raise Refused(_("当前状态下不能记录沟通情况。"))
    if method not in ContactMethod.values:
        raise Refused(_("请选择沟通方式。"), fields={"method": [_("请选择沟通方式。")]})
    if not (summary or "").strip():
        raise Refused(_("请填写沟通情况。"), fields={"summary": [_("请填写沟通情况。")]})
    if contacted_on > timezone.localdate():
        raise Refused(_("沟通日期不能晚于今天。"), fields={"contacted_on": [_("沟通日期不能晚于今天。")]})
    check_contact_date(proposal, contacted_on)
    with record_language():  # stored: a collective proposer's sector or party as the district names it
        default_name = proposal.proposer_label
    contact = ProposalContact(
        proposal=proposal,
        department=row.department,
        round=proposal.round,
        method=method,
        contacted_on=contacted_on,
        proposer_name=(proposer_name or "").strip()[:60] or default_name,
        summary=summary.strip(),
        recorded_by=actor,
    )
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def submit_opinion(*, proposal: Proposal, actor, opinion: str) -> ProposalAssignment:
    """A co-unit sends its opinion to the lead unit, which answers for all."""
    row = _unit_row(proposal, actor, doing=_("提交会办意见"))
    if row.role != UnitRole.CO:
        raise Refused(_("只有会办单位需要提交会办意见。"))
    if proposal.status not in HANDLING_STATES:
        raise Refused(_("提案当前状态为“%(s)s”，不能提交会办意见。") % {"s": proposal.get_status_display()})
    if not (opinion or "").strip():
        raise Refused(_("请填写会办意见。"), fields={"opinion": [_("请填写会办意见。")]})
    row.opinion = opinion.strip()
    row.opinion_at = timezone.now()
    row._history_user = actor
    row.save(update_fields=["opinion", "opinion_at", "updated_at"])
    from notifications.services import notify
    from proposals.selectors import _unit_liaisons

    notify(
        recipients=_unit_liaisons(proposal, roles=(UnitRole.LEAD,)),
        event_key=f"proposal:{proposal.pk}:opinion:{row.pk}:{row.opinion_at.timestamp():.0f}",
        title=gettext_lazy("%(unit)s已提交会办意见：%(title)s"),
        params={"unit": row.department, "title": proposal.title[:60]},
        target=proposal,
    )
    return row


def _reply_class(value) -> ReplyClass:
    if isinstance(value, ReplyClass):
        return value
    found = ReplyClass.objects.filter(code__iexact=str(value or "").strip(), is_active=True).first() if value else None
    if found is None:
        msg = _("请选择答复类别（如A、B、C类）。")
        raise Refused(msg, fields={"reply_class": [msg]})
    return found


@transaction.atomic
def submit_reply(
    *,
    proposal: Proposal,
    actor,
    reply_class,
    body: str,
    signed_by: str,
    contact_name: str = "",
    contact_phone: str = "",
    sealed_letter=None,
) -> ProposalReply:
    """The lead (or a separate) unit replies with a class; once every replying unit has, it goes to review.

    The contact person and phone printed on the reply letter default as the page's form starts: the
    unit's previous reply to this proposal (a second round), else the liaison's own. An optional
    sealed_letter (the scanned letter as sent, with the unit's seal) is kept with the reply."""
    from core.workflow import perform
    from proposals.selectors import reply_initial

    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    row = _unit_row(proposal, actor, doing=_("答复"))
    if row.role == UnitRole.CO:
        raise Refused(_("会办单位不直接答复，请将会办意见提交主办单位，由主办单位统一答复。"))
    if proposal.status not in HANDLING_STATES:
        hint = _("请先签收。") if proposal.status == Status.ASSIGNED else ""
        raise Refused(
            _("提案当前状态为“%(s)s”，不能报送答复。%(hint)s") % {"s": proposal.get_status_display(), "hint": hint}
        )
    if signs_first(row, proposal):
        raise Refused(_("本单位尚未签收，请先签收办理再答复。"))
    klass = _reply_class(reply_class)
    if not (body or "").strip():
        raise Refused(_("请填写答复内容。"), fields={"body": [_("请填写答复内容。")]})
    if not (signed_by or "").strip():
        raise Refused(_("请填写签发人。"), fields={"signed_by": [_("请填写签发人。")]})
    contact_phone = (contact_phone or "").strip()
    if contact_phone and (error := phone_error(contact_phone)):
        msg = str(error)
        raise Refused(msg, fields={"contact_phone": [msg]})
    contact_name = (contact_name or "").strip()
    if not (contact_name and contact_phone):
        usual = reply_initial(actor, proposal)
        contact_name = contact_name or usual["contact_name"]
        contact_phone = contact_phone or (usual["contact_phone"] or "").strip()
    if not proposal.contacts.filter(department=row.department, round=proposal.round).exists():
        raise Refused(_("答复前须与提案者沟通（面商、电话等），请先记录沟通情况。"))
    if row.role == UnitRole.LEAD:
        waiting = proposal.assignments.filter(is_active=True, role=UnitRole.CO, opinion_at__isnull=True)
        if waiting.exists():
            names = "、".join(str(a.department) for a in waiting.select_related("department"))
            raise Refused(_("会办单位（%(names)s）尚未提交会办意见，请督促后再答复。") % {"names": names})
    # A reply returned by the office is revised in place; its history keeps every version.
    reply = ProposalReply.objects.filter(proposal=proposal, department=row.department, round=proposal.round).first()
    reply = reply or ProposalReply(proposal=proposal, department=row.department, round=proposal.round)
    reply.reply_class, reply.body, reply.signed_by = klass, body.strip(), signed_by.strip()
    reply.contact_name, reply.contact_phone = contact_name[:30], contact_phone[:30]
    reply.submitted_by, reply.submitted_at = actor, timezone.now()
    reply._history_user = actor
    reply.full_clean()
    reply.save()
    if sealed_letter:
        from core.services import store_attachment

        store_attachment(target=reply, upload=sealed_letter, actor=actor, kind=SEALED_LETTER)
    if not replying_units_missing(proposal):
        perform(proposal, "send_reply", actor=actor)
    return reply


def replying_units_missing(proposal: Proposal):
    """Active lead/separate units that have not replied in the current round."""
    replied = ProposalReply.objects.filter(proposal=proposal, round=proposal.round).values("department")
    return proposal.assignments.filter(is_active=True, role__in=REPLYING_ROLES).exclude(department__in=replied)


def guard_send_reply(proposal: Proposal, **kwargs) -> None:
    missing = replying_units_missing(proposal)
    if missing.exists():
        names = "、".join(str(a.department) for a in missing.select_related("department"))
        raise Refused(_("尚有承办单位（%(names)s）未提交答复。") % {"names": names})


def guard_approve_reply(proposal: Proposal, *, data, **kwargs) -> None:
    """The office may change the class of a single reply while approving it."""
    code = (data or {}).get("reply_class")
    if code:
        _reply_class(code)
        if ProposalReply.objects.filter(proposal=proposal, round=proposal.round).count() != 1:
            raise Refused(_("分办提案有多份答复，请退回相关单位修改答复类别。"))


# The office's change of a reply's class, as the approve_reply step records it and the replying unit is told.
CLASS_CHANGED = gettext_lazy("答复类别由%(old)s类调整为%(new)s类。")


def on_approve_reply(proposal: Proposal, *, actor, data, change=None, **kwargs) -> None:
    """Send the reply to the proposers, who then rate it by the day said in their notice. A class the office
    changes is recorded in the step (old and new: 答复类别由B类调整为A类, its data `reply_class_from`), and the
    replying units are told that their reply was approved (and reclassified)."""
    code = (data or {}).get("reply_class")
    changed = None
    if code:
        reply = ProposalReply.objects.select_related("reply_class").get(proposal=proposal, round=proposal.round)
        old, new = reply.reply_class, _reply_class(code)
        if new.pk != old.pk:
            reply.reply_class = new
            reply._history_user = actor
            reply.save(update_fields=["reply_class", "updated_at"])
            changed = {"old": old.code, "new": new.code}
            if change is not None:
                change.data = {**(change.data or {}), "reply_class_from": old.code, "reply_class": new.code}
                change.save(update_fields=["data"])
                add_note_line(change, recorded(CLASS_CHANGED, changed))
    proposal.replied_at = timezone.now()
    proposal.rating_due = timezone.localdate(proposal.replied_at) + timedelta(days=int(config.PROPOSAL_RATING_DAYS))
    proposal.save(update_fields=["replied_at", "rating_due"])
    _tell_reply_approved(proposal, step=change.pk if change is not None else "", changed=changed)


def _tell_reply_approved(proposal: Proposal, *, step, changed: dict | None) -> None:
    """The proposers are asked to rate the reply by its day (评价期限); the replying units are told that the office
    approved their reply and, when it changed the class, from which to which."""
    from notifications.services import notify
    from proposals.selectors import _role_users, proposers

    notify(
        recipients=proposers(proposal),
        event_key=f"status:{step}",
        title=gettext_lazy("“%(obj)s”待您处理：%(state)s"),
        body=gettext_lazy("请于%(date)s前评价答复。"),
        params={"obj": str(proposal)[:60], "state": Status.REPLIED.label, "date": proposal.rating_due.isoformat()},
        target=proposal,
    )
    replied = ProposalReply.objects.filter(proposal=proposal, round=proposal.round).values("department")
    notify(
        recipients=_role_users(Role.DEPT_LIAISON).filter(department__in=replied),
        event_key=f"proposal:{proposal.pk}:reply_approved:{step}",
        title=gettext_lazy("答复已审核通过：%(title)s"),
        body=CLASS_CHANGED if changed else "",
        params={"title": proposal.title[:60], **(changed or {})},
        target=proposal,
    )
