"""``.smtplint-ignore``: generated from the current findings, applied to the
next runs, so only new problems fail."""

from __future__ import annotations

import os
import stat
import sys
import time
from pathlib import Path

import pytest
from limits import assert_no_traceback, run_limited, smtplint_limited
from lint_helpers import bad_pair, lint, project

RULE = "submission-tls-not-required"


def test_generate_then_only_new_findings_fail(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "old")
    generated = lint(root, "--generate-ignore")
    assert generated.code == 0 and generated.out == ""
    ignore = root / ".smtplint-ignore"
    entries = [line for line in ignore.read_text().splitlines() if not line.startswith("#")]
    assert entries == [f"old/master.cf {RULE}"]
    assert lint(root).code == 0                      # the old problem is accepted
    bad_pair(root / "new")
    result = lint(root, "--format", "json")
    assert result.code == 1
    assert {f["path"] for f in result.json()["findings"]} == {os.path.join("new", "master.cf")}


def test_generate_is_sorted_deduplicated_and_not_rewritten_when_unchanged(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "b")
    bad_pair(root / "a")
    (root / "a" / "main.cf").write_text("myhostname mail\nmydomain example\n")
    lint(root, "--generate-ignore")
    ignore = root / ".smtplint-ignore"
    entries = [line for line in ignore.read_text().splitlines() if not line.startswith("#")]
    assert entries == sorted(set(entries)) and "a/main.cf parse-error" in entries
    assert entries.count("a/main.cf parse-error") == 1
    old = time.time() - 100
    os.utime(ignore, (old, old))
    again = lint(root, "--generate-ignore")
    assert again.code == 0 and "unchanged" in again.err
    assert ignore.stat().st_mtime == old


def test_baseline_paths_are_relative_to_the_root_not_the_cwd(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "etc" / "postfix")
    (root / ".smtplint-ignore").write_text(f"# adopted 2024\netc/postfix/master.cf {RULE}\n")
    assert lint(root / "etc", "postfix").code == 0
    assert lint(root).code == 0


def test_malformed_ignore_file_exits_2_with_line(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "postfix")
    (root / ".smtplint-ignore").write_text("# ok\npostfix/master.cf\n")
    result = lint(root)
    assert result.code == 2
    assert ".smtplint-ignore:2: expected 'path rule-id'" in result.err


# --- paths that need quoting; special ignore files -------------------------------------

AWKWARD_NAMES = [
    "dir with space", " leading space", "trailing space ", "#hash", "mid#hash", "tab\there",
    "new\nline", 'double"quote', "back\\slash", "caf\u00e9", "line\u2028separator",
    "zero\u200bwidth", "\ufeffbom", "nel\u0085", "emoji\U0001f600", "-dash", "\"", "'",
    "a  b", "x\ry",
]


def _entries(root) -> list[str]:
    return [line for line in (root / ".smtplint-ignore").read_text(encoding="utf-8")
            .split("\n") if line and not line.startswith("#")]


@pytest.mark.parametrize("name", AWKWARD_NAMES)
def test_generated_baseline_round_trips_awkward_paths(tmp_path, name):
    root = project(tmp_path)
    bad_pair(root / name / "postfix")
    assert lint(root).code == 1
    generated = lint(root, "--generate-ignore")
    assert generated.code == 0, generated.err
    assert len(_entries(root)) == 1
    second = lint(root)
    assert second.code == 0, (second.err, _entries(root))


def test_non_utf8_directory_name_round_trips(tmp_path):
    root = project(tmp_path)
    bad_pair(Path(os.fsdecode(bytes(root) + b"/latin\xe9-\xff")))
    assert lint(root).code == 1
    assert lint(root, "--generate-ignore").code == 0
    text = (root / ".smtplint-ignore").read_bytes().decode("utf-8")       # still UTF-8
    assert '"latin\\xe9-\\xff/master.cf"' in text
    assert lint(root).code == 0


def test_several_awkward_paths_in_one_file(tmp_path):
    root = project(tmp_path)
    for name in AWKWARD_NAMES[:8]:
        bad_pair(root / name)
    assert lint(root, "--generate-ignore").code == 0
    assert len(_entries(root)) == 8
    assert lint(root).code == 0


