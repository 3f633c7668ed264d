"""``smtplint lint`` on trees with special files, links out of the tree,
oversized and unreadable files: bounded time and memory, a parse-error
finding at each file that could not be linted, and an error notification
so that no format can say the run passed (the run is incomplete: exit 2)."""

from __future__ import annotations

import json
import os
import sys

import pytest
from limits import assert_no_traceback, run_limited, smtplint_limited
from lint_helpers import bad_pair, good_pair, project
from unprivileged import as_unprivileged

from linter.discover import discover
from linter.lint import lint_all
from linter.lint_command import load_rules


def _lint(root, *args, seconds=30):
    result = smtplint_limited("lint", "--format", "json", *args, cwd=root, seconds=seconds,
                              memory_mb=600)
    assert_no_traceback(result)
    return result


def _not_linted(result) -> dict[str, str]:
    """Path -> message of each file not linted; the finding and the error
    notification say the same."""
    report = json.loads(result.out)
    findings = {f["path"]: f["message"] for f in report["findings"]
                if f["rule"] == "parse-error" and f["message"].startswith("not linted")}
    notes = {note["path"]: note["message"] for note in report.get("notifications", ())
             if note["level"] == "error"}
    assert findings == notes and report["summary"]["complete"] is False
    return findings


INCOMPLETE = 2


def _special(root, name, kind):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "zero":
        path.symlink_to("/dev/zero")
    elif kind == "urandom":
        path.symlink_to("/dev/urandom")
    elif kind == "huge":
        with open(path, "wb") as handle:
            handle.truncate(17 * 1024 * 1024)
    elif kind == "directory-link":
        path.symlink_to("/")
    elif kind == "dangling":
        path.symlink_to("does-not-exist.cf")
    return path


@pytest.mark.parametrize("kind, says", [
    ("fifo", "a FIFO (named pipe), not a regular file"),
    ("zero", "outside the linted tree"),
    ("urandom", "outside the linted tree"),
    ("huge", "17.0 MB, larger than the 16 MB smtplint reads"),
    ("directory-link", "outside the linted tree"),
    ("dangling", "a dangling symbolic link to 'does-not-exist.cf'"),
])
@pytest.mark.parametrize("name", ["main.cf", "master.cf"])
@pytest.mark.parametrize("named", [False, True])
def test_special_file_in_a_tree_is_a_finding_in_bounded_time(tmp_path, kind, says, name, named):
    root = project(tmp_path)
    good_pair(root / "ok")
    _special(root / "postfix", name, kind)
    args = [os.path.join("postfix", name)] if named else []
    result = _lint(root, *args)
    assert result.code == INCOMPLETE, result.err
    assert says in _not_linted(result)[os.path.join("postfix", name)]


@pytest.mark.parametrize("kind", ["fifo", "huge", "dangling"])
def test_a_main_cf_not_read_is_not_called_missing(tmp_path, kind):
    """The lone-master.cf note names the rules that could not judge; with a
    main.cf there but not read, it says so rather than 'no main.cf'."""
    root = project(tmp_path, isolate=False)
    good_pair(root / "postfix")
    (root / "postfix" / "main.cf").unlink()
    _special(root / "postfix", "main.cf", kind)
    result = _lint(root)
    [note] = [n for n in json.loads(result.out)["notifications"] if n["level"] == "note"]
    assert note["path"] == "postfix/master.cf"
    assert note["message"].startswith("main.cf beside this master.cf could not be read, so "
                                      "what it sets is unknown; 9 rules could not judge: ")
    assert "no main.cf" not in note["message"]


@pytest.mark.parametrize("kind, says", [
    ("zero", "is a character device, not a regular file"),
    ("fifo", "is a FIFO (named pipe), not a regular file"),
])
def test_follow_symlinks_still_reads_regular_files_only(tmp_path, kind, says):
    root = project(tmp_path / "repo")
    target = tmp_path / "outside"
    target.mkdir()
    _special(target, "thing", kind)
    (root / "main.cf").symlink_to(target / "thing")
    result = _lint(root, "--follow-symlinks")
    assert result.code == INCOMPLETE and says in _not_linted(result)["main.cf"]


def test_follow_symlinks_lints_the_target(tmp_path):
    root = project(tmp_path / "repo")
    bad_pair(tmp_path / "shared")
    (root / "postfix").symlink_to(tmp_path / "shared")
    assert _lint(root).code == 0                       # not walked: nothing to lint
    followed = _lint(root, "--follow-symlinks")
    assert followed.code == 1
    rules = {f["rule"] for f in json.loads(followed.out)["findings"]}
    assert "submission-tls-not-required" in rules


def test_passwd_link_content_never_reaches_the_output(tmp_path):
    root = project(tmp_path)
    (root / "main.cf").symlink_to("/etc/passwd")
    result = _lint(root, "main.cf")
    assert result.code == INCOMPLETE
    assert "root:" not in result.out and "root:" not in result.err


def test_unreadable_directory_fails_the_run(tmp_path):
    root = project(tmp_path)
    locked = root / "locked"
    bad_pair(locked / "postfix")
    locked.chmod(0)
    try:
        result = run_limited(as_unprivileged([sys.executable, "-m", "linter", "lint",
                                              "--format", "json"]),
                             cwd=root, seconds=30, memory_mb=600)
    finally:
        locked.chmod(0o755)
    assert_no_traceback(result)
    assert result.code == INCOMPLETE, result.err
    assert _not_linted(result) == {
        "locked": "not linted: this directory cannot be listed: Permission denied"}


@pytest.mark.parametrize("argument, says", [
    ("fifo.cf", "this file is a FIFO (named pipe), not a regular file"),
    ("dangling.cf", "this file is a dangling symbolic link to 'nowhere.cf'"),
    ("loop.cf", "this file is a loop of symbolic links"),
])
def test_special_argument_says_what_it_is(tmp_path, argument, says):
    root = project(tmp_path)
    os.mkfifo(root / "fifo.cf")
    (root / "dangling.cf").symlink_to("nowhere.cf")
    (root / "loop.cf").symlink_to("loop.cf")
    result = _lint(root, argument)
    assert result.code == INCOMPLETE and "no such file" not in result.err
    assert _not_linted(result)[argument] == f"not linted: {says}"


def test_baselined_special_file_drops_the_finding_not_the_notification(tmp_path):
    root = project(tmp_path)
    _special(root, "main.cf", "fifo")
    (root / ".smtplint-ignore").write_text("main.cf parse-error\n")
    report = json.loads(_lint(root).out)
    assert report["findings"] == []
    assert [note["path"] for note in report["notifications"]] == ["main.cf"]


def test_problems_become_findings_and_error_notifications(tmp_path):
    root = project(tmp_path)
    _special(root / "a", "main.cf", "fifo")
    _special(root / "b", "main.cf", "zero")
    (root / "c").symlink_to("/")
    found = discover([str(root)], str(root))
    result = lint_all(found.configurations, load_rules(()), unreadable=found.problems)
    notes = {(note.path, note.level) for note in result.notifications}
    assert notes == {(str(root / "a" / "main.cf"), "error"),
                     (str(root / "b" / "main.cf"), "error"), (str(root / "c"), "note")}
    errors = {f.path for f in result.findings if f.rule == "parse-error"}
    assert errors == {str(root / "a" / "main.cf"), str(root / "b" / "main.cf")}
    from linter.report import Report

    assert not Report(findings=result.findings, notifications=result.notifications).complete
