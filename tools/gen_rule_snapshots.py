#!/usr/bin/env python3
"""Write tests/snapshots/rules/<rule>.txt: every finding of every rule on
each of that rule's fixtures (tests/fixtures/rules/<rule>/*/), in full.

The catalogue test only asks whether a rule fires; this records what it
says: severity, place, service, parameter, message, tags, related places,
the fix with its edits, and the run's notes. tests/test_rule_snapshots.py holds
the lint to it, so a one-line change to a message, a location or an edit
fails a test. Run this after changing what a rule reports, then read the
diff of the snapshots: it is the review of that change.

    python tools/gen_rule_snapshots.py
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from linter.engine.rules import builtin_rules  # noqa: E402
from linter.lint import lint_pair_with_notes  # noqa: E402
from linter.postfix.load import pair_for  # noqa: E402

RULES_FIXTURES = ROOT / "tests" / "fixtures" / "rules"
SNAPSHOTS = ROOT / "tests" / "snapshots" / "rules"


def fixture_dirs(rule_id: str) -> list[Path]:
    base = RULES_FIXTURES / rule_id
    return sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []


def _place(path: str, line: int, column: int, prefix: str) -> str:
    """path:line:column with the fixture directory taken out, so a snapshot
    does not depend on where the checkout is."""
    return f"{path.removeprefix(prefix)}:{line}:{column}"


def _finding_lines(finding, prefix: str, in_full: bool) -> list[str]:
    head = (f"{finding.severity} {finding.rule} "
            f"{_place(finding.path, finding.line, finding.column, prefix)}"
            f"-{finding.end_line}:{finding.end_column}"
            f" service={finding.service} parameter={finding.parameter}")
    if not in_full:
        return [head]
    lines = [head, f"  message: {finding.message}", f"  tags: {', '.join(finding.tags)}"]
    lines += [f"  related: {_place(r.path, r.line, r.column, prefix)} {r.label}"
              for r in finding.related]
    if finding.fix is not None:
        fix = finding.fix
        lines.append(f"  fix ({fix.safety}): {fix.description}")
        lines += [f"    line: {line}" for line in fix.lines]
        for edit in fix.edits:
            data = {key: value for key, value in asdict(edit).items() if value is not None}
            data["path"] = edit.path.removeprefix(prefix)
            lines.append(f"    edit: {json.dumps(data, ensure_ascii=False, sort_keys=True)}")
    return lines


def record(directory: Path, rule_id: str) -> list[str]:
    """What the lint of one fixture reports: its findings (those of
    ``rule_id`` in full, the others by place) and its notes."""
    findings, notes = lint_pair_with_notes(pair_for(str(directory)), builtin_rules())
    prefix = str(directory) + "/"
    lines = [f"== {directory.name}"]
    for finding in sorted(findings, key=lambda f: f.sort_key()):
        lines += _finding_lines(finding, prefix, finding.rule == rule_id)
    lines += [f"{note.level}: {note.message.replace(prefix, '')}"
              + (f" ({note.path.removeprefix(prefix)})" if note.path else "")
              for note in notes]
    return lines


def lint_rule_ids() -> list[str]:
    return [rule.id for rule in builtin_rules() if rule.stage == "lint"]


def snapshot(rule_id: str) -> str:
    """The snapshot text of one rule's fixtures (escapes keep it one line
    per item: a fixture may hold control characters)."""
    lines = [line for directory in fixture_dirs(rule_id) for line in record(directory, rule_id)]
    return "".join(line.encode("unicode_escape").decode("ascii") + "\n" for line in lines)


def main() -> int:
    SNAPSHOTS.mkdir(parents=True, exist_ok=True)
    written = 0
    for rule_id in lint_rule_ids():
        path = SNAPSHOTS / f"{rule_id}.txt"
        text = snapshot(rule_id)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written += 1
    print(f"{written} snapshots written in {SNAPSHOTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
