"""The only place analytics touches intake's records beyond reading them.

Intake (the grassroots area) owns appeals and their workflow. Analytics calls into it through these
functions, each of which uses intake's own service or workflow action when it exists on the branch
and otherwise degrades to recording the decision in analytics' own tables:

- `apply_routing(appeal, category=, department=, handler=, actor=)`: set category and department
  (field edits, history kept) and, if intake has the `route` workflow action, route the appeal to
  the handler through `core.workflow.perform`.
- `merge_into_case(duplicate=, into=, actor=, note=)`: `intake.services.merge_appeals` when it exists
  (the duplicate keeps its tracking code; intake answers every citizen of the case).
- `open_appeals()`: appeals still being handled (not closed, merged or withdrawn).
- `handler_choices()` / `handler_label(key)`: who can take an appeal: the office, a workstation, a
  duty group (grassroots models, when they exist).
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import QuerySet
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.http import as_int

CLOSED_STATES = ("closed", "merged", "withdrawn")
OFFICE = "office"


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


def open_appeals() -> QuerySet:
    """Appeals not closed and not merged into another case (by intake or recorded here)."""
    from intake.models import Appeal

    qs = Appeal.objects.exclude(status__in=CLOSED_STATES).exclude(
        duplicate_candidates__status="merged"  # merged in analytics while intake has no merge of its own
    )
    if _has_field(Appeal, "merged_into"):
        qs = qs.filter(merged_into__isnull=True)
    return qs


def handler_choices() -> list[tuple[str, str]]:
    """(key, label) of every possible handler: the office, active workstations, duty groups."""
    out = [(OFFICE, _("政协办公室"))]
    workstation = _model("grassroots.Workstation")
    if workstation is not None:
        qs = workstation.objects.all()
        if _has_field(workstation, "is_active"):
            qs = qs.filter(is_active=True)
        out += [(f"workstation:{w.pk}", str(w)) for w in qs.order_by("pk")]
    group = _model("grassroots.DutyGroup")
    if group is not None:
        out += [(f"duty_group:{g.pk}", str(g)) for g in group.objects.order_by("pk")]
    return out


def handler_label(key: str) -> str:
    """A readable name for a handler key ('' for none; the key itself if its record is gone)."""
    if not key:
        return ""
    if key == OFFICE:
        return _("政协办公室")
    kind, _sep, pk = key.partition(":")
    model = _model({"workstation": "grassroots.Workstation", "duty_group": "grassroots.DutyGroup"}.get(kind, ""))
    obj = model.objects.filter(pk=pk).first() if model is not None and as_int(pk) is not None else None
    return str(obj) if obj is not None else key


def handler_of(appeal) -> str:
    """The handler an appeal was routed to, as a key ('' when intake has no routing fields yet)."""
    route = getattr(appeal, "route", "") or ""
    if route == "workstation" and getattr(appeal, "workstation_id", None):
        return f"workstation:{appeal.workstation_id}"
    if route == "duty_group" and getattr(appeal, "duty_group_id", None):
        return f"duty_group:{appeal.duty_group_id}"
    return OFFICE if route == OFFICE else ""


def apply_routing(appeal, *, category, department, handler: str, actor) -> None:
    """Write the confirmed routing onto the appeal (intake's record)."""
    fields = []
    if category is not None and appeal.category_id != category.pk:
        appeal.category = category
        fields.append("category")
    if department is not None and appeal.department_id != department.pk:
        appeal.department = department
        fields.append("department")
    if fields:
        appeal._history_user = actor
        appeal.save(update_fields=[*fields, "updated_at"])
    _route(appeal, handler, actor)


def _route(appeal, handler: str, actor) -> None:
    from core.workflow import _registry, perform

    wf = _registry.get("intake.appeal")
    if not handler or wf is None or "route" not in wf._by_name or appeal.status not in wf.action("route").sources:
        return
    kind, _sep, pk = handler.partition(":")
    data = {"route": kind, "workstation": pk if kind == "workstation" else "", "duty_group": ""}
    if kind == "duty_group":
        data["duty_group"] = pk
    perform(appeal, "route", actor=actor, data=data)


def merge_into_case(*, duplicate, into, actor, note: str = "") -> bool:
    """Merge through intake when it can; returns whether intake recorded the merge."""
    try:
        merge = import_string("intake.services.merge_appeals")
    except ImportError:
        return False
    merge(duplicate=duplicate, into=into, actor=actor, note=note)
    return True
