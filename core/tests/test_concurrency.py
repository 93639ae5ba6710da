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


@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_from_two_processes_exactly_one_wins(cast):
    """Two OS processes (as two gunicorn workers would be) fire conflicting actions at the same moment."""
    import multiprocessing

    from django.db import connection

    from core.tests.concurrency_child import fire_in_process

    memo = Memo.objects.create(title="并发（进程）", body="x", owner=cast.member)
    perform(memo, "submit", actor=cast.member)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    db_name = connection.settings_dict["NAME"]
    procs = [
        ctx.Process(target=fire_in_process, args=(db_name, memo.pk, cast.clerk.pk, "accept", "", barrier, results)),
        ctx.Process(target=fire_in_process, args=(db_name, memo.pk, cast.clerk.pk, "return", "不行", barrier, results)),
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    outcomes = sorted(results.get(timeout=5) for _ in procs)
    assert [o[0] for o in outcomes] == ["refused", "won"]
    # The loser is told why, in words: the state it saw is gone.
    assert "不能执行" in outcomes[0][1]
    memo.refresh_from_db()
    assert memo.status == {"accept": "accepted", "return": "returned"}[outcomes[1][1]]
    assert StatusChange.objects.filter(object_id=memo.pk, from_state="submitted").count() == 1
