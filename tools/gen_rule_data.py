#!/usr/bin/env python3
"""Compile the built-in rules (rules/**/*.yaml) into linter/data/rules.json.

smtplint loads the compiled file instead of parsing YAML at start-up, as
long as every YAML file still matches the size and CRC-32 recorded there
(tests/test_rule_data.py keeps it in sync). Run after editing a rule:

    python tools/gen_rule_data.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from linter.engine.rules import COMPILED, compile_rules  # noqa: E402


def expected_text() -> str:
    return json.dumps(compile_rules(ROOT / "rules"), indent=1, ensure_ascii=False,
                      sort_keys=True) + "\n"


def main() -> None:
    text = expected_text()
    if not COMPILED.exists() or COMPILED.read_text(encoding="utf-8") != text:
        COMPILED.write_text(text, encoding="utf-8")
        print(f"wrote {COMPILED.relative_to(ROOT)}")
    else:
        print(f"{COMPILED.relative_to(ROOT)} is up to date")


if __name__ == "__main__":
    main()
