"""Demo: train the routing model on the demo appeals, suggest routing for the new ones, find duplicates,
build the search index and mine the hot topics of the demo's last half-year. All data are demo data."""

from datetime import datetime

from django.utils import timezone

from analytics.models import LexiconEntry
from analytics.services import duplicates, hot_topics, routing, search

# The office's own additions to the shipped dictionary (demo entries).
LEXICON = [("凤山社区", "place", "演示词条"), ("护学岗", "term", "演示词条"), ("长者食堂", "term", "演示词条")]


def load(ctx: dict) -> None:
    clerk = ctx.get("users", {}).get("clerk")
    for word, kind, note in LEXICON:
        LexiconEntry.objects.get_or_create(word=word, defaults={"kind": kind, "note": note})
    routing.train_routing_model(rows=routing.labelled_rows(), source="records", actor=clerk)
    from intake.models import Appeal

    for appeal in Appeal.objects.filter(status="received").order_by("pk"):
        routing.suggest_routing(appeal=appeal)
    for appeal in Appeal.objects.order_by("created_at", "pk"):
        duplicates.fingerprint_appeal(appeal=appeal)
    for appeal in Appeal.objects.filter(status="received").order_by("created_at", "pk"):
        duplicates.record_duplicates(appeal=appeal)
    search.rebuild_index()
    tz = timezone.get_current_timezone()
    hot_topics.mine_hot_topics(
        since=datetime(2023, 7, 1, tzinfo=tz), until=datetime(2024, 1, 1, tzinfo=tz), actor=clerk
    )
