"""Hot topics: cluster recent appeals and reports into candidate consultation topics; send one to the plan."""

from __future__ import annotations

import time
from datetime import datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from analytics import clustering, lexicon, registry, text
from analytics.models import HotTopic, HotTopicItem, HotTopicRun
from core.exceptions import Refused
from core.i18n import record_language

MIN_SIMILARITY = clustering.MIN_SIMILARITY
TOP = 20


def cluster_settings() -> dict:
    """The district's cluster cut and name boost (constance keys; defaults in analytics.clustering)."""
    from constance import config

    return {
        "min_similarity": float(getattr(config, "ANALYTICS_CLUSTER_MIN_SIMILARITY", clustering.MIN_SIMILARITY)),
        "entity_boost": float(getattr(config, "ANALYTICS_CLUSTER_ENTITY_BOOST", clustering.ENTITY_BOOST)),
    }


def _documents(since: datetime, until: datetime) -> tuple[list[clustering.Doc], list[tuple]]:
    tok = lexicon.tokenizer()
    # The district's towns and communities say where, not what: they are no shared name.
    district = lexicon.district_places()
    areas = district.names
    places = sorted(set(lexicon.place_names()) - set(areas))
    local = [a for a in areas if a not in district.districts]  # towns and communities
    docs, refs = [], []
    for kind in registry.all_kinds():
        if not kind.hot_topics:
            continue
        rng = {f"{kind.created_field}__gte": since, f"{kind.created_field}__lt": until}
        for obj in kind.base_queryset().filter(**rng).order_by("pk"):
            title, body = kind.title_of(obj), kind.body_of(obj)
            docs.append(
                clustering.Doc(
                    key=f"{kind.key}:{obj.pk}",
                    title=title,
                    # The matter: without the district's place names and the letter formulas.
                    words=text.content_words(text.matter_text(f"{title} {body}", areas), tok),
                    title_words=text.content_words(text.matter_text(title, areas), tok),
                    names=text.entities(title, places, areas=areas),
                    areas=[a for a in areas if a in title],
                    created_at=getattr(obj, kind.created_field),
                    place=(kind.place(obj) if kind.place else "") or place_named(title, local),
                    support=kind.support(obj) if kind.support else 0,
                )
            )
            refs.append((kind, obj))
    return docs, refs


class NoTexts(Refused):
    """The window holds no appeal or report: nothing is mined nor stored (the last run stays the one shown)."""


def place_named(title: str, local: list[str]) -> str:
    """Where a message without a recorded place (a 社情民意 report) is: the most specific of the district's
    towns and communities its title names, or "" (counted nowhere in a topic's spread)."""
    return max((a for a in local if a in title), key=len, default="")


