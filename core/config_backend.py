"""django-constance's database backend with a short-lived copy of the district rules in each process.

Every rule read (`config.APPEAL_MAX_CHARS`, deadlines, points…) is otherwise one database query or
one cache round trip; a public appeal submission read two, a dashboard a dozen. Here a process reads
all stored rules with one query and keeps them for `CONSTANCE_PROCESS_CACHE_SECONDS` (5 s by
default). An edit made in this process is seen at once (the copy is dropped on every save of a
rule); other processes see it within that many seconds. 0 turns the copy off (the tests
do, because their database rolls back between tests while a process copy would not).
"""

from __future__ import annotations

import time

from constance import settings as constance_settings
from constance.backends.database import DatabaseBackend
from django.conf import settings


class ProcessCachedDatabaseBackend(DatabaseBackend):
    def __init__(self):
        super().__init__()
        self._ttl = float(getattr(settings, "CONSTANCE_PROCESS_CACHE_SECONDS", 5))
        # (read at, {name: value}); replaced as a whole, so threads never see half a copy.
        self._copy: tuple[float, dict] | None = None

    def _values(self) -> dict | None:
        if self._ttl <= 0:
            return None
        copy = self._copy
        now = time.monotonic()
        if copy is None or now - copy[0] >= self._ttl:
            # Straight from the database (a shared cache would only add a hop).
            copy = (now, DatabaseBackend.mget(self, list(constance_settings.CONFIG)))
            self._copy = copy
        return copy[1]

    def get(self, key):
        values = self._values()
        if values is None:
            return super().get(key)
        return values.get(key)  # None: not stored, constance falls back to the default

    def mget(self, keys):
        values = self._values()
        if values is None:
            return super().mget(keys)
        return {key: values[key] for key in keys if key in values}

    def clear(self, sender, instance, created, **kwargs):
        # constance connects this to every save of a rule (its `set` included): drop the copy.
        self._copy = None
        super().clear(sender, instance, created, **kwargs)
