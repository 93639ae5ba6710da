"""Helpers for tests of data migrations: move one app to a migration and back, with the models as they were."""

import contextlib

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(target: tuple[str, str]):
    """Migrate target's app to target (the other apps stay at their latest); the apps registry of that state,
    whose models are the historical ones a data migration sees."""
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != target[0]]
    return executor.loader.project_state([*others, target]).apps


@contextlib.contextmanager
def migrated_to(target: tuple[str, str]):
    """The database at target for the block (its apps registry given), put back to the latest migrations after."""
    try:
        yield migrate_to(target)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
