"""The demo district loaded once for the tests that only need it loaded (the `shared_demo` fixture).

Loading the demo takes 15 s on SQLite and 40 s on PostgreSQL; a dozen tests reading it each loaded it
themselves. Now the demo is loaded inside an outer transaction, each test runs in a savepoint within it
(pytest-django's `db` nests its atomic block, and skips Django's connection-closing class teardown for
exactly this), and the outer transaction is rolled back once the next test no longer asks for the demo:
what one test writes is undone before the next, and a test without the fixture never sees the demo.

Rules, checked at collection: a module that uses `shared_demo` uses it for all its tests (use
`pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]`), and none of them may be
transactional or serve a live server (both empty the tables). The tests that load the demo themselves
(loading from empty, loading in another order) keep their own module. All `shared_demo` tests go to
one xdist worker, first, in one batch (the scheduler below), which loads the demo once.
"""

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from xdist.scheduler import LoadScheduling

GROUP = "shared_demo"


@dataclass
class _Demo:
    atomic: object = None
    media: object = None
    next_uses_it: bool = False


_DEMO = _Demo()


def _uses(item) -> bool:
    return item is not None and GROUP in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(config, items):
    by_module: dict = {}
    for item in items:
        by_module.setdefault(item.module.__name__ if hasattr(item, "module") else item.nodeid, []).append(item)
    for module, its in by_module.items():
        users = [i for i in its if _uses(i)]
        if not users:
            continue
        if len(users) != len(its):
            raise pytest.UsageError(f"{module}: every test of a module using shared_demo must use it")
        for item in users:
            marker = item.get_closest_marker("django_db")
            if marker is not None and (marker.kwargs.get("transaction") or "live_server" in item.fixturenames):
                raise pytest.UsageError(f"{item.nodeid}: shared_demo cannot serve a transactional test")


@cache
def _module_declares_it(path: Path) -> bool:
    try:
        return f'usefixtures("{GROUP}")' in path.read_text(encoding="utf-8")
    except OSError:
        return False


class _SharedDemoScheduling(LoadScheduling):
    """xdist's load scheduling, except that the tests of the modules declaring `shared_demo` go first, all
    to the first worker in one batch (xdist's own grouping, loadgroup, renames node ids, which pytest 9
    ignores, pytest-xdist#1386; and it keys tests by node id, which loses the schemathesis cases that
    share one)."""

    _grouped = False

    def _send_tests(self, node, num: int) -> None:
        if not self._grouped:
            self._grouped = True
            root = self.config.rootpath
            group = [i for i in self.pending if _module_declares_it(Path(root, self.collection[i].split("::")[0]))]
            if group:
                taken = set(group)
                self.pending[:] = [i for i in self.pending if i not in taken]
                self.node2pending[node].extend(group)
                node.send_runtest_some(group)
        super()._send_tests(node, num)


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") == "load":
        return _SharedDemoScheduling(config, log)
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    # Read by the module fixture's teardown, which runs inside this hook.
    _DEMO.next_uses_it = _uses(nextitem)
    return (yield)


@pytest.fixture(scope="module")
def shared_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo district, loaded once for consecutive modules that ask for it; the media directory its
    documents were written to (each test's MEDIA_ROOT, see conftest)."""
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    if _DEMO.atomic is None:
        media = tmp_path_factory.mktemp("demo-media")
        with django_db_blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                with override_settings(MEDIA_ROOT=media):
                    call_command("load_demo", stdout=io.StringIO())
            except BaseException:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
                raise
        _DEMO.atomic, _DEMO.media = atomic, media
    yield _DEMO.media
    if not _DEMO.next_uses_it:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            _DEMO.atomic.__exit__(None, None, None)
        _DEMO.atomic = _DEMO.media = None
