"""The full-text index, per database: SQLite FTS5 or PostgreSQL tsvector, over the same segmented words.

`SearchDocument.tokens` holds jieba's search-mode words separated by spaces. SQLite keeps an FTS5
table (analytics_search_fts, external content, kept in step by triggers); PostgreSQL has a GIN
index on to_tsvector('simple', tokens). A query is the list of its words, all required; both engines
tokenise on the spaces we put in, so they match the same documents.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BigIntegerField, BooleanField, F, Func, Q, Value
from django.db.models.expressions import RawSQL

SQLITE_SETUP = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS analytics_search_fts USING fts5("
    "tokens, content='analytics_searchdocument', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER IF NOT EXISTS analytics_search_ai AFTER INSERT ON analytics_searchdocument BEGIN "
    "INSERT INTO analytics_search_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
    "CREATE TRIGGER IF NOT EXISTS analytics_search_ad AFTER DELETE ON analytics_searchdocument BEGIN "
    "INSERT INTO analytics_search_fts(analytics_search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); END",
    "CREATE TRIGGER IF NOT EXISTS analytics_search_au AFTER UPDATE ON analytics_searchdocument BEGIN "
    "INSERT INTO analytics_search_fts(analytics_search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); "
    "INSERT INTO analytics_search_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
]
SQLITE_TEARDOWN = [
    "DROP TRIGGER IF EXISTS analytics_search_au",
    "DROP TRIGGER IF EXISTS analytics_search_ad",
    "DROP TRIGGER IF EXISTS analytics_search_ai",
    "DROP TABLE IF EXISTS analytics_search_fts",
]
POSTGRES_SETUP = [
    "CREATE INDEX IF NOT EXISTS analytics_search_tsv ON analytics_searchdocument "
    "USING gin (to_tsvector('simple', tokens))",
]
POSTGRES_TEARDOWN = ["DROP INDEX IF EXISTS analytics_search_tsv"]


def setup(apps, schema_editor) -> None:
    statements = {"sqlite": SQLITE_SETUP, "postgresql": POSTGRES_SETUP}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def teardown(apps, schema_editor) -> None:
    statements = {"sqlite": SQLITE_TEARDOWN, "postgresql": POSTGRES_TEARDOWN}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def _fts5_query(terms: list[str]) -> str:
    # Each word quoted as a phrase (quotes doubled), all required.
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)


class _TsMatch(Func):
    """to_tsvector('simple', <tokens column>) @@ plainto_tsquery('simple', <query>): the GIN index's expression."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        field_sql, field_params = compiler.compile(self.source_expressions[0])
        query_sql, query_params = compiler.compile(self.source_expressions[1])
        sql = f"to_tsvector('simple', {field_sql}) @@ plainto_tsquery('simple', {query_sql})"
        return sql, (*field_params, *query_params)


# SQLite's plan switch (see filter_matching). Measured on 200,000 documents: fetching a match by id
# and sorting costs ≈ 4 µs per match; walking the date index and testing an entry against the match
# list ≈ 0.5 µs per entry, and the page plus the capped count (1,001 rows) walk ≈ 1,021 × N / M
# entries. The walk wins when M² > 125 N (≈ 5,000 matches of 200,000; ≈ 11,000 of 1,000,000).
SQLITE_FETCH_US, SQLITE_WALK_US, SQLITE_WALK_ROWS = 4.0, 0.5, 1021
SQLITE_MIN_BROAD = 1000


class _Unindexed(Func):
    """SQLite's unary plus: the same value, but the planner may not look rows up through it."""

    template = "(+%(expressions)s)"


def filter_matching(qs, terms: list[str]):
    """SearchDocument rows of `qs` containing every term.

    PostgreSQL tests the indexed expression on the row itself (no id IN (...) semi-join, so a bounded
    count or a LIMIT stops early). SQLite looks the ids up in its FTS5 table, and picks how to reach
    the newest rows by how many match (one cheap count in FTS5): a few thousand are fetched by id and
    sorted; for a frequent word, fetching and sorting all of them is what made the page slow, so the
    query walks the created_at index newest first and stops at the page's last row, testing each
    entry against the match list (`+id` keeps SQLite from driving the query from that list).
    Both plans return the same rows in the same order.
    """
    if connection.vendor == "postgresql":
        return qs.filter(_TsMatch(F("tokens"), Value(" ".join(terms))))
    if connection.vendor == "sqlite" and _sqlite_broad(terms):
        return qs.alias(_unindexed_id=_Unindexed(F("id"), output_field=BigIntegerField())).filter(
            _unindexed_id__in=matching_ids(terms)
        )
    return qs.filter(Q(id__in=matching_ids(terms)))


def _sqlite_broad(terms: list[str]) -> bool:
    """True when walking the date index is cheaper than fetching every match (two index-only reads)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), (SELECT max(id) FROM analytics_searchdocument) FROM analytics_search_fts "
            "WHERE analytics_search_fts MATCH %s",
            [_fts5_query(terms)],
        )
        matches, documents = cursor.fetchone()
    if matches < SQLITE_MIN_BROAD or not documents:
        return False
    return SQLITE_FETCH_US * matches > SQLITE_WALK_US * SQLITE_WALK_ROWS * documents / matches


def matching_ids(terms: list[str]) -> RawSQL:
    """A subquery of SearchDocument ids whose tokens contain every term."""
    if connection.vendor == "postgresql":
        return RawSQL(
            "SELECT id FROM analytics_searchdocument "
            "WHERE to_tsvector('simple', tokens) @@ plainto_tsquery('simple', %s)",
            [" ".join(terms)],
        )
    if connection.vendor == "sqlite":
        return RawSQL(
            "SELECT rowid FROM analytics_search_fts WHERE analytics_search_fts MATCH %s", [_fts5_query(terms)]
        )
    raise NotImplementedError(f"full-text search is not set up for {connection.vendor}")
