"""Creating a record, its audit row and its queued tasks in one round trip (for hot public paths).

`create_with_history(instance, tasks=[(task, (PK, ...))])` writes the same rows as

    instance.save()                                   # + simple-history's "+" row (post_save)
    enqueue_on_commit(task, instance.pk, ...)         # core.tasks, for each task

but on PostgreSQL as ONE statement (data-modifying CTEs: the record, its history row and the
django-tasks-db rows of its tasks, which read the new id from the first insert), so a submission
costs one round trip and one implicit transaction instead of six statements (prepared once per
connection where prepared statements are allowed, see `_statement_cursor`); on other databases
(SQLite, the embedded default) as plain inserts inside one transaction. Nothing is hand-listed:
columns and values come from the models' own fields (`pre_save` + `get_db_prep_save`: automatic
dates, encryption, JSON), the history row from simple-history's own helpers, the task row as
django-tasks-db's backend builds it, and pre_save/post_save receivers run as `save()` would run
them, except simple-history's own post_save (its row is part of the statement). Receivers can
tell which tasks came with the insert from `instance._tasks_queued_with_insert` (their task paths),
so a receiver that would queue the same task again can skip it.

Anything this path does not reproduce (history of many-to-many fields, receivers of simple-history's
create signals, a database default on a field) makes it fall back to exactly the two calls above.
`core/tests/test_fastwrite.py` pins the rows equal to those of the ORM path.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import connections, router, transaction
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from django_tasks import task_backends
from django_tasks.signals import task_enqueued
from django_tasks.utils import normalize_json
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record, pre_create_historical_record

from core.tasks import _queued_in_database, enqueue_on_commit


class _NewPk:
    def __repr__(self) -> str:
        return "PK"


PK = _NewPk()  # stands for the new record's primary key in a task's positional arguments


def create_with_history(instance, *, tasks=()) -> None:
    """Insert `instance` with its history row and queue `tasks` ((task, args) pairs), see the module doc."""
    model = type(instance)
    using = router.db_for_write(model, instance=instance)
    tasks = [(task, tuple(args)) for task, args in tasks]
    instance._tasks_queued_with_insert = frozenset(task.module_path for task, _args in tasks)
    records = _history_records(model)
    if records is None or not _reproducible(model, records):
        with transaction.atomic(using=using):
            instance.save(using=using)
            for task, args in tasks:
                enqueue_on_commit(task, *_with_pk(args, instance.pk))
        return

    conn = connections[using]
    pre_save.send(sender=model, instance=instance, raw=False, using=using, update_fields=None)
    record_values = _values(instance, _insert_fields(model), conn)
    history_model = _history_model_of(model, records.manager_name)
    # On PostgreSQL the statement copies the tracked columns from the new row itself; their values
    # are needed only where somebody listens to the history row's signals, or for a plain insert.
    full = conn.vendor != "postgresql" or _has_receivers(history_model)
    history = _history_row(records, instance, using, copy_fields=full)
    pre_save.send(sender=history_model, instance=history, raw=False, using=using, update_fields=None)
    rows = [_task_row(task, args, using) for task, args in tasks if _queued_in_database(task)]

    if conn.vendor == "postgresql":
        instance.pk = _insert_postgresql(conn, model, record_values, history, rows)
    else:
        history_fields = _insert_fields(history_model)
        with transaction.atomic(using=using), conn.cursor() as cursor:
            cursor.execute(_insert_sql(conn, model, _insert_fields(model)), record_values)
            instance.pk = conn.ops.last_insert_id(cursor, model._meta.db_table, model._meta.pk.column)
            setattr(history, model._meta.pk.attname, instance.pk)
            cursor.execute(_insert_sql(conn, history_model, history_fields), _values(history, history_fields, conn))
            for row, task_fields, _positions in rows:
                row.args_kwargs["args"] = _with_pk(row.args_kwargs["args"], instance.pk)
                cursor.execute(_insert_sql(conn, type(row), task_fields), _values(row, task_fields, conn))
    instance._state.adding = False
    instance._state.db = using
    setattr(history, model._meta.pk.attname, instance.pk)
    history._state.adding, history._state.db = False, using

    for row, _fields, _positions in rows:
        row.args_kwargs["args"] = _with_pk(row.args_kwargs["args"], instance.pk)
        row._state.adding, row._state.db = False, using
        post_save.send(sender=type(row), instance=row, created=True, update_fields=None, raw=False, using=using)
        task_enqueued.send(type(task_backends[row.backend_name]), task_result=row.task_result)
    for task, args in tasks:
        if not _queued_in_database(task):
            enqueue_on_commit(task, *_with_pk(args, instance.pk))
    post_save.send(sender=history_model, instance=history, created=True, update_fields=None, raw=False, using=using)
    own_receiver = records.post_save
    for receiver in post_save._live_receivers(model)[0]:
        if receiver != own_receiver:
            receiver(
                signal=post_save,
                sender=model,
                instance=instance,
                created=True,
                update_fields=None,
                raw=False,
                using=using,
            )


def _with_pk(args, pk) -> list:
    return [pk if arg is PK else arg for arg in args]


def _history_records(model) -> HistoricalRecords | None:
    receivers = [
        r for r in post_save._live_receivers(model)[0] if isinstance(getattr(r, "__self__", None), HistoricalRecords)
    ]
    return receivers[0].__self__ if len(receivers) == 1 else None


def _reproducible(model, records: HistoricalRecords) -> bool:
    return not (
        records.m2m_fields
        or pre_create_historical_record.has_listeners()
        or post_create_historical_record.has_listeners()
        or _has_db_default(model)
    )


@functools.cache
def _has_db_default(model) -> bool:
    return any(f.has_db_default() for f in model._meta.concrete_fields)


def _has_receivers(model) -> bool:
    return pre_save.has_listeners(model) or post_save.has_listeners(model)


@functools.cache
def _insert_fields(model) -> list:
    """The columns `Model.save()` inserts: every concrete field but a database-generated key."""
    meta = model._meta
    return [f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated]


def _values(instance, fields, conn) -> list:
    return [f.get_db_prep_save(f.pre_save(instance, True), conn) for f in fields]


def _history_row(records: HistoricalRecords, instance, using, *, copy_fields: bool = True):
    """The "+" row as simple-history's `create_historical_record` builds it, not yet saved; without
    `copy_fields`, only its own columns (date, type, user, reason) are set."""
    history_model = _history_model_of(type(instance), records.manager_name)
    history_date = getattr(instance, "_history_date", timezone.now())
    attrs = (
        {field.attname: getattr(instance, field.attname) for field in records.fields_included(instance)}
        if copy_fields
        else {}
    )
    if getattr(history_model, "history_relation", None) is not None:
        attrs["history_relation"] = instance
    return history_model(
        history_date=history_date,
        history_type="+",
        history_user=records.get_history_user(instance),
        history_change_reason=records.get_change_reason_for_object(instance, "+", using),
        **attrs,
    )


@functools.cache
def _history_model_of(model, manager_name: str):
    # simple-history rebuilds the manager class on every attribute access; the model it wraps is fixed.
    return getattr(model, manager_name).model


def _task_row(task, args, using):
    """The django-tasks-db row that `task.enqueue(*args)` writes, built as its backend builds it."""
    from django_tasks_db.models import DBTaskResult

    backend = task_backends[task.backend]
    positions = [i for i, arg in enumerate(args) if arg is PK]
    resolved = [0 if arg is PK else arg for arg in args]
    backend.validate_task(task)
    row = DBTaskResult(
        id=backend._get_id(),
        args_kwargs=normalize_json({"args": resolved, "kwargs": {}}),
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        run_after=task.run_after,
        backend_name=backend.alias,
    )
    row.args_kwargs["args"] = [PK if i in positions else arg for i, arg in enumerate(row.args_kwargs["args"])]
    pre_save.send(sender=DBTaskResult, instance=row, raw=False, using=using, update_fields=None)
    return row, _insert_fields(DBTaskResult), positions


def _insert_sql(conn, model, fields) -> str:
    quote = conn.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"


def _insert_postgresql(conn, model, record_values, history, rows) -> Any:
    """One statement: the record (RETURNING its row), its history row copied from that row in SQL
    (only the history's own columns are parameters), and the task rows reading the new id. Its text
    depends only on the models and the tasks' PK positions, so it is built once per process."""
    history_model = type(history)
    shape = (model, history_model, tuple((type(row), tuple(positions)) for row, _fields, positions in rows))
    texts = _statements.get(shape)
    if texts is None:
        texts = _statements[shape] = _numbered(_postgresql_statement(conn, model, history_model, rows))
    _copied, own = _history_columns(model, history_model)
    params = [*record_values, *_values(history, own, conn)]
    for row, task_fields, _positions in rows:
        for f in task_fields:
            if f.attname == "args_kwargs":  # the PK positions are filled in by the statement
                params.append(f.get_db_prep_save(_with_zero(row.args_kwargs), conn))
            else:
                params.append(f.get_db_prep_save(f.pre_save(row, True), conn))
    raw = _raw_cursor_allowed(conn)
    with _statement_cursor(conn, raw=raw) as cursor:
        cursor.execute(texts[1] if raw else texts[0], params)
        return cursor.fetchone()[0]


# (model, history model, task rows' shapes) -> the statement's text with %s placeholders and with $n ones
_statements: dict = {}


def _numbered(sql: str) -> tuple[str, str]:
    """The statement with Django's `%s` placeholders and with PostgreSQL's own `$1`, `$2`, …"""
    parts = sql.split("%s")
    if any("%" in part for part in parts):
        raise ValueError("a literal % in the statement would be taken for a placeholder")
    numbered = parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], start=1))
    return sql, numbered


