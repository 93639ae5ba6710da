import pytest
from constance import config
from django.db import connection


def test_district_rules_have_the_seed_defaults(db):
    assert config.PROPOSAL_REPLY_DAYS == 90
    assert config.PLAN_APPROVAL_CHAIN.split(",")[0] == "chairs_meeting"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's connection settings (CI runs the tests on both)")
def test_sqlite_connections_use_wal_and_a_large_page_cache(db):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == -64 * 1024  # SQLITE_CACHE_MB (64), not SQLite's 2 MB
