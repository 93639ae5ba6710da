"""The per-process copy of the district rules: one query for all rules, edits seen, bounded staleness."""

import pytest
from constance.codecs import dumps
from constance.models import Constance
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from core.config_backend import ProcessCachedDatabaseBackend

pytestmark = pytest.mark.django_db


def _backend(seconds: float) -> ProcessCachedDatabaseBackend:
    with override_settings(CONSTANCE_PROCESS_CACHE_SECONDS=seconds):
        return ProcessCachedDatabaseBackend()


def test_rules_are_read_with_one_query_for_as_long_as_the_copy_lasts():
    backend = _backend(60)
    Constance.objects.create(key="APPEAL_MAX_CHARS", value=dumps(1234))
    with CaptureQueriesContext(connection) as ctx:
        assert backend.get("APPEAL_MAX_CHARS") == 1234
        assert backend.get("APPEAL_MAX_CHARS") == 1234
        assert backend.get("APPEAL_RATE_LIMIT") is None  # not stored: constance uses the default
        assert backend.mget(["APPEAL_MAX_CHARS", "APPEAL_RATE_LIMIT"]) == {"APPEAL_MAX_CHARS": 1234}
    assert len(ctx.captured_queries) == 1


def test_an_edit_in_this_process_is_seen_at_once():
    backend = _backend(60)
    assert backend.get("APPEAL_MAX_CHARS") is None
    backend.set("APPEAL_MAX_CHARS", 800)
    assert backend.get("APPEAL_MAX_CHARS") == 800


def test_an_edit_by_another_process_is_seen_when_the_copy_expires(monkeypatch):
    import core.config_backend as module

    clock = [1000.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: clock[0])
    backend = _backend(5)
    assert backend.get("APPEAL_MAX_CHARS") is None
    # Another process writes the rule: a bulk update sends no save signal into this process.
    Constance.objects.bulk_create([Constance(key="APPEAL_MAX_CHARS", value=dumps(300))])
    clock[0] += 4
    assert backend.get("APPEAL_MAX_CHARS") is None  # still the copy, at most 5 s old
    clock[0] += 1.5
    assert backend.get("APPEAL_MAX_CHARS") == 300


def test_zero_seconds_reads_the_database_every_time():
    backend = _backend(0)
    Constance.objects.bulk_create([Constance(key="APPEAL_MAX_CHARS", value=dumps(42))])
    assert backend.get("APPEAL_MAX_CHARS") == 42
    Constance.objects.filter(key="APPEAL_MAX_CHARS").update(value=dumps(43))
    assert backend.get("APPEAL_MAX_CHARS") == 43
