"""Physical lines and what holds them: Line.content/eol for every kind of
line ending (both parsers), fix lines built from content, and LineIndex
(which node and which master.cf service holds a line)."""

from __future__ import annotations

import pytest

from linter.diagnostics import Diagnostic
from linter.fix.apply import apply_edits
from linter.lint import lint_pair, load_pair
from linter.postfix.load import ConfigPaths
from linter.postfix.main_cf import parse_main_cf
from linter.postfix.master_cf import parse_master_cf
from linter.postfix.resolve import resolve
from linter.postfix.syntax import (
    Line,
    LogicalText,
    NodeKind,
    group_nodes,
    split_lines,
    unread_line,
)

PARSERS = {"main": parse_main_cf, "master": parse_master_cf}
MAIN = {"text": "a = b{eol}c = d{eol}", "values": {"a": "b", "c": "d"}}
MASTER = "smtp inet n - n - - smtpd{eol}  -o syslog_name=x{eol}"


def physical(parsed) -> list[tuple[int, str, str, str]]:
    return [(line.number, line.text, line.eol, line.content)
            for node in parsed.nodes for line in node.lines]


# -- Line.content and Line.eol ------------------------------------------------

@pytest.mark.parametrize("kind", PARSERS)
def test_crlf_lines_keep_the_cr_in_text_but_not_in_content(kind):
    text = "a = b\r\n  c\r\n" if kind == "main" else "smtp inet n - n - - smtpd\r\n  -o x=y\r\n"
    parsed = PARSERS[kind](text)
    first, second = text.split("\r\n")[:2]
    assert physical(parsed) == [(1, first + "\r", "\n", first), (2, second + "\r", "\n", second)]
    assert all(not line.content.endswith("\r") for node in parsed.nodes for line in node.lines)


@pytest.mark.parametrize("kind", PARSERS)
def test_lf_lines_content_is_the_text(kind):
    text = "a = b\n  c\n" if kind == "main" else "smtp inet n - n - - smtpd\n  -o x=y\n"
    parsed = PARSERS[kind](text)
    first, second = text.split("\n")[:2]
    assert physical(parsed) == [(1, first, "\n", first), (2, second, "\n", second)]


@pytest.mark.parametrize("kind", PARSERS)
def test_a_lone_cr_does_not_end_a_line(kind):
    """Postfix splits on LF only: "a = b\\rc = d" is one line whose value is
    "b\\rc = d" (postconf -c DIR -h a prints it with the CR as a blank)."""
    parsed = PARSERS[kind]("a = b\rc = d\n")
    assert physical(parsed) == [(1, "a = b\rc = d", "\n", "a = b\rc = d")]
    if kind == "main":
        assert {n: p.raw for n, p in parsed.definitions().items()} == {"a": "b\rc = d"}


def test_only_the_last_cr_of_a_crlf_line_is_the_line_ending():
    (line,) = split_lines("x = y\r\r\n")
    assert (line.text, line.eol, line.content) == ("x = y\r\r", "\n", "x = y\r")
    # Postfix trims the remaining CR as a blank at the end of the value.
    assert parse_main_cf("x = y\r\r\n").definitions()["x"].raw == "y"


@pytest.mark.parametrize("kind", PARSERS)
@pytest.mark.parametrize("ending", ["", "\r"])
def test_missing_final_newline(kind, ending):
    text = "a = b\nc = d" + ending
    parsed = PARSERS[kind](text)
    assert physical(parsed) == [(1, "a = b", "\n", "a = b"), (2, "c = d" + ending, "", "c = d")]
    assert parsed.serialize() == text