def _postgresql_statement(conn, model, history_model, rows) -> str:
    """The text for `_insert_postgresql`, parameters in the order it lists them."""
    quote = conn.ops.quote_name
    pk_column = quote(model._meta.pk.column)
    copied, own = _history_columns(model, history_model)
    sql = [
        f"WITH new AS ({_insert_sql(conn, model, _insert_fields(model))} RETURNING *)",
        f", history AS (INSERT INTO {quote(history_model._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in copied + own)}) "
        f"SELECT {', '.join([f'new.{quote(f.column)}' for f in copied] + ['%s'] * len(own))} FROM new)",
    ]
    for n, (row, task_fields, positions) in enumerate(rows):
        placeholders = []
        for f in task_fields:
            if f.attname != "args_kwargs":
                placeholders.append("%s")
                continue
            expression = "%s::jsonb"
            for position in positions:
                expression = f"jsonb_set({expression}, '{{args,{position}}}', to_jsonb(new.{pk_column}))"
            placeholders.append(expression)
        sql.append(
            f", task{n} AS (INSERT INTO {quote(type(row)._meta.db_table)} "
            f"({', '.join(quote(f.column) for f in task_fields)}) SELECT {', '.join(placeholders)} FROM new)"
        )
    sql.append(f" SELECT {pk_column} FROM new")
    return "".join(sql)


