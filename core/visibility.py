"""Visibility for models without a workflow: apps register `visible(user) -> QuerySet` here."""

from collections.abc import Callable

_visible: dict[str, Callable] = {}


def register_visibility(model_label: str, func: Callable) -> None:
    _visible[model_label.lower()] = func


def visible_queryset(user, model):
    func = _visible.get(model._meta.label_lower) if model else None
    return func(user) if func else None