def test_line_content_property_directly():
    assert Line(1, "abc\r", "\n").content == "abc"
    assert Line(1, "abc", "\n").content == "abc"
    assert Line(1, "a\rb", "").content == "a\rb"
    assert Line(1, "", "\n").content == ""


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_crlf_main_cf_means_what_the_lf_one_means(eol):
    main = parse_main_cf(MAIN["text"].format(eol=eol))
    assert {n: p.raw for n, p in main.definitions().items()} == MAIN["values"]
    assert [(p.line, p.column, p.value_line, p.value_column) for p in main.parameters] == [
        (1, 1, 1, 5), (2, 1, 2, 5)]
    assert main.diagnostics == []


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_crlf_master_cf_means_what_the_lf_one_means(eol):
    master = parse_master_cf(MASTER.format(eol=eol))
    (entry,) = master.services
    assert [t.text for t in entry.fields][-1] == "smtpd"
    assert [(o.name, o.raw, o.line, o.column) for o in entry.overrides] == [
        ("syslog_name", "x", 2, 6)]
    assert master.diagnostics == []


def test_logical_text_of_crlf_lines_has_no_cr():
    lines = split_lines("a = b\r\n  c\r\n")
    logical = LogicalText(lines)
    assert logical.text == "a = b\n  c"
    assert logical.position(0) == (1, 1) and logical.position(6) == (2, 1)
    assert logical.position(8) == (2, 3)


def test_logical_text_position_maps_offsets_to_lines_and_columns():
    logical = LogicalText(split_lines("ab\ncde\nf\n"))
    assert [logical.position(offset) for offset in range(8)] == [
        (1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3), (2, 4), (3, 1)]


# -- fix lines built from Line.content ---------------------------------------

@pytest.mark.parametrize("data, fixed", [
    (b"smtps inet n - n - - smtpd\r\n  -o smtpd_tls_wrappermode=yes\r\n",
     "submissions inet n - n - - smtpd"),
    (b"smtps inet n - n - - smtpd\n  -o smtpd_tls_wrappermode=yes\n",
     "submissions inet n - n - - smtpd"),
    (b"smtps inet n - n - - smtpd -o smtpd_tls_wrappermode=yes\r",
     "submissions inet n - n - - smtpd -o smtpd_tls_wrappermode=yes"),
    (b"[::1]:smtps  inet n - n - - smtpd -o smtpd_tls_wrappermode=yes\r\n",
     "[::1]:submissions  inet n - n - - smtpd -o smtpd_tls_wrappermode=yes"),
])
def test_smtps_rename_fix_line_has_no_stray_cr(data, fixed):
    paths = ConfigPaths(None, "x/master.cf")
    findings = lint_pair(paths, contents={"x/master.cf": data})
    (rename,) = [f for f in findings if f.rule == "smtps-legacy-service-name"]
    assert rename.fix.lines == (fixed,)
    assert (rename.line, rename.column) == (1, 1)


def test_smtps_rename_applied_to_a_crlf_file_keeps_crlf_once():
    data = b"smtps inet n - n - - smtpd\r\n  -o smtpd_tls_wrappermode=yes\r\n"
    paths = ConfigPaths(None, "x/master.cf")
    config = load_pair(paths, contents={"x/master.cf": data})
    (rename,) = [f for f in lint_pair(paths, contents={"x/master.cf": data})
                 if f.rule == "smtps-legacy-service-name"]
    texts, applied, problems = apply_edits(config, rename.fix.edits,
                                           {"x/master.cf": data.decode()})
    assert problems == [] and list(applied) == list(rename.fix.edits)
    assert texts["x/master.cf"] == ("submissions inet n - n - - smtpd\r\n"
                                    "  -o smtpd_tls_wrappermode=yes\r\n")


# -- split_lines / group_nodes limits -----------------------------------------

def test_split_lines_beyond_the_limit_keeps_the_rest_as_one_line():
    lines = split_lines("a\nb\nc\nd", limit=2)
    assert [(l.number, l.text, l.eol) for l in lines] == [
        (1, "a", "\n"), (2, "b", "\n"), (3, "c\nd", "")]
    assert split_lines("a\nb\n", limit=2) == [Line(1, "a", "\n"), Line(2, "b", "\n")]


