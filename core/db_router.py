"""Reads on a streaming replica (`DATABASE_REPLICA_URL`), without showing anyone stale data of their own.

A replica lags the primary by a fraction of a second. Reads of a request go to the replica, except:
- inside a transaction (a workflow action reads, locks and writes the primary's rows);
- tables whose rows the next request must see at once (sessions, login lock-out, second factors,
  the task queue): always the primary;
- for a few seconds after the same browser changed something (`ReplicaPinMiddleware`): a POST sets a
  cookie that keeps its following requests on the primary for `REPLICA_PIN_SECONDS`, so the page it is
  redirected to (the tracking page after submitting, an appeal after an action) shows the change.
The cookie only ever sends its holder's reads to the primary, so it is not signed.
"""

from __future__ import annotations

import math
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

PIN_COOKIE = "xs_primary_until"
PRIMARY_ONLY = frozenset(
    {
        "sessions.session",
        "axes.accessattempt",
        "axes.accessattemptexpiration",
        "axes.accessfailurelog",
        "axes.accesslog",
        "otp_totp.totpdevice",
        "django_tasks_database.dbtaskresult",
    }
)
_pinned: ContextVar[bool] = ContextVar("xieshang_pinned_to_primary", default=False)


@contextmanager
def pinned_to_primary():
    """Every read inside goes to the primary."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


class PrimaryReplicaRouter:
    """Reads go to the replica; writes, reads in a transaction, pinned reads and PRIMARY_ONLY to the primary."""

    def db_for_read(self, model, **hints):
        from django.db import connections

        if _pinned.get() or model._meta.label_lower in PRIMARY_ONLY or connections["default"].in_atomic_block:
            return "default"
        return "replica"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaPinMiddleware:
    """Keeps a browser's reads on the primary for REPLICA_PIN_SECONDS after it sent a change (see module doc)."""

    UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        pin = request.method in self.UNSAFE or _pinned_until(request) > time.time()
        if not pin:
            return self.get_response(request)
        with pinned_to_primary():
            response = self.get_response(request)
        if request.method in self.UNSAFE:
            seconds = int(getattr(settings, "REPLICA_PIN_SECONDS", 5))
            response.set_cookie(
                PIN_COOKIE,
                # From the answer, not the request's start (a slow request must not use up the pin);
                # whole seconds, never shorter than the setting.
                str(math.ceil(time.time() + seconds)),
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


def _pinned_until(request) -> float:
    try:
        return float(request.COOKIES.get(PIN_COOKIE, 0))
    except ValueError:
        return 0.0