def test_old_unquoted_file_with_spaces_still_loads(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "dir with space")
    (root / ".smtplint-ignore").write_text(f"dir with space/master.cf {RULE}\n")
    assert lint(root).code == 0
    raw = project(tmp_path / "raw")
    bad_pair(Path(os.fsdecode(bytes(raw) + b"/raw\xff")))
    (raw / ".smtplint-ignore").write_bytes(b"raw\xff/master.cf " + RULE.encode() + b"\n")
    assert lint(raw).code == 0


@pytest.mark.parametrize("line, says", [
    ('"unterminated/master.cf rule', "a quoted path without its closing"),
    ('"a"rule', "expected 'path rule-id' after the quoted path"),
    ('"a" rule extra', "expected 'path rule-id' after the quoted path"),
    ('"a"', "expected 'path rule-id' after the quoted path"),
    ('"bad\\q" rule', "bad escape '\\q'"),
    ('"bad\\x4" rule', "bad escape '\\x'"),
    ('"bad\\U00110000" rule', "bad escape"),
    ("lonely", "expected 'path rule-id'"),
])
def test_malformed_quoted_lines_are_located(tmp_path, line, says):
    root = project(tmp_path)
    bad_pair(root / "postfix")
    (root / ".smtplint-ignore").write_text(f"# header\n{line}\n")
    result = lint(root)
    assert result.code == 2
    assert ".smtplint-ignore:2: " in result.err and says in result.err


@pytest.mark.parametrize("kind, says", [
    ("fifo", "is a FIFO (named pipe), not a regular file"),
    ("directory", "is a directory, not a regular file"),
    ("device", "is a character device, not a regular file"),
    ("dangling", "is a dangling symbolic link"),
    ("huge", "larger than the 16 MB smtplint reads"),
])
def test_special_ignore_file_exits_2_in_bounded_time(tmp_path, kind, says):
    root = project(tmp_path)
    bad_pair(root / "postfix")
    ignore = root / ".smtplint-ignore"
    if kind == "fifo":
        os.mkfifo(ignore)
    elif kind == "directory":
        ignore.mkdir()
    elif kind == "device":
        ignore.symlink_to("/dev/zero")
    elif kind == "dangling":
        ignore.symlink_to("gone")
    else:
        with open(ignore, "wb") as handle:
            handle.truncate(17 * 1024 * 1024)
    result = smtplint_limited("lint", cwd=root, seconds=20, memory_mb=400)
    assert_no_traceback(result)
    assert result.code == 2 and says in result.err


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_generate_ignore_does_not_replace_a_special_file(tmp_path, kind):
    root = project(tmp_path)
    bad_pair(root / "postfix")
    ignore = root / ".smtplint-ignore"
    if kind == "fifo":
        os.mkfifo(ignore)
    else:
        ignore.symlink_to("/dev/null")
    result = smtplint_limited("lint", "--generate-ignore", cwd=root, seconds=20,
                              memory_mb=400)
    assert_no_traceback(result)
    if kind == "fifo":
        assert result.code == 2 and "FIFO with no reader" in result.err
        assert stat.S_ISFIFO(os.lstat(ignore).st_mode)
    else:
        assert ignore.is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode)


# --- the module itself, in-process ----------------------------------------------------

def _finding(path: str, rule: str = RULE, line: int = 1):
    from linter.engine.findings import Finding

    return Finding(rule=rule, severity="error", path=path, line=line, column=1, message="m")


@pytest.mark.parametrize("path, written", [
    ("etc/postfix/main.cf", "etc/postfix/main.cf"),
    ("a b", '"a b"'),
    ("tab\there", '"tab\\there"'),
    ("cr\rlf\n", '"cr\\rlf\\n"'),
    ('q"b\\s', '"q\\"b\\\\s"'),
    ("#x", '"#x"'),
    ("bell\x07", '"bell\\x07"'),
    ("del\x7f", '"del\\x7f"'),
    ("zero\u200bwidth", '"zero\\u200bwidth"'),
    ("tag\U000e0041", '"tag\\U000e0041"'),
    ("caf\u00e9", "caf\u00e9"),                       # printable: as it is
    ("raw\udce9", '"raw\\xe9"'),                      # a byte that is not UTF-8
    ("", '""'),
])
def test_quote_and_unquote_round_trip(path, written):
    from linter.engine.baseline import parse_line, quote, unquote

    assert quote(path) == written
    if written.startswith('"'):
        assert unquote(written + " rest") == (path, " rest")
    assert parse_line(f"{written} some-rule") == (path, "some-rule")