def test_group_nodes_beyond_the_limit_makes_an_unread_node():
    lines = split_lines("a = 1\nb = 2\nc = 3\n", limit=2)
    nodes = group_nodes(lines, limit=2)
    assert [node.kind for node in nodes] == [NodeKind.ENTRY, NodeKind.ENTRY, NodeKind.UNREAD]
    assert unread_line(nodes) == 3
    assert unread_line(group_nodes(split_lines("a = 1\n"))) is None
    assert unread_line([]) is None


# -- LineIndex ----------------------------------------------------------------

def _diag(path: str, line: int) -> Diagnostic:
    return Diagnostic(path, line, 1, "warning", "x", "m")


INDEX_MAIN = "# c\na = 1\n  2\n\nb = {{ v }}\nc = 3\n"
INDEX_MASTER = ("# head\nsmtp inet n - n - - smtpd\n  -o a=b\n# between\n"
                "pickup unix n - n 60 1 pickup\n")


def _index(main=INDEX_MAIN, master=INDEX_MASTER):
    config = resolve(parse_main_cf(main, "d/main.cf") if main is not None else None,
                     parse_master_cf(master, "d/master.cf") if master is not None else None)
    return config, config.line_index


def test_node_at_finds_the_node_holding_each_line():
    config, index = _index()
    nodes = config.main.nodes
    assert [index.node_at("d/main.cf", n) for n in range(1, 7)] == [
        nodes[0], nodes[1], nodes[1], nodes[2], nodes[3], nodes[4]]
    assert index.node_at("d/main.cf", 7) is None        # after the last line
    assert index.node_at("d/main.cf", 0) is None        # before the first
    assert index.node_at("elsewhere.cf", 1) is None


def test_node_at_is_none_past_the_end_of_the_last_node():
    _, index = _index(main="a = 1\n")
    assert index.node_at("d/main.cf", 1) is not None
    assert index.node_at("d/main.cf", 2) is None


def test_in_template_text():
    _, index = _index()
    assert [index.in_template_text(_diag("d/main.cf", n)) for n in range(1, 8)] == [
        False, False, False, False, True, False, False]
    assert index.in_template_text(_diag("d/main.cf", 5))   # memoized: same answer
    assert not index.in_template_text(_diag("nowhere", 5))


def test_in_template_text_for_a_control_line_inside_an_entry():
    _, index = _index(main="a = 1\n{% if x %}\n  2\n{% endif %}\nb = 2\n")
    assert [index.in_template_text(_diag("d/main.cf", n)) for n in range(1, 6)] == [
        True, True, True, True, False]


def test_in_template_text_is_false_for_unread_lines(monkeypatch):
    monkeypatch.setattr("linter.postfix.syntax.MAX_LINES", 2)
    _, index = _index(main="a = {{ x }}\nb = 1\nc = {{ y }}\n")
    assert index.in_template_text(_diag("d/main.cf", 1))
    assert not index.in_template_text(_diag("d/main.cf", 3))   # not read: not judged


def test_service_at_finds_the_entry_holding_a_master_line():
    config, index = _index()
    smtp, pickup = config.services
    found = [index.service_at(_diag("d/master.cf", n)) for n in range(0, 7)]
    assert found == [None, None, smtp, smtp, None, pickup, None]
    assert index.service_at(_diag("d/main.cf", 2)) is None


def test_service_at_without_master_cf():
    _, index = _index(master=None)
    assert index.service_at(_diag("d/master.cf", 1)) is None
    assert index.node_at("d/master.cf", 1) is None


def test_line_index_with_one_file_for_both_paths():
    text = "a = 1\n"
    config = resolve(parse_main_cf(text, "same"), parse_master_cf(text, "same"))
    index = config.line_index
    assert index.node_at("same", 1) is config.main.nodes[0]
