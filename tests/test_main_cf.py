"""main.cf as Postfix 3.7 reads it (each fact here was checked with postconf;
test_postconf_differential.py checks the same fixtures against it)."""

from __future__ import annotations

from linter.postfix.main_cf import parse_main_cf


def values(text: str | bytes) -> dict[str, str]:
    return {name: param.raw for name, param in parse_main_cf(text).definitions().items()}


def errors(text: str | bytes) -> list:
    return [d for d in parse_main_cf(text).diagnostics if d.severity == "error"]


def test_hash_is_a_comment_only_as_first_non_blank_character():
    main = parse_main_cf("# comment\n   # indented comment\nsmtpd_banner = a # b\n")
    assert [p.name for p in main.parameters] == ["smtpd_banner"]
    assert main.definitions()["smtpd_banner"].raw == "a # b"


def test_continuation_lines_join_with_one_blank_and_skip_comments_and_blanks():
    text = "restrictions = a,\n    b,\n# comment inside\n\n\t c\nnext = x\n"
    assert values(text) == {"restrictions": "a, b, c", "next": "x"}


def test_first_logical_line_starting_with_whitespace_is_ignored_with_a_warning():
    main = parse_main_cf("   indented = ignored\nmyorigin = example.org\n")
    assert values("   indented = ignored\nmyorigin = example.org\n") == {
        "myorigin": "example.org"}
    (warning,) = main.diagnostics
    assert (warning.severity, warning.line, warning.column) == ("warning", 1, 1)
    assert "must not start with whitespace" in warning.message


def test_split_at_first_equals_and_trim():
    assert values("a=b=c\nd   =   e f \t\n") == {"a": "b=c", "d": "e f"}


def test_empty_values_are_allowed():
    assert values("relayhost =\nalias_maps=\n") == {"relayhost": "", "alias_maps": ""}


def test_missing_equals_is_fatal_but_reading_goes_on():
    main = parse_main_cf("myorigin = ok\nthis has no equals\nrelayhost = x\n")
    (error,) = errors("myorigin = ok\nthis has no equals\nrelayhost = x\n")
    assert (error.line, error.column, error.code) == (2, 1, "parse-error")
    assert "missing '='" in error.message
    assert set(main.definitions()) == {"myorigin", "relayhost"}


def test_missing_equals_message_quotes_only_a_name_like_first_word():
    """Only a word that could be a parameter name (at most 64 name
    characters, after the line's own blanks only) is quoted."""
    tail = " (Postfix refuses to read this file)"
    not_a_name = "missing '=' after attribute name (the line does not start with a parameter name)"
    assert [e.message for e in errors("myorigin here\n")] == [
        "missing '=' after attribute name 'myorigin'" + tail]
    assert [e.message for e in errors("%%% nothing\n")] == [not_a_name + tail]
    assert [e.message for e in errors("\xa0name here\n")] == [not_a_name + tail]
    assert [e.message for e in errors("a" * 65 + " x\n")] == [not_a_name + tail]
    assert [e.message for e in errors("a" * 64 + " x\n")] == [
        f"missing '=' after attribute name '{'a' * 40}...'" + tail]


def test_empty_name_is_fatal():
    (error,) = errors("= value\n")
    assert "missing attribute name" in error.message


def test_name_with_blank_is_fatal():
    (error,) = errors("a b = c\n")
    assert "missing '='" in error.message


def test_last_definition_wins_with_a_warning_naming_the_first():
    main = parse_main_cf("myorigin = first\nmyorigin = second\n")
    assert main.definitions()["myorigin"].raw == "second"
    assert main.definitions()["myorigin"].line == 2
    (warning,) = main.diagnostics
    assert warning.code == "duplicate-parameter" and warning.line == 2
    assert "main.cf:1" in warning.message and "first" in warning.message


def test_names_are_case_sensitive():
    assert values("Myorigin = a\nmyorigin = b\n") == {"Myorigin": "a", "myorigin": "b"}


def test_crlf_carriage_return_is_trimmed_from_values():
    assert values("a = b\r\n\r\nc = d\r\n  e\r\n") == {"a": "b", "c": "d e"}


def test_missing_final_newline():
    assert values("a = b\nc = d") == {"a": "b", "c": "d"}


def test_positions_of_name_and_value():
    main = parse_main_cf("\n  # c\nsmtpd_banner   =   hello\nempty =\n")
    banner = main.definitions()["smtpd_banner"]
    assert (banner.line, banner.column, banner.value_line, banner.value_column) == (3, 1, 3, 20)
    empty = main.definitions()["empty"]
    assert (empty.value_line, empty.value_column) == (4, 8)  # just after "="


def test_value_starting_on_a_continuation_line():
    main = parse_main_cf("a =\n   b\n")
    param = main.definitions()["a"]
    assert param.raw == "b"
    assert (param.value_line, param.value_column) == (2, 4)


def test_invalid_utf8_is_a_located_warning_and_the_value_keeps_its_bytes():
    main = parse_main_cf(b"myorigin = ok\nsmtpd_banner = caf\xe9\n")
    (warning,) = main.diagnostics
    assert (warning.line, warning.column, warning.severity) == (2, 19, "warning")
    assert main.definitions()["smtpd_banner"].raw.encode("utf-8", "surrogateescape") \
        == b"caf\xe9"


def test_nul_byte_ends_the_logical_line_as_in_postfix():
    main = parse_main_cf(b"a = x\0y\nb = p\n \0 q\n  r\n")
    assert {n: p.raw for n, p in main.definitions().items()} == {"a": "x", "b": "p"}
    assert all(d.severity == "warning" for d in main.diagnostics)


def test_binary_input_never_raises():
    main = parse_main_cf(bytes(range(256)) * 3)
    assert main.diagnostics
    assert all(d.line >= 1 and d.column >= 1 for d in main.diagnostics)


def test_template_lines_make_the_file_templated():
    assert parse_main_cf("{% if x %}\na = b\n{% endif %}\n").templated
    assert parse_main_cf("a = {{ value }}\n").templated
    assert not parse_main_cf("a = inline:{{k=v}}\n").templated


def test_invalid_utf8_is_located_on_its_own_line():
    """The column counts from the last line break before the bad byte."""
    diagnostics = parse_main_cf(b"a = 1\nb = 2\nc = \xff\n").diagnostics
    assert [(d.line, d.column, d.code, d.message) for d in diagnostics] == [
        (3, 5, "parse-error", "file is not valid UTF-8")]
