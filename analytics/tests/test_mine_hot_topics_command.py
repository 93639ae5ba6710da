"""R5#6: the nightly cron line `mine_hot_topics --since 30d` (docs/operations.md) mines the last 30 days."""

from datetime import timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from analytics.services import hot_topics


@pytest.fixture
def asked(monkeypatch):
    calls = []

    def mine(**kwargs):
        calls.append(kwargs)
        return SimpleNamespace(n_documents=0, n_topics=0, seconds=0.0, topics=SimpleNamespace(order_by=lambda *a: []))

    monkeypatch.setattr(hot_topics, "mine_hot_topics", mine)
    return calls


def test_since_30d_means_the_last_thirty_days(asked):
    call_command("mine_hot_topics", "--since", "30d", stdout=StringIO())
    since = asked[0]["since"]
    assert timezone.localtime(since).date() == timezone.localdate() - timedelta(days=30)
    assert asked[0]["until"] is None


def test_a_date_still_works_and_nonsense_is_refused(asked):
    call_command("mine_hot_topics", "--since", "2026-01-01", "--until", "1d", stdout=StringIO())
    assert timezone.localtime(asked[0]["since"]).date().isoformat() == "2026-01-01"
    assert timezone.localtime(asked[0]["until"]).date() == timezone.localdate() - timedelta(days=1)
    with pytest.raises(CommandError, match="30d"):
        call_command("mine_hot_topics", "--since", "a month", stdout=StringIO())
