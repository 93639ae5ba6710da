"""System checks of how the site is installed and run (separate from core/checks.py's address and key checks)."""

import importlib.util
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

PROCESS_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def vendored_files() -> list[str]:
    """The front-end files every page links (scripts/vendor_assets.py's list), relative to var/vendor."""
    script = Path(settings.BASE_DIR) / "scripts" / "vendor_assets.py"
    spec = importlib.util.spec_from_file_location("xieshang_vendor_assets", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [f"vendor/{name}" for name in module.FILES]


# Tagged staticfiles: `collectstatic` runs it too, so it refuses to collect a site without them.
@register(Tags.staticfiles)
def vendored_assets_are_installed(app_configs, **kwargs):
    """With DEBUG off, every page links the hashed names of Bootstrap, htmx and ECharts from the collected
    static files' manifest; when `npm ci` + scripts/vendor_assets.py (make setup) were never run, those
    files are missing and every page answers 500 (Missing staticfiles manifest entry)."""
    if settings.DEBUG:
        return []
    root = Path(settings.BASE_DIR) / "var" / "vendor"
    missing = [name for name in vendored_files() if not (root / name).is_file()]
    if not missing:
        return []
    return [
        Error(
            f"The vendored front-end files are missing from {root} ({', '.join(missing[:3])}"
            f"{', …' if len(missing) > 3 else ''}): with DEBUG off every page would answer 500.",
            hint="Run `make setup` (or `npm ci && python3 scripts/vendor_assets.py`), then `manage.py collectstatic`; "
            "docs/operations.md § Install and upgrade.",
            id="xieshang.E101",
        )
    ]


@register(Tags.caches, deploy=True)
def background_tasks_share_the_cache(app_configs, **kwargs):
    """With USE_DB_TASKS the dashboard's figures are computed again by a task worker and stored in the
    cache: a per-process cache (no REDIS_URL) keeps them in the worker, where no web process reads them."""
    in_database = settings.TASKS.get("default", {}).get("BACKEND", "").startswith("django_tasks_db.")
    if not in_database or settings.CACHES["default"]["BACKEND"] not in PROCESS_LOCAL_CACHES:
        return []
    return [
        Warning(
            "USE_DB_TASKS is on but the cache is per process (no REDIS_URL): the statistics dashboard's figures "
            "refreshed by the task workers never reach the web processes, which keep showing old figures.",
            hint="Set REDIS_URL (a shared cache) whenever USE_DB_TASKS=true, even on one server.",
            id="xieshang.W101",
        )
    ]
