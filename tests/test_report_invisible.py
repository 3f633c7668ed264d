"""Bidi controls and invisible characters, one at a time, through every output.

A reader of a finding must see what is really in the file. A bidi override
(U+202A-U+202E), isolate (U+2066-U+2069) or mark (U+200E, U+200F, U+061C)
reorders what is shown ("Trojan Source"); a zero-width character or a BOM
hides that two names differ. For each such character and each output
format, a finding, a related place and a notification whose every text
field carries the character must not let it reach the output raw: each
field shows it the way its format escapes (``\\u202e`` in text, brief,
github and junit; the JSON escape in json, sarif and codeclimate; a
backslash-escaped ``\\u202e`` in the markdown job summary; percent-encoding
in a SARIF URI). Each field's text is ``xx<char>yy``-shaped with its own
letters, so a field a format does not show is not required, and one it
shows raw, or half escaped, is caught.
"""

from __future__ import annotations

import json

import pytest

from linter.engine.findings import Edit, Finding, Fix, Related
from linter.report import FORMATS, Notification, Report, render
from linter.report import step_summary
from linter.report.escape import UNSAFE

BIDI = [chr(code) for code in (0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F),
                               *range(0x2066, 0x206A))]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u2028", "\u2029"]
CHARACTERS = BIDI + INVISIBLE
# Each text field of a report, as the words before and after the character:
# words found nowhere else in any output.
FIELDS = {field: (f"H{field.replace(' ', '')}H", f"T{field.replace(' ', '')}T{suffix}")
          for field, suffix in (
              ("path", "/main.cf"), ("message", ""), ("service", "/inet"), ("parameter", ""),
              ("fix description", ""), ("fix line", ""), ("edit value", ""),
              ("related label", ""), ("related path", "/master.cf"), ("note message", ""),
              ("note path", "/main.cf"), ("linted file", "/main.cf"))}
OUTPUTS = (*FORMATS, "step_summary")


def _text(field: str, char: str) -> str:
    head, tail = FIELDS[field]
    return f"{head}{char}{tail}"


def _report(char: str) -> Report:
    def text(field: str) -> str:
        return _text(field, char)
    edit = Edit("set", text("path"), text("parameter"), text("edit value"), text("service"))
    finding = Finding("hostile-rule", "error", text("path"), 3, 1, text("message"),
                      service=text("service"), parameter=text("parameter"),
                      fix=Fix(text("fix description"), (text("fix line"),), (edit,)),
                      related=(Related(text("related path"), 7, 1, text("related label")),),
                      tags=("tls",))
    return Report(findings=[finding], files=[text("path"), text("linted file")],
                  notifications=[Notification(text("note message"), text("note path"))],
                  root="/srv/project")


def _output(output_format: str, report: Report) -> str:
    if output_format == "step_summary":
        return step_summary.render(report)
    return render(output_format, report)


def _escaped(output_format: str, field: str, char: str) -> list[str]:
    """The forms in which ``field``'s text may appear in this format."""
    head, tail = FIELDS[field]
    json_code = f"u{ord(char):04x}"
    code = f"x{ord(char):02x}" if ord(char) < 0x100 else json_code   # escape.py's forms
    if output_format in ("json", "sarif", "codeclimate"):
        code = json_code
    if output_format == "step_summary":       # markdown: the backslash escaped too
        return [f"{_markdown(head)}\\\\{code}{_markdown(tail)}"]
    forms = [f"{head}\\{code}{tail}"]         # a visible escape, or JSON's own
    if output_format == "github":             # properties: ":" and "," percent-encoded
        forms.append(f"{head}\\{code}{tail}".replace(":", "%3A").replace(",", "%2C"))
    if output_format == "sarif":              # artifact URIs: the UTF-8 bytes
        encoded = "".join(f"%{byte:02X}" for byte in char.encode())
        forms.append(f"{head}{encoded}{tail}")
    return forms


def _markdown(text: str) -> str:
    return "".join(f"\\{c}" if not c.isalnum() and c.isascii() and c != " " else c
                   for c in text)


def test_every_character_here_is_one_the_policy_escapes():
    """The characters tested are exactly ones escape.py claims to block."""
    assert all(UNSAFE.fullmatch(char) for char in CHARACTERS)
    assert len(set(CHARACTERS)) == len(CHARACTERS) == 20


@pytest.mark.parametrize("output_format", OUTPUTS)
@pytest.mark.parametrize("char", CHARACTERS, ids=lambda char: f"U+{ord(char):04X}")
def test_no_raw_character_reaches_the_output(char, output_format):
    out = _output(output_format, _report(char))
    assert char not in out
    shown = []
    for field, (head, tail) in FIELDS.items():
        if any(form in out for form in _escaped(output_format, field, char)):
            shown.append(field)
        else:   # not shown at all: neither with the character dropped nor escaped otherwise
            assert head not in out and tail not in out, f"{field} shown another way"
    # Every format shows at least the path and the message.
    assert {"path", "message"} <= set(shown), shown


@pytest.mark.parametrize("output_format", ["json", "sarif", "codeclimate"])
@pytest.mark.parametrize("char", CHARACTERS, ids=lambda char: f"U+{ord(char):04X}")
def test_json_consumers_get_the_real_character_back(char, output_format):
    """JSON escapes the character; a consumer decoding it gets the text as
    it is in the file, not our visible escape."""
    out = _output(output_format, _report(char))
    out.encode("ascii")
    decoded = json.dumps(json.loads(out), ensure_ascii=False)
    assert _text("message", char) in decoded
    assert f"\\{ord(char):04x}" not in decoded.replace(f"\\u{ord(char):04x}", "")
