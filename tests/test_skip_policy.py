"""The skip policy (tests/skip_policy.py) run on a throw-away test tree by
a real pytest: every way a test can skip passes locally as a skip and fails
under SMTPLINT_REQUIRE_ALL with its reason; xfail stays xfail."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

WAYS = {
    "test_marker.py": "import pytest\n@pytest.mark.skipif(True, reason='no openssl here')\n"
                      "def test_a():\n    pass\n",
    "test_call.py": "import pytest\ndef test_b():\n    pytest.skip('corpus missing')\n",
    "test_empty.py": "import pytest\n@pytest.mark.parametrize('pair', [])\n"
                     "def test_c(pair):\n    pass\n",
    "test_import.py": "import pytest\npytest.importorskip('no_such_module_smtplint')\n"
                      "def test_d():\n    pass\n",
    "test_module.py": "import pytest\npytest.skip('module off', allow_module_level=True)\n",
    "test_fixture.py": "import pytest\n@pytest.fixture\ndef tool():\n    pytest.skip('tool gone')\n"
                       "def test_e(tool):\n    pass\n",
}
XFAIL = "import pytest\n@pytest.mark.xfail(reason='known', strict=True)\ndef test_x():\n    assert False\n"


def _run(tree: Path, require: bool) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SMTPLINT_REQUIRE_ALL"}
    env["PYTHONPATH"] = str(HERE)
    if require:
        env["SMTPLINT_REQUIRE_ALL"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", "-q",
         "--continue-on-collection-errors", str(tree)],
        cwd=tree, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "conftest.py").write_text("pytest_plugins = ['skip_policy']\n")
    for name, text in WAYS.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "test_xfail.py").write_text(XFAIL)
    return tmp_path


def test_locally_each_way_is_a_skip(tree):
    result = _run(tree, require=False)
    assert result.returncode == 0, result.stdout
    assert "6 skipped, 1 xfailed" in result.stdout


def test_under_require_all_each_way_fails_with_its_reason(tree):
    result = _run(tree, require=True)
    assert result.returncode == 1
    out = result.stdout
    assert "skipped" not in out.splitlines()[-1], out
    for reason in ("no openssl here", "corpus missing", "got empty parameter set",
                   "could not import 'no_such_module_smtplint'", "module off", "tool gone"):
        assert f"SMTPLINT_REQUIRE_ALL is set and every test must run: {reason}" in out, reason
    assert "1 xfailed" in out.splitlines()[-1]
