"""Each rule's fixtures report exactly what tests/snapshots/rules/<rule>.txt
records: the rule's own findings in full (severity, place, service,
parameter, message, related places, fix and edits), the other rules' by
place, and the run's notes. The catalogue test asks only whether a rule
fires; this one fails when a rule says something else, somewhere else.
After a deliberate change: python tools/gen_rule_snapshots.py, then read
the diff."""

from __future__ import annotations

import difflib
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import gen_rule_snapshots as snapshots  # noqa: E402

RULE_IDS = snapshots.lint_rule_ids()


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_fixtures_report_what_the_snapshot_records(rule_id):
    path = snapshots.SNAPSHOTS / f"{rule_id}.txt"
    assert path.is_file(), f"{path} is missing: python tools/gen_rule_snapshots.py"
    expected = path.read_text(encoding="utf-8")
    actual = snapshots.snapshot(rule_id)
    if actual != expected:
        diff = "".join(list(difflib.unified_diff(
            expected.splitlines(True), actual.splitlines(True),
            f"{path.name} (recorded)", f"{path.name} (now)"))[:60])
        pytest.fail(f"{rule_id} reports something else than its snapshot "
                    f"(python tools/gen_rule_snapshots.py after a deliberate change):\n{diff}")


def test_every_snapshot_belongs_to_a_rule():
    recorded = {path.stem for path in snapshots.SNAPSHOTS.glob("*.txt")}
    assert recorded - set(RULE_IDS) == set()


def test_a_snapshot_holds_every_fixture_and_each_rule_in_full():
    for rule_id in RULE_IDS:
        text = (snapshots.SNAPSHOTS / f"{rule_id}.txt").read_text(encoding="utf-8")
        cases = [line[3:] for line in text.splitlines() if line.startswith("== ")]
        assert cases == [d.name for d in snapshots.fixture_dirs(rule_id)], rule_id
        assert "  message: " in text and f" {rule_id} " in text, rule_id
