"""``# smtplint: disable=...`` comments: next entry, inside a multi-line
entry, whole file; nothing else is hidden."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT
from limits import assert_no_traceback, python_limited, smtplint_limited
from lint_helpers import bad_pair, lint, project, submission_line

from linter.engine.suppress import parse_directive, suppressions
from linter.postfix.master_cf import parse_master_cf

RULE = "submission-tls-not-required"
USER_RULE = "submission-syslog-name"   # docs/examples/rules


def _insert(directory, before_line: int, text: str) -> None:
    path = directory / "master.cf"
    lines = path.read_text().splitlines(keepends=True)
    lines.insert(before_line - 1, text)
    path.write_text("".join(lines))


def _rules(root) -> list[str]:
    return lint(root, "--format", "json").rules()


def test_directive_parsing():
    assert parse_directive("# smtplint: disable=a-b,c[d]") == ("disable", frozenset({"a-b", "c[d]"}))
    assert parse_directive("  #smtplint:disable-file = x , y ") == ("disable-file",
                                                                   frozenset({"x", "y"}))
    assert parse_directive("# smtplint is great") is None
    assert parse_directive("smtpd_banner = # smtplint: disable=x") is None


def test_disable_applies_to_the_next_entry(tmp_path):
    root = project(tmp_path)
    directory = bad_pair(root / "postfix")
    assert RULE in _rules(root)
    _insert(directory, submission_line(directory), f"# smtplint: disable={RULE}\n\n")
    assert RULE not in _rules(root)
    assert lint(root).code == 0


def test_disable_for_another_rule_or_unknown_id_changes_nothing(tmp_path):
    root = project(tmp_path)
    directory = bad_pair(root / "postfix")
    _insert(directory, submission_line(directory),
            "# smtplint: disable=tls-weak-ciphers,no-such-rule\n")
    assert RULE in _rules(root)


def test_disable_does_not_reach_past_the_next_entry(tmp_path):
    root = project(tmp_path)
    directory = bad_pair(root / "postfix")
    smtp_line = next(n for n, line in enumerate(
        (directory / "master.cf").read_text().splitlines(), 1) if line.startswith("smtp "))
    assert smtp_line < submission_line(directory)
    _insert(directory, smtp_line, f"# smtplint: disable={RULE}\n")
    assert RULE in _rules(root)


def test_disable_inside_a_multi_line_entry(tmp_path):
    root = project(tmp_path)
    directory = bad_pair(root / "postfix")
    _insert(directory, submission_line(directory) + 2, f"  # smtplint: disable={RULE}\n")
    assert RULE not in _rules(root)


def test_disable_file(tmp_path):
    root = project(tmp_path)
    directory = bad_pair(root / "postfix")
    path = directory / "master.cf"
    path.write_text(path.read_text() + f"# smtplint: disable-file={RULE}\n")
    assert RULE not in _rules(root)


def test_main_cf_parameter_suppression(tmp_path):
    root = project(tmp_path)
    (root / "main.cf").write_text("# smtplint: disable=parse-error\nmyhostname mail\n"
                                  "mydomain example\n")
    findings = lint(root, "--format", "json").json()["findings"]
    assert [(f["rule"], f["line"]) for f in findings if f["rule"] == "parse-error"] == \
        [("parse-error", 3)]


def test_ranges_from_the_syntax_tree():
    master = parse_master_cf(
        "# smtplint: disable=a\n"
        "\n"
        "smtp inet n - y - - smtpd\n"
        "  -o x=1\n"
        "submission inet n - y - - smtpd\n"
        "  -o y=2\n"
        "  # smtplint: disable=b\n"
        "  -o z=3\n"
        "# smtplint: disable=c\n", "master.cf")
    found = suppressions(master.nodes)
    assert sorted(found.ranges) == [(3, 4, frozenset({"a"})), (5, 8, frozenset({"b"}))]
    assert found.whole_file == set()


# --- the module in-process ---------------------------------------------------------------

def _finding(path: str, rule: str, line: int):
    from linter.engine.findings import Finding

    return Finding(rule=rule, severity="error", path=path, line=line, column=1, message="m")


def test_main_cf_ranges_cover_the_whole_logical_line_and_wait_past_comments():
    from linter.postfix.main_cf import parse_main_cf

    main = parse_main_cf("# smtplint: disable=a\n"
                         "smtpd_banner = x\n"
                         "  # smtplint: disable=b\n"
                         "  y\n"
                         "\n"
                         "# smtplint: disable=c,  d ,\n"
                         "# an ordinary comment\n"
                         "\n"
                         "other = 1\n"
                         "   stray\n"
                         "last = 2\n"
                         "  # smtplint: disable-file=e\n", "main.cf")
    found = suppressions(main.nodes)
    assert sorted(found.ranges) == [(2, 4, frozenset({"a", "b"})),
                                    (9, 10, frozenset({"c", "d"}))]
    assert found.whole_file == {"e"}


def test_a_stray_line_takes_the_pending_directive():
    from linter.postfix.main_cf import parse_main_cf

    main = parse_main_cf("# smtplint: disable=a\n   stray\nnext = 1\n", "main.cf")
    assert suppressions(main.nodes).ranges == [(2, 2, frozenset({"a"}))]


def test_covers_line_bounds_ids_and_sub_ids():
    from linter.engine.suppress import Suppressions

    rules = Suppressions(whole_file={"w"}, ranges=[(3, 5, frozenset({"a", "b[x]"})),
                                                   (8, 8, frozenset({"c"}))])
    assert [line for line in range(1, 10) if rules.covers_line("a", line)] == [3, 4, 5]
    assert [line for line in range(1, 10) if rules.covers_line("c", line)] == [8]
    assert rules.covers_line("a[sub]", 4)                 # an id covers its sub-ids
    assert rules.covers_line("b[x]", 4)
    assert not rules.covers_line("b[y]", 4) and not rules.covers_line("b", 4)
    assert not rules.covers_line("c", 4)                  # another range's id
    assert rules.covers_line("w", 100) and rules.covers_line("w[sub]", 1)
    assert not rules.covers_line("x", 4)
    assert rules.covers(_finding("main.cf", "a", 5))
    assert not rules.covers(_finding("main.cf", "a", 6))


def test_apply_matches_files_by_normalised_path():
    from linter.engine.suppress import Suppressions, apply, file_suppressions
    from linter.postfix.main_cf import parse_main_cf
    from linter.postfix.resolve import resolve

    config = resolve(parse_main_cf("# smtplint: disable=a\nx = 1\n", "./etc//main.cf"),
                     parse_master_cf("# smtplint: disable-file=b\n", "etc/master.cf"))
    by_path = file_suppressions(config)
    assert sorted(by_path) == ["etc/main.cf", "etc/master.cf"]
    assert by_path["etc/master.cf"].whole_file == {"b"}
    findings = [_finding("etc/main.cf", "a", 2), _finding("etc/./main.cf", "a", 1),
                _finding("etc/master.cf", "a", 2), _finding("etc/master.cf", "b", 9),
                _finding("other/main.cf", "a", 2)]
    assert [(f.path, f.line) for f in apply(findings, by_path)] == [
        ("etc/./main.cf", 1), ("etc/master.cf", 2), ("other/main.cf", 2)]
    assert file_suppressions(resolve(None, None)) == {}
    assert apply(findings, {"etc/main.cf": Suppressions()}) == findings


def test_directive_forms():
    assert parse_directive("#smtplint:disable=a") == ("disable", frozenset({"a"}))
    assert parse_directive("# smtplint: disable=") == ("disable", frozenset())
    assert parse_directive("# smtplint: disable a") is None
    assert parse_directive("# smtplint: enable=a") is None
    # the keywords in any case, as for "# noqa" in YAML
    assert parse_directive("# SMTPLINT: DISABLE-FILE=a") == ("disable-file", frozenset({"a"}))


# --- how ids are written, and directives that suppress nothing ----------------------------

@pytest.mark.parametrize("text, ids", [
    ("# smtplint: disable=a b", {"a", "b"}),
    ("# smtplint: disable=a,b c\t,d", {"a", "b", "c", "d"}),
    ("# smtplint: disable=a  # the deployment reads it", {"a"}),
    ("# smtplint: disable=a,b# why", {"a", "b"}),
    ("# SMTPLINT: Disable=a", {"a"}),
    ("# smtplint: disable=", set()),
    ("# smtplint: disable= # only a reason", set()),
    ("# smtplint: disable=a # why # and more", {"a"}),
])
def test_ids_are_separated_by_commas_or_blanks_and_end_at_a_reason(text, ids):
    assert parse_directive(text) == ("disable", frozenset(ids))


def _notes(root, *args: str) -> list[str]:
    return [f"{note['path']}: {note['message']}"
            for note in lint(root, "--format", "json", *args).json()["notifications"]
            if note["level"] == "note"]


def test_blank_separated_ids_and_a_reason_suppress(tmp_path):
    root = project(tmp_path)
    directory = bad_pair(root / "postfix")
    _insert(directory, submission_line(directory),
            f"# smtplint: disable=tls-weak-ciphers {RULE}  # legacy clients, ticket 12\n")
    assert RULE not in _rules(root)
    assert _notes(root) == []


@pytest.mark.parametrize("directive, expected", [
    ("# smtplint: disable=submision-tls-not-required",
     "'# smtplint: disable=' names 'submision-tls-not-required', which is no rule (did you "
     f"mean {RULE}?): it suppresses nothing"),
    ("# smtplint: disable-file=no-such-rule",
     "'# smtplint: disable-file=' names 'no-such-rule', which is no rule: it suppresses "
     "nothing"),
    ("# smtplint: disable=",
     "'# smtplint: disable=' names no rule, so it suppresses nothing"),
    (f"# smtplint disable {RULE}", "this '# smtplint' comment is no directive"),
    (f"# smtplint: enable={RULE}", "this '# smtplint' comment is no directive"),
    (f"#smtplint:disable {RULE}", "this '# smtplint' comment is no directive"),
])
def test_a_directive_that_suppresses_nothing_gets_a_located_note(tmp_path, directive,
                                                                   expected):
    root = project(tmp_path)
    directory = bad_pair(root / "postfix")
    line = submission_line(directory)
    _insert(directory, line, directive + "\n")
    result = lint(root, "--format", "json")
    assert RULE in result.rules() and result.code == 1   # still reported: nothing hid it
    [note] = [n for n in result.json()["notifications"] if n["level"] == "note"]
    assert note["path"] == "postfix/master.cf"
    assert note["message"].startswith(f"line {line}: {expected}")


def test_unknown_ids_among_known_ones_are_each_named_a_few_at_most(tmp_path):
    root = project(tmp_path)
    directory = bad_pair(root / "postfix")
    unknown = [f"nope-{n}" for n in range(8)]
    _insert(directory, submission_line(directory),
            f"# smtplint: disable={RULE},{','.join(unknown)}\n")
    assert RULE not in _rules(root)   # the known id still works
    [note] = _notes(root)
    assert "'nope-0', 'nope-1', 'nope-2', 'nope-3', 'nope-4', 3 more, which are no rules" \
        in note and "nope-5" not in note


def test_ids_of_rules_not_run_are_known(tmp_path):
    """Skipped (the test config skips all but two), app, audit and probe
    rules, and user rules are all rules."""
    root = project(tmp_path)
    directory = bad_pair(root / "postfix")
    _insert(directory, submission_line(directory),
            "# smtplint: disable=tls-weak-ciphers,app-tls-not-required,service-not-listening,"
            f"probe-starttls-missing,{USER_RULE}\n")
    assert _notes(root, "--rules-dir", str(ROOT / "docs" / "examples" / "rules")) == []
    assert f"'{USER_RULE}', which is no rule" in _notes(root)[0]


def test_directives_inside_entries_and_in_main_cf_are_checked(tmp_path):
    root = project(tmp_path)
    directory = bad_pair(root / "postfix")
    _insert(directory, submission_line(directory) + 1, "  # smtplint: disable=nope-a\n")
    main = directory / "main.cf"
    main.write_text("# smtplint: disable=nope-b\n" + main.read_text())
    assert sorted(_notes(root)) == [
        "postfix/main.cf: line 1: '# smtplint: disable=' names 'nope-b', which is no rule: "
        "it suppresses nothing",
        f"postfix/master.cf: line {submission_line(directory) + 1}: '# smtplint: disable=' "
        "names 'nope-a', which is no rule: it suppresses nothing"]


def test_notes_quote_only_the_id_escaped_and_cut(tmp_path):
    root = project(tmp_path)
    directory = bad_pair(root / "postfix")
    _insert(directory, submission_line(directory),
            "# smtplint: disable=\u202ehidden" + "x" * 500 + " SECRET-REST-OF-LINE\n")
    [note] = _notes(root)
    assert "\u202e" not in note and "\\u202e" in note and "x" * 41 not in note


def test_notes_also_after_fix(tmp_path):
    root = project(tmp_path)
    directory = bad_pair(root / "postfix")
    line = submission_line(directory)
    _insert(directory, line, "# smtplint: disable=nope\n")
    result = lint(root, "--fix", "--unsafe-fixes", "--format", "json")
    assert RULE not in result.rules()   # fixed, and the note still there
    assert [n["message"] for n in result.json()["notifications"]
            if "nope" in n["message"]] == [
        f"line {line}: '# smtplint: disable=' names 'nope', which is no rule: it "
        "suppresses nothing"]


@pytest.mark.parametrize("directive", [
    "# smtplint: disable=a" + " " * 300_000 + "b",          # quadratic before
    "# smtplint: disable=a" + " \t" * 150_000 + "x#",
    "# smtplint" + " " * 300_000 + ":",
    "# smtplint: disable=" + ",".join(f"n{i}" for i in range(60_000)),
    "#" * 300_000,
])
def test_long_directives_take_linear_time(tmp_path, directive):
    directory = bad_pair(project(tmp_path) / "postfix")
    _insert(directory, submission_line(directory), directive + "\n")
    result = smtplint_limited("lint", "--format", "json", ".", cwd=tmp_path, seconds=20,
                              memory_mb=600)
    assert_no_traceback(result)
    assert result.code == 1 and len(result.out) < 20_000   # one short note at most


def test_every_other_entry_suppressed_among_thousands(tmp_path):
    """Each finding is matched to its own entry's directive (by bisection)."""
    entries = "".join((f"# smtplint: disable=unknown-parameter\n" if i % 2 else "")
                      + f"s{i} unix - - n - - smtp -o nonsense_{i}=1\n" for i in range(4_000))
    (tmp_path / ".git").mkdir()
    (tmp_path / "master.cf").write_text(entries)
    (tmp_path / "main.cf").write_text("compatibility_level = 3.6\n")
    result = smtplint_limited("lint", "--format", "brief", ".", cwd=tmp_path, seconds=40,
                              memory_mb=800)
    assert_no_traceback(result)
    reported = [line for line in result.out.splitlines() if "unknown-parameter" in line]
    assert result.code == 0 and len(reported) == 2_000                  # warnings only
    assert all(f"nonsense_{i}=" in line for i, line in zip(range(0, 4_000, 2), reported))


