#!/usr/bin/env python3
"""Write tests/fixtures/fix/<rule>/before|after for every rule that has a fix.

``before`` is written by hand where a rule's fires fixtures need more than
its fix (a TLS fix needs a certificate and a modern protocol floor to be
applied alone); otherwise it is the rule's first ``fires*`` fixture that
the fix changes. ``after`` is what ``smtplint lint --fix --unsafe-fixes
--fix-only <rule>`` makes of ``before``. Run it after changing a rule's
fix, then read the diff of the goldens: tests/test_fix_goldens.py holds
the result to them byte for byte.

    python tools/gen_fix_goldens.py
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from linter.engine.rules import builtin_rules  # noqa: E402
from linter.fix.apply import fix_pairs  # noqa: E402
from linter.fix.compose import FixPolicy  # noqa: E402
from linter.fix.files import read_texts  # noqa: E402
from linter.lint import lint_configuration  # noqa: E402
from linter.postfix.load import pair_for  # noqa: E402

RULES_FIXTURES = ROOT / "tests" / "fixtures" / "rules"
GOLDENS = ROOT / "tests" / "fixtures" / "fix"
VERSION = "3.7"


def fix_only(directory: Path, rule_id: str) -> dict[str, str]:
    """File name -> fixed text, fixing only ``rule_id``'s findings."""
    pair = pair_for(str(directory))
    texts, _ = read_texts([pair])
    rules = builtin_rules()
    policy = FixPolicy(unsafe=True, only=frozenset({rule_id}))
    result = fix_pairs([pair], texts, lambda c: lint_configuration(c, rules), policy.allows,
                       VERSION)
    return {Path(path).name: text for path, text in result.fixed.items()}


def fixable(directory: Path, rule_id: str) -> bool:
    pair = pair_for(str(directory))
    if not (pair.main or pair.master):
        return False
    from linter.fix.apply import _configuration

    texts, _ = read_texts([pair])
    findings = lint_configuration(_configuration(pair, texts, VERSION), builtin_rules())
    return any(f.rule == rule_id and f.fix and f.fix.edits for f in findings)


def golden_source(rule_id: str) -> Path | None:
    """The first fires* fixture that the rule's fix changes (others may
    need what no fix adds, such as a certificate)."""
    for directory in sorted((RULES_FIXTURES / rule_id).glob("fires*")):
        if directory.is_dir() and fixable(directory, rule_id):
            texts, _ = read_texts([pair_for(str(directory))])
            fixed = fix_only(directory, rule_id)
            if any(fixed[Path(path).name] != text for path, text in texts.items()):
                return directory
    return None


def main() -> int:
    written = 0
    for rule in builtin_rules():
        before, after = GOLDENS / rule.id / "before", GOLDENS / rule.id / "after"
        if not before.is_dir():
            source = golden_source(rule.id)
            if source is None:
                continue
            before.mkdir(parents=True)
            for path in sorted(source.iterdir()):
                if path.is_file():
                    shutil.copyfile(path, before / path.name)
        if after.exists():
            shutil.rmtree(after)
        after.mkdir(parents=True)
        for name, text in fix_only(before, rule.id).items():
            (after / name).write_bytes(text.encode("utf-8", "surrogateescape"))
        written += 1
    print(f"{written} golden pairs in {GOLDENS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
