"""R5#2 and #9: the system checks that stop a deployment serving 500s or stale figures."""

import os
import subprocess
import sys
from pathlib import Path

from django.core.checks import Error
from django.test import override_settings

from core import checks_operations

ROOT = Path(__file__).resolve().parents[2]
DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/0"}}


def test_missing_vendored_assets_are_an_error_with_debug_off(tmp_path):
    """A fresh checkout without `make setup` (no var/vendor): refused, not the staticfiles.W004 warning."""
    with override_settings(BASE_DIR=tmp_path, DEBUG=False):
        (tmp_path / "scripts").mkdir()
        (tmp_path / "scripts" / "vendor_assets.py").write_text((ROOT / "scripts" / "vendor_assets.py").read_text())
        problems = checks_operations.vendored_assets_are_installed(None)
        assert [p.id for p in problems] == ["xieshang.E101"] and isinstance(problems[0], Error)
        assert "make setup" in problems[0].hint
        # Once scripts/vendor_assets.py has copied them, nothing to say.
        for name in checks_operations.vendored_files():
            target = tmp_path / "var" / "vendor" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("/* */")
        assert checks_operations.vendored_assets_are_installed(None) == []
    with override_settings(BASE_DIR=tmp_path / "nowhere", DEBUG=True):
        assert checks_operations.vendored_assets_are_installed(None) == []  # runserver serves from the finders


def test_collectstatic_refuses_a_checkout_without_the_vendored_assets(tmp_path):
    """collectstatic runs the staticfiles checks: without var/vendor it fails instead of collecting a site
    whose every page would answer 500."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "false"}
    code = (
        "import django; django.setup();"
        "from django.conf import settings; from django.core.management import call_command;"
        f"settings.BASE_DIR = __import__('pathlib').Path({str(tmp_path)!r});"
        f"(settings.BASE_DIR / 'scripts').mkdir(); (settings.BASE_DIR / 'scripts' / 'vendor_assets.py')"
        f".write_text(open({str(ROOT / 'scripts' / 'vendor_assets.py')!r}).read());"
        "settings.STATIC_ROOT = str(settings.BASE_DIR / 'static_out');"
        "call_command('collectstatic', '--noinput', '--dry-run', verbosity=0, skip_checks=False)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "xieshang.E101" in result.stderr


def test_database_tasks_with_a_per_process_cache_are_warned_about():
    with override_settings(TASKS=DB_QUEUE, CACHES=LOCMEM):
        assert [p.id for p in checks_operations.background_tasks_share_the_cache(None)] == ["xieshang.W101"]
    with override_settings(TASKS=DB_QUEUE, CACHES=REDIS):
        assert checks_operations.background_tasks_share_the_cache(None) == []
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(TASKS=immediate, CACHES=LOCMEM):  # the request computes them itself
        assert checks_operations.background_tasks_share_the_cache(None) == []
