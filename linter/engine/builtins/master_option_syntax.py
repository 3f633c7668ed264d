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
    entries: dict[int, _Words] = {}   # one entry can hold thousands of broken words
    for diagnostic in scope.config.diagnostics:
        if diagnostic.code != rule.id:
            continue
        # The parser reports these only on the words of an entry it keeps:
        # each has its service, and its word among the service's arguments.
        view = service_at(scope.config, diagnostic)
        assert view is not None
        words = entries.get(id(view.service))
        if words is None:
            words = entries[id(view.service)] = _Words(view.service)
        fix = repair(words, diagnostic.line, diagnostic.column, scope.master_path)
        yield Finding(rule=rule.id, severity=rule.severity, path=diagnostic.path,
                      line=diagnostic.line, column=diagnostic.column,
                      message=diagnostic.message, service=view.service.key, fix=fix,
                      tags=rule.tags)


class _Words:
    """An entry's arguments, with what each broken word's repair looks up
    worked out once for the entry: where each word is, where the option it
    belongs to starts and ends, and what each option meant. Per word, each
    was a scan of the entry (quadratic with thousands of stray words)."""

    def __init__(self, service: Service):
        self.service = service
        self.words = words = service.arguments
        self.index = {(word.line, word.column): i for i, word in enumerate(words)}
        # The -o word each word follows (None after another flag), and the
        # last word before the next flag.
        self.starts: list[int | None] = []
        start: int | None = None
        for i, word in enumerate(words):
            if word.text.startswith("-o"):   # -o name=value, or getopt's -oname=value
                start = i
            elif word.text.startswith("-"):
                start = None
            self.starts.append(start)
        self.ends = [0] * len(words)
        end = len(words) - 1
        for i in range(len(words) - 1, -1, -1):
            self.ends[i] = end
            if words[i].text.startswith("-"):
                end = i - 1
        self._intended: dict[tuple[int, int], tuple[str, str, int] | None] = {}

    def intended(self, start: int, broken: int) -> tuple[str, str, int] | None:
        """_intended, once per option: its broken words all mean the same."""
        key = (start, self.ends[broken])
        if key not in self._intended:
            self._intended[key] = _intended(self.words, start, self.ends[broken])
        return self._intended[key]


def repair(entry: _Words, line: int, column: int, path: str) -> Fix:
    """The fix for the broken word at ``line:column`` of the entry."""
    service, words = entry.service, entry.words
    index = entry.index[(line, column)]
    word = words[index]
    option_start = entry.starts[index]
    if option_start is not None and _after_complete_option(words, option_start, index):
        option_start = None
    if option_start is None:
        return Fix(f"Remove the stray word {word.text!r} from {service.key}: smtpd "
                   "accepts only options such as -o name=value after the command", (),
                   (Edit("replace", path, word.text, "", service.key,
                         span=_span(word, word)),), safety="safe")
    intended = entry.intended(option_start, index)
    if intended is None:
        return Fix(f"Write the option of {service.key} as -o name=value (no blanks "
                   "around '='), or as -o { name = value }")
    name, value, end = intended
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


def _after_complete_option(words: list[Token], start: int, index: int) -> bool:
    """Whether the broken word comes after a complete option: one whose own
    first word holds its '=' (-o name=value, -oname=value,
    -o { name = value }), so what follows is not part of it. In
    -o name = value, and after a word ending in ',' or '=', it is."""
    first = start if words[start].text != "-o" else start + 1   # -oname=value: start
    if index <= first or words[index - 1].text.endswith((",", "=")):
        return False
    return "=" in words[first].text


def _intended(words: list[Token], start: int, end: int) -> tuple[str, str, int] | None:
    """Join the words of one mistyped option, from its ``-o`` to ``end``
    (its broken word and any stray words after it, up to the next option),
    back into (name, value, index of its last word); None when what was
    meant cannot be told."""
    pieces = [words[start].text[2:]] + [word.text for word in words[start + 1:end + 1]]
    # Postfix joins a value's continuation lines with one space.
    text = " ".join(part.strip(BLANKS) for part in " ".join(pieces).split("\n")).strip(BLANKS)
    if text.startswith("{"):
        text = _braced(text)
        if text is None:
            return None
    name, equals, value = text.partition("=")
    name = name.strip(BLANKS)
    if not equals or not name or any(char in BLANKS for char in name):
        return None
    items = [item.strip(BLANKS) for item in value.split(",")]
    return name, ",".join(item for item in items if item), end


def _braced(text: str) -> str | None:
    """What ``{ name = value }`` holds. An unclosed brace was meant to close
    at the end; text after the closing brace leaves the meaning open."""
    depth = 0
    for position, char in enumerate(text):
        depth += (char == "{") - (char == "}")
        if depth == 0:
            return text[1:position] if position == len(text) - 1 else None
    return text[1:]
