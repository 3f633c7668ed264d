"""Numbers as Postfix's C code reads them: ASCII digits only, C's strtol
and atoi, glibc's getaddrinfo. The expected values are what Postfix 3.7
did with each text (postconf, and a real master on Linux)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linter.postfix.numbers import (
    LONG_MAX,
    LONG_MIN,
    ULONG_MAX,
    CLong,
    Field,
    Port,
    alldig,
    atoi,
    compare_numbers,
    compatibility_level,
    master_number,
    numeric_port,
    strtol,
)
from linter.postfix.ports import host_port, parse_known_tcp_ports


@pytest.mark.parametrize("text, expected", [
    ("0", True), ("0123", True), ("", False), ("³", False), ("٣", False), ("１", False),
    ("1 ", False), ("-1", False), ("+1", False), ("9" * 5000, True),
])
def test_alldig_is_ascii_only(text, expected):
    assert alldig(text) is expected


@pytest.mark.parametrize("text, port", [
    ("25", 25), ("010590", 10590), ("+10591", 10591), ("99999", 34463),
    ("4294977883", 10587), ("65536", 0), ("0", 0), ("00", 0), ("+0", 0),
    ("-1", None), ("-10587", None), ("4294967294", None), ("4294967295", None),
    ("18446744073709551615", None), ("9" * 5000, None),
])
def test_ports_as_master_listened_on_them(text, port):
    """0 and 65536: master started on a random port; 99999 listened on
    34463; negative and over-int numbers stopped master."""
    assert numeric_port(text).port == port


@pytest.mark.parametrize("text", ["smtp", "²", "٢٥", "１０５８９", "25 ", " 25", "", "0x19"])
def test_names_are_not_numbers(text):
    assert numeric_port(text) is None


@pytest.mark.parametrize("text, value, refused", [
    ("60", 60, False), ("60?", 60, False), ("60x", 60, False), ("6?0", 6, False),
    ("99999999999", 1215752191, False), ("4294967296", 0, False), ("0?", 0, False),
    ("2147483648", None, True), ("9" * 5000, None, True), ("²", None, True),
    ("٦٠", None, True), ("+1", None, True), ("", None, True),
])
def test_master_number_fields_as_get_int_ent_reads_them(text, value, refused):
    field = master_number(text, question=True)
    assert (field.value is None) is refused
    if not refused:
        assert field.value == value


def test_trailing_text_and_wrapping_are_noted():
    assert "ignores" in master_number("60x").note
    assert master_number("60?", question=True).note == ""
    assert "ignores" in master_number("5?").note          # maxproc has no "?"
    assert "out of range" in master_number("4294967296").note


@pytest.mark.parametrize("text, level", [
    ("3.6", (3, 6, 0)), ("2", (2, 0, 0)), ("0", (0, 0, 0)), ("0.0", (0, 0, 0)),
    ("00.0.0", (0, 0, 0)), ("-0", (0, 0, 0)), ("3.0", (3, 0, 0)), ("3. 6", (3, 6, 0)),
    ("3.+6", (3, 6, 0)), ("3.0.1023", (3, 0, 1023)), ("3.0.1024", None),
    ("3.10.1", (3, 10, 1)), ("03.06", (3, 6, 0)),
    ("+3.6", (3, 6, 0)), ("3.1023", (3, 1023, 0)), ("8796093022207", (8796093022207, 0, 0)),
    ("³", None), ("3.6.0.1", None), ("3.1024", None), ("8796093022208", None),
    ("9" * 20, None), ("9" * 5000, None), ("3.-1", None), ("3.", None), (".3", None),
    ("", None),
])
def test_compatibility_levels_as_compat_level_from_string(text, level):
    assert compatibility_level(text) == level


@pytest.mark.parametrize("left, right, sign", [
    ("10", "9", 1), ("9", "10", -1), ("010", "10", 0),
    ("9223372036854775807", "9223372036854775806", 1),
    ("9223372036854775808", "1", None), ("1", "9" * 5000, None),
])
def test_relational_numbers_compare_as_longs(left, right, sign):
    assert compare_numbers(left, right) == sign


@given(st.text(max_size=60))
def test_strtol_never_raises_and_stays_a_long(text):
    parsed = strtol(text)
    assert -(2**63) <= parsed.value <= 2**63 - 1
    assert 0 <= parsed.end <= len(text)


@pytest.mark.parametrize("value, ports, warnings", [
    ("lmtp=24, smtp=25, smtps=submissions=465, submission=587",
     {"lmtp": "24", "smtp": "25", "smtps": "465", "submissions": "465", "submission": "587"},
     0),
    ("smtp = 25, smtps == submissions = 465, lmtp = 24",
     {"smtp": "25", "smtps": "465", "submissions": "465", "lmtp": "24"}, 1),
    ("smtps = submission =", {}, 1), ("smtps = submission = 4 65", {}, 1),
    ("lmtp = 24, smtps = submission = foo", {"lmtp": "24"}, 1),
    ("smtps = sub mission = 465", {"smtps": "465"}, 1),
    ("lmtp = 24, smtps = 1234 = submissions = 465",
     {"lmtp": "24", "smtps": "465", "submissions": "465"}, 1),
    ("smtp=25, , lmtp=24", {"smtp": "25", "lmtp": "24"}, 1),   # master warned on " "
    ("foo=²", {}, 1), ("foo = 1, foo = 2", {"foo": "1"}, 1),
])
def test_known_tcp_ports_as_config_known_tcp_ports_reads_them(value, ports, warnings):
    """Postfix's own test cases (config_known_tcp_ports.c) and what a real
    master warned about."""
    parsed = parse_known_tcp_ports(value)
    assert parsed.ports == ports and len(parsed.warnings) == warnings


@pytest.mark.parametrize("name, host, port, error", [
    ("[::1]:587", "::1", "587", None), ("[ipv6:::1]:25", "::1", "25", None),
    ("127.0.0.1:smtp", "127.0.0.1", "smtp", None), ("587", "", "587", None),
    ("[::1", "::1", "", 'missing "]"'), ("[::1]x", "::1", "", 'garbage after "]"'),
    ("[::1]", "::1", "", "missing service information"),
    ("127.0.0.1:", "127.0.0.1", "", "missing service information"),
    ("127.0.0.1:25x", "127.0.0.1", "25x", "garbage after numerical service"),
])
def test_host_port_as_master_splits_names(name, host, port, error):
    assert host_port(name) == (host, port, error)


# What glibc's strtol returns (value, end, ERANGE) and the digits' magnitude.
@pytest.mark.parametrize("text, start, expected", [
    ("5", 0, CLong(5, 1, False, False, 5)),
    (" 42", 0, CLong(42, 3, False, False, 42)),
    ("   42", 0, CLong(42, 5, False, False, 42)),
    (" \t\n\v\f\r7x", 0, CLong(7, 7, False, False, 7)),
    (" -5", 0, CLong(-5, 3, False, True, 5)),
    ("+5", 0, CLong(5, 2, False, False, 5)),
    ("a.-5", 2, CLong(-5, 4, False, True, 5)),
    ("x  7", 1, CLong(7, 4, False, False, 7)),
    ("X5", 0, CLong(0, 0, False)),          # no digits: end is the start, no error
    ("abc", 0, CLong(0, 0, False)), ("  -", 0, CLong(0, 0, False)), ("x ", 1, CLong(0, 1, False)),
    ("0" * 30 + "5", 0, CLong(5, 31, False, False, 5)),   # leading zeros are not significant
    ("9223372036854775807", 0, CLong(LONG_MAX, 19, False, False, LONG_MAX)),
    ("9223372036854775808", 0, CLong(LONG_MAX, 19, True, False, LONG_MAX + 1)),
    ("-9223372036854775808", 0, CLong(LONG_MIN, 20, False, True, 2**63)),
    ("-9223372036854775809", 0, CLong(LONG_MIN, 20, True, True, 2**63 + 1)),
    ("18446744073709551615", 0, CLong(LONG_MAX, 20, True, False, ULONG_MAX)),
    ("9" * 21, 0, CLong(LONG_MAX, 21, True, False, ULONG_MAX + 1)),
    ("-" + "9" * 25, 0, CLong(LONG_MIN, 26, True, True, ULONG_MAX + 1)),
])
def test_strtol_as_glibc_reads_the_text(text, start, expected):
    """Every field: blanks skipped (each of C's isspace), one sign, the
    LONG_MIN/LONG_MAX clamps with ERANGE exactly past the limits, and a
    magnitude capped just above ULONG_MAX (what strtoul needs)."""
    assert strtol(text, start) == expected


@pytest.mark.parametrize("text, value", [
    ("  -12abc", -12), ("2147483647", 2147483647), ("2147483648", -2147483648),
    ("4294967296", 0), ("4294967301", 5), ("-2147483649", 2147483647),
    ("9" * 30, -1), ("-" + "9" * 30, 0), ("x", 0),
])
def test_atoi_is_strtol_cast_to_int(text, value):
    """glibc atoi is ``(int) strtol(text, NULL, 10)``: the clamped long,
    wrapped to 32 bits (LONG_MAX is -1 as an int, LONG_MIN is 0)."""
    assert atoi(text) == value


@pytest.mark.parametrize("text, expected", [
    ("1", Port(1)), ("25", Port(25)), ("65535", Port(65535)),
    ("0", Port(0, "port '0' makes the kernel pick a random port: master starts, "
                  "but no client can find the service")),
    ("65561", Port(25, "'65561' is out of range (1-65535): master (Linux, glibc) "
                       "listens on port 25 instead")),
    ("-1", Port(None, "'-1' is not a port number: master stops "
                      "(Servname not supported for ai_socktype)")),
    ("-18446744073709551615", Port(1)),     # strtoul negates in unsigned arithmetic
    ("-18446744073709551614", Port(2)),
    ("-4294967271", Port(25)),
    ("-" + "9" * 21, Port(None, "'-999999999999999999999' is not a port number: master "
                                "stops (Servname not supported for ai_socktype)")),
    ("18446744073709551616", Port(None, "'18446744073709551616' is not a port number: "
                                        "master stops (Servname not supported for "
                                        "ai_socktype)")),
])
def test_numeric_ports_and_what_the_note_says(text, expected):
    """Values as glibc's getaddrinfo(host, text, SOCK_STREAM) returned them
    (Python's socket.getaddrinfo on glibc); an overflowing strtoul clamps to
    ULONG_MAX whatever the sign. Only a port that differs from what was
    written gets a note."""
    assert numeric_port(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("", Field(None, "expected an ASCII number")),
    ("A5", Field(None, "expected an ASCII number")),     # between "9" and "z": not a digit
    (":5", Field(None, "expected an ASCII number")),
    ("2147483648", Field(None, "the number is out of range (master reads it as "
                               "-2147483648 and refuses it)")),
    ("4294967296", Field(0, "the number is out of range: master reads it as 0")),
    ("60x", Field(60, "master reads 60 and ignores 'x'")),
    ("60" + "y" * 24, Field(60, f"master reads 60 and ignores '{'y' * 24}'")),
    ("60" + "y" * 25, Field(60, f"master reads 60 and ignores '{'y' * 24}...'")),
    ("60" + "y" * 40, Field(60, f"master reads 60 and ignores '{'y' * 24}...'")),
])
def test_master_number_notes_quote_at_most_24_characters(text, expected):
    """The whole note: a refused field says why, a long trailing text is
    quoted up to 24 characters and an ellipsis."""
    assert master_number(text) == expected