def test_quote_forms_at_their_boundaries():
    """\\x is for ASCII controls and the bytes os.fsdecode could not decode
    (U+DC80-U+DCFF); other invisible characters below U+10000 are \\u, so
    each form reads back as the character it came from."""
    from linter.engine.baseline import quote, unquote

    for path, written in [("\x7f", '"\\x7f"'), ("\x80", '"\\u0080"'),
                          ("\udc7f", '"\\udc7f"'), ("\udc80", '"\\x80"'),
                          ("\udcff", '"\\xff"'), ("\udd00", '"\\udd00"'),
                          ("\uffff", '"\\uffff"'), ("\U000e0001", '"\\U000e0001"')]:
        assert quote(path) == written, path
        assert unquote(written) == (path, "")
    assert quote("etc/X.Y/main.cf") == "etc/X.Y/main.cf"        # letters stay plain


def test_unquote_escapes():
    from linter.engine.baseline import unquote

    assert unquote('"\\x41\\u00e9\\U0001f600\\xe9"') == ("A\u00e9\U0001f600\udce9", "")
    assert unquote('"\\xFF"') == ("\udcff", "")
    with pytest.raises(ValueError, match="bad escape '\\\\x' in a quoted path"):
        unquote('"\\xzz"')
    with pytest.raises(ValueError, match="bad escape '\\\\u' in a quoted path"):
        unquote('"\\u12"')
    with pytest.raises(ValueError, match="bad escape '\\\\U00110000' in a quoted path"):
        unquote('"\\U00110000"')
    assert unquote('"\\U0010ffff"') == ("\U0010ffff", "")
    with pytest.raises(ValueError, match="without its closing"):
        unquote('"abc\\"')


def test_unquote_escape_edges():
    """\\x80 is the first byte that is not ASCII (a surrogate, as os.fsdecode
    gives it); an escape cut short by the end of the line, or with "X"
    among its digits, is a bad escape, not some other error."""
    from linter.engine.baseline import unquote

    assert unquote('"\\x7f\\x80\\u0080" r') == ("\x7f\udc80\x80", " r")
    for text, escape in [('"\\x4', "x"), ('"\\x', "x"), ('"\\xXX" r', "x"),
                         ('"\\uXXXX" r', "u"), ('"ab\\u00e', "u")]:
        with pytest.raises(ValueError) as error:
            unquote(text)
        assert str(error.value) == f"bad escape '\\{escape}' in a quoted path"


def test_unquote_ends_in_bounded_time_whatever_the_escapes():
    """Every character and every escape moves the scan forward. Run in a
    limited child first, so a scan that never ends fails the test instead
    of hanging it."""
    from linter.engine.baseline import unquote

    texts = ['"ab" r', '"a\\\\b\\"c" r', '"\\x41\\x42" r', '"\\u00e9\\U0001f600!" r']
    script = ("import sys; from linter.engine.baseline import unquote; "
              "print(ascii([unquote(text) for text in sys.argv[1:]]))")
    result = run_limited([sys.executable, "-c", script, *texts], seconds=10, memory_mb=512)
    expected = [("ab", " r"), ('a\\b"c', " r"), ("AB", " r"), ("\u00e9\U0001f600!", " r")]
    assert (result.code, result.out.strip()) == (0, ascii(expected)), result.err[-500:]
    assert [unquote(text) for text in texts] == expected


def test_parse_line():
    from linter.engine.baseline import parse_line

    assert parse_line("") is None and parse_line("   ") is None
    assert parse_line("  # a comment") is None
    assert parse_line("./etc/main.cf rule-a") == ("etc/main.cf", "rule-a")
    assert parse_line("  etc/main.cf \t rule-a  ") == ("etc/main.cf", "rule-a")
    assert parse_line("old dir/main.cf rule-a") == ("old dir/main.cf", "rule-a")
    assert parse_line('"a b"\trule-a') == ("a b", "rule-a")
    assert parse_line('"./a" rule-a') == ("./a", "rule-a")     # quoted: exactly as written
    with pytest.raises(ValueError):
        parse_line("lonely")
    for line in ('"a"rule', '"a" rule extra', '"a"'):
        with pytest.raises(ValueError) as error:
            parse_line(line)
        assert str(error.value) == "expected 'path rule-id' after the quoted path"


