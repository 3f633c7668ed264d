"""master.cf details: which -o options postconf -P still shows after a
malformed one (checked with the real postconf), detached values, limits,
positions of every finding, and word splitting."""

from __future__ import annotations

import pytest
from conftest import requires_postconf
from limits import assert_no_traceback, python_limited
from postconf_oracle import ask_postconf, write_pair

from linter.postfix import master_cf as master_module
from linter.postfix.master_cf import parse_master_cf
from linter.postfix.syntax import LogicalText, split_lines

# Each entry's broken word, then an option that postconf -P shows (or not).
VISIBILITY = (
    "a inet n - n - - smtpd -o bogus -o smtpd_banner=a\n"          # shown: reads on
    "b inet n - n - - smtpd -o {a b = c} -o smtpd_banner=b\n"      # shown (a warning)
    "c inet n - n - - smtpd -o { = x } -o smtpd_banner=c\n"        # shown (a warning)
    "d inet n - n - - smtpd stray -o smtpd_banner=d\n"             # hidden: not an option
    "e inet n - n - - smtpd -o a =b -o smtpd_banner=e\n"           # hidden at "=b"
    "f inet n - n - - smtpd -o a = b -o smtpd_banner=f\n"          # hidden at "="
    "g inet n - n - - smtpd -v -o smtpd_banner=g\n"                # shown: -v is an option
)
SHOWN = {"a/inet", "b/inet", "c/inet", "g/inet"}


def test_which_options_postconf_shows_after_a_malformed_one():
    master = parse_master_cf(VISIBILITY)
    visible = {s.key: [o.name for o in s.overrides if o.postconf_visible]
               for s in master.services}
    assert visible == {key: (["smtpd_banner"] if key in SHOWN else [])
                       for key in visible}
    assert all(s.override_map()["smtpd_banner"].raw == s.name for s in master.services)
    assert [d.line for d in master.diagnostics] == [1, 2, 3, 4, 5, 6]


@requires_postconf
def test_postconf_agrees_on_which_options_it_shows(tmp_path):
    write_pair(tmp_path, b"", VISIBILITY.encode())
    oracle = ask_postconf(tmp_path)
    assert not oracle.fatal, oracle.stderr
    assert {key: set(values) for key, values in oracle.services.items()} == {
        key: {"smtpd_banner"} for key in SHOWN}
    master = parse_master_cf(VISIBILITY)
    for service in master.services:
        for override in service.overrides:
            shown = oracle.services.get(service.key, {}).get(override.name)
            assert (shown is not None) is override.postconf_visible, service.key
            if shown is not None:
                assert shown == override.raw


def test_messages_say_what_postconf_does_with_the_rest():
    master = parse_master_cf(VISIBILITY)
    messages = {d.line: d.message for d in master.diagnostics}
    assert "every later -o" not in messages[1] and "silently drops it" in messages[1]
    assert messages[5].endswith("postconf -P also stops at the detached '=b' and drops "
                                "every later -o")
    assert "detached '='" in messages[6]
    assert messages[4].endswith("postconf -P silently drops it and every later -o")


def test_a_detached_value_is_skipped_once():
    """"= b" after -o a is stepped over, forwards, once (run in a child
    with a time limit: stepping back would read the -o again forever)."""
    result = python_limited(
        "from linter.postfix.master_cf import parse_master_cf\n"
        "master = parse_master_cf('s inet n - n - - smtpd -o a = b -o x=1\\n')\n"
        "print([(o.name, o.raw) for o in master.services[0].overrides])\n"
        "print([(d.column, d.message) for d in master.diagnostics])\n",
        seconds=20, memory_mb=400)
    assert_no_traceback(result)
    overrides, diagnostics = result.out.splitlines()
    assert overrides == "[('x', '1')]"
    assert diagnostics == repr([
        (27, "s/inet: -o 'a' has no '=': smtpd refuses to start, and postconf -P silently "
             "drops it (write -o name=value without blanks around '=', or -o { name = value "
             "}); postconf -P also stops at the detached '=' and drops every later -o")])


