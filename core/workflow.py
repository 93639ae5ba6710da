"""One small mechanism for every state machine in Xieshang.

Each app declares its workflow as data in `<app>/workflow.py`: states (TextChoices), actions
(name, sources, target, who may fire it, whether a reason is required, side effect) and who holds
each state. `perform()` is the only code that assigns a workflow status: it locks the row, checks
the table and the actor, saves, records a StatusChange, runs the effect in the same transaction and
tells whoever holds the next step once the transaction commits.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import rules
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import ActionForbidden, NoteRequired, TransitionNotAllowed
from core.models import StatusChange

Predicate = Callable[[Any, Any], bool]


def _resolve(ref):
    return import_string(ref) if isinstance(ref, str) else ref


def check(predicate, user, obj=None) -> bool:
    """Evaluate a django-rules predicate (any arity) or a plain callable(user, obj)."""
    pred = _resolve(predicate)
    try:
        if isinstance(pred, rules.Predicate):
            return bool(pred.test(user, obj))
        return bool(pred(user, obj))
    except ObjectDoesNotExist:
        # A relation the permission depends on does not exist (yet): it cannot grant anything.
        return False


@dataclass(frozen=True)
class Action:
    name: str
    label: Any
    sources: tuple[str, ...]
    target: str
    allowed: Predicate | str
    note_required: bool = False
    note_label: Any = ""
    effect: Callable[..., None] | str | None = None
    style: str = "primary"
    # Extra payload keys the effect needs (documented in the API and the HTML form).
    fields: tuple[str, ...] = ()
    # A guard that refuses with a readable reason even when the table allows the move.
    guard: Callable[..., None] | str | None = None
    # The object's page has a dedicated form for this action (a reply form, say): the generic
    # panel leaves it out so that the page offers one way to do it.
    own_form: bool = False
    # Whether the holders of the target state are told (False when the effect notifies the people
    # concerned itself, e.g. an action that leaves the state as it was).
    notify_holders: bool = True
    # Whether the note goes into the notification too (False when it is the office's working note on
    # what it checked, not a message for whoever is told: it stays in the audit trail).
    note_in_notice: bool = True
    # When set, (user, obj) -> whether to offer the action now (a vote to announce once one exists).
    # Only what is offered is listed; `perform` still relies on the guard for its readable refusal.
    offered: Predicate | str | None = None
    # Who reads this step's note besides the workflow's `reads_notes` (user, obj) -> bool: whoever decides a
    # request reads its reason and the decisions on it, without reading every note of the record.
    note_readers: Predicate | str | None = None

    def is_allowed(self, user, obj) -> bool:
        return check(self.allowed, user, obj)

    def is_offered(self, user, obj) -> bool:
        return self.offered is None or check(self.offered, user, obj)


@dataclass
class Workflow:
    model: str  # "app_label.ModelName"
    states: type[models.TextChoices]
    initial: str
    actions: list[Action]
    status_field: str = "status"
    # holders(obj, state) -> users who must act next; they are notified on entering the state.
    holders: Callable[[Any, str], Iterable[Any]] | str | None = None
    # watchers(obj, state) -> users told of progress on entering the state without being asked to act
    # (a proposer told that the proposal was filed, or handed to its units).
    watchers: Callable[[Any, str], Iterable[Any]] | str | None = None
    # visible(viewer) -> QuerySet of objects this viewer may see (the object-level permission).
    visible: Callable[[Any], models.QuerySet] | str | None = None
    # inbox(user) -> QuerySet of objects waiting for this user (dashboard "待办").
    inbox: Callable[[Any], models.QuerySet] | str | None = None
    # The URL name of the office list these records are kept in (the dashboard links a long queue there),
    # and the query string that filters that list to exactly the user's queue (its `inbox`).
    list_url: str | None = None
    inbox_query: str = ""
    # Who reads the notes of the audited timeline (`history_for`). Whoever may see an object sees each of
    # its steps (who, when, from which state to which); the notes and attached files are the handling
    # side's: reads_notes(user, obj) -> whether the user reads them all. Anyone else reads the notes of
    # the steps they took and, when addressee(user, obj) (the person the workflow's notices are meant for:
    # the proposer, the citizen), those of the steps whose note goes into the notice (`note_in_notice`),
    # and those of the steps whose `Action.note_readers` they are (the deciders of a request).
    reads_notes: Predicate | str | None = None
    addressee: Predicate | str | None = None
    # timeline(obj, viewer, steps) -> None: adjusts the steps of the timeline as `history_for` shows them to
    # viewer, after the rules above; `steps` are (StatusChange, event dict) pairs. For what those rules cannot
    # say: intake names the case an appeal was merged into and hides tracking codes typed into notes.
    timeline: Callable[[Any, Any, list], None] | str | None = None
    # Audited steps recorded beside the workflow with `core.services.record_status_change` (an invitation
    # accepted, say), which move no state: name -> label, as the timeline names them.
    recorded_steps: dict[str, Any] = field(default_factory=dict)
    _by_name: dict[str, Action] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name = {a.name: a for a in self.actions}
        values = set(self.states.values)
        for a in self.actions:
            unknown = (set(a.sources) | {a.target}) - values
            if unknown:
                raise ValueError(f"{self.model}.{a.name}: unknown states {unknown}")

    def table(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {s: set() for s in self.states.values}
        for a in self.actions:
            for s in a.sources:
                out[s].add(a.target)
        return out

    def reachable(self) -> set[str]:
        table, seen, todo = self.table(), {self.initial}, [self.initial]
        while todo:
            for nxt in table[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    def action(self, name: str) -> Action:
        try:
            return self._by_name[name]
        except KeyError:
            raise TransitionNotAllowed(_("未知的操作：%(name)s") % {"name": name}) from None

    def step_label(self, name: str) -> str:
        """The label of an action or of a recorded step (`recorded_steps`) on the timeline; else its name."""
        if name in self._by_name:
            return str(self._by_name[name].label)
        return str(self.recorded_steps.get(name, name))

    def state_label(self, value: str) -> str:
        try:
            return str(self.states(value).label)
        except ValueError:
            return value

    def state_message(self, value: str):
        """The state's label untranslated (lazy), for text worded later in its reader's language."""
        try:
            return self.states(value).label
        except ValueError:
            return value

    def available(self, obj, user) -> list[Action]:
        state = getattr(obj, self.status_field)
        return [a for a in self.actions if state in a.sources and a.is_allowed(user, obj) and a.is_offered(user, obj)]

    def visible_to(self, user) -> models.QuerySet:
        return _resolve(self.visible)(user)

    def inbox_for(self, user) -> models.QuerySet | None:
        return _resolve(self.inbox)(user) if self.inbox else None


def extension_actions(
    state: str,
    suffix: str,
    *,
    services: str,
    asker,
    decider,
    field: str,
    request_label,
    granted: str | None = None,
    request_offered: str | None = None,
    decide_offered: str | None = None,
    note_readers=None,
) -> list[Action]:
    """An extension request (延期申请) in `state` and its decision, as three actions named with `suffix`.

    Asking and refusing keep the object in `state`; approving moves it to `granted` (default: `state`);
    `request_offered` (user, obj) -> whether to offer the request now (the rule its guard refuses by);
    `decide_offered` (user, obj) -> likewise for approving and refusing (a request waits for a decision).
    `services` is the module holding guard_request/on_request, guard_approve/on_approve and
    guard_decide/on_refuse; `field` is the deadline the asker proposes and the decider grants; the notes of
    the three steps are read by `note_readers` (default: the decider, who decides by the reason). The page
    and the API offer them with their own form, and their effects tell the people concerned: the reason
    and the decision are the asker's and the decider's, not a message for the workflow's addressee (a
    proposer is told the new deadline, not why the unit asked)."""
    own = {
        "own_form": True,
        "notify_holders": False,
        "note_in_notice": False,
        "note_readers": note_readers or decider,
    }
    return [
        Action(
            f"request_extension{suffix}",
            request_label,
            (state,),
            state,
            asker,
            note_required=True,
            note_label=gettext_lazy("申请延期理由"),
            fields=(field,),
            guard=f"{services}.guard_request",
            offered=request_offered,
            effect=f"{services}.on_request",
            style="outline-secondary",
            **own,
        ),
        Action(
            f"approve_extension{suffix}",
            gettext_lazy("同意延期"),
            (state,),
            granted or state,
            decider,
            fields=(field,),
            guard=f"{services}.guard_approve",
            effect=f"{services}.on_approve",
            offered=decide_offered,
            **own,
        ),
        Action(
            f"refuse_extension{suffix}",
            gettext_lazy("不同意延期"),
            (state,),
            state,
            decider,
            note_required=True,
            note_label=gettext_lazy("不同意延期的理由"),
            guard=f"{services}.guard_decide",
            effect=f"{services}.on_refuse",
            offered=decide_offered,
            style="outline-danger",
            **own,
        ),
    ]


_registry: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    _registry[workflow.model.lower()] = workflow
    return workflow


def workflow_for(obj_or_model) -> Workflow:
    return _registry[obj_or_model._meta.label_lower]


def all_workflows() -> list[Workflow]:
    return list(_registry.values())


def perform(
    obj,
    action_name: str,
    *,
    actor,
    note: str = "",
    data: dict | None = None,
    attachments: Iterable = (),
):
    """Fire one action on obj for actor; returns the refreshed object. Raises DomainError."""
    wf = workflow_for(obj)
    action = wf.action(action_name)
    note = (note or "").strip()
    data = data or {}
    with transaction.atomic():
        # Lock the row so that of two concurrent actions exactly one wins; the loser re-reads the
        # new state below and is refused with a readable message.
        locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        current = getattr(locked, wf.status_field)
        if current not in action.sources:
            raise TransitionNotAllowed(
                _("当前状态为“%(state)s”，不能执行“%(action)s”。")
                % {"state": wf.state_label(current), "action": action.label}
            )
        if not action.is_allowed(actor, locked):
            raise ActionForbidden(_("您没有权限执行“%(action)s”。") % {"action": action.label})
        if action.note_required and not note:
            raise NoteRequired(
                _("执行“%(action)s”需要填写%(what)s。")
                % {"action": action.label, "what": action.note_label or _("理由")}
            )
        if action.guard:
            _resolve(action.guard)(locked, actor=actor, note=note, data=data)
        setattr(locked, wf.status_field, action.target)
        locked._history_user = actor if getattr(actor, "is_authenticated", False) else None
        locked._change_reason = f"{action.name}: {note}"[:100]
        update_fields = [wf.status_field]
        if any(f.name == "updated_at" for f in locked._meta.concrete_fields):
            update_fields.append("updated_at")
        locked.save(update_fields=update_fields)
        change = StatusChange.objects.create(
            content_type=ContentType.objects.get_for_model(locked),
            object_id=locked.pk,
            action=action.name,
            from_state=current,
            to_state=action.target,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            note=note,
            data=_jsonable(data),
            created_at=timezone.now(),
        )
        for upload in attachments:
            from core.services import store_attachment

            store_attachment(target=locked, upload=upload, actor=actor, status_change=change)
        if action.effect:
            _resolve(action.effect)(locked, actor=actor, note=note, data=data, change=change)
        transaction.on_commit(lambda: _after_commit(wf, locked, change))
    # The caller's instance reflects the new state and whatever the effect changed.
    obj.refresh_from_db()
    return obj


def done_message(obj, action_name: str) -> str:
    """The success message after an action, worded from its label: 已完成“提交答复”。"""
    return _("已完成“%(action)s”。") % {"action": workflow_for(obj).action(action_name).label}


def _jsonable(data: dict) -> dict:
    out = {}
    for key, value in data.items():
        if isinstance(value, str | int | float | bool) or value is None:
            out[key] = value
        elif isinstance(value, models.Model):
            out[key] = value.pk
        else:
            out[key] = str(value)
    return out


# Sent once the transaction of a fired action has committed: webhooks and other listeners hook here.
transition_committed = Signal()


def _after_commit(wf: Workflow, obj, change: StatusChange) -> None:
    if wf.action(change.action).notify_holders:
        _tell_holders(wf, obj, change)
    transition_committed.send(sender=type(obj), instance=obj, change=change, workflow=wf)


def _waits_for(wf: Workflow, obj, user) -> bool:
    """Whether obj is in the user's inbox (the dashboard's 待我办理)."""
    inbox = wf.inbox_for(user)
    return inbox is not None and inbox.filter(pk=obj.pk).exists()


def _tell_holders(wf: Workflow, obj, change: StatusChange) -> None:
    if not (wf.holders or wf.watchers):
        return
    from notifications.services import notify

    users = list(_resolve(wf.holders)(obj, change.to_state)) if wf.holders else []
    if wf.watchers:
        users += [u for u in _resolve(wf.watchers)(obj, change.to_state) if u not in users]
    users = [u for u in users if u.pk != change.actor_id]
    if not users:
        return
    # "Waiting for you" only to those who may take a next step, or whose inbox the object is now in
    # for a step done outside the workflow's actions (an office's sign-off, a department's receipt);
    # the others (a suggester told the outcome, say) are told of progress.
    next_steps = [a for a in wf.actions if change.to_state in a.sources]
    to_act = [u for u in users if any(a.is_allowed(u, obj) for a in next_steps) or _waits_for(wf, obj, u)]
    to_tell = [u for u in users if u not in to_act]
    words = {"obj": str(obj)[:60], "state": wf.state_message(change.to_state)}
    # The note goes only to those who may read it on the timeline (`note_reader`: the workflow's
    # `reads_notes`, the addressee, the step's `note_readers`); the others are told of the step alone.
    note = change.note if wf.action(change.action).note_in_notice else ""
    reads = (lambda u: note_reader(obj, u)(change.action, change.actor_id)) if note else (lambda u: False)
    for recipients, title in (
        (to_act, gettext_lazy("“%(obj)s”待您处理：%(state)s")),
        (to_tell, gettext_lazy("“%(obj)s”有新进展：%(state)s")),
    ):
        readers = [u for u in recipients if reads(u)]
        for group, body in ((readers, note), ([u for u in recipients if u not in readers], "")):
            if group:
                notify(
                    recipients=group,
                    event_key=f"status:{change.pk}",
                    title=title,
                    params=words,
                    body=body,
                    target=obj,
                )


def note_reader(obj, viewer) -> Callable[[str | None, int | None], bool]:
    """reads(action, actor_id): whether viewer reads the note (reason, attachments) of a step of obj, by its
    workflow's `reads_notes` and `addressee`: the step's own actor does, the handling side (`reads_notes`)
    reads every note, the addressee those of the actions whose note goes into the notice, and an action's
    `note_readers` (whoever decides a request) that action's notes. `action` is the
    workflow action's name; a record kept beside the workflow (None, say a unit's working note) is read
    by its writer and the handling side only. The one rule for the timeline (`history_for`) and for the
    pages that list such notes beside it. The predicates are asked once, and only when needed."""
    wf = _registry.get(obj._meta.label_lower)
    viewer_id = viewer.pk if getattr(viewer, "is_authenticated", False) else None
    asked: dict[object, bool] = {}

    def ask(key, predicate) -> bool:
        if key not in asked:
            asked[key] = predicate is not None and viewer is not None and check(predicate, viewer, obj)
        return asked[key]

    def declared(name: str) -> bool:
        return ask(name, getattr(wf, name) if wf is not None else None)

    def reads(action: str | None, actor_id: int | None) -> bool:
        if viewer_id is not None and actor_id == viewer_id:
            return True
        if declared("reads_notes"):
            return True
        step = wf._by_name.get(action) if wf is not None and action else None
        if step is None:
            return False
        if step.note_in_notice and declared("addressee"):
            return True
        return ask(("note_readers", step.note_readers), step.note_readers)

    return reads


def history_for(obj, viewer) -> list[dict]:
    """The audited timeline of obj as viewer may read it: workflow actions and field edits, oldest first.

    Every step is listed; its note and attachments only for those the workflow lets read them
    (`Workflow.reads_notes`, `Workflow.addressee`, the step's own actor), then as `Workflow.timeline` adjusts
    them for the viewer."""
    wf = _registry.get(obj._meta.label_lower)
    reads_note = note_reader(obj, viewer)
    ct = ContentType.objects.get_for_model(obj)
    events: list[dict] = []
    steps: list[tuple[StatusChange, dict]] = []
    changes = StatusChange.objects.filter(content_type=ct, object_id=obj.pk).select_related("actor")
    for ch in changes.prefetch_related("attachments"):
        attachments = [{"name": a.original_name, "token": a.token} for a in ch.attachments.all()]
        shown = not (ch.note or attachments) or reads_note(ch.action, ch.actor_id)
        steps.append(
            (
                ch,
                {
                    "kind": "transition",
                    "at": ch.created_at,
                    "actor": ch.actor.display if ch.actor else _("系统"),
                    "action": ch.action,
                    "action_label": wf.step_label(ch.action) if wf else ch.action,
                    "from_state": ch.from_state,
                    "from_label": wf.state_label(ch.from_state) if wf else ch.from_state,
                    "to_state": ch.to_state,
                    "to_label": wf.state_label(ch.to_state) if wf else ch.to_state,
                    "note": ch.note if shown else "",
                    "attachments": attachments if shown else [],
                },
            )
        )
    if wf is not None and wf.timeline is not None and steps:
        _resolve(wf.timeline)(obj, viewer, steps)
    events.extend(event for _ch, event in steps)
    history = getattr(obj, "history", None)
    if history is not None:
        records = list(history.all().select_related("history_user").order_by("history_date"))
        status_field = wf.status_field if wf else "status"
        m2m = _m2m_rows(records)
        # Each record with the one before it (None for the first); a record imported in bulk may
        # have no history rows at all.
        for prev, rec in zip([None, *records], records, strict=False):
            diff = _diff(prev, rec, skip={status_field, "updated_at", "version"}, m2m=m2m)
            if rec.history_type == "~" and not diff:
                continue
            events.append(
                {
                    "kind": {"+": "created", "~": "edited", "-": "deleted"}[rec.history_type],
                    "at": rec.history_date,
                    "actor": rec.history_user.display if rec.history_user else _("系统"),
                    "changes": diff if rec.history_type == "~" else [],
                }
            )
    _show_values([c for e in events for c in e.get("changes", ())])
    events.sort(key=lambda e: e["at"])
    return events


def _m2m_rows(records: list) -> dict[str, dict[int, list[dict]]]:
    """The many-to-many rows simple-history recorded with each record, read with one query per field
    for the whole timeline (its own `diff_against` reads them twice per record): field name →
    history id → the through rows, as simple-history compares them."""
    if not records:
        return {}
    out: dict[str, dict[int, list[dict]]] = {}
    ids = [rec.history_id for rec in records]
    skip = ("id", "m2m_history_id", "history")
    for m2m_field in records[0]._history_m2m_fields:
        through = getattr(records[0], m2m_field.name).model
        columns = [f.name for f in through._meta.fields if f.editable and f.name not in skip]
        by_record: dict[int, list[dict]] = {pk: [] for pk in ids}
        rows = through.objects.filter(history_id__in=ids).order_by(m2m_field.m2m_reverse_field_name(), "pk")
        for row in rows.values("history_id", *columns):
            by_record[row.pop("history_id")].append(row)
        out[m2m_field.name] = by_record
    return out


def _diff(prev, rec, *, skip: set[str], m2m: dict[str, dict[int, list[dict]]]) -> list[dict]:
    if prev is None:
        return []
    delta = rec.diff_against(prev, excluded_fields=list(m2m))
    changes = [(c.field, c.old, c.new) for c in delta.changes]
    for name, by_record in m2m.items():
        old, new = by_record[prev.history_id], by_record[rec.history_id]
        if old != new:
            changes.append((name, old, new))
    out = []
    for name, old, new in changes:
        if name in skip:
            continue
        field_obj = rec.instance_type._meta.get_field(name)
        if getattr(field_obj, "sensitive", False):
            old, new = "***", "***"
        out.append({"field_obj": field_obj, "label": str(field_obj.verbose_name), "old": old, "new": new})
    return out


def _show_values(changes: list[dict]) -> None:
    """Recorded values as a reader knows them: 是/否, a choice's label, a related row's name, — for none.

    Related rows are read with one query per related model, whatever the number of changes.
    """
    wanted: dict[type, set] = {}
    for c in changes:
        f = c["field_obj"]
        if getattr(f, "sensitive", False) or not f.is_relation:
            continue
        if f.many_to_many:  # simple-history records the through rows: [{"report": 2, "item": 16}, …]
            for side in ("old", "new"):
                c[side] = [row[f.m2m_reverse_field_name()] for row in c[side] or ()]
            wanted.setdefault(f.related_model, set()).update(c["old"] + c["new"])
        elif f.many_to_one:
            wanted.setdefault(f.related_model, set()).update(v for v in (c["old"], c["new"]) if v not in (None, ""))
    names = {
        model: {row.pk: str(row) for row in model._base_manager.filter(pk__in=pks)} for model, pks in wanted.items()
    }
    for c in changes:
        f = c.pop("field_obj")
        c["field"] = f.name
        for side in ("old", "new"):
            value = c[side]
            if getattr(f, "sensitive", False):
                c[side] = "***"
            elif value is None or value == "" or value == []:
                c[side] = "—"
            elif f.many_to_many:
                c[side] = "、".join(names[f.related_model].get(pk, str(pk)) for pk in value)
            elif isinstance(value, datetime.datetime):
                c[side] = date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "Y-m-d H:i")
            elif isinstance(value, bool):
                c[side] = _("是") if value else _("否")
            elif f.flatchoices:
                c[side] = str(dict(f.flatchoices).get(value, value))
            elif f.related_model in names:
                c[side] = names[f.related_model].get(value, str(value))
            else:
                c[side] = str(value)