def test_load_and_apply(tmp_path):
    from linter.engine.baseline import BaselineError, apply, load

    root = str(tmp_path)
    assert load(root) == set()
    ignore = tmp_path / ".smtplint-ignore"
    ignore.write_text("# header\n\netc/master.cf rule-a\n\"etc/m a.cf\" rule-b[sub]\n"
                      "etc/main.cf rule-c\n")
    entries = load(root)
    assert entries == {("etc/master.cf", "rule-a"), ("etc/m a.cf", "rule-b[sub]"),
                       ("etc/main.cf", "rule-c")}
    findings = [
        _finding(str(tmp_path / "etc" / "master.cf"), "rule-a"),         # listed
        _finding(str(tmp_path / "etc" / "master.cf"), "rule-a[x]"),      # its sub-id
        _finding(str(tmp_path / "etc" / "main.cf"), "rule-a"),           # another file
        _finding(str(tmp_path / "etc" / "m a.cf"), "rule-b[sub]"),       # listed
        _finding(str(tmp_path / "etc" / "m a.cf"), "rule-b[other]"),     # another sub-id
        _finding(str(tmp_path / "etc" / "m a.cf"), "rule-b"),            # the base id
        _finding(str(tmp_path / "etc" / "main.cf"), "rule-c"),           # listed
        _finding(str(tmp_path / "other" / "main.cf"), "rule-c"),         # another dir
    ]
    kept = apply(findings, entries, root)
    assert [(f.path.removeprefix(root), f.rule) for f in kept] == [
        ("/etc/main.cf", "rule-a"), ("/etc/m a.cf", "rule-b[other]"), ("/etc/m a.cf", "rule-b"),
        ("/other/main.cf", "rule-c")]
    assert apply(iter(findings), set(), root) == findings
    ignore.write_text("ok rule\n\"broken\n")
    with pytest.raises(BaselineError, match=r"\.smtplint-ignore:2: a quoted path without"):
        load(root)
    ignore.unlink()
    ignore.symlink_to("gone")
    with pytest.raises(BaselineError, match="dangling symbolic link"):
        load(root)


def test_relative_paths_from_anywhere(tmp_path, monkeypatch):
    from linter.engine.baseline import relative

    monkeypatch.chdir(tmp_path)
    (tmp_path / "etc").mkdir()
    assert relative("etc/main.cf", str(tmp_path)) == "etc/main.cf"
    assert relative(str(tmp_path / "etc" / "main.cf"), str(tmp_path)) == "etc/main.cf"
    monkeypatch.chdir(tmp_path / "etc")
    assert relative("main.cf", str(tmp_path)) == "etc/main.cf"


def test_render_and_generate(tmp_path):
    from linter.engine.baseline import HEADER, BaselineError, generate, render

    root = str(tmp_path)
    findings = [_finding(str(tmp_path / "b" / "master.cf")),
                _finding(str(tmp_path / "a b" / "main.cf"), "rule-z"),
                _finding(str(tmp_path / "b" / "master.cf"), line=9),      # same entry
                _finding(str(tmp_path / "a" / "main.cf"), "rule-y")]
    text = render(findings, root)
    assert text == HEADER + ('"a b/main.cf" rule-z\na/main.cf rule-y\n'
                             f"b/master.cf {RULE}\n")
    path, written, count = generate(findings, root)
    assert (path, written, count) == (os.path.join(root, ".smtplint-ignore"), True, 3)
    assert (tmp_path / ".smtplint-ignore").read_text() == text
    assert generate(findings, root) == (path, False, 3)
    assert generate([], root) == (path, True, 0)
    assert (tmp_path / ".smtplint-ignore").read_text() == HEADER
    with pytest.raises(BaselineError) as error:
        generate(findings, str(tmp_path / "missing"))
    assert str(error.value) == (f"{tmp_path}/missing/.smtplint-ignore: cannot write: "
                                "No such file or directory")
