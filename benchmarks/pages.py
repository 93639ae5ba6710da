"""Page latencies on a large database (the synthetic city of `manage.py generate_scale`).

    DATABASE_URL=... .venv/bin/python benchmarks/pages.py [--runs 60] [--only list,track,...]

Each scenario requests real pages through Django's full request cycle (middleware, view, selectors,
template) in this process, as the office clerk `syn-clerk` or anonymously, with DEBUG off and rate
limits off; parameters vary per request (towns, states, tracking codes, search words) so that no
single cached plan or page is measured. Prints p50/p95/max in milliseconds and the queries per
request, against the budgets of issue 10.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("RATELIMIT_ENABLE", "false")
os.environ.setdefault("STATIC_PLAIN", "true")

import django

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

import config.wsgi  # noqa: E402,F401  a server process's start: URLs loaded, what is loaded frozen (gc)

BUDGETS_MS = {"list": 100, "track": 20, "search": 150, "dashboard": 300, "insight": 300}
WORDS = ["噪音扰民", "油烟", "停车", "路灯", "垃圾清运", "物业", "学位", "养老", "燃气管道", "公交线路"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def scenarios(rng: random.Random) -> dict:
    from district.models import Town
    from intake.models import Appeal, AppealStatus

    towns = list(Town.objects.values_list("pk", flat=True))
    max_id = Appeal.objects.order_by("-pk").values_list("pk", flat=True).first() or 1
    statuses = [s for s in AppealStatus.values if s != AppealStatus.MERGED]

    def some_code() -> str:
        while True:
            code = Appeal.objects.filter(pk=rng.randint(1, max_id)).values_list("tracking_code", flat=True).first()
            if code:
                return code

    return {
        "list": (
            "office",
            lambda: f"/appeals/office/?status={rng.choice(statuses)}&town={rng.choice(towns)}",
            "appeal list, filtered by state and town, page 1",
        ),
        "list_unfiltered": ("office", lambda: "/appeals/office/", "appeal list, no filter, page 1"),
        "list_page_200": ("office", lambda: "/appeals/office/?page=200", "appeal list, no filter, page 200"),
        "list_text": (
            "office",
            lambda: f"/appeals/office/?q={rng.choice(WORDS)}",
            "appeal list with a text filter (LIKE on title/body)",
        ),
        "track": ("anonymous", lambda: f"/appeals/track/{some_code()}/", "citizen's tracking page by code"),
        "search": (
            "office",
            lambda: f"/analytics/search/?q={rng.choice(WORDS)}",
            "full-text search (analytics), all kinds",
        ),
        "search_town": (
            "office",
            lambda: f"/analytics/search/?q={rng.choice(WORDS)}&town={rng.choice(towns)}",
            "full-text search filtered by town",
        ),
        "dashboard": ("office", lambda: "/office/", "the clerk's home page: waiting items of every workflow"),
        "insight": ("office", lambda: "/insight/", "the statistics dashboard (every chart of the year, district)"),
        "api_list": (
            "office",
            lambda: f"/api/v1/appeals/?status={rng.choice(statuses)}&town={rng.choice(towns)}",
            "API appeal list, filtered",
        ),
        "stats": ("office", None, "the dashboard's district figures (insight selectors), cache bypassed"),
        "stats_cached": ("office", None, "the same figures as the dashboard serves them (INSIGHT_CACHE_SECONDS)"),
        "stats_stale": ("office", None, "the same, found older than INSIGHT_CACHE_SECONDS (queues a refresh)"),
    }


def dashboard_aggregations(viewer, mode: str) -> dict:
    """The selectors of the statistics dashboard (insight/views/dashboard.py) for viewer's scope and
    the default year, as `/insight/` calls them, without the request cycle: "stats" (every figure
    computed, INSIGHT_CACHE_SECONDS=0), "stats_cached" (as the page serves them from the shared
    cache: the configured INSIGHT_CACHE_SECONDS, 300 s when that is 0) or "stats_stale" (served from
    the cache but older than that, so the request also queues their refresh: run it with
    USE_DB_TASKS=true to measure what production does; the immediate backend computes them)."""
    from django.conf import settings
    from django.test import override_settings

    from insight.selectors.dashboard import dashboard_for, year_picker
    from insight.selectors.scope import Period, require_scope

    seconds = 0 if mode == "stats" else (int(settings.INSIGHT_CACHE_SECONDS) or 300)
    with override_settings(INSIGHT_CACHE_SECONDS=seconds):
        scope = require_scope(viewer)
        default = year_picker(scope)["default"]
        return dashboard_for(viewer, scope, Period.for_year(default))


def age_dashboard(viewer) -> None:
    """Make the cached figures "stats_stale" reads older than INSIGHT_CACHE_SECONDS, with no refresh
    queued yet (outside the timed part)."""
    from datetime import timedelta

    from django.conf import settings
    from django.core.cache import cache
    from django.utils.translation import get_language

    from insight.selectors.dashboard import figures_key, year_picker
    from insight.selectors.scope import Period, require_scope

    dashboard_aggregations(viewer, "stats_cached")  # computed once if not in the cache yet
    scope = require_scope(viewer)
    key = figures_key(scope, Period.for_year(year_picker(scope)["default"]), get_language())
    entry = cache.get(key)
    entry["computed_at"] -= timedelta(seconds=(int(settings.INSIGHT_CACHE_SECONDS) or 300) + 1)
    cache.set(key, entry)
    cache.delete(f"{key}:refresh")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--only", default="")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from django.conf import settings

    from accounts.models import User
    from intake.models import Appeal

    rng = random.Random(args.seed)
    clerk = User.objects.get(username="syn-clerk")
    office, anonymous = Client(HTTP_HOST="127.0.0.1"), Client(HTTP_HOST="127.0.0.1")
    office.force_login(clerk)
    n = Appeal.objects.count()
    print(f"{connection.vendor}: {n:,} appeals; {args.runs} requests per scenario (after 3 warm-up)")
    print(f"{'scenario':16} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}  budget  what")
    only = set(filter(None, args.only.split(",")))
    for name, (who, url, what) in scenarios(rng).items():
        if only and name not in only:
            continue
        client = office if who == "office" else anonymous
        times, queries = [], 0
        for i in range(args.runs + 3):
            target = url() if url else None
            if name == "stats_stale":
                age_dashboard(clerk)
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                t0 = time.perf_counter()
                if target is None:
                    dashboard_aggregations(clerk, name)
                else:
                    response = client.get(target)
                    assert response.status_code == 200, (target, response.status_code)
                elapsed = (time.perf_counter() - t0) * 1000
            if i >= 3:
                times.append(elapsed)
                queries = max(queries, len(captured.captured_queries))
        budget = BUDGETS_MS.get("insight" if name.startswith("stats") else name.split("_")[0])
        p95 = percentile(times, 95)
        verdict = "" if budget is None else (f"{budget:>4}{' ok' if p95 <= budget else ' MISS'}")
        print(
            f"{name:16} {statistics.median(times):8.1f} {p95:8.1f} {max(times):8.1f} {queries:8d}  {verdict:8} {what}"
        )
    if (not only or "stats_stale" in only) and "django_tasks_db" in settings.TASKS["default"]["BACKEND"]:
        from django_tasks_db.models import DBTaskResult

        # The refreshes "stats_stale" queued, which no worker runs here.
        DBTaskResult.objects.filter(task_path="insight.tasks.refresh_dashboard", status="READY").delete()


if __name__ == "__main__":
    main()
