"""core.fastwrite writes the same rows as `save()` + simple-history + enqueue_on_commit, in one go."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult
from simple_history.signals import pre_create_historical_record

from analytics.tasks import analyse_appeal
from core import fastwrite
from core.fastwrite import PK, create_with_history
from district.models import Town
from intake.models import Appeal

pytestmark = pytest.mark.django_db(transaction=True)

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's (CI runs the tests on both)"
)
# Differ between any two appeals by nature (keys, codes, times); everything else must be equal.
OWN = {"id", "created_at", "updated_at", "tracking_code", "idempotency_key", "history_id", "history_date"}


def _appeal(key: str, user=None) -> Appeal:
    appeal = Appeal(
        tracking_code=f"TEST-{key[-4:].upper()}",
        title="路灯不亮",
        body="东门路口的路灯坏了一个月，晚上出行不便。",
        town=Town.objects.get_or_create(name="测试镇")[0],
        address="东门路 1 号",
        contact_name="王先生",
        contact_phone="13800000000",
        idempotency_key=key,
    )
    appeal._history_user = user
    return appeal


def _write(key: str, *, fast: bool, user=None, monkeypatch) -> Appeal:
    appeal = _appeal(key, user)
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(fastwrite, "_reproducible", lambda *args: False)
        create_with_history(appeal, tasks=[(analyse_appeal, (PK, True))])
    return appeal


def _rows(appeal: Appeal) -> tuple[dict, list[dict], list[dict]]:
    row = {k: v for k, v in Appeal.objects.filter(pk=appeal.pk).values()[0].items() if k not in OWN}
    decrypted = Appeal.objects.get(pk=appeal.pk)
    row.update(address=decrypted.address, contact_name=decrypted.contact_name, contact_phone=decrypted.contact_phone)
    history = [{k: v for k, v in h.items() if k not in OWN} for h in Appeal.history.filter(id=appeal.pk).values()]
    tasks = [
        {k: v for k, v in t.items() if k not in {"id", "enqueued_at"}}
        for t in DBTaskResult.objects.filter(args_kwargs__args__0=appeal.pk).values()
    ]
    return row, history, tasks


def test_one_statement_writes_the_same_rows_as_the_orm(settings, monkeypatch, django_user_model):
    settings.TASKS = DB_QUEUE
    clerk = django_user_model.objects.create_user(username="clerk", password="x")
    Town.objects.create(name="测试镇")
    with CaptureQueriesContext(connection) as fast_queries:
        fast = _write("fast-0001", fast=True, user=clerk, monkeypatch=monkeypatch)
    orm = _write("orm-0002", fast=False, user=clerk, monkeypatch=monkeypatch)

    assert fast.pk and orm.pk and fast.pk != orm.pk
    fast_row, fast_history, fast_tasks = _rows(fast)
    orm_row, orm_history, orm_tasks = _rows(orm)
    assert fast_row == orm_row
    assert fast_row["contact_phone"] == "13800000000"  # stored encrypted, read back whole
    assert len(fast_history) == len(orm_history) == 1
    assert fast_history == orm_history
    assert fast_history[0]["history_type"] == "+" and fast_history[0]["history_user_id"] == clerk.pk
    # Exactly one analysis task each (the analytics receiver saw it was queued with the insert).
    assert len(fast_tasks) == len(orm_tasks) == 1
    assert {**fast_tasks[0], "args_kwargs": None} == {**orm_tasks[0], "args_kwargs": None}
    assert fast_tasks[0]["args_kwargs"] == {"args": [fast.pk, True], "kwargs": {}}
    assert orm_tasks[0]["args_kwargs"] == {"args": [orm.pk, True], "kwargs": {}}
    # The stored times are the instance's own (auto dates filled before the insert).
    stored = Appeal.objects.get(pk=fast.pk)
    assert (stored.created_at, stored.updated_at) == (fast.created_at, fast.updated_at)
    assert not fast._state.adding

    writes = [q["sql"] for q in fast_queries.captured_queries if "INSERT INTO" in q["sql"]]
    assert len(writes) == (1 if connection.vendor == "postgresql" else 3)


def test_a_refused_insert_writes_nothing(settings, monkeypatch):
    settings.TASKS = DB_QUEUE
    _write("same-key", fast=True, monkeypatch=monkeypatch)
    with pytest.raises(IntegrityError), transaction.atomic():
        _write("same-key", fast=True, monkeypatch=monkeypatch)
    assert Appeal.objects.count() == 1
    assert Appeal.history.count() == 1
    assert DBTaskResult.objects.count() == 1


def test_inside_a_rolled_back_transaction_nothing_stays(settings, monkeypatch):
    settings.TASKS = DB_QUEUE

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        _write("rolled-back", fast=True, monkeypatch=monkeypatch)
        assert Appeal.objects.count() == 1 and DBTaskResult.objects.count() == 1
        raise Abort
    assert (Appeal.objects.count(), Appeal.history.count(), DBTaskResult.objects.count()) == (0, 0, 0)


def test_with_the_immediate_backend_the_task_runs_once_after_the_insert(monkeypatch):
    from analytics.models import AppealFingerprint

    appeal = _write("immediate", fast=True, monkeypatch=monkeypatch)
    assert AppealFingerprint.objects.filter(appeal=appeal).count() == 1  # the analysis ran
    assert not DBTaskResult.objects.exists()
    assert Appeal.history.filter(id=appeal.pk).count() == 1


def test_what_it_cannot_reproduce_falls_back_to_save(settings, monkeypatch):
    """A receiver of simple-history's create signal must see the row being made: the ORM path runs."""
    settings.TASKS = DB_QUEUE
    seen = []

    def receiver(sender, history_instance, instance, **kwargs):
        if isinstance(instance, Appeal):  # the town and category made for it keep their own history
            seen.append(history_instance.history_type)

    pre_create_historical_record.connect(receiver)
    try:
        with CaptureQueriesContext(connection) as queries:
            appeal = _write("fallback", fast=True, monkeypatch=monkeypatch)
    finally:
        pre_create_historical_record.disconnect(receiver)
    assert seen == ["+"]
    assert not [q for q in queries.captured_queries if q["sql"].startswith("WITH")]
    _row, history, tasks = _rows(appeal)
    assert len(history) == 1 and len(tasks) == 1


