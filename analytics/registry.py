"""The registry of searchable kinds: what search indexes and what hot-topic mining reads.

Each kind says where its records are (a queryset), which text to index, who may see which records
(`visible(user) -> QuerySet`), and where a record opens (`url(obj)`). Adding a kind is one call to
`register_kind(SearchKind(...))` from an app's `AppConfig.ready()`; see docs/analytics.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Model, QuerySet
from django.utils.module_loading import import_string


def _resolve(ref):
    return import_string(ref) if isinstance(ref, str) else ref


@dataclass(frozen=True)
class SearchKind:
    key: str  # short stable name, stored in the index ("appeal", "opinion_report")
    label: Any  # shown as the filter and badge (gettext_lazy)
    model: str  # "app_label.ModelName"
    # Text of one record: the title, then fields or callables whose text is indexed as the body.
    title: str | Callable[[Model], str]
    text_fields: tuple[str | Callable[[Model], str], ...]
    # visible(user) -> QuerySet of this model the user may open (the same rule as the record's own pages).
    visible: Callable[[Any], QuerySet] | str
    url: Callable[[Model], str] | str
    queryset: Callable[[], QuerySet] | str | None = None  # what to index (default: all rows)
    created_field: str = "created_at"
    town: Callable[[Model], Any] | None = None  # for the town filter
    # Hot-topic mining reads kinds with hot_topics=True; place = community or town label, support = votes.
    hot_topics: bool = False
    place: Callable[[Model], str] | None = None
    support: Callable[[Model], int] | None = None
    # Index other kinds' changes too: e.g. an outcome item's change re-indexes its meeting.
    depends_on: tuple[tuple[str, Callable[[Model], Model | None]], ...] = ()
    # code(query) -> a filter for the record whose reference code the query is (an appeal's tracking
    # code, read out on the phone), or None when the query is not such a code.
    code: Callable[[str], Any] | None = None

    @property
    def model_class(self) -> type[Model]:
        return apps.get_model(self.model)

    def base_queryset(self) -> QuerySet:
        return _resolve(self.queryset)() if self.queryset else self.model_class._default_manager.all()

    def visible_to(self, user) -> QuerySet:
        return _resolve(self.visible)(user)

    def title_of(self, obj) -> str:
        return str(self.title(obj) if callable(self.title) else getattr(obj, self.title, "") or "")

    def body_of(self, obj) -> str:
        parts = []
        for f in self.text_fields:
            value = f(obj) if callable(f) else getattr(obj, f, "")
            if value:
                parts.append(str(value))
        return "\n".join(parts)

    def url_of(self, obj) -> str:
        return _resolve(self.url)(obj)


_kinds: dict[str, SearchKind] = {}


def register_kind(kind: SearchKind) -> SearchKind:
    """Add (or replace) a searchable kind; call from AppConfig.ready()."""
    _kinds[kind.key] = kind
    return kind


def unregister_kind(key: str) -> None:
    _kinds.pop(key, None)


def all_kinds() -> list[SearchKind]:
    return list(_kinds.values())


def get_kind(key: str) -> SearchKind | None:
    return _kinds.get(key)


def kind_for_model(model_or_obj) -> SearchKind | None:
    label = model_or_obj._meta.label_lower
    for kind in _kinds.values():
        if kind.model.lower() == label:
            return kind
    return None


def dependants_of(model_or_obj) -> list[tuple[SearchKind, Callable[[Model], Model | None]]]:
    """Kinds whose documents include this model's text (re-index them when it changes)."""
    label = model_or_obj._meta.label_lower
    return [(k, get) for k in _kinds.values() for dep, get in k.depends_on if dep.lower() == label]
