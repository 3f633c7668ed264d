"""Grammar-aware fuzzing of the whole pipeline: parse -> resolve -> every
rule -> every renderer in linter/report, plus ``show``.

The strategies write main.cf and master.cf the way people (and hostile
pull requests) do: parameter names Postfix knows and names it does not,
``$refs`` in every form, conditionals and relational expressions nested
in each other, braces that do not balance, ``-o`` options in all their
spellings, comments and continuation lines, suppression comments sound
and broken, template syntax, non-ASCII digits, numbers of thousands of
digits, undecodable bytes.

The property: nothing raises, every diagnostic is located, every note of
the run names one of the files, the files round-trip byte for byte, and
every JSON output (the notes in it) is valid JSON with no lone surrogates
(what strict parsers reject); JUnit is well-formed XML.

Used by tests/test_fuzz_pipeline.py (a small budget) and by
``scripts/fuzz --examples N`` (a large one).
"""

from __future__ import annotations

import io
import json
from functools import cache
from xml.etree import ElementTree

from hypothesis import strategies as st

from linter.engine.rules import builtin_rules
from linter.lint import lint_configuration, pair_notes
from linter.postfix.main_cf import parse_main_cf
from linter.postfix.master_cf import parse_master_cf
from linter.postfix.resolve import resolve
from linter.postfix.syntax import encode
from linter.report import FORMATS, Report, render
from linter.show import write_json, write_text

JSON_FORMATS = ("json", "sarif", "codeclimate")
XML_FORMATS = ("junit",)

# -- pieces ---------------------------------------------------------------

KNOWN_NAMES = (
    "myhostname", "mydomain", "myorigin", "mydestination", "mynetworks",
    "compatibility_level", "known_tcp_ports", "smtpd_tls_security_level",
    "smtpd_tls_wrappermode", "smtpd_sasl_auth_enable", "smtpd_tls_auth_only",
    "smtpd_relay_restrictions", "smtpd_recipient_restrictions",
    "smtpd_sender_restrictions", "smtpd_client_restrictions", "smtpd_tls_protocols",
    "smtpd_tls_mandatory_protocols", "smtpd_tls_ciphers", "smtpd_tls_cert_file",
    "smtpd_tls_key_file", "smtpd_use_tls", "smtpd_enforce_tls", "smtpd_banner",
    "smtpd_restriction_classes", "smtpd_sender_login_maps", "mailbox_command",
    "virtual_maps", "relayhost", "inet_interfaces", "syslog_name", "service_name",
)
USER_NAMES = ("a", "b", "c", "x", "custom_1", "custom_2", "loop", "big", "level_ref",
              "smtpd_tls_securty_level", "mua_sender_restrictions")
ODD_NAMES = ("", " ", "a b", "é", "²", "٣", "a-b", "a.b", "{{ name }}", "PH_NAME", "%{x}")
# Numbers over 4,300 digits broke int(); Postfix reads them as C longs.
HUGE = ("9" * 4301, "1" * 5000, "٣" * 4400, "3." + "9" * 4400, "0" * 4400 + "25")
DIGITS = ("0", "1", "25", "465", "587", "3.6", "3.10", "3.1024", "2", "010", "+1", "-1",
          "65536", "99999", "4294967296", "9223372036854775808", "³", "²", "٣", "٢٥",
          "１０", "3.6.0.1", "3.", ".3") + HUGE
WORDS = ("yes", "no", "may", "encrypt", "none", "dane", "permit_mynetworks",
         "permit_sasl_authenticated", "reject_unauth_destination", "reject",
         "reject_sender_login_mismatch", "!SSLv2, !SSLv3", ">=TLSv1.2", "high",
         "/etc/ssl/cert.pem", "hash:/etc/postfix/x", "inline:{{a=b}}", "ldap:conf",
         "smtp=25, smtps=submissions=465", "foo=²", "lmtp=24 smtp=25", "permit",
         "check_policy_service unix:private/policy", "", "true", "on")
OPERATORS = ("==", "!=", "<", "<=", ">", ">=", "<level", ">=level", "==level", "===",
             "<levelx", "=")

names = st.sampled_from(KNOWN_NAMES + USER_NAMES)
any_names = st.one_of(names, st.sampled_from(ODD_NAMES))


literal = st.one_of(
    st.sampled_from(WORDS), st.sampled_from(DIGITS),
    st.text(alphabet="abc xyz,{}()?:=<>!$\t", max_size=8),
    st.sampled_from(("{{ var }}", "{% if x %}", "<% y %>", "%{v}", "PH_VAR", "$$", "$",
                     "${", "$(", "}", ")", "{", "\u2028", "\ufeff", "\u202e",
                     "\x00", "\r", "caf\u00e9")),
)