def test_directives_of_many_entries_are_found_by_bisection():
    result = python_limited(
        "from linter.engine.suppress import Suppressions\n"
        "rules = Suppressions(ranges=[(3 * i + 1, 3 * i + 2, frozenset({f'r{i}'}))\n"
        "                             for i in range(200_000)])\n"
        "print(all(rules.covers_line(f'r{i}', 3 * i + 2) and not rules.covers_line(f'r{i}', 3 * i)\n"
        "          for i in range(0, 200_000, 7)))\n", seconds=20, memory_mb=600)
    assert_no_traceback(result)
    assert result.out == "True\n"


def test_ids_problem_names_every_unknown_id_up_to_the_limit():
    from linter.engine.suppress import SHOWN, ids_problem

    known = frozenset({"known-rule"})
    assert ids_problem("X", frozenset({"known-rule"}), known) is None
    few = frozenset(f"u{n}" for n in range(SHOWN))
    assert ids_problem("X", few | {"known-rule"}, known) == (
        "X names 'u0', 'u1', 'u2', 'u3', 'u4', which are no rules: it suppresses nothing "
        "for them")
    assert ids_problem("X", frozenset({"known-rul"}), known) == (
        "X names 'known-rul', which is no rule (did you mean known-rule?): it suppresses "
        "nothing")


