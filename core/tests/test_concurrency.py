"""Two people firing actions on one object at once: exactly one wins, the other gets a clear refusal."""

import threading

import pytest

from core.exceptions import DomainError
from core.models import StatusChange
from core.tests.testapp.models import Memo
from core.workflow import perform


@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_exactly_one_wins(cast):
    memo = Memo.objects.create(title="并发", body="x", owner=cast.member)
    perform(memo, "submit", actor=cast.member)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def fire(action, note):
        from django.db import connections

        try:
            barrier.wait()
            perform(Memo.objects.get(pk=memo.pk), action, actor=cast.clerk, note=note)
            results.append("won")
        except DomainError:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=fire, args=("accept", "")),
        threading.Thread(target=fire, args=("return", "不行")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["refused", "won"]
    assert StatusChange.objects.filter(object_id=memo.pk, from_state="submitted").count() == 1
