#!/usr/bin/env python3
"""Write docs/rules/<id>.md for every built-in rule (tests keep them in sync).

Usage: python tools/gen_rule_docs.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from linter.engine.explain import rule_markdown  # noqa: E402
from linter.engine.rules import builtin_rules  # noqa: E402

DOCS = ROOT / "docs" / "rules"


def expected_pages() -> dict[Path, str]:
    return {DOCS / f"{rule.id}.md": rule_markdown(rule) for rule in builtin_rules()}


def main() -> None:
    DOCS.mkdir(parents=True, exist_ok=True)
    pages = expected_pages()
    for stale in set(DOCS.glob("*.md")) - set(pages):
        stale.unlink()
    for path, text in pages.items():
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
    print(f"{len(pages)} rule pages in {DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
