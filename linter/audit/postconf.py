"""Ask the installed Postfix: ``postconf`` and ``postmulti``, bounded.

Output is capped and every call has a timeout; a missing or failing
command is an answer (None), not an exception.
"""

from __future__ import annotations

import os
import shutil
import subprocess

TIMEOUT = 10.0
MAX_OUTPUT = 4 * 1024 * 1024
SBIN = ("/usr/sbin", "/usr/local/sbin", "/usr/lib/postfix/sbin")


def find_tool(name: str, environ=os.environ) -> str | None:
    found = shutil.which(name, path=environ.get("PATH", os.defpath))
    if found:
        return found
    for directory in SBIN:
        candidate = os.path.join(directory, name)
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def run_tool(argv: list[str], errors: list[str] | None = None) -> str | None:
    """The command's output; None when it fails (and why, into ``errors``)."""
    try:
        completed = subprocess.run(argv, capture_output=True, timeout=TIMEOUT, check=False,
                                   stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as error:
        _failed(errors, argv, str(error))
        return None
    if completed.returncode != 0 or len(completed.stdout) > MAX_OUTPUT:
        lines = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        _failed(errors, argv, lines[-1][:200] if lines else f"exit {completed.returncode}")
        return None
    return completed.stdout.decode("utf-8", "surrogateescape")


def _failed(errors: list[str] | None, argv: list[str], reason: str) -> None:
    if errors is not None:
        errors.append(f"{os.path.basename(argv[0])} failed: {reason}")


def postconf_values(postconf: str, config_dir: str | None, names: list[str],
                    defaults: bool = False, errors: list[str] | None = None) -> dict[str, str]:
    """``name = value`` lines parsed; unknown names are left out."""
    argv = [postconf]
    if config_dir:
        argv += ["-c", config_dir]
    if defaults:
        argv.append("-d")
    text = run_tool(argv + names, errors)
    values = {}
    for line in (text or "").splitlines():
        name, equals, value = line.partition(" = ")
        if not equals:
            name, _, value = line.partition(" =")
        if name.strip() in names:
            values[name.strip()] = value.strip()
    return values


def postmulti_instances(postmulti: str, config_dir: str | None) -> list[tuple[str, str, str]] | None:
    """(name, enabled, config_directory) per instance, from ``postmulti -l``."""
    argv = [postmulti, "-l"] + (["-c", config_dir] if config_dir else [])
    text = run_tool(argv)
    if text is None:
        return None
    rows = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 4:
            rows.append((fields[0], fields[2], fields[3]))
    return rows
