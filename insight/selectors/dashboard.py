"""The dashboard of one viewer: which figures their scope shows, assembled from the stats selectors."""

from dataclasses import replace
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import get_language

from accounts.predicates import can_see_contacts
from insight.selectors import duty, stats
from insight.selectors.scope import MEMBER, Period, Scope
from proposals.predicates import sees_all_proposals

# The district's figures are the same for everyone who sees the whole district, but not everyone of
# them sees the whole of every list a row opens: these lists follow their own rules
# (intake.selectors.appeals_visible_to, proposals.selectors.proposals_visible_to). Rows opening a
# list (by URL namespace) link only for those who see all of it; for the others a link would open
# a list with fewer records than the figure, or none.
WHOLE_LIST = {
    "intake": can_see_contacts,
    "proposals": sees_all_proposals,
}


def dashboard_for(viewer, scope: Scope, period: Period) -> dict:
    """Figures (charts), tables and key numbers for viewer's scope over period.

    The district's and a department's figures are the same for everyone in that scope, so they are
    kept in the shared cache: at a city's million appeals one computation reads a year of appeals
    several times (about 0.5 s on PostgreSQL, over a second on SQLite). An entry is kept for
    INSIGHT_CACHE_KEEP_SECONDS (900) and is fresh for INSIGHT_CACHE_SECONDS (300): the first request
    to find it older than that is still served it at once, and queues one background refresh
    (`insight.tasks.refresh_dashboard`, on the task workers in production); the page says when its
    figures were computed. So figures are at most a quarter of an hour old, and only a view nobody
    opened in that quarter of an hour is computed while its viewer waits.
    A member's own figures are not cached. Rows link only to lists the viewer sees whole (`links_for`).
    """
    return links_for(viewer, scope, _figures_for(viewer, scope, period))


def _figures_for(viewer, scope: Scope, period: Period) -> dict:
    if scope.kind == MEMBER:
        return _member_dashboard(viewer, scope, period)
    seconds = _cache_seconds()
    if seconds <= 0:
        return _scope_dashboard(scope, period)
    key = figures_key(scope, period, get_language())
    entry = cache.get(key)
    if entry is None:
        return store_dashboard(scope, period)
    if timezone.now() - entry["computed_at"] >= timedelta(seconds=seconds) and cache.add(f"{key}:refresh", 1, seconds):
        from insight.tasks import refresh_dashboard

        refresh_dashboard.enqueue(**task_arguments(scope, period))
        entry = cache.get(key, entry)  # the immediate task backend (development, tests) has refreshed it already
    return entry


def links_for(viewer, scope: Scope, data: dict) -> dict:
    """The dashboard data with the links the viewer may follow to a list showing the same records
    (a copy: the cached entry is shared by everyone in the scope)."""
    if not scope.is_all:
        return data
    hidden = {namespace for namespace, sees in WHOLE_LIST.items() if not sees(viewer)}
    if not hidden:
        return data

    def keep(url: str) -> str:
        try:
            return "" if url and resolve(urlsplit(url).path).namespace in hidden else url
        except Resolver404:
            return ""

    figures = {
        group: [replace(f, rows=[replace(r, url=keep(r.url)) for r in f.rows]) for f in items]
        for group, items in data["figures"].items()
    }
    heat = {
        **data["heat"],
        "rows": [
            {**row, "cells": [{**c, "url": keep(c["url"])} for c in row["cells"]]} for row in data["heat"]["rows"]
        ],
    }
    return {**data, "figures": figures, "heat": heat}


