"""Recognise template syntax in configuration files (Jinja, Go templates,
installer placeholders), which Postfix never sees.

A template control line (``{% if ... %}``) is not a Postfix line at all;
a value holding a placeholder (``{{ var }}``, ``%{var}``, ``PH_VAR``) is
unknown, and a rule on an unknown value does not fire. Postfix's own
``inline:{{key=value}}`` tables are not templates: they hold ``=``.
"""

from __future__ import annotations

import re

# A line that starts with template syntax is template text, not Postfix text
# (Jinja {% %}, {# #}, {{ }}, ERB <% %>, %{var} installer prefixes).
CONTROL_LINE = re.compile(r"^\s*(\{%|\{#|\{\{|<%|%\{[A-Za-z_])")
PLACEHOLDER = re.compile(
    r"(?<!\$)\{\{(?:(?!\}\})[^=])*\}\}"  # {{ var }}, {{ .Var }}; not inline:{{k=v}},
                                         # nor Postfix's own ${{$a} <level {1} ? ...}
    r"|\{%.*?%\}|<%.*?%>"             # Jinja/ERB statements inside a value
    r"|%\{[A-Za-z_][\w.]*\}"          # %{var} installer templates
    r"|\bPH_[A-Z][A-Z0-9_]*\b"        # iRedMail PH_ placeholders
)


def is_control_line(text: str) -> bool:
    return CONTROL_LINE.match(text) is not None


def has_placeholder(text: str) -> bool:
    if "{" not in text and "PH_" not in text and "<%" not in text:
        return False  # the common case, without a regular expression
    return PLACEHOLDER.search(text) is not None
