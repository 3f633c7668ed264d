"""Where a finding's cause ends (SARIF regions), from the real parsers."""

from __future__ import annotations

from linter.engine.findings import Finding
from linter.postfix.main_cf import parse_main_cf
from linter.postfix.master_cf import parse_master_cf
from linter.regions import with_ends

MAIN = b"# comment\nsmtpd_tls_protocols = >=TLSv1,\n    !SSLv3\n\nmyhostname = mx\n"
MASTER = (b"smtp inet n - y - - smtpd\n"
          b"submission inet n - y - - smtpd\n"
          b"  -o syslog_name=postfix/submission\n"
          b"# a comment inside the entry\n"
          b"  -o smtpd_tls_security_level = encrypt  \n")


def _ends(path: str, nodes, *places: tuple[int, int]) -> list[tuple[int, int]]:
    findings = [Finding("r", "error", path, line, column, "m") for line, column in places]
    return [(f.end_line, f.end_column) for f in with_ends(findings, {path: nodes})]


def test_an_entry_spans_its_continuation_lines():
    main = parse_main_cf(MAIN, "main.cf")
    assert _ends("main.cf", main.nodes, (2, 1), (5, 1)) == [(3, 11), (5, 16)]


def test_a_service_spans_its_options_but_not_trailing_blanks():
    master = parse_master_cf(MASTER, "master.cf")
    assert _ends("master.cf", master.nodes, (1, 1), (2, 1)) == [(1, 26), (5, 40)]


def test_a_place_inside_a_line_is_its_word():
    master = parse_master_cf(MASTER, "master.cf")
    assert _ends("master.cf", master.nodes, (3, 6), (5, 6), (5, 33)) == [
        (3, 36), (5, 30), (5, 40)]


def test_unknown_places_keep_no_end():
    master = parse_master_cf(MASTER, "master.cf")
    assert _ends("master.cf", master.nodes, (0, 0), (99, 1)) == [(0, 0), (0, 0)]
    other = Finding("r", "error", "elsewhere.cf", 1, 1, "m")
    assert with_ends([other], {"master.cf": master.nodes}) == [other]


BRACED = (b"submission inet n - y - - smtpd\n"
          b"  -o { smtpd_sender_restrictions = check_sender_access inline:{ {a = OK} }, permit }\n"
          b"  -o { smtpd_reject_footer = see\n"
          b"# a comment inside the value's entry\n"
          b"       https://example.org/help } x\n"
          b"  -o {syslog_name = postfix/a}b c\n"
          b"  -o { smtpd_banner = unclosed\n"
          b"       still open  \n")


def test_a_braced_word_ends_at_its_closing_brace():
    """-o { name = value } is one word to Postfix, blanks, nested braces
    and continuation lines included; text glued after the brace is part of
    it; an unclosed brace runs to the end of the entry. A place on a
    comment line inside the entry is the word there."""
    master = parse_master_cf(BRACED, "master.cf")
    assert _ends("master.cf", master.nodes, (2, 6), (3, 6), (6, 6), (7, 6), (4, 5)) == [
        (2, 85), (5, 34), (6, 32), (8, 18), (4, 12)]
