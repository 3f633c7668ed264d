"""Run a child that permission bits apply to, even when the tests run as root.

Root reads mode-000 files and lists mode-000 directories (CAP_DAC_OVERRIDE,
CAP_DAC_READ_SEARCH), so "permission denied" cannot happen to it; CI may
run as root. Dropping the two capabilities from the child's bounding set
with util-linux ``setpriv`` makes the kernel check the mode bits again.
"""

from __future__ import annotations

import os
import shutil

import pytest
from conftest import REQUIRE_ALL

CAPABILITIES = "-dac_override,-dac_read_search"


def as_unprivileged(argv: list[str]) -> list[str]:
    """``argv``, prefixed so that file permissions bind the child."""
    if os.geteuid() != 0:
        return argv
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        if REQUIRE_ALL:
            pytest.fail("running as root without setpriv (util-linux): cannot test "
                        "permission errors")
        pytest.skip("running as root without setpriv (util-linux)")
    return [setpriv, f"--bounding-set={CAPABILITIES}", *argv]
