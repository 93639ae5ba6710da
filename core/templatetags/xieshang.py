from django import template
from django.urls import reverse

from core.http import page_path
from core.i18n import join_list as joined_list
from core.privacy import masked
from core.unsaved import unsaved_input
from core.workflow import _registry, history_for

register = template.Library()


@register.inclusion_tag("core/_workflow_panel.html", takes_context=True)
def workflow_panel(context, obj, show_history: bool = True):
    """Action buttons the viewer may press now, and the object's audited timeline.

    An action that needs more than a note (its `fields`: a department, a date, a document number)
    has its own form on the object's page; offered here with only a note box it could only fail.
    So has an action declared `own_form` (the supervision reply form): one way to do it, not two.
    """
    request = context["request"]
    wf = _registry[obj._meta.label_lower]
    state = getattr(obj, wf.status_field)
    actions = [a for a in wf.available(obj, request.user) if not (a.fields or a.own_form)]
    return {
        "obj": obj,
        "state": state,
        "state_label": wf.state_label(state),
        "actions": actions,
        "post_url": reverse("core:transition", args=[obj._meta.label_lower, obj.pk]),
        "next": page_path(request),
        "history": history_for(obj, request.user) if show_history else [],
        "csrf_token": context.get("csrf_token"),
        **unsaved_input(request, offered=[a.name for a in actions]),
    }


@register.inclusion_tag("core/_history.html", takes_context=True)
def history_timeline(context, obj):
    """The object's audited timeline, with the notes the viewer may read (`core.workflow.history_for`)."""
    request = context.get("request")
    return {"history": history_for(obj, getattr(request, "user", None))}


@register.filter
def mask(value, kind: str):
    return masked(value or "", kind)


@register.filter
def join_list(items) -> str:
    """Items as a list in the reader's language: 甲、乙 / "A, B" (Django's `join` with a fixed 、 is not)."""
    return joined_list(items)


@register.simple_tag
def state_badge_class(state: str) -> str:
    finished = {"closed", "published", "archived", "rejected", "dropped", "finished", "done", "withdrawn"}
    if state in finished:
        return "text-bg-secondary"
    if state in {"overdue", "returned", "unsatisfied", "reopened"}:
        return "text-bg-danger"
    if state in {"draft", "proposed", "collected"}:
        return "text-bg-light border"
    return "text-bg-primary"
