"""The CI mutation sample: ``scripts/mutate --sample`` leaves no mutant unexplained.

It mutates the modules of ``[tool.mutation-sample]`` in pyproject.toml (the
escaping policy and Postfix's number parsing) in a scratch copy of the
project and runs their tests against every mutant. A mutant that survives
must be killed by a new test or listed, with its reason, in
tests/mutation/equivalent.txt; a listed mutant that is killed must be
removed from the list. Either breaks this test. Without mutmut the test
skips, which fails under SMTPLINT_REQUIRE_ALL (tests/skip_policy.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# 50-60 s on two busy cores (25 s idle); the limit only stops a run that hangs.
SECONDS = 300


def test_the_mutation_sample_has_no_unexplained_mutant(tmp_path):
    pytest.importorskip("mutmut", reason="mutmut is not installed (pip install -e '.[test]')")
    summary_path = tmp_path / "summary.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "mutate"), "--sample",
         "--workdir", str(tmp_path / "project"), "--json", str(summary_path)],
        capture_output=True, text=True, timeout=SECONDS, check=False)
    tail = run.stdout[-3000:] + run.stderr[-3000:]
    assert run.returncode == 0, tail
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    assert summary["unexplained"] == [], tail
    assert summary["killed_but_listed_equivalent"] == [], tail
    # Both sampled packages were mutated and every mutant judged: an empty
    # or partial run proves nothing.
    assert set(summary["packages"]) == {"linter/postfix", "linter/report"}, tail
    for counts in summary["packages"].values():
        assert counts["total"] > 0 and "not checked" not in counts, tail
        assert counts["killed"] + counts.get("equivalent", 0) == counts["total"], tail


def _mutate_script():
    import importlib.machinery
    import importlib.util

    loader = importlib.machinery.SourceFileLoader("mutate_script", str(ROOT / "scripts" / "mutate"))
    spec = importlib.util.spec_from_loader("mutate_script", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_the_summary_counts_what_the_tests_noticed_as_killed():
    """A mutant that made the tests fail, hang or crash is killed; one they
    passed is a survivor unless listed; one never run is not checked."""
    mutate = _mutate_script()
    statuses = {f"linter.engine.m.x_f__mutmut_{n}": status for n, status in enumerate(
        ("killed", "timeout", "segfault", "caught by type check", "survived", "survived",
         "no tests", "suspicious", "not checked"))}
    summary = mutate.summarise(statuses, {"linter.engine.m.x_f__mutmut_5": "why"}, [])
    counts = summary["packages"]["linter/engine"]
    assert counts == {"total": 8, "killed": 4, "equivalent": 1, "unexplained": 3,
                      "not checked": 1}
    assert [status for _, status in summary["unexplained"]] == ["survived", "no tests",
                                                                  "suspicious"]
