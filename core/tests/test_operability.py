"""R5#14: a health URL a local probe can use behind TLS, log lines with time and level, no benchmark view
in production."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"SECURE_SSL_REDIRECT": True, "ALLOWED_HOSTS": ["zx.example.gov.cn"]}

pytestmark = pytest.mark.django_db


def test_a_local_probe_gets_ok_from_healthz_behind_tls_and_the_host_check(client, settings):
    for name, value in PRODUCTION.items():
        setattr(settings, name, value)
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")  # plain http, no public host name
    assert response.status_code == 200 and response.content == b"ok"
    assert response["Cache-Control"] == "no-store"
    assert client.head("/healthz", HTTP_HOST="127.0.0.1:8000").status_code == 200
    # Only that URL: everything else still needs the public host and HTTPS.
    assert client.get("/", HTTP_HOST="127.0.0.1:8000").status_code == 400
    assert client.get("/healthz/", HTTP_HOST="127.0.0.1:8000").status_code == 400
    assert client.get("/", HTTP_HOST="zx.example.gov.cn").status_code == 301


def test_healthz_says_503_when_the_database_does_not_answer(client, monkeypatch):
    from django.db import OperationalError, connection

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(connection, "cursor", down)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.content == b"database unavailable"


def test_the_benchmark_view_answers_only_with_the_benchmark_setting(client, settings):
    assert client.get("/bench/bare").status_code == 404
    settings.BENCHMARK_VIEWS = True  # benchmarks/intake_load.sh
    assert client.get("/bench/bare").content == b"ok"


def test_log_lines_carry_time_level_and_logger():
    code = (
        "import django; django.setup(); import logging;"
        "logging.getLogger('django.request').error('Internal Server Error: /office/')"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert re.search(
        r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ERROR django\.request \[\d+\] Internal Server Error: /office/$",
        result.stderr,
        re.MULTILINE,
    ), result.stderr