@transaction.atomic
def mine_hot_topics(
    *,
    since: datetime,
    until: datetime | None = None,
    actor=None,
    top: int = TOP,
    min_similarity: float | None = None,
    entity_boost: float | None = None,
) -> HotTopicRun:
    """Cluster the window's appeals and reports; store the top clusters as candidate topics with evidence.

    The cut and the name boost default to the district's configuration (cluster_settings)."""
    settings = cluster_settings()
    if min_similarity is not None:
        settings["min_similarity"] = min_similarity
    if entity_boost is not None:
        settings["entity_boost"] = entity_boost
    until = until or timezone.now()
    if since >= until:
        raise Refused(_("起始时间必须早于截止时间。"))
    since, until = timezone.localtime(since), timezone.localtime(until)  # the district's days
    if clustering.window_too_long(since.date(), until.date()):
        raise Refused(clustering.window_too_long_message())
    start = time.perf_counter()
    docs, refs = _documents(since, until)
    if not docs:
        # An empty run would become the one shown and hide the last run's candidates for nothing.
        raise NoTexts(
            _("%(since)s至%(until)s没有群众诉求或社情民意信息，未进行挖掘，请调整起止日期。")
            % {"since": f"{since:%Y-%m-%d}", "until": f"{until:%Y-%m-%d}"}
        )
    ranked = clustering.describe_and_rank(docs, clustering.cluster(docs, **settings), since=since, until=until, top=top)
    run = HotTopicRun.objects.create(
        since=since,
        until=until,
        n_documents=len(docs),
        n_topics=len(ranked),
        run_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    cts: dict[str, ContentType] = {}
    for rank, c in enumerate(ranked, 1):
        topic = HotTopic(
            run=run,
            rank=rank,
            title=c.title[:200],
            keywords=c.keywords,
            score=c.score,
            volume=c.volume,
            recent=c.recent,
            growth=c.growth,
            spread=c.spread,
            support=c.support,
            trend=clustering.trend_counts([docs[i].created_at for i in c.members], since, until),
        )
        topic.full_clean(exclude=["run"])
        topic.save()
        items = []
        for i in c.members:
            kind, obj = refs[i]
            ct = cts.setdefault(kind.key, ContentType.objects.get_for_model(obj))
            items.append(
                HotTopicItem(
                    topic=topic,
                    content_type=ct,
                    object_id=obj.pk,
                    title=docs[i].title[:200],
                    created_at=docs[i].created_at,
                    similarity=round(c.cohesion.get(i, 0.0), 4),
                )
            )
        HotTopicItem.objects.bulk_create(items)
    run.seconds = round(time.perf_counter() - start, 2)
    run.save(update_fields=["seconds"])
    return run


# Sending a candidate into the plan's collection round (the topics app owns suggestions).


def _suggestion_model():
    try:
        return apps.get_model("topics", "TopicSuggestion")
    except LookupError:
        return None


def _open_round():
    """The collection round that accepts suggestions now (topics' open_rounds, deadline not passed)."""
    from topics.selectors import open_rounds

    return open_rounds().filter(deadline__gte=timezone.localdate()).order_by("-year").first()


def check_send(topic: HotTopic, *, actor, note: str, data: dict) -> None:
    if _suggestion_model() is None:
        raise Refused(_("拟题征集功能尚未启用，暂不能送入征集。"))
    if _open_round() is None:
        raise Refused(_("当前没有正在征集的年度协商议题，请先发起征集。"))


def background_of(topic: HotTopic) -> str:
    """The suggestion's background: the evidence in numbers and the first titles."""
    since, until = timezone.localtime(topic.run.since), timezone.localtime(topic.run.until)
    with record_language():  # stored as the suggestion's background
        counts = {"since": f"{since:%Y-%m-%d}", "until": f"{until:%Y-%m-%d}", "n": topic.volume}
        counts.update(spread=topic.spread, support=topic.support)
        if topic.spread:
            first = _(
                "%(since)s至%(until)s共收到相关群众诉求和社情民意信息%(n)s件，涉及%(spread)s个社区/镇街，群众支持%(support)s次。"
            )
        else:  # no place recorded or named: not "涉及0个"
            first = _("%(since)s至%(until)s共收到相关群众诉求和社情民意信息%(n)s件，群众支持%(support)s次。")
        lines = [first % counts, _("关键词：%(kw)s") % {"kw": "、".join(topic.keywords)}]
    lines += [f"· {item.title}" for item in topic.items.all()[:10]]
    return "\n".join(lines)


def why_now_of(topic: HotTopic) -> str:
    """The suggestion's 为何现在: the plain counts of the window's two halves and which way they went
    (the smoothed `growth` ranks the candidates and is never quoted)."""
    since, until = timezone.localtime(topic.run.since), timezone.localtime(topic.run.until)
    with record_language():  # stored with the suggestion
        return _("按挖掘时段（%(since)s至%(until)s）前后两半计，近期%(recent)s件，前期%(earlier)s件，%(change)s。") % {
            "since": f"{since:%Y-%m-%d}",
            "until": f"{until:%Y-%m-%d}",
            "recent": topic.recent,
            "earlier": topic.earlier,
            "change": topic.change_label,
        }


def on_send(topic: HotTopic, *, actor, note: str, data: dict, change) -> None:
    rnd = _open_round()
    why_now = why_now_of(topic)
    try:
        create = import_string("topics.services.suggestions.create_suggestion")
    except ImportError:
        create = None
    if create is not None:
        suggestion = create(
            round=rnd,
            title=topic.title[:120],
            background=background_of(topic),
            why_now=why_now,
            suggester=actor,
            source=topic,
            submit=True,
        )
    else:
        model = _suggestion_model()
        suggestion = model(round=rnd, title=topic.title[:120], background=background_of(topic), suggester=actor)
        suggestion.source_type = ContentType.objects.get_for_model(topic)
        suggestion.source_id = topic.pk
        suggestion.full_clean()
        suggestion.save()
    topic.suggestion_type = ContentType.objects.get_for_model(suggestion)
    topic.suggestion_id = suggestion.pk
    topic._history_user = actor
    topic.save(update_fields=["suggestion_type", "suggestion_id", "updated_at"])
    # The send step names the suggestion it created (the timeline shows it; the link fields stay out of
    # the field history).
    change.data = {**(change.data or {}), "suggestion": suggestion.pk}
    change.save(update_fields=["data"])


def timeline(topic: HotTopic, viewer, steps: list) -> None:
    """The topic workflow's `timeline` (core.workflow.history_for): the send step says which topic
    suggestion it created, by its title."""
    sends = [event for change, event in steps if change.action == "send"]
    if sends and topic.suggestion is not None:
        for event in sends:
            event["action_label"] = _("送入拟题征集（生成议题建议“%(title)s”）") % {"title": topic.suggestion}


def send_to_collection_round(*, topic: HotTopic, actor) -> HotTopic:
    """One action: the candidate becomes a topic suggestion in the open round; both keep the link."""
    from core.workflow import perform

    return perform(topic, "send", actor=actor)
