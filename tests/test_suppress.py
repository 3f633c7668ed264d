"""``# smtplint: disable=...`` comments: next entry, inside a multi-line
entry, whole file; nothing else is hidden."""

from __future__ import annotations

from lint_helpers import bad_pair, lint, project, submission_line

from linter.engine.suppress import parse_directive, suppressions
from linter.postfix.master_cf import parse_master_cf

RULE = "submission-tls-not-required"


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
    assert parse_directive("# SMTPLINT: disable=a") is None
