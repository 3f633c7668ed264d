"""``-o`` options that smtpd refuses at start-up, with the line that works.

The master.cf parser records each broken option as a diagnostic; this
builtin names the service it belongs to and rewrites the words around it
into the option the author meant (``-o name = value`` -> ``-o name=value``,
``-o x=a, b`` -> ``-o x=a,b``), because postconf hides these mistakes and
smtpd dies on them.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine.builtins.diagnostics import service_at
from linter.engine.findings import Edit, Finding, Fix
from linter.postfix.master_cf import Service
from linter.postfix.syntax import BLANKS, Token

INDENT = "  "


def check(rule, scope) -> Iterator[Finding]:
    for diagnostic in scope.config.diagnostics:
        if diagnostic.code != rule.id:
            continue
        # The parser reports these only on the words of an entry it keeps:
        # each has its service, and its word among the service's arguments.
        view = service_at(scope.config, diagnostic)
        assert view is not None
        fix = repair(view.service, diagnostic.line, diagnostic.column, scope.master_path)
        yield Finding(rule=rule.id, severity=rule.severity, path=diagnostic.path,
                      line=diagnostic.line, column=diagnostic.column,
                      message=diagnostic.message, service=view.service.key, fix=fix,
                      tags=rule.tags)


def repair(service: Service, line: int, column: int, path: str) -> Fix:
    """The fix for the broken word at ``line:column`` of ``service``."""
    words = service.arguments
    [index] = [i for i, word in enumerate(words) if (word.line, word.column) == (line, column)]
    word = words[index]
    option_start = _option_start(words, index)
    if option_start is not None and index > option_start + 1 \
            and not words[index - 1].text.endswith((",", "=")) \
            and _complete(words, option_start):
        option_start = None  # a stray word after a complete option
    if option_start is None:
        return Fix(f"Remove the stray word {word.text!r} from {service.key}: smtpd "
                   "accepts only options such as -o name=value after the command", (),
                   (Edit("replace", path, word.text, "", service.key,
                         span=_span(word, word)),), safety="safe")
    name, value, end = _intended(words, option_start, index)
    if name is None:
        return Fix(f"Write the option of {service.key} as -o name=value (no blanks "
                   "around '='), or as -o { name = value }")
    line_text = f"{INDENT}-o {name}={value}" if not any(c in BLANKS for c in value) \
        else f"{INDENT}-o {{ {name} = {value} }}"
    option = line_text[len(INDENT):]
    return Fix(f"Rewrite the option of {service.key} as one word: {option}",
               (line_text,),
               (Edit(action="replace", path=path, name=name, value=option,
                     service=service.key, span=_span(words[option_start], words[end])),),
               safety="safe")


def _span(first: Token, last: Token) -> tuple[int, int, int, int]:
    """From the start of ``first`` to the end of ``last`` (exclusive)."""
    lines = last.text.split("\n")
    end_column = (last.column if len(lines) == 1 else 1) + len(lines[-1])
    return (first.line, first.column, last.line + len(lines) - 1, end_column)


def _complete(words: list[Token], start: int) -> bool:
    """The option's first word holds its '=' (-o name=value, -oname=value):
    what follows is not part of it. In -o name = value it is."""
    # called with a broken word after start + 1, so words[start + 1] exists
    first = words[start].text[2:] if words[start].text != "-o" else words[start + 1].text
    return "=" in first and not first.startswith("{")


def _option_start(words: list[Token], index: int) -> int | None:
    """Where the ``-o`` option that the broken word belongs to begins."""
    position = index
    while position >= 0:
        text = words[position].text
        if text.startswith("-o"):   # -o name=value, or getopt's -oname=value
            return position
        if text.startswith("-"):
            return None
        position -= 1
    return None


def _intended(words: list[Token], start: int,
              broken: int) -> tuple[str | None, str, int]:
    """Join the words of one mistyped option back into (name, value, index
    of its last word)."""
    pieces = [words[start].text[2:]] if words[start].text != "-o" else []
    end = broken
    # take the broken word and any stray words after it, up to the next option
    while end + 1 < len(words) and not words[end + 1].text.startswith("-"):
        end += 1
    pieces += [word.text for word in words[start + 1:end + 1]]
    # Postfix joins a value's continuation lines with one space.
    text = " ".join(part.strip(BLANKS) for part in " ".join(pieces).split("\n")).strip(BLANKS)
    if text.startswith("{"):
        text = text[1:].removesuffix("}")   # text has no trailing blanks
    name, equals, value = text.partition("=")
    name = name.strip(BLANKS)
    if not equals or not name or any(char in BLANKS for char in name):
        return None, "", end
    items = [item.strip(BLANKS) for item in value.split(",")]
    value = ",".join(item for item in items if item) if "," in value else value.strip(BLANKS)
    return name, value, end