def test_many_bad_directives_are_counted_after_the_first_few(tmp_path):
    from linter.engine.suppress import MAX_NOTES

    directory = bad_pair(project(tmp_path) / "postfix")
    main = directory / "main.cf"
    main.write_text("".join(f"# smtplint: disable=nope-{n}\n" for n in range(200_000))
                    + main.read_text())
    result = smtplint_limited("lint", "--format", "json", ".", cwd=tmp_path, seconds=30,
                              memory_mb=900)
    assert_no_traceback(result)
    notes = [n["message"] for n in json.loads(result.out)["notifications"]
             if n["path"] == "postfix/main.cf"]
    assert len(notes) == MAX_NOTES + 1
    assert notes[0].startswith("line 1: ") and notes[MAX_NOTES - 1].startswith(
        f"line {MAX_NOTES}: ")
    assert notes[-1] == (f"{200_000 - MAX_NOTES} more suppression comments after line "
                         f"{MAX_NOTES} suppress nothing, or less than they say")


def test_bounded_notes_explain_only_what_they_show():
    from linter.engine.suppress import MAX_NOTES, bounded_notes

    asked = []

    def explain(number):
        def why():
            asked.append(number)
            return "why"
        return why

    problems = [(n, None if n % 2 else explain(n)) for n in range(1, 2 * MAX_NOTES + 10)]
    notes = bounded_notes(problems, "main.cf")
    assert asked == list(range(2, 2 * MAX_NOTES + 1, 2))
    assert [n.message for n in notes[:2]] == ["line 2: why", "line 4: why"]
    assert notes[-1].message == (f"4 more suppression comments after line {2 * MAX_NOTES} "
                                 "suppress nothing, or less than they say")
    assert len(notes) == MAX_NOTES + 1
    assert {(n.path, n.level) for n in notes} == {("main.cf", "note")}
    assert [n.path for n in bounded_notes(problems[:3], "x")] == ["x"]


def test_a_list_that_names_every_rule_is_fine():
    from linter.engine.suppress import ids_explained

    known = frozenset({"a", "b"})
    assert ids_explained("X", known, known) is None
    assert ids_explained("X", frozenset({"a"}), known) is None
    assert ids_explained("X", frozenset(), known)() == "X names no rule, so it suppresses nothing"


def test_disable_file_directives_add_up_wherever_they_sit():
    master = parse_master_cf("# smtplint: disable-file=a\n"
                             "submission inet n - y - - smtpd\n"
                             "  # smtplint: disable-file=b c\n"
                             "  -o x=1\n"
                             "# smtplint: disable-file=d # and why\n", "master.cf")
    assert suppressions(master.nodes).whole_file == {"a", "b", "c", "d"}
