"""Who may see which records: one lookup for every model.

A model with a registered workflow declares its visibility there (`Workflow.visible`); other models
register a `visible(user) -> QuerySet` here. `visible_queryset` consults both, in that order.
"""

from collections.abc import Callable

_visible: dict[str, Callable] = {}


def register_visibility(model_label: str, func: Callable) -> None:
    _visible[model_label.lower()] = func


def visibility_for(model) -> Callable | None:
    """The `visible(user) -> QuerySet` function for a model, or None when nothing is declared."""
    from core.workflow import _registry

    label = model._meta.label_lower
    wf = _registry.get(label)
    if wf is not None and wf.visible:
        return wf.visible_to
    return _visible.get(label)


def visible_queryset(user, model):
    """The records of model this user may see, or None when the model declares no visibility."""
    func = visibility_for(model) if model else None
    return func(user) if func else None
