"""Shared test helpers: fixture paths, the corpus, and the real postconf."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

# Under SMTPLINT_REQUIRE_ALL (CI) every skip is a failure: tests/skip_policy.py.
pytest_plugins = ["skip_policy"]

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS_ENV = "SMTPLINT_CORPUS"
# CI sets this: a test must not skip for a missing tool or corpus there.
REQUIRE_ALL = bool(os.environ.get("SMTPLINT_REQUIRE_ALL"))

# scripts/mutate: mutmut's trampolines put extra frames under every call, so
# the nesting tests (100 levels of $name, smtplint's MAX_DEPTH) would meet
# Python's recursion limit before the model's own limits that they test.
if "MUTANT_UNDER_TEST" in os.environ:
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 6000))


def corpus_dir() -> Path | None:
    value = os.environ.get(CORPUS_ENV)
    return Path(value) if value and Path(value).is_dir() else None


# These skip even under SMTPLINT_REQUIRE_ALL: skip_policy then fails the
# test with the reason, rather than letting it crash on a missing path.
requires_corpus = pytest.mark.skipif(
    corpus_dir() is None,
    reason=f"{CORPUS_ENV} does not name the shared corpus directory (.ci/run sets it)")

requires_postconf = pytest.mark.skipif(
    shutil.which("postconf") is None and not Path("/usr/sbin/postconf").exists(),
    reason="Postfix's postconf is not installed (.ci/run installs Debian's postfix)")


def pytest_sessionstart(session):
    """scripts/mutate: mutmut forks each mutant's run from a process that has
    already run the tests, so every ``functools`` cache in linter/ holds
    results of the unmutated code; a mutant inside a cached function would
    never run. Empty them before the tests."""
    if os.environ.get("MUTANT_UNDER_TEST", "stats") == "stats":
        return
    for name, module in list(sys.modules.items()):
        if name == "linter" or name.startswith("linter."):
            for value in list(vars(module).values()):
                clear = getattr(value, "cache_clear", None)
                if callable(clear):
                    clear()


@pytest.fixture(autouse=True)
def _children_run_unmutated_during_mutmut_stats(monkeypatch):
    """scripts/mutate: while mutmut records which test reaches which function
    (MUTANT_UNDER_TEST=stats), a child ``smtplint`` would inherit that and try
    to record too, from a directory with no mutmut settings, and crash. The
    test's own process keeps its copy of the mode (mutmut falls back to it);
    children run the code unmutated. When a mutant is under test, children run
    it as well, so subprocess tests still kill what they reach."""
    if os.environ.get("MUTANT_UNDER_TEST") == "stats":
        monkeypatch.delenv("MUTANT_UNDER_TEST")
