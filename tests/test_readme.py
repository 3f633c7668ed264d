"""The README's first lines are what a newcomer pastes: keep them true."""

from __future__ import annotations

import re

from conftest import ROOT
from lint_helpers import lint_process


README = (ROOT / "README.md").read_text()


def test_the_first_block_is_the_install_and_the_test_command():
    block = re.search(r"```sh\n(.*?)```", README, re.S).group(1).splitlines()
    assert block == ["pip install . && smtplint lint examples/postfix-risky; "
                     "smtplint show examples/postfix", "./scripts/test"]
    assert "./scripts/test" in (ROOT / ".ci" / "run").read_text()


def test_the_risky_example_exits_1_with_the_findings_the_readme_counts(tmp_path):
    count = int(re.search(r"it exits 1 with (\d+) findings", README).group(1))
    result = lint_process(tmp_path, str(ROOT / "examples" / "postfix-risky"), "-f", "json")
    assert result.code == 1
    assert len(result.json()["findings"]) == count


def test_the_clean_example_passes_and_shows(tmp_path):
    assert lint_process(tmp_path, str(ROOT / "examples" / "postfix")).code == 0
    shown = lint_process(tmp_path, str(ROOT / "examples" / "postfix"), command="show")
    assert shown.code == 0 and "submission/inet" in shown.out
