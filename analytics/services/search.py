"""Keep the search index in step with the registered kinds' records."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from analytics import lexicon, registry, text
from analytics.models import SearchDocument


def index_record(*, kind: registry.SearchKind, obj) -> SearchDocument:
    """Write (or rewrite) the index entry of one record."""
    title, body = kind.title_of(obj), kind.body_of(obj)
    tokens = " ".join(text.search_tokens(f"{title}\n{body}", lexicon.tokenizer()))
    town = kind.town(obj) if kind.town else None
    created = getattr(obj, kind.created_field, None) or timezone.now()
    doc, _created = SearchDocument.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        defaults={
            "kind": kind.key,
            "title": title[:300],
            "body": body,
            "tokens": tokens,
            "town": town,
            "created_at": created,
        },
    )
    return doc


def remove_record(*, model_label: str, pk: int) -> None:
    """Drop a deleted record's index entry."""
    from django.apps import apps

    ct = ContentType.objects.get_for_model(apps.get_model(model_label))
    SearchDocument.objects.filter(content_type=ct, object_id=pk).delete()


def reindex(*, model_label: str, pk: int) -> None:
    """Re-index a record of a registered kind and the records whose documents include its text."""
    from django.apps import apps

    model = apps.get_model(model_label)
    kind = registry.kind_for_model(model)
    if kind is not None:
        obj = kind.base_queryset().filter(pk=pk).first()
        if obj is None:
            remove_record(model_label=model_label, pk=pk)
        else:
            index_record(kind=kind, obj=obj)
    instance = None
    for parent_kind, get_parent in registry.dependants_of(model):
        instance = instance or model._default_manager.filter(pk=pk).first()
        parent = get_parent(instance) if instance is not None else None
        if parent is not None:
            fresh = parent_kind.base_queryset().filter(pk=parent.pk).first()
            if fresh is not None:
                index_record(kind=parent_kind, obj=fresh)


@transaction.atomic
def rebuild_index(*, kinds: list[str] | None = None, batch: int = 500) -> dict[str, int]:
    """Re-index every record of the given kinds (all by default); returns counts per kind."""
    counts = {}
    for kind in registry.all_kinds():
        if kinds and kind.key not in kinds:
            continue
        ct = ContentType.objects.get_for_model(kind.model_class)
        SearchDocument.objects.filter(content_type=ct).delete()
        n = 0
        for obj in kind.base_queryset().order_by("pk").iterator(chunk_size=batch):
            index_record(kind=kind, obj=obj)
            n += 1
        counts[kind.key] = n
    return counts
