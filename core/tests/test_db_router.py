"""Reads on a replica: the router's decisions (core/db_router.py)."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django_tasks_db.models import DBTaskResult

from core.db_router import PIN_COOKIE, PrimaryReplicaRouter, ReplicaPinMiddleware, pinned_to_primary
from core.models import StatusChange
from intake.models import Appeal


@pytest.fixture
def router():
    return PrimaryReplicaRouter()


@pytest.mark.django_db(transaction=True)
def test_reads_outside_a_transaction_go_to_the_replica(router):
    assert router.db_for_read(Appeal) == "replica"
    assert router.db_for_read(StatusChange) == "replica"


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_stay_on_the_primary(router):
    # A workflow action reads, locks and writes in one transaction: it must see the primary's rows.
    with transaction.atomic():
        assert router.db_for_read(Appeal) == "default"
    assert router.db_for_read(Appeal) == "replica"


def test_writes_and_migrations_go_to_the_primary(router):
    assert router.db_for_write(Appeal) == "default"
    assert router.allow_migrate("default", "intake", "appeal")
    assert not router.allow_migrate("replica", "intake", "appeal")
    assert router.allow_relation(Appeal(), StatusChange())


def test_sessions_lockout_and_the_task_queue_are_always_read_on_the_primary(router):
    # A login writes the session on the primary; the next request must find it there, lag or not.
    assert router.db_for_read(Session) == "default"
    assert router.db_for_read(DBTaskResult) == "default"


def test_pinned_reads_go_to_the_primary(router):
    with pinned_to_primary():
        assert router.db_for_read(Appeal) == "default"
    assert router.db_for_read(Appeal) == "replica"


def _through_middleware(settings, method: str, cookie: str | None = None, during_view=None):
    """The database the view's reads would use, and the response of ReplicaPinMiddleware."""
    settings.REPLICA_PIN_SECONDS = 7
    seen = []

    def view(request):
        seen.append(PrimaryReplicaRouter().db_for_read(Appeal))
        if during_view:
            during_view()
        return HttpResponse("ok")

    request = getattr(RequestFactory(), method.lower())("/appeals/")
    if cookie is not None:
        request.COOKIES[PIN_COOKIE] = cookie
    response = ReplicaPinMiddleware(view)(request)
    return seen[0], response


def test_a_change_keeps_the_browser_on_the_primary_for_a_few_seconds(settings):
    db, response = _through_middleware(settings, "POST")
    assert db == "default"  # the POST itself
    pin = response.cookies[PIN_COOKIE]
    assert pin["max-age"] == 7 and pin["httponly"] and pin["samesite"] == "Lax"
    assert 6.5 < float(pin.value) - time.time() <= 8  # at least the setting, whole seconds

    # The page it is redirected to reads the primary: the citizen sees the appeal just submitted.
    db, response = _through_middleware(settings, "GET", cookie=pin.value)
    assert db == "default"
    assert PIN_COOKIE not in response.cookies  # a read does not extend the pin


@pytest.mark.parametrize("cookie", [None, "expired", "not-a-time", ""])
def test_other_reads_go_to_the_replica(settings, cookie):
    if cookie == "expired":
        cookie = str(int(time.time()) - 1)
    db, response = _through_middleware(settings, "GET", cookie=cookie)
    assert db == "replica"
    assert response.status_code == 200 and PIN_COOKIE not in response.cookies


def test_the_pin_counts_from_the_answer_not_from_a_slow_requests_start(settings, monkeypatch):
    clock = [1000.0]  # the request came in at 1000 and took 12 s (a cold worker, say)
    monkeypatch.setattr("core.db_router.time.time", lambda: clock[0])
    _db, response = _through_middleware(settings, "POST", during_view=lambda: clock.__setitem__(0, 1012.0))
    assert float(response.cookies[PIN_COOKIE].value) == 1012 + 7
