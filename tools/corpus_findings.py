"""Lint every pair of the shared corpus and print one line per finding.

Each file of ``$SMTPLINT_CORPUS/postfix/<dir>/`` is taken as pre-commit
would pass it (with its sibling, as ``smtplint lint FILE`` pairs it); each
pair is linted once. Run it before and after a rule change and diff the
two outputs: every new or vanished line is a real problem or a bug.

    python tools/corpus_findings.py > /tmp/before.txt
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from linter.discover import sibling
from linter.engine.rules import builtin_rules
from linter.lint import lint_pair

SKIP_SUFFIXES = (".yml", ".yaml", ".tsv", ".md")


def pairs(root: Path):
    seen = set()
    for directory in sorted(p for p in root.iterdir() if p.is_dir()):
        for name in sorted(os.listdir(directory)):
            if name.endswith(SKIP_SUFFIXES):
                continue
            paths = sibling(str(directory / name))
            key = (paths.main, paths.master)
            if key not in seen:
                seen.add(key)
                yield paths


def describe(path: str | None, root: Path) -> str:
    return os.path.relpath(path, root) if path else "-"


def main() -> int:
    corpus = os.environ.get("SMTPLINT_CORPUS", "/work/shared/corpus")
    root = Path(corpus) / "postfix"
    rules = builtin_rules()
    for paths in pairs(root):
        pair = f"{describe(paths.main, root)} + {describe(paths.master, root)}"
        for finding in lint_pair(paths, rules):
            where = f"{os.path.basename(finding.path)}:{finding.line}"
            services = finding.service or ",".join(r.label for r in finding.related) or "-"
            print(f"{pair}\t{finding.rule}\t{where}\t{services}\t"
                  f"{finding.parameter or '-'}\t{finding.message}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
