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
