import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_passes_with_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "k" * 60 + "production-secret-Q9!",
        "DJANGO_DEBUG": "false",
        "USE_TLS": "true",
        "DJANGO_ALLOWED_HOSTS": "xieshang.example.org",
        "FIELD_ENCRYPTION_KEY": "cHJvZHVjdGlvbi1rZXktMzItYnl0ZXMtbG9uZy0xMjM=",
        "SITE_URL": "https://xieshang.example.org",
        "ENFORCE_STAFF_2FA": "true",
        "EMAIL_HOST": "smtp.example.org",
    }
    result = _check_deploy(env)
    assert result.returncode == 0, result.stdout + result.stderr
    # Left at its development default, the address in activation and reset e-mails is refused.
    result = _check_deploy({**env, "SITE_URL": "http://127.0.0.1:8000"})
    assert result.returncode != 0 and "xieshang.W001" in result.stdout + result.stderr


PRODUCTION_WITHOUT_KEYS = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DJANGO_DEBUG": "false",
    "USE_TLS": "true",
    "DJANGO_ALLOWED_HOSTS": "xieshang.example.org",
    "SITE_URL": "https://xieshang.example.org",
}
KEY_SETTINGS = ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY_FILE", "FIELD_ENCRYPTION_KEY", "FIELD_ENCRYPTION_KEY_FILE")


def test_the_public_development_keys_are_refused_with_debug_off():
    """Forgotten (or lost, in a job run without the env file), SECRET_KEY and FIELD_ENCRYPTION_KEY fall back
    to values published in this repository: with DEBUG off `check --deploy` fails on them, and on a host
    configured as a deployment every management command (migrate, the cron jobs) refuses to run."""
    base = {k: v for k, v in os.environ.items() if k not in KEY_SETTINGS and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    deploy = _check_deploy({**base, **PRODUCTION_WITHOUT_KEYS})
    assert deploy.returncode != 0
    assert "xieshang.E001" in deploy.stderr and "xieshang.E002" in deploy.stderr
    plain = _run(["check"], {**base, **PRODUCTION_WITHOUT_KEYS})
    assert plain.returncode != 0 and "xieshang.E001" in plain.stderr and "xieshang.E002" in plain.stderr
    # Nothing set (`make run`, the tests in CI): the demo starts; `check --deploy` still names the keys.
    local = {**base, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "false"}
    for name in ("USE_TLS", "DJANGO_ALLOWED_HOSTS", "SITE_URL"):
        local.pop(name, None)
    assert _run(["check"], local).returncode == 0
    assert "xieshang.E001" in _check_deploy(local).stderr
    # DEBUG on (make dev): a development machine by definition.
    assert _run(["check", "--deploy"], {**local, "DJANGO_DEBUG": "true"}).stderr.count("xieshang.E00") == 0


def _run(args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def _check_deploy(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_refuses_a_malformed_boolean():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "yes"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr


def test_the_wsgi_application_freezes_what_it_loaded_out_of_the_collectors_sight():
    """A server process keeps its modules, URL patterns and views until it exits; frozen, a full
    garbage collection no longer walks them (about 0.1 s that landed in the middle of a request)."""
    code = "import gc, config.wsgi; print(gc.get_freeze_count(), len(gc.get_objects()))"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    frozen, tracked = map(int, result.stdout.split()[-2:])
    assert frozen > 50_000 and tracked < frozen / 10
