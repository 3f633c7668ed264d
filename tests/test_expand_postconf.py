"""Every conditional-expansion form of postconf(5) — braced and unbraced
values, mixed, nested, relational and compatibility-level forms, and the
broken versions of each — against the real postconf 3.7: the model must
accept what postconf accepts, with the same value, and refuse what it
refuses. Also Postfix's nesting limit (chains and nested conditionals just
below and above it) and the myhostname/mydomain defaults, which derive
from each other."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import requires_postconf
from postconf_oracle import POSTCONF, fold, host_values, write_pair

from linter.postfix.main_cf import parse_main_cf
from linter.postfix.resolve import resolve

pytestmark = requires_postconf
FORMS = json.loads((Path(__file__).parent / "expand_forms.json").read_text())
DEFINITIONS = "".join(f"{name} = {value}\n" for name, value in FORMS["definitions"].items())
IGNORED_WARNINGS = ("undefined parameter", "unused parameter")


def _postconf(main: str, *args: str) -> tuple[bool, dict[str, str]]:
    """(accepted, values) for ``postconf -c DIR ARGS`` on this main.cf."""
    with tempfile.TemporaryDirectory(prefix="smtplint-forms-") as directory:
        write_pair(Path(directory), main.encode(), b"")
        result = subprocess.run([POSTCONF, "-c", directory, *args], capture_output=True,
                                text=True, env=dict(os.environ, LC_ALL="C"), timeout=60,
                                check=False)
    warnings = [line for line in result.stderr.splitlines()
                if not any(ignored in line for ignored in IGNORED_WARNINGS)]
    if result.returncode or warnings:
        return False, {}
    values = {}
    for line in result.stdout.splitlines():
        name, _, value = line.partition(" =")
        values[name] = value.removeprefix(" ")
    return True, values


def _banner_main(form: str) -> str:
    return DEFINITIONS + f"smtpd_banner = {form}\n"


@pytest.fixture(scope="module")
def form_oracle() -> dict[str, tuple[bool, dict[str, str]]]:
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = pool.map(lambda form: _postconf(_banner_main(form), "-nx"), FORMS["forms"])
        return dict(zip(FORMS["forms"], answers))


def _model_banner(form: str) -> tuple[bool, str]:
    setting = resolve(parse_main_cf(_banner_main(form)), None).context.setting("smtpd_banner")
    return not setting.expansion.errors, setting.value


def test_there_are_forms_of_every_kind():
    forms = FORMS["forms"]
    assert len(forms) >= 200
    for marker in ("?{", ":{", "}:", "==", "<level", "$(", "${ ", "??"[:1]):
        assert any(marker in form for form in forms), marker


@pytest.mark.parametrize("form", FORMS["forms"])
def test_form_agrees_with_postconf(form, form_oracle):
    accepted, values = form_oracle[form]
    ours_accepted, ours = _model_banner(form)
    assert ours_accepted == accepted, (form, values.get("smtpd_banner"), ours)
    if accepted:
        assert fold(ours) == fold(values["smtpd_banner"])


def test_the_form_postfix_documents_with_an_unbraced_else_is_accepted():
    """``${name?{value1}:value2}``: "The {} is required for value1, optional
    for value2" (postconf(5)); it was reported as an error."""
    assert _model_banner("${empty?{x}:plain else}") == (True, "plain else")
    assert _model_banner("${a?{x}:plain else}") == (True, "x")


def _chain(length: int, last: str = "x") -> str:
    return f"c0 = {last}\n" + "".join(f"c{i} = $c{i - 1}\n" for i in range(1, length + 1))


def _nested(depth: int) -> str:
    return "a = 1\n" + "smtpd_banner = " + "${a?" * depth + "x" + "}" * depth + "\n"


NESTING = {
    "chain-99": _chain(99) + "smtpd_banner = $c99\n",
    "chain-100": _chain(100) + "smtpd_banner = $c100\n",
    "empty-chain-100": _chain(100, "") + "smtpd_banner = $c100\n",
    "empty-chain-101": _chain(101, "") + "smtpd_banner = $c101\n",
    "nested-100": _nested(100),
    "nested-101": _nested(101),
}


@pytest.mark.parametrize("case", sorted(NESTING))
def test_nesting_limit_matches_postconf(case):
    main = NESTING[case]
    accepted, values = _postconf(main, "-nx")
    setting = resolve(parse_main_cf(main), None).context.setting("smtpd_banner")
    assert (not setting.expansion.errors) == accepted, case
    if accepted:
        assert fold(setting.value) == fold(values["smtpd_banner"])


HOST_CASES = [
    "myhostname = mail.$mydomain\n", "myhostname = ${mydomain?a.b}\n",
    "myhostname = ${mydomain:a.b}\n", "mydomain = $myhostname\n",
    "myhostname = mail.$mydomain\nmydomain = $myhostname\n", "myhostname = a.b.$mydomain\n",
    "myhostname = $mydomain\n", "mydomain = x.$myhostname\n", "x = 1\n", "myhostname = a.b\n",
    "myhostname = a\n", "myhostname = .a\n", "myhostname = a.\n", "mydomain = d.e\n",
    "mydomain = $x\nx = ${myhostname?y}\n", "myhostname = $x\nx = $mydomain\n",
    "mydomain = $$\n", "myhostname = $x.example\nx = mail\n",
    "mydomain = ${x:fallback.org}\n", "myorigin = $mydomain\nmyhostname = h.$mydomain\n",
    "mydomain = $myorigin\n", "myhostname = $myorigin\n", "myhostname = h.${mydomain}x\n",
    "mydomain = a.$myhostname.b\n", "myhostname = $mydomain.$mydomain\n",
]
HOST_NAMES = ("myhostname", "mydomain", "myorigin")


@pytest.fixture(scope="module")
def host_oracle() -> dict[str, tuple[bool, dict[str, str]]]:
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = pool.map(lambda main: _postconf(main, "-x", *HOST_NAMES), HOST_CASES)
        return dict(zip(HOST_CASES, answers))


@pytest.mark.parametrize("main", HOST_CASES)
def test_host_defaults_agree_with_postconf(main, host_oracle):
    accepted, values = host_oracle[main]
    config = resolve(parse_main_cf(main), None, host_values=host_values())
    settings = {name: config.context.setting(name) for name in HOST_NAMES}
    failed = any(setting.expansion.errors for setting in settings.values())
    assert failed == (not accepted), (main, values)
    if accepted:
        for name, setting in settings.items():
            assert setting.known, name
            assert fold(setting.value) == fold(values[name]), (name, setting.value)