@pytest.mark.parametrize("arguments, overrides, error_column", [
    ("-o a =b -o x=1", [("x", "1")], 27),       # "=b" belongs to the mistake
    ("-o a = b -o x=1", [("x", "1")], 27),      # "= b" too
    ("-o a = -o x=1", [("x", "1")], 27),        # "=" then an option: the "-o" is kept
    ("-o a =", [], 27),                          # "=" last
    ("-o a", [], 27),
    ("-o a -o x=1", [("x", "1")], 27),
    ("-oa -o x=1", [("x", "1")], 24),
])
def test_detached_values_after_a_name_without_equals(arguments, overrides, error_column):
    master = parse_master_cf(f"s inet n - n - - smtpd {arguments}\n")
    (entry,) = master.services
    assert [(o.name, o.raw) for o in entry.overrides] == overrides
    (error,) = master.diagnostics
    assert (error.code, error.line, error.column) == ("master-option-syntax", 1, error_column)
    assert "has no '='" in error.message


def test_option_names_and_values_are_trimmed_of_c_blanks_only():
    """Postfix trims " \\t\\r\\n\\f\\v" around -o names and values; a no-break
    space (U+00A0) is not one of them and stays, braced or not."""
    for arguments, expected in (("-o a=\xa0b\xa0", ("a", "\xa0b\xa0")),
                                ("-o \xa0a=b", ("\xa0a", "b")),
                                ("-o {\xa0a=b}", ("\xa0a", "b"))):
        (entry,) = parse_master_cf(f"s inet n - n - - smtpd {arguments}\n").services
        assert [(o.name, o.raw) for o in entry.overrides] == [expected], arguments


def test_missing_fields_read_as_empty():
    (entry,) = parse_master_cf("s inet n\n").services
    assert not entry.valid
    assert [entry.field_value(name) for name in ("type", "private", "unpriv", "command")] == [
        "inet", "n", "", ""]


def test_a_word_after_a_malformed_option_with_equals_is_a_stray_argument():
    """-o =x has its '=': the "=y" after it is not its detached value but
    a stray argument; the later -o is read (and hidden from postconf -P)."""
    master = parse_master_cf("s inet n - n - - smtpd -o =x =y -o a=1\n")
    assert [(o.name, o.raw, o.postconf_visible) for o in master.services[0].overrides] == [
        ("a", "1", False)]
    assert [(d.column, d.message) for d in master.diagnostics] == [
        (27, "s/inet: -o '=x' has no valid parameter name: smtpd refuses to start"),
        (30, "s/inet: stray argument '=y': smtpd refuses to start, and postconf -P "
             "silently drops it and every later -o")]


def test_detached_value_in_an_equals_option_is_a_stray_argument():
    master = parse_master_cf("s inet n - n - - smtpd -o a=b =c\n")
    assert [(o.name, o.raw) for o in master.services[0].overrides] == [("a", "b")]
    (error,) = master.diagnostics
    assert "stray argument '=c'" in error.message and error.column == 31


@pytest.mark.parametrize("option, message", [
    ("{ = x }", "-o '= x' has no valid parameter name"),
    ("{a b = c}", "-o 'a b = c' has no valid parameter name"),
    ("{a=b", "unclosed '{' in -o '{a=b'"),
    ("=x", "-o '=x' has no valid parameter name"),
])
def test_malformed_options(option, message):
    master = parse_master_cf(f"s inet n - n - - smtpd -o {option}\n")
    (error,) = master.diagnostics
    assert error.message.startswith(f"s/inet: {message}: smtpd refuses to start")
    assert (error.line, error.column) == (1, 27)
    assert master.services[0].overrides == []


def test_o_without_an_argument():
    master = parse_master_cf("s inet n - n - - smtpd -o x=1 -o\n")
    (error,) = master.diagnostics
    assert error.message == "s/inet: -o without a name=value argument: smtpd refuses to start"
    assert error.column == 31
    assert [o.name for o in master.services[0].overrides] == ["x"]


def test_stray_argument_after_a_list_cut_at_a_blank_gets_a_hint():
    master = parse_master_cf("s inet n - n - - smtpd -o r=permit, reject\n")
    (error,) = master.diagnostics
    assert "(the list in -o r=permit, is cut at the blank" in error.message
    plain = parse_master_cf("s inet n - n - - smtpd -o r=permit reject\n")
    assert "cut at the blank" not in plain.diagnostics[0].message


def test_only_smtpd_refuses_stray_words():
    master = parse_master_cf("p unix - n n - - pipe -v -o x=1 argv=/bin/cat -o y=2\n"
                             "s unix - n n - - /usr/lib/postfix/smtpd -o x=1 word\n")
    pipe, smtpd = master.services
    assert [o.name for o in pipe.overrides] == ["x"]    # the rest is the command's
    assert [d.line for d in master.diagnostics] == [2]


