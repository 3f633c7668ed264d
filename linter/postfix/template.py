"""Recognise template syntax in configuration files (Jinja, Go templates,
installer placeholders), which Postfix never sees.

A template control line (``{% if ... %}``) is not a Postfix line at all;
a value holding a placeholder (``{{ var }}``, ``%{var}``, ``PH_VAR``) is
unknown, and a rule on an unknown value does not fire. Postfix's own
``inline:{{key=value}}`` tables are not templates: they hold ``=``.

The placeholder test is a scanner, not one regular expression: a lazy
``\\{%.*?%\\}`` retries from every ``{%`` of a value made of them, which is
quadratic (16 KB of ``{{`` took 2.3 s). Each scan below reads the text a
bounded number of times.
"""

from __future__ import annotations

import re

# A line that starts with template syntax is template text, not Postfix text
# (Jinja {% %}, {# #}, {{ }}, ERB <% %>, %{var} installer prefixes).
CONTROL_LINE = re.compile(r"^\s*(\{%|\{#|\{\{|<%|%\{[A-Za-z_])")
# Where an output placeholder ends: what follows it on its line is Postfix text.
_OUTPUT_END = {"{{": "}}", "%{": "}"}
# Forms without ambiguous repetition: a regular expression is linear here.
_SIMPLE = re.compile(
    r"%\{[A-Za-z_][\w.]*\}"          # %{var} installer templates
    r"|\bPH_[A-Z][A-Z0-9_]*\b"       # iRedMail PH_ placeholders
)


def is_control_line(text: str) -> bool:
    """A statement line, or a line that is only an output placeholder
    (``{{ extra_services }}``). A placeholder followed by more words
    (``{{ svc.name }} inet n - y - - smtpd``) starts an entry whose first
    field the template fills in: master reads it as an entry, and the
    ``-o`` lines below it are its own, not the entry's before it."""
    match = CONTROL_LINE.match(text)
    if match is None:
        return False
    closing = _OUTPUT_END.get(match.group(1)[:2])
    if closing is None:
        return True
    end = text.find(closing, match.end())
    return end < 0 or not text[end + len(closing):].strip()


def has_placeholder(text: str) -> bool:
    if "{" not in text and "PH_" not in text and "<%" not in text:
        return False  # the common case, without a scan
    return (_has_mustache(text) or _has_statement(text, "{%", "%}")
            or _has_statement(text, "<%", "%>") or _SIMPLE.search(text) is not None)


def _has_mustache(text: str) -> bool:
    """``{{ var }}`` not preceded by ``$`` (Postfix's own ``${{$a} < {1} ...}``)
    and without ``=`` before the first ``}}`` (``inline:{{k=v}}``).

    All ``{{`` before one ``}}`` share it; only those after the last ``=``
    can match, so each region of the text is searched once."""
    start = 0
    while True:
        opening = text.find("{{", start)
        if opening < 0:
            return False
        if opening > 0 and text[opening - 1] == "$":
            start = opening + 1
            continue
        closing = text.find("}}", opening + 2)
        if closing < 0:
            return False   # no later "{{" has a "}}" either
        equals = text.rfind("=", opening + 2, closing)
        if equals < 0:
            return True
        start = max(opening + 1, equals - 1)


def _has_statement(text: str, opening: str, closing: str) -> bool:
    """``{% ... %}`` (or ``<% ... %>``) within one line: the first opener of
    a line has the widest reach, so one search per line suffices."""
    start = 0
    length = len(text)
    while start <= length:
        found = text.find(opening, start)
        if found < 0:
            return False
        line_end = text.find("\n", found)
        if line_end < 0:
            line_end = length
        if text.find(closing, found + len(opening), line_end) >= 0:
            return True
        start = line_end + 1
    return False