def _raw_cursor_allowed(conn) -> bool:
    """Where queries are logged (DEBUG, query-count tests) Django's own cursor runs the statement: its
    log can't show one sent by psycopg's raw cursor."""
    conn.ensure_connection()
    return not conn.queries_logged


def _statement_cursor(conn, *, raw: bool):
    """`raw`: psycopg's public `RawCursor`, which takes the text with `$n` placeholders as it is and
    binds the parameters on the server. psycopg's ordinary cursors turn `%s` into `$n` on every call,
    and only cache that for statements of up to 50 parameters: this one has about 65, so each
    submission paid for a fresh parse of its 2.5 KB text (≈ 0.3 ms of the worker's CPU, the largest
    single cost of the POST). Where the connection allows prepared statements
    (`DATABASE_PREPARED_STATEMENTS`, config/settings.py) psycopg also prepares it: the text is the
    same on every call, so from the fifth call on a connection PostgreSQL neither parses nor plans it
    again (0.4 ms less of the database's CPU per submission); with the threshold off it is sent
    unnamed each time, as a pooler in transaction mode needs. Wrapped as Django wraps its own
    cursors, so errors are Django's; the cursor shares the connection's adapters."""
    if not raw:
        return conn.cursor()
    import psycopg

    conn.validate_thread_sharing()
    with conn.wrap_database_errors:
        cursor = psycopg.RawCursor(conn.connection)
    return conn.make_cursor(cursor)


@functools.cache
def _history_columns(model, history_model) -> tuple[list, list]:
    """History fields copied from the record's own columns (the tracked fields), and its own ones."""
    columns = {f.column for f in model._meta.concrete_fields}
    fields = [f for f in history_model._meta.local_concrete_fields if f is not history_model._meta.auto_field]
    return [f for f in fields if f.column in columns], [f for f in fields if f.column not in columns]


def _with_zero(args_kwargs: dict) -> dict:
    return {**args_kwargs, "args": [0 if arg is PK else arg for arg in args_kwargs["args"]]}