def test_option_values_join_continuation_lines_with_one_blank():
    master = parse_master_cf("s inet n - n - - smtpd -o { r = a,\n   b,\n\tc }\n")
    override = master.services[0].override_map()["r"]
    assert (override.raw, override.line, override.column) == ("a, b, c", 1, 27)


def test_more_entries_than_the_limit(monkeypatch):
    monkeypatch.setattr(master_module, "MAX_SERVICES", 2)
    master = parse_master_cf("a unix - n n - - x\nb unix - n n - - x\n# c\n"
                             "c unix - n n - - x\nd unix - n n - - x\n")
    assert [s.name for s in master.services] == ["a", "b"]
    (error,) = master.diagnostics
    assert (error.line, error.column, error.severity, error.code) == (
        4, 1, "error", "master-entry-invalid")
    assert "more than 2 entries" in error.message
    exact = parse_master_cf("a unix - n n - - x\nb unix - n n - - x\n")
    assert len(exact.services) == 2 and exact.diagnostics == []


def test_more_words_than_the_limit(monkeypatch):
    monkeypatch.setattr(master_module, "MAX_WORDS", 10)
    master = parse_master_cf("s inet n - n - - smtpd -o a=1 -o b=2\n  -o c=3\n")
    (entry,) = master.services
    assert [o.name for o in entry.overrides] == ["a"]           # words 9-10 only
    (warning,) = master.diagnostics
    assert (warning.severity, warning.line, warning.column) == ("warning", 1, 31)
    assert "more than 10 words" in warning.message
    exact = parse_master_cf("s inet n - n - - smtpd -o a=1\n")
    assert exact.diagnostics == [] and len(exact.services[0].arguments) == 2


def test_more_lines_than_the_limit_are_kept_unread(monkeypatch):
    monkeypatch.setattr("linter.postfix.syntax.MAX_LINES", 2)
    text = "a unix - n n - - x\nb unix - n n - - x\nc unix - n n - bad x\n"
    master = parse_master_cf(text)
    assert [s.name for s in master.services] == ["a", "b"]
    (error,) = master.diagnostics
    assert (error.line, error.column, error.code) == (3, 1, "parse-error")
    assert master.serialize() == text


def test_an_entry_of_only_a_nul_has_no_fields():
    master = parse_master_cf(b"\x00 inet\nsmtp inet n - n - - smtpd\n")
    assert [s.name for s in master.services] == ["smtp"]
    refused = [d for d in master.diagnostics if d.code == "master-entry-invalid"]
    assert [(d.line, d.column, d.message) for d in refused] == [
        (1, 1, "entry has no fields: master refuses it")]


def test_short_entries_name_themselves_only_when_plausible():
    master = parse_master_cf("smtp inet n\n/etc/passwd-looking-line:x:0:0\n")
    first, second = master.diagnostics
    assert first.message.startswith("entry 'smtp' has 3 fields") and first.column == 11
    assert second.message.startswith("line has 1 fields")
    assert master.services[1].label == "(a line that is not a master.cf entry)"
    assert master.services[0].label == "smtp/inet"


def test_number_fields_warn_or_refuse():
    master = parse_master_cf("a unix - n n 60x 1 x\nb unix - n n 60 x1 x\n"
                             "c unix - n n 60? 1? x\n")
    found = [(d.line, d.column, d.severity) for d in master.diagnostics]
    assert found == [(1, 14, "warning"), (2, 17, "error"), (3, 18, "warning")]
    assert [s.valid for s in master.services] == [True, False, True]


def test_tokens_without_braces_and_with_limits():
    logical = LogicalText(split_lines("a {b c} d\n  e\n"))
    assert [t.text for t in logical.tokens()] == ["a", "{b c}", "d", "e"]
    assert [(t.text, t.line, t.column) for t in logical.tokens(braces=False)] == [
        ("a", 1, 1), ("{b", 1, 3), ("c}", 1, 6), ("d", 1, 9), ("e", 2, 3)]
    assert [t.text for t in logical.tokens(limit=2)] == ["a", "{b c}", "d"]
    assert [t.text for t in logical.tokens(braces=False, limit=1)] == ["a", "{b"]
    plain = LogicalText(split_lines("x y z\n"))
    assert [t.text for t in plain.tokens()] == ["x", "y", "z"]
    assert [t.text for t in plain.tokens(limit=0)] == ["x"]


def test_braces_nest_and_an_unmatched_closing_brace_is_text():
    logical = LogicalText(split_lines("a} {b {c d} e} {f\n"))
    assert [t.text for t in logical.tokens()] == ["a}", "{b {c d} e}", "{f"]