def reference(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Every form mac_expand knows, and broken versions of them."""
    blank = st.sampled_from(("", " ", "  ", "\t"))
    return st.one_of(
        st.builds(lambda n: f"${n}", names),
        st.builds(lambda n, b: f"${{{b}{n}{b}}}", any_names, blank),
        st.builds(lambda n: f"$({n})", names),
        st.builds(lambda n, op, v: f"${{{n}{op}{v}}}", any_names, st.sampled_from("?:"),
                  inner),
        st.builds(lambda n, b, v: f"${{{n}?{b}{{{v}}}{b}}}", names, blank, inner),
        st.builds(lambda n, v, w: f"${{{n}?{{{v}}}:{{{w}}}}}", names, inner, inner),
        st.builds(lambda n, v, w: f"${{{n}?{{{v}}}:{w}}}", names, inner, inner),
        st.builds(lambda a, op, b, v, w: f"${{{{{a}}} {op} {{{b}}} ? {{{v}}} : {{{w}}}}}",
                  inner, st.sampled_from(OPERATORS), inner, inner, inner),
        st.builds(lambda a, op, b: f"${{{{{a}}}{op}{{{b}}}}}", inner,
                  st.sampled_from(OPERATORS), inner),
        st.builds(lambda a, b, w: f"${{{{{a}}} == {{{b}}} : {w}}}", inner, inner, inner),
    )


values = st.recursive(
    literal,
    lambda inner: st.lists(st.one_of(inner, reference(inner)), min_size=1, max_size=4)
    .map("".join),
    max_leaves=12,
)


# Suppression comments, sound and not: ids known, unknown, sub-ids, hostile.
DIRECTIVE_IDS = ("unknown-parameter", "open-relay", "tls-cert-invalid[expired]",
                 "tls-cert-invalid", "nope", "Unknown-Parameter", "x\u202ey", "\x1b[31m",
                 "é", "a" * 300, "")
directives = st.one_of(
    st.builds(lambda kind, ids, sep, reason: f"# smtplint: {kind}={sep.join(ids)}{reason}",
              st.sampled_from(("disable", "disable-file", "DISABLE", "enable")),
              st.lists(st.sampled_from(DIRECTIVE_IDS), max_size=4),
              st.sampled_from((",", " ", ", ", "\t", " " * 40)),
              st.sampled_from(("", "  # why", " # a # b"))),
    st.sampled_from(("# smtplint disable x", "# smtplint:", "#smtplint:disable=nope",
                     "  # smtplint: disable=nope", "# SMTPLINT: disable-file = nope")),
)


def main_line() -> st.SearchStrategy[str]:
    blank = st.sampled_from(("", " ", "  ", "\t"))
    return st.one_of(
        directives,
        st.builds(lambda n, b, v: f"{n}{b}={b}{v}", any_names, blank, values),
        st.builds(lambda n, v, w: f"{n} = {v}\n  {w}", names, values, values),
        st.builds(lambda v: f"# {v}", values),
        st.sampled_from(("", "   ", "\tindented = x", "no equals here", "= value",
                         "{% if smtp %}", "{% endif %}", "root:x:0:0:root:/root:/bin/bash",
                         "# caf\xe9")),
        st.builds(lambda n: f"{n} = ${n}", names),                     # a loop to itself
        st.builds(lambda i: f"b{i + 1} = $b{i} $b{i}", st.integers(0, 40)),   # doubling
        st.builds(lambda n, m: f"{n} = ${m}\n{m} = ${n}", names, names),      # a loop
    )


SERVICE_NAMES = ("smtp", "submission", "submissions", "smtps", "587", "465", "25",
                 "127.0.0.1:10025", "[::1]:465", "[::1", "[::1]", "[::1]x", "0", "99999",
                 "65536", "-1", "²", "٢٥", "nosuchservice", "127.0.0.1:", "25x", HUGE[0],
                 "[ipv6:::1]:587", "localhost:smtp", "pickup", "{{ name }}", "x" * 50)
TYPES = ("inet", "unix", "unix-dgram", "fifo", "pass", "bogus")
FLAGS = ("n", "y", "-", "x")
NUMBERS = ("-", "0", "1", "60", "60?", "60x", "6?0", "²", "٦٠", "99999999999",
           "2147483648", "4294967296", "+1", "", "9" * 19) + HUGE
COMMANDS = ("smtpd", "smtp", "pickup", "postscreen", "cleanup", "pipe", "local",
            "spawn", "proxymap")


def option() -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda n, v: f"-o {n}={v}", any_names, values),
        st.builds(lambda n, v: f"-o{n}={v}", names, values),
        st.builds(lambda n, v: f"-o {{ {n} = {v} }}", names, values),
        st.builds(lambda n, v: f"-o {n} = {v}", names, values),
        st.builds(lambda n, v: f"-o {n}={v}, b", names, values),
        st.sampled_from(("-o", "-v", "stray", "argv=/bin/cat", "-o {", "-o =x",
                         "flags=DRhu user=nobody argv=/bin/true ${recipient}")),
    )


def master_entry() -> st.SearchStrategy[str]:
    fields = st.tuples(
        st.sampled_from(SERVICE_NAMES), st.sampled_from(TYPES),
        st.sampled_from(FLAGS), st.sampled_from(FLAGS), st.sampled_from(FLAGS),
        st.sampled_from(NUMBERS), st.sampled_from(NUMBERS), st.sampled_from(COMMANDS))
    options = st.lists(option(), max_size=4)
    return st.one_of(
        directives,
        st.builds(lambda f, o, sep: " ".join(f) + "".join(sep + x for x in o),
                  fields, options, st.sampled_from((" ", "\n  ", "\n#c\n  ",
                                                    "\n  # smtplint: disable=nope x\n  "))),
        st.builds(lambda f, n: " ".join(f[:n]), fields, st.integers(0, 7)),
        st.sampled_from(("# comment", "", "  -o stray=continuation", "{% if x %}",
                         "{% endif %}", "root:x:0:0:root:/root:/bin/bash")),
    )


def _join(lines: list[str], ending: str) -> str:
    return ending.join(lines) + (ending if lines else "")


def as_bytes(text: str, latin1: bool) -> bytes:
    data = text.encode("utf-8", "surrogatepass")
    return data.replace("é".encode(), b"\xe9") if latin1 else data


main_files = st.builds(as_bytes, st.builds(_join, st.lists(main_line(), max_size=12),
                                           st.sampled_from(("\n", "\r\n"))), st.booleans())
master_files = st.builds(as_bytes, st.builds(_join, st.lists(master_entry(), max_size=8),
                                             st.sampled_from(("\n", "\r\n"))), st.booleans())
optional_main = st.one_of(st.none(), main_files)
optional_master = st.one_of(st.none(), master_files)


# -- the property ---------------------------------------------------------

@cache
def _rules() -> tuple:
    return builtin_rules()


def check_pipeline(main: bytes | None, master: bytes | None) -> None:
    """Parse, resolve, lint and render: nothing raises, every output is valid."""
    parsed_main = parse_main_cf(main, "main.cf") if main is not None else None
    parsed_master = parse_master_cf(master, "master.cf") if master is not None else None
    for parsed, data in ((parsed_main, main), (parsed_master, master)):
        if parsed is not None:
            assert encode(parsed.serialize()) == data
    config = resolve(parsed_main, parsed_master)
    for diagnostic in config.diagnostics:
        assert diagnostic.line >= 1 and diagnostic.column >= 1, diagnostic
    for view in config.services:
        assert view.tls in (None, "none", "optional", "required", "wrapper")
        view.field("chroot")
        view.field("maxproc")
    rules = _rules()
    findings = lint_configuration(config, rules)
    files = [name for name, data in (("main.cf", main), ("master.cf", master)) if data is not None]
    notes = pair_notes(config, rules)
    for note in notes:
        assert note.path in files and note.level == "note", note
    report = Report(findings=findings, rules={rule.id: rule for rule in rules}, files=files,
                    tool_version="fuzz", notifications=notes)
    for output_format in FORMATS:
        text = render(output_format, report)
        if output_format in JSON_FORMATS:
            assert_valid_json(text)
        elif output_format in XML_FORMATS:
            ElementTree.fromstring(text.encode("utf-8"))
    document = io.StringIO()
    write_json(config, document)
    assert_valid_json(document.getvalue())
    write_text(config, io.StringIO())


def assert_valid_json(text: str) -> None:
    """Valid JSON whose strings a strict parser takes: no lone surrogates,
    in the text itself or behind a ``\\udXXX`` escape (keys too). Writing
    the parsed data back as UTF-8 fails on the first one, at C speed."""
    text.encode("utf-8")
    json.dumps(json.loads(text), ensure_ascii=False).encode("utf-8")
