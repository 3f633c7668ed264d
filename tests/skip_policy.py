"""No silent skips in CI: with SMTPLINT_REQUIRE_ALL set, every skip fails.

A test that skips proves nothing, and in CI a skip usually means a tool or
the corpus went missing. Each test module may still decide to skip locally
(`skipif`, `pytest.skip`, `importorskip`, an empty parameter set, a module
skipped at collection); this plugin turns each of those into a failure that
quotes the skip's reason when CI asks for everything to run. Expected
failures (`xfail`) are not skips and are left alone.
"""

from __future__ import annotations

import os

import pytest

ENV = "SMTPLINT_REQUIRE_ALL"


def required() -> bool:
    return bool(os.environ.get(ENV))


def _reason(longrepr) -> str:
    # A skip's longrepr is (path, line, "Skipped: reason").
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def _fail(report) -> None:
    report.outcome = "failed"
    report.longrepr = (f"skipped, but {ENV} is set and every test must run: "
                       f"{_reason(report.longrepr)}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if required() and report.skipped and not hasattr(report, "wasxfail"):
        _fail(report)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    report = outcome.get_result()
    if required() and report.skipped:
        _fail(report)
