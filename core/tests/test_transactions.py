"""Row locks need a transaction: PostgreSQL refuses `select_for_update()` in autocommit, SQLite ignores
it. Twice a decorator slipped off a service when code was inserted above it (`@transaction.atomic`
ended up on the new function), and only PostgreSQL in CI noticed. This reads the code itself: every
function that locks rows is atomic, or is a helper named here with the atomic callers it runs in."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Helpers that lock rows and run only inside their callers' transactions.
RUN_INSIDE_A_TRANSACTION = {
    "supervision/selectors.py:pending_extension_of": "the extension effects, inside core.workflow.perform",
    "proposals/selectors.py:pending_extension_of": "the extension effects, inside core.workflow.perform",
    "supervision/services/reports.py:next_number": "the report's issue effect, inside perform",
    "topics/services/votes.py:_require_open": "the vote services, each atomic",
    "topics/services/votes.py:on_vote_closed": "a workflow effect, inside perform",
    "proposals/services/review.py:on_file": "a workflow effect, inside perform",
    "accounts/services.py:_reissue": "the account services, each atomic",
    "accounts/services.py:_liaison_for_update": "the liaison services, each atomic",
    "grassroots/services.py:follow_appeal_step": "the appeal's workflow effects (intake), inside perform",
    "grassroots/services.py:_planned_appeal": "the issue's plan effects, inside perform",
}


def _locking_functions():
    for path in sorted(ROOT.glob("*/**/*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in (".venv", "node_modules", "var") or "tests" in rel.parts or "migrations" in rel.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "select_for_update(" not in text:
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef) and "select_for_update(" in (ast.get_source_segment(text, node) or ""):
                yield f"{rel.as_posix()}:{node.name}", node, ast.get_source_segment(text, node) or ""


def test_every_function_that_locks_rows_runs_in_a_transaction():
    loose = []
    for name, node, source in _locking_functions():
        atomic = any("atomic" in ast.unparse(d) for d in node.decorator_list) or "transaction.atomic()" in source
        if not atomic and name not in RUN_INSIDE_A_TRANSACTION:
            loose.append(name)
    assert loose == [], "lock rows outside a transaction (add @transaction.atomic, or name the caller here)"


def test_the_helpers_named_still_lock_rows():
    """A helper that stopped locking leaves the list, so that the list does not hide a new one."""
    locking = {name for name, _node, _source in _locking_functions()}
    assert set(RUN_INSIDE_A_TRANSACTION) <= locking
