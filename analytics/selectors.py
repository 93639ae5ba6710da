"""Reads of the analytics area: suggestions, duplicate pairs, candidate topics, search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.predicates import is_cppcc_leader, is_office
from analytics import intake_bridge, lexicon, registry, search_backend, text
from analytics.models import (
    ClassifierVersion,
    DuplicateCandidate,
    DuplicateStatus,
    HotTopic,
    HotTopicItem,
    HotTopicRun,
    LexiconEntry,
    RoutingLabel,
    RoutingSuggestion,
    SearchDocument,
    SuggestionStatus,
    TopicStatus,
)
from core.http import as_int


def _office(viewer) -> bool:
    return bool(getattr(viewer, "is_authenticated", False)) and bool(is_office(viewer))


def suggestions_visible_to(viewer) -> QuerySet[RoutingSuggestion]:
    """Routing suggestions: office work."""
    qs = RoutingSuggestion.objects.select_related("appeal", "category", "department", "model_version")
    return qs if _office(viewer) else qs.none()


def pending_suggestions(viewer) -> QuerySet[RoutingSuggestion]:
    """Suggestions waiting for staff, newest appeal first: only for appeals still being handled (a closed,
    merged or withdrawn appeal's routing is no longer decided, `services.routing.routing_blocker`)."""
    return (
        suggestions_visible_to(viewer)
        .filter(status=SuggestionStatus.PENDING, appeal__in=intake_bridge.open_appeals().values("pk"))
        .order_by("-appeal__created_at")
    )


@dataclass
class Routing:
    """The routing in force for an appeal: staff's label (who, when, how) or, before one, the appeal's own."""

    category: object
    department: object
    handler: str
    handler_name: str
    source: str = ""  # the label's source label (采纳建议 / 人工更正); "" for the appeal's own fields
    by: object = None
    at: datetime | None = None


def current_routing(suggestion: RoutingSuggestion) -> Routing:
    """What the appeal is routed to now, for the suggestion and analysis pages and the correction form."""
    label = (
        RoutingLabel.objects.select_related("category", "department", "labelled_by")
        .filter(appeal_id=suggestion.appeal_id)
        .first()
    )
    if label is not None:
        return Routing(
            category=label.category,
            department=label.department,
            handler=label.handler,
            handler_name=intake_bridge.handler_label(label.handler),
            source=label.get_source_display(),
            by=label.labelled_by,
            at=label.updated_at,
        )
    appeal = suggestion.appeal
    handler = intake_bridge.handler_of(appeal)
    return Routing(
        category=appeal.category,
        department=appeal.department,
        handler=handler,
        handler_name=intake_bridge.handler_label(handler),
    )


def get_suggestion_for(viewer, pk: int) -> RoutingSuggestion:
    return get_object_or_404(suggestions_visible_to(viewer), pk=pk)


def duplicates_visible_to(viewer) -> QuerySet[DuplicateCandidate]:
    """Duplicate pairs: office work."""
    qs = DuplicateCandidate.objects.select_related(
        "appeal__town", "appeal__community", "original__town", "original__community"
    )
    return qs if _office(viewer) else qs.none()


def tracking_codes_shown(viewer, appeals) -> set[int]:
    """Ids of these appeals whose tracking code (查询码, the citizen's key) the viewer may see, by intake's
    rule (`intake.predicates.shows_tracking_code`, read for many at once by
    `intake.selectors.with_tracking_code_shown`): the others are named by their title."""
    from intake.models import Appeal
    from intake.selectors import with_tracking_code_shown

    ids = {a.pk for a in appeals if a is not None}
    if not ids:
        return set()
    shown = with_tracking_code_shown(Appeal.objects.filter(pk__in=ids), viewer).filter(tracking_code_shown=True)
    return set(shown.values_list("pk", flat=True))


def open_duplicates(viewer) -> QuerySet[DuplicateCandidate]:
    return duplicates_visible_to(viewer).filter(status=DuplicateStatus.OPEN).order_by("-similarity", "-id")


def get_duplicate_for(viewer, pk: int) -> DuplicateCandidate:
    return get_object_or_404(duplicates_visible_to(viewer), pk=pk)


def duplicates_of(viewer, appeal) -> QuerySet[DuplicateCandidate]:
    """Pairs that involve this appeal, either side."""
    return duplicates_visible_to(viewer).filter(Q(appeal=appeal) | Q(original=appeal)).order_by("-similarity")


def may_see_topics(viewer) -> bool:
    """Candidate topics are for the office and the committee's leaders."""
    return _office(viewer) or (bool(getattr(viewer, "is_authenticated", False)) and bool(is_cppcc_leader(viewer)))


def topics_visible_to(viewer) -> QuerySet[HotTopic]:
    """Candidate topics the viewer may open."""
    qs = HotTopic.objects.select_related("run")
    return qs if may_see_topics(viewer) else qs.none()


def latest_run() -> HotTopicRun | None:
    return HotTopicRun.objects.order_by("-started_at", "-id").first()


# The run picker of the topics page lists this many runs, newest first (a run's topics stay reachable by
# ?run=<id> beyond it).
RUNS_LISTED = 50


def recent_runs() -> QuerySet[HotTopicRun]:
    """Runs for the picker, newest first, each with the number of its candidates still 待研判 (`pending`)."""
    pending = Count("topics", filter=Q(topics__status=TopicStatus.NEW))
    return (
        HotTopicRun.objects.select_related("run_by")
        .annotate(pending=pending)
        .order_by("-started_at", "-id")[:RUNS_LISTED]
    )


def get_run(raw) -> HotTopicRun:
    """The run named by ?run= (404 for an unknown or malformed id)."""
    pk = as_int(raw)
    if pk is None:
        raise Http404
    return get_object_or_404(HotTopicRun, pk=pk)


def topics_of_run(viewer, run: HotTopicRun | None, *, status: str = "") -> QuerySet[HotTopic]:
    if run is None:
        return HotTopic.objects.none()
    qs = topics_visible_to(viewer).filter(run=run)
    return qs.filter(status=status) if status else qs


def get_topic_for(viewer, pk: int) -> HotTopic:
    qs = topics_visible_to(viewer).prefetch_related(
        Prefetch("items", queryset=HotTopicItem.objects.select_related("content_type"))
    )
    return get_object_or_404(qs, pk=pk)


def evidence_of(viewer, topic: HotTopic) -> list[dict]:
    """The topic's appeals and reports the viewer may open, with a link each."""
    items = list(topic.items.all())
    by_kind: dict[str, list[HotTopicItem]] = {}
    for item in items:
        by_kind.setdefault(item.content_type.model_class()._meta.label_lower, []).append(item)
    out = []
    for label, group in by_kind.items():
        kind = next((k for k in registry.all_kinds() if k.model.lower() == label), None)
        if kind is None:
            continue
        visible = kind.visible_to(viewer).filter(pk__in=[i.object_id for i in group]).in_bulk()
        for item in group:
            obj = visible.get(item.object_id)
            if obj is not None:
                out.append({"item": item, "kind": kind, "url": kind.url_of(obj)})
    out.sort(key=lambda e: (-e["item"].similarity, e["item"].pk))
    return out


def model_versions() -> QuerySet[ClassifierVersion]:
    return ClassifierVersion.objects.select_related("trained_by").order_by("-number")


def lexicon_entries() -> QuerySet[LexiconEntry]:
    return LexiconEntry.objects.order_by("kind", "word")


# Search.


@dataclass
class Hit:
    kind: registry.SearchKind
    doc: SearchDocument
    url: str
    title_parts: list[tuple[str, bool]]
    snippet_parts: list[tuple[str, bool]]


def _day_start(d: date | None) -> datetime | None:
    return timezone.make_aware(datetime.combine(d, time.min)) if d else None


def search_documents(
    viewer,
    query: str,
    *,
    kinds: list[str] | None = None,
    town=None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> tuple[QuerySet[SearchDocument], list[str]]:
    """Index entries matching every word of the query that the viewer may open, newest first."""
    terms = text.query_terms(query, lexicon.tokenizer())
    chosen = [k for k in registry.all_kinds() if not kinds or k.key in kinds]
    if not terms or not chosen or not getattr(viewer, "is_authenticated", False):
        return SearchDocument.objects.none(), terms
    allowed, by_code = Q(), Q()
    for kind in chosen:
        ct = ContentType.objects.get_for_model(kind.model_class)
        visible = kind.visible_to(viewer)
        if _sees_all(visible):
            # The office sees every record of this kind: no million-row IN list to check against.
            allowed |= Q(content_type=ct)
        else:
            allowed |= Q(content_type=ct, object_id__in=visible.values("pk"))
        code = kind.code(query) if kind.code else None
        if code is not None:
            by_code |= Q(content_type=ct, object_id__in=visible.filter(code).values("pk"))
    exact = SearchDocument.objects.filter(by_code) if by_code else SearchDocument.objects.none()
    if by_code and exact.exists():
        # The query is a record's reference code (e.g. a tracking code read out on the phone).
        qs = exact
    else:
        qs = search_backend.filter_matching(SearchDocument.objects.filter(allowed), terms)
    if town is not None:
        qs = qs.filter(town=town)
    if date_from:
        qs = qs.filter(created_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(created_at__lt=_day_start(date.fromordinal(date_to.toordinal() + 1)))
    return qs.select_related("content_type").order_by("-created_at", "-id"), terms


def _sees_all(qs: QuerySet) -> bool:
    """True when a visibility queryset is the whole table (no condition, no slice, no DISTINCT)."""
    query = qs.query
    return not query.where and not query.distinct and query.low_mark == 0 and query.high_mark is None


def hits_for(docs: list[SearchDocument], terms: list[str]) -> list[Hit]:
    """Display rows for one page of results: link, highlighted title and snippet."""
    by_kind: dict[str, list[SearchDocument]] = {}
    for d in docs:
        by_kind.setdefault(d.kind, []).append(d)
    objects = {}
    for key, group in by_kind.items():
        kind = registry.get_kind(key)
        if kind is not None:
            for pk, obj in kind.base_queryset().in_bulk([d.object_id for d in group]).items():
                objects[(key, pk)] = obj
    hits = []
    for d in docs:
        kind, obj = registry.get_kind(d.kind), objects.get((d.kind, d.object_id))
        if kind is None or obj is None:
            continue
        hits.append(
            Hit(
                kind=kind,
                doc=d,
                url=kind.url_of(obj),
                title_parts=text.snippet(d.title, terms, width=300),
                snippet_parts=text.snippet(d.body, terms, width=120),
            )
        )
    return hits
