"""Cluster recent appeals and reports into ranked candidate topics."""

import re
from datetime import datetime, time, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date

from analytics.services import hot_topics
from core.exceptions import DomainError


def _day(raw: str, *, end: bool = False) -> datetime:
    """A date (YYYY-MM-DD), or a number of days back from today ("30d", for a nightly cron line)."""
    raw = (raw or "").strip()
    if relative := re.fullmatch(r"(\d{1,4})d", raw):
        day = timezone.localdate() - timedelta(days=int(relative.group(1)))
    else:
        day = parse_date(raw)
    if day is None:
        raise CommandError(f"not a date (YYYY-MM-DD) nor a number of days back (30d): {raw!r}")
    return timezone.make_aware(datetime.combine(day, time.max if end else time.min))


class Command(BaseCommand):
    help = "Mine hot topics from appeals and reports created since a date (or the last N days: --since 30d)."

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, help="YYYY-MM-DD, or days back from today: 30d")
        parser.add_argument("--until", help="YYYY-MM-DD or days back (default: now)")
        parser.add_argument("--top", type=int, default=hot_topics.TOP)
        parser.add_argument("--min-similarity", type=float, help="cluster cut (default: the district's setting)")
        parser.add_argument("--entity-boost", type=float, help="weight of shared names (default: the setting)")

    def handle(self, *args, since, until=None, top=20, min_similarity=None, entity_boost=None, **options):
        try:
            run = hot_topics.mine_hot_topics(
                since=_day(since),
                until=_day(until, end=True) if until else None,
                top=top,
                min_similarity=min_similarity,
                entity_boost=entity_boost,
            )
        except hot_topics.NoTexts as exc:
            # A quiet window is no failure of the nightly run: nothing is stored, the last run stays shown.
            self.stdout.write(str(exc.message))
            return
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"{run.n_documents} documents, {run.n_topics} topics, {run.seconds:.1f} s")
        for t in run.topics.order_by("rank"):
            self.stdout.write(f"{t.rank:>2}. [{t.volume}] {t.title}  ({' '.join(t.keywords)})")