def test_a_receiver_of_the_history_rows_signals_sees_the_whole_row(settings, monkeypatch):
    """Without receivers the history row is built with its own columns only (the statement copies
    the rest); with one, it gets every tracked value, as `save()` would give it."""
    from django.db.models.signals import post_save

    settings.TASKS = DB_QUEUE
    seen = []

    def receiver(sender, instance, created, **kwargs):
        seen.append((created, instance.title, instance.town_id, instance.history_type))

    post_save.connect(receiver, sender=Appeal.history.model)
    try:
        appeal = _write("history-receiver", fast=True, monkeypatch=monkeypatch)
    finally:
        post_save.disconnect(receiver, sender=Appeal.history.model)
    assert seen == [(True, "路灯不亮", appeal.town_id, "+")]
    assert _rows(appeal)[1][0]["title"] == "路灯不亮"


def test_tasks_with_the_new_id_in_other_places_get_their_own_statement(settings, monkeypatch):
    settings.TASKS = DB_QUEUE
    first = _appeal("shape-one")
    create_with_history(first, tasks=[(analyse_appeal, (PK, True))])
    second = _appeal("shape-two")
    create_with_history(second, tasks=[(analyse_appeal, (PK, False)), (analyse_appeal, (PK, PK))])
    args = sorted(repr(t.args_kwargs["args"]) for t in DBTaskResult.objects.all())
    assert args == sorted(repr(a) for a in ([first.pk, True], [second.pk, False], [second.pk, second.pk]))
    assert Appeal.history.filter(id=second.pk).get().title == "路灯不亮"


@postgresql_only
def test_on_postgresql_the_statement_is_prepared_once_and_writes_the_same_rows(settings, monkeypatch):
    settings.TASKS = DB_QUEUE
    connection.ensure_connection()
    assert connection.connection.prepare_threshold is not None  # DATABASE_PREPARED_STATEMENTS on by default
    written = [_write(f"prepared-{n:04d}", fast=True, monkeypatch=monkeypatch) for n in range(7)]

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE 'WITH new AS%%'")
        prepared = [row[0] for row in cursor.fetchall()]
    assert len(prepared) == 1 and '"intake_appeal"' in prepared[0]

    # Rows written by the prepared statement equal those of the ORM path.
    orm = _write("prepared-orm", fast=False, monkeypatch=monkeypatch)
    assert _rows(written[-1])[0] == _rows(orm)[0]
    assert _rows(written[-1])[1] == _rows(orm)[1]
    # A repeated key is still Django's IntegrityError (submit_appeal reads the winner on it).
    with pytest.raises(IntegrityError), transaction.atomic():
        _write("prepared-0006", fast=True, monkeypatch=monkeypatch)
    assert Appeal.objects.filter(idempotency_key="prepared-0006").count() == 1


@postgresql_only
def test_without_prepared_statements_nothing_is_prepared(settings, monkeypatch):
    """DATABASE_PREPARED_STATEMENTS=false, for a pooler that can't keep them."""
    settings.TASKS = DB_QUEUE
    connection.ensure_connection()
    monkeypatch.setattr(connection.connection, "prepare_threshold", None)
    written = [_write(f"unprepared-{n:04d}", fast=True, monkeypatch=monkeypatch) for n in range(7)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] == 0
    assert Appeal.objects.filter(pk__in=[a.pk for a in written]).count() == 7


@postgresql_only
def test_on_postgresql_the_statement_text_is_not_parsed_again_on_each_submission(settings, monkeypatch):
    """psycopg's ordinary cursors turn `%s` into `$n` on every call and cache that only for statements
    of up to 50 parameters; this one (~65) goes through its raw cursor, numbered once per process."""
    from psycopg import _queries

    settings.TASKS = DB_QUEUE
    _write("raw-warm-up", fast=True, monkeypatch=monkeypatch)
    parsed = []
    original = _queries.PostgresQuery.convert
    monkeypatch.setattr(
        _queries.PostgresQuery, "convert", lambda self, query, vars: parsed.append(query) or original(self, query, vars)
    )
    appeal = _write("raw-counted", fast=True, monkeypatch=monkeypatch)
    assert Appeal.objects.filter(pk=appeal.pk, idempotency_key="raw-counted").exists()
    assert not [q for q in parsed if "WITH new AS" in str(q)]


def test_placeholders_are_numbered_in_order_and_a_literal_percent_is_refused():
    assert fastwrite._numbered("INSERT INTO t (a, b) SELECT %s, %s::jsonb FROM new") == (
        "INSERT INTO t (a, b) SELECT %s, %s::jsonb FROM new",
        "INSERT INTO t (a, b) SELECT $1, $2::jsonb FROM new",
    )
    with pytest.raises(ValueError, match="literal %"):
        fastwrite._numbered("SELECT '100%' , %s")