def store_dashboard(scope: Scope, period: Period) -> dict:
    """Compute the scope's figures for period in the current language and keep them in the cache."""
    seconds = _cache_seconds()
    entry = {
        **_scope_dashboard(scope, period),
        "computed_at": timezone.now(),
        "refresh_minutes": max(1, seconds // 60),
    }
    keep = max(seconds, int(getattr(settings, "INSIGHT_CACHE_KEEP_SECONDS", 900)))
    cache.set(figures_key(scope, period, get_language()), entry, keep)
    return entry


def task_arguments(scope: Scope, period: Period) -> dict:
    """What `insight.tasks.refresh_dashboard` needs to compute the same entry again (JSON values)."""
    return {
        "kind": scope.kind,
        "department_id": scope.department_id,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "town_id": getattr(period.town, "pk", None),
        "category_id": getattr(period.category, "pk", None),
        "language": get_language(),
    }


def figures_key(scope: Scope, period: Period, language: str) -> str:
    """The cache key of one scope's figures for period in language (benchmarks/pages.py and the
    tests age the entry under it)."""
    return _scope_key(
        scope,
        period.start,
        period.end,
        getattr(period.town, "pk", None),
        getattr(period.category, "pk", None),
        language,
    )


def year_picker(scope: Scope) -> dict:
    """The year picker's choices ("years", newest first) and the year the dashboard opens on ("default").

    Kept in the shared cache like the scope's figures (per scope, for INSIGHT_CACHE_SECONDS), so that
    a request served from the cache runs neither the year probes (one per year with appeals) nor the
    default-year lookup; the picker is then as old as the figures at most. A member's are computed per
    request, like their figures.
    """
    seconds = _cache_seconds()
    if scope.kind == MEMBER or seconds <= 0:
        return _year_picker()
    return cache.get_or_set(_scope_key(scope, "years"), _year_picker, seconds)


def _year_picker() -> dict:
    return {"years": stats.data_years(), "default": stats.default_year()}


def _cache_seconds() -> int:
    return int(getattr(settings, "INSIGHT_CACHE_SECONDS", 300))


def _scope_key(scope: Scope, *parts) -> str:
    """A cache key of the scope's entries: the district's, or one department's."""
    # v5: a department's tasks and proposals counted from the hand-over (交办) on, as its lists show them;
    # v4: with the citizens' ratings of appeals; v3 entries have none (v3: proposal satisfaction as
    # proposals.statistics counts it).
    return ":".join(str(part) for part in ("insight:dashboard:v5", scope.kind, scope.department_id, *parts))


def _scope_dashboard(scope: Scope, period: Period) -> dict:
    counts = stats.appeal_counts(scope, period)  # one pass for the category, channel, town and heat figures
    appeals = [
        stats.appeals_by_category(scope, period, counts),
        stats.appeals_by_channel(scope, period, counts),
        stats.appeals_by_town(scope, period, counts),
        stats.appeals_by_month(scope, period),
    ]
    proposal_ratings = stats.proposal_ratings(scope, period)
    task_ratings = stats.task_ratings(scope, period)
    outcomes = stats.appeal_outcomes(scope, period)
    figures = {
        "appeals": appeals,
        "overdue": [stats.overdue_counts(scope, town=period.town, category=period.category)],
        "proposals": [stats.proposals_by_unit(scope, period), stats.proposals_by_reply_class(scope, period)],
        "satisfaction": [stats.appeal_ratings(scope, period, outcomes["ratings"]), proposal_ratings, task_ratings],
        "supervision": [stats.task_status(scope, period)],
        "topics": [],
    }
    if scope.is_all:
        figures["topics"] = [stats.plan_item_stages(period.year), stats.suggestion_status(period.year)]
    appeal_times = stats.appeal_timeliness(scope, period)
    return {
        "figures": figures,
        "heat": stats.appeal_heat_table(scope, period, counts),
        "timeliness": [
            {"label": stats.TIMELINESS_LABELS["appeal_answer"], **appeal_times["first_answer"]},
            {"label": stats.TIMELINESS_LABELS["appeal_close"], **appeal_times["close"]},
            {"label": stats.TIMELINESS_LABELS["proposal_reply"], **stats.proposal_timeliness(scope, period)},
            {"label": stats.TIMELINESS_LABELS["task_reply"], **stats.task_timeliness(scope, period)},
        ],
        "key_numbers": {
            "appeals": appeals[0].total,
            "appeals_withdrawn": outcomes["withdrawn"],
            "appeal_answer_rate": outcomes["answer_rate"],
            "appeal_satisfaction": outcomes["satisfaction"],
            "appeals_rated": outcomes["rated"],
            "appeal_satisfaction_note": stats.APPEAL_SATISFACTION_NOTE,
            "overdue": figures["overdue"][0].total,
            "proposal_satisfaction": stats.satisfaction_rate(proposal_ratings),
            "proposal_satisfaction_note": proposal_ratings.note,
            "task_satisfaction": stats.satisfaction_rate(task_ratings),
        },
    }


def _member_dashboard(viewer, scope: Scope, period: Period) -> dict:
    from district.models import Member

    member = Member.objects.select_related("sector", "body").get(pk=scope.member_id)
    # Reports are counted over the period itself; proposals (by session) and duty points (rules
    # and caps are yearly) are annual, so a date range shows its start year's, and says so.
    record = duty.duty_record(member, period.year)
    return {
        "figures": {
            "mine": [
                stats.own_proposals(viewer, period.year),
                stats.own_opinions(viewer, period),
                duty_figure(record),
            ]
        },
        "record": record,
    }


def duty_figure(record) -> "stats.Figure":
    """A member's points per item as a chart (items with any activity)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    url = reverse("insight:duty-member", args=[record.member.pk]) + f"?year={record.year}"
    rows = [stats.Row(line.label, float(line.points), url) for line in record.lines if line.count]
    note = stats.ANNUAL_NOTE % {"y": record.year}
    return stats.Figure("own_duty", _("我的履职积分 · 按事项"), rows, chart="hbar", unit=_("分"), note=note)
