"""Hostile application YAML: each case is a clear finding or is linted, in
bounded time and memory (tests/limits.py), and the run goes on with the
other files (a good fixture in the same run is always reported)."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from conftest import FIXTURES
from limits import assert_no_traceback, python_limited, smtplint_limited

GOOD = FIXTURES / "rules" / "app-port-mode-mismatch" / "fires-home-assistant" / "notify.yaml"

BOMB = "global:\n  smtp_smarthost: 'mail.example.org:587'\n" + \
    "a0: &a0 [lol, lol, lol]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10)) + \
    "route: {receiver: x}\nreceivers: [{name: x, email_configs: [*a9]}]\n"

CASES = {
    # name: (file name, text or bytes, the rule it must give or None for "linted")
    "billion-laughs": ("alertmanager.yml", BOMB, None),
    "invalid": ("alertmanager.yml", "global:\n  smtp_smarthost: 'x:587\n  a: b\n",
                "app-parse-error"),
    "not-yaml": ("alertmanager.yml", "#!/bin/sh\nsmtp_smarthost=x; echo \"$@\" | mail -s x\n"
                 "if [ -z $1 ]; then : ; fi\n", None),
    "binary": ("alertmanager.yml", b"\x00\x01smtp_\xff\xfe" * 100, None),
    "not-utf8": ("alertmanager.yml", b"global:\n  smtp_smarthost: '\xff\xfe:587'\n", None),
    "multi-document": ("notify.yaml", "---\n- platform: smtp\n  server: a.example.org\n"
                       "  encryption: tls\n  port: 587\n---\n- platform: smtp\n"
                       "  server: b.example.org\n  port: 465\n  encryption: tls\n...\n",
                       "app-port-mode-mismatch"),
    "unknown-tags": ("alertmanager.yml", "global:\n  smtp_smarthost: !Ref SmtpHost\n"
                     "  smtp_auth_password: !vault |\n    $ANSIBLE_VAULT;1.1;AES256\n    6134\n"
                     "  smtp_require_tls: !Sub '${Require}'\nroute: {receiver: x}\n"
                     "receivers: [{name: x, email_configs: [{to: a@example.org}]}]\n", None),
    "deep": ("alertmanager.yml", "smtp_: " + "[" * 5000 + "]" * 5000 + "\n",
             "app-parse-error"),
    # An alias inside its own anchor is an endless tree (flattening Spring's keys).
    "recursive-alias": ("application.yml", "spring: &s\n  mail:\n    host: a.example.org\n"
                        "    port: 465\n    again: *s\n", "app-parse-error"),
    "recursive-merge": ("alertmanager.yml", "global: &g\n  smtp_smarthost: a.example.org:587\n"
                        "  <<: *g\nroute: {receiver: x}\n"
                        "receivers: [{name: x, email_configs: [{to: a@example.org}]}]\n",
                        "app-parse-error"),
    # Shallow anchors that nest 40 x 60 levels deep once aliased.
    "deep-through-aliases": ("application.yml", "a0: &a0 {host: a.example.org}\n" + "".join(
        f"a{i}: &a{i} " + "{k: " * 60 + f"*a{i - 1}" + "}" * 60 + "\n" for i in range(1, 40))
        + "spring: {mail: {host: a.example.org, port: 587, deep: *a39}}\n", "app-parse-error"),
}


def _write(directory, name, content):
    path = directory / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_yaml_is_a_finding_or_linted_and_the_run_goes_on(tmp_path, case):
    name, content, rule = CASES[case]
    (tmp_path / ".git").mkdir()
    bad = tmp_path / "bad"
    bad.mkdir()
    _write(bad, name, content)
    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(GOOD, good / "notify.yaml")
    result = smtplint_limited("lint", str(bad / name), str(good / "notify.yaml"),
                              "--format", "json", seconds=20, memory_mb=512, cwd=tmp_path)
    assert_no_traceback(result)
    assert result.code in (0, 1), result.err
    findings = json.loads(result.out)["findings"]
    on_good = [f["rule"] for f in findings if f["path"].endswith("good/notify.yaml")]
    assert "app-port-mode-mismatch" in on_good
    on_bad = {f["rule"] for f in findings if f["path"].startswith("bad/")}
    if rule is not None:
        assert rule in on_bad
    if case == "multi-document":
        assert len([f for f in findings if f["path"].startswith("bad/")
                    and f["rule"] == "app-port-mode-mismatch"]) == 1   # a.example.org:587 only


def test_fifty_megabyte_yaml_is_reported_without_reading_it_all(tmp_path):
    (tmp_path / ".git").mkdir()
    big = tmp_path / "alertmanager.yml"
    with open(big, "w") as handle:
        handle.write("global:\n  smtp_smarthost: 'mail.example.org:587'\nitems:\n")
        line = "  - " + "x" * 95 + "\n"
        handle.write(line * (50 * 1024 * 1024 // len(line)))
    assert big.stat().st_size >= 50 * 1024 * 1024
    result = smtplint_limited("lint", str(big), "--format", "json", seconds=20, memory_mb=300,
                              cwd=tmp_path)
    assert_no_traceback(result)
    [finding] = json.loads(result.out)["findings"]
    assert finding["rule"] == "app-parse-error" and "larger than" in finding["message"]


def _lint_with_good(tmp_path, bad, *extra, memory_mb=512):
    good = tmp_path / "good"
    good.mkdir(exist_ok=True)
    shutil.copy(GOOD, good / "notify.yaml")
    result = smtplint_limited("lint", str(bad), str(good / "notify.yaml"), "--format", "json",
                              *extra, seconds=20, memory_mb=memory_mb, cwd=tmp_path)
    assert_no_traceback(result)
    return result


def test_fifo_named_like_an_app_file_is_not_opened_and_the_run_goes_on(tmp_path):
    (tmp_path / ".git").mkdir()
    fifo = tmp_path / "alertmanager.yml"
    os.mkfifo(fifo)            # opening it for reading would block forever
    result = _lint_with_good(tmp_path, fifo)
    assert result.code == 2, result.err          # the run is incomplete: a file was not linted
    document = json.loads(result.out)
    assert "app-port-mode-mismatch" in {f["rule"] for f in document["findings"]
                                        if f["path"] == "good/notify.yaml"}
    [bad] = [f for f in document["findings"] if f["path"] == "alertmanager.yml"]
    assert "FIFO" in bad["message"]


def test_symlink_to_dev_zero_is_never_read(tmp_path):
    (tmp_path / ".git").mkdir()
    link = tmp_path / "notify.yaml"
    link.symlink_to("/dev/zero")
    for extra in ((), ("--follow-symlinks",)):
        result = _lint_with_good(tmp_path, link, *extra, memory_mb=300)
        assert result.code == 2, result.err
        document = json.loads(result.out)
        assert "app-port-mode-mismatch" in {f["rule"] for f in document["findings"]
                                            if f["path"] == "good/notify.yaml"}
        messages = [f["message"] for f in document["findings"] if f["path"] == "notify.yaml"]
        assert messages and ("character device" in messages[0] or "outside" in messages[0])


# A Home Assistant notifier --fix would change, inside a file an alias bomb makes unreadable.
FIXABLE_BOMB = ("- platform: smtp\n  server: mail.example.org\n  port: 587\n  encryption: tls\n"
                "- name: x\n  a0: &a0 [lol, lol, lol]\n" + "".join(
                    f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10)))


@pytest.mark.parametrize("mode", ["--fix", "--diff"])
def test_alias_bomb_is_refused_by_fix_and_diff_too(tmp_path, mode):
    (tmp_path / ".git").mkdir()
    bomb = tmp_path / "bad" / "notify.yaml"
    bomb.parent.mkdir()
    bomb.write_text(FIXABLE_BOMB)
    result = smtplint_limited("lint", mode, str(bomb), seconds=20, memory_mb=400, cwd=tmp_path)
    assert_no_traceback(result)
    assert bomb.read_text() == FIXABLE_BOMB
    if mode == "--diff":
        assert result.out == "" and result.code == 0, result.err
    else:
        assert "aliases expand" in result.out


def test_apply_edits_refuses_an_alias_bomb_before_ruamel_sees_it():
    code = ("from linter.apps.fix import FixError, apply_edits\n"
            f"text = {FIXABLE_BOMB!r}\n"
            "try:\n    apply_edits(text, [('0/encryption', 'starttls')])\n"
            "except FixError as error:\n    print('refused:', error)\n")
    result = python_limited(code, seconds=20, memory_mb=300)
    assert_no_traceback(result)
    assert result.out.startswith("refused: aliases expand"), result.out + result.err


def test_fifty_megabyte_app_file_is_not_read_by_fix(tmp_path):
    (tmp_path / ".git").mkdir()
    big = tmp_path / "notify.yaml"
    with open(big, "w") as handle:
        handle.write("- platform: smtp\n  server: mail.example.org\n  port: 587\n"
                     "  encryption: tls\n  x:\n")
        line = "    - " + "x" * 93 + "\n"
        handle.write(line * (50 * 1024 * 1024 // len(line)))
    size = big.stat().st_size
    result = smtplint_limited("lint", "--fix", "--format", "json", str(big), seconds=20,
                              memory_mb=300, cwd=tmp_path)
    assert_no_traceback(result)
    assert big.stat().st_size == size
    [finding] = json.loads(result.out)["findings"]
    assert finding["rule"] == "app-parse-error" and "larger than" in finding["message"]
