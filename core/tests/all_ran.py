"""A distributed run that passes ran every test it collected.

xdist's workers report each test they ran; a scheduler that drops some (its loadscope and loadgroup modes
key tests by node id, and the schemathesis cases of one test share one) would otherwise end green with
fewer tests than collected. Every test run, passed, failed or skipped, ends with one teardown report.
"""

import pytest


class _Count:
    expected: int | None = None
    finished = 0


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids):
    _Count.expected = len(ids)


def pytest_runtest_logreport(report):
    if report.when == "teardown":
        _Count.finished += 1


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    if _Count.expected is None or exitstatus != pytest.ExitCode.OK:
        return
    if _Count.finished != _Count.expected:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write("\n")
        reporter.write_line(
            f"{_Count.expected} tests collected but {_Count.finished} ran: the run is incomplete", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
