"""One escaping policy for every output (linter.report.escape).

Invisible, format and bidirectional characters (Trojan Source: U+202A-202E,
U+2066-2069), line and paragraph separators, zero-width characters, the
byte-order mark and undecodable bytes never reach a reader raw: text,
brief, github, junit and show escape them visibly; the JSON formats keep
the text (JSON escapes it) except lone surrogates, shown as ``\\xNN``.
"""

from __future__ import annotations

import json
import sys
import unicodedata

import pytest
from limits import assert_no_traceback, smtplint_limited
from lint_helpers import project

from linter.engine.findings import Finding, Fix
from linter.report import FORMATS, Report, render
from linter.report.escape import UNSAFE, markdown_text, one_line, plain, unicode_text

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u2028\u2029\u00ad\u180e\u3164"
HOSTILE = f"ad{BIDI}min{INVISIBLE} \x1b[2J \udcff end"
HIDDEN = set(BIDI + INVISIBLE + "\x1b\udcff")


def _categories_that_hide(char: str) -> bool:
    category = unicodedata.category(char)
    return category in ("Cf", "Zl", "Zp", "Cs") or (category == "Cc" and char not in "\t\n")


def test_every_control_format_separator_and_surrogate_is_escaped():
    """Against the interpreter's Unicode database: a character category the
    policy must cover and a code point it misses fails here."""
    missed = [f"U+{code:04X}" for code in range(sys.maxunicode + 1)
              if _categories_that_hide(chr(code)) and not UNSAFE.fullmatch(chr(code))]
    assert missed == []


def test_plain_keeps_text_and_escapes_the_rest():
    assert plain("smtpd_tls_security_level = encrypt\n\tnext") == \
        "smtpd_tls_security_level = encrypt\n\tnext"
    assert plain("a\u202eb\ufeffc\udcffd\U000e0041") == "a\\u202eb\\ufeffc\\xffd\\U000e0041"
    assert plain("caf\u00e9 \u4e2d") == "caf\u00e9 \u4e2d"          # letters stay
    assert one_line("a\nb\tc\u2028d") == "a\\nb\\tc\\u2028d"


@pytest.mark.parametrize("char, shown", [
    ("\x00", "\\x00"), ("\x9f", "\\x9f"), ("\xad", "\\xad"),    # one byte: \xNN
    ("\u034f", "\\u034f"), ("\uffff", "\\uffff"),                 # BMP: \uNNNN
    ("\U000110bd", "\\U000110bd"), ("\U000e0fff", "\\U000e0fff"),  # astral: \UNNNNNNNN
    ("\udc80", "\\x80"), ("\udcff", "\\xff"),    # surrogateescape: the byte that was read
    ("\udc7f", "\\udc7f"), ("\udd00", "\\udd00"), ("\ud800", "\\ud800"),  # other surrogates
])
def test_each_escape_form_at_its_edges(char, shown):
    """The escape's form changes at exact code points: the undecodable
    bytes 0x80-0xff (U+DC80-U+DCFF) show as the byte, other lone
    surrogates as code points."""
    assert plain(char) == shown
    assert (unicode_text(char) == shown) is (0xD800 <= ord(char) <= 0xDFFF)


def test_no_unsafe_character_sits_on_an_escape_form_boundary():
    """U+0100 and U+10000 are letters, never escaped: so moving the
    ``< 0x100`` / ``< 0x10000`` boundaries of ``_escape`` by one changes
    nothing (tests/mutation/equivalent.txt relies on this)."""
    assert not UNSAFE.search("\u00ff\u0100\U00010000")


def test_workflow_commands_are_made_inert():
    assert plain("::stop-commands::x") == "\\x3a:stop-commands::x"
    assert plain("ok\n   ::error::y") == "ok\n   \\x3a:error::y"
    assert plain("a ##[add-mask]b") == "a #\\x23[add-mask]b"
    assert plain("host:25 a::b") == "host:25 a::b"               # mid-line: harmless


def test_markdown_text_escapes_every_punctuation_mark():
    assert markdown_text("a|b ![i](u) <x>") == "a\\|b \\!\\[i\\]\\(u\\) \\<x\\>"


def test_unicode_text_touches_only_lone_surrogates():
    assert unicode_text(HOSTILE) == HOSTILE.replace("\udcff", "\\xff")


def _report() -> Report:
    finding = Finding("hostile-rule", "error", f"dir{BIDI}/main.cf", 1, 1, HOSTILE,
                      service="sub\u202emission/inet", fix=Fix(HOSTILE, (HOSTILE,)),
                      tags=("tls",))
    return Report(findings=[finding], files=["main.cf"])


@pytest.mark.parametrize("output_format", ["text", "brief", "github", "junit"])
def test_human_and_line_formats_show_no_hidden_character(output_format):
    out = render(output_format, _report())
    assert not HIDDEN & set(out), sorted(f"U+{ord(c):04X}" for c in HIDDEN & set(out))
    assert "\\u202e" in out and "\\ufeff" in out and "\\u2066" in out


@pytest.mark.parametrize("output_format", ["json", "sarif", "codeclimate"])
def test_json_formats_keep_text_but_not_lone_surrogates(output_format):
    out = render(output_format, _report())
    out.encode("ascii")                          # everything else is a JSON escape
    assert "\\\\xff" in out                      # the undecodable byte, as text
    decoded = json.dumps(json.loads(out), ensure_ascii=False)
    assert "\u202e" in decoded and "\ufeff" in decoded   # consumers get the real text


def test_every_format_is_covered():
    assert set(FORMATS) == {"text", "brief", "github", "junit", "json", "sarif", "codeclimate"}


def test_show_escapes_bidi_and_invisible_characters(tmp_path):
    root = project(tmp_path, isolate=False)
    (root / "main.cf").write_bytes(
        f"\ufeffmyhostname = mail{BIDI}.example{INVISIBLE}\n".encode() + b"mydomain = \xff\n")
    (root / "master.cf").write_text("submission inet n - y - - smtpd\n"
                                    "  -o syslog_name=sub\u202emission\n")
    text = smtplint_limited("show", ".", cwd=root, seconds=30, memory_mb=512)
    assert text.code == 0, text.err
    assert not HIDDEN & set(text.out), sorted(f"U+{ord(c):04X}" for c in HIDDEN & set(text.out))
    assert_no_traceback(text)
    as_json = smtplint_limited("show", ".", "--format", "json", cwd=root, seconds=30,
                               memory_mb=512)
    as_json.out.encode("ascii")
    assert "\\udcff" not in as_json.out          # lone surrogates as \\xNN text
    json.loads(as_json.out)
