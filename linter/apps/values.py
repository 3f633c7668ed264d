"""What a YAML scalar in an app's settings means: a value, a reference, or unknown.

Apps and their deployment tools put placeholders where the real value is
filled in later: shell/Compose ``${VAR}`` (with ``${VAR:-default}``),
Jinja/Go templates ``{{ ... }}``, Home Assistant's ``!secret``, Ansible's
``!vault``, CloudFormation's ``!Ref``. A placeholder is *unknown*, never
wrong; where the syntax carries a default, the default is the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# $$ is an escaped dollar (Compose); ${VAR}, ${VAR:-default}, ${VAR-default}, $VAR.
# Spring's ${name:default} too (":" alone); names may hold dots there. As one
# pattern, \$\{name(op[^}]*)?\} retried the rest of the text at every "${"
# that no "}" closes (quadratic): _variables scans instead, with the same
# answers (tested against that pattern).
_BRACED_HEAD = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.]*)(:?[-?+=]|:)?")
_BARE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_TEMPLATE = re.compile(r"\{\{|\{%|\{#|<%=?|%\{")
_TEMPLATE_OPEN = re.compile(r"\{[{%]")


@dataclass(frozen=True)
class Variable:
    """One ``$$``, ``${name...}`` or ``$name`` in a text: [start, end)."""

    start: int
    end: int
    escaped: bool = False            # $$
    operator: str | None = None      # ${name:-default}: ":-"
    default: str = ""


class _NextFinder:
    """The first occurrence of ``needle`` at or after a position that only
    grows: each search starts where the last answer was passed, so every
    position of the text is looked at once."""

    def __init__(self, text: str, needle: str):
        # found: -2 before the first search, -1 once none is left
        self.text, self.needle, self.found = text, needle, -2

    def at_or_after(self, position: int) -> int:
        if self.found != -1 and self.found < position:
            self.found = self.text.find(self.needle, position)
        return self.found


def _variables(text: str) -> list[Variable]:
    r"""The variables of ``text``, left to right, as the pattern
    ``\$\$|\$\{name(?:(op)([^}]*))?\}|\$name`` finds them, in linear time."""
    found: list[Variable] = []
    closing = _NextFinder(text, "}")
    index = text.find("$")
    while index >= 0:
        end = None
        if text.startswith("$$", index):
            found.append(Variable(index, index + 2, escaped=True))
            end = index + 2
        elif (head := _BRACED_HEAD.match(text, index)) is not None:
            close = closing.at_or_after(head.end())
            operator = head.group(2)
            if close >= 0 and (operator is not None or close == head.end()):
                found.append(Variable(index, close + 1, operator=operator,
                                      default=text[head.end():close]))
                end = close + 1
        elif (bare := _BARE.match(text, index)) is not None:
            found.append(Variable(index, bare.end()))
            end = bare.end()
        index = text.find("$", index + 1 if end is None else end)
    return found


def _replace_variables(text: str, replacement) -> str:
    """``text`` with each variable replaced by ``replacement(variable)``."""
    parts, last = [], 0
    for variable in _variables(text):
        parts += [text[last:variable.start], replacement(variable)]
        last = variable.end
    return "".join(parts) + text[last:]


def _blank_templates(text: str) -> str:
    r"""``{{ ... }}`` and ``{% ... %}`` on one line each become a marker, as
    the pattern ``\{\{.*?\}\}|\{%.*?%\}`` replaces them, in linear time."""
    closers = {"{{": _NextFinder(text, "}}"), "{%": _NextFinder(text, "%}")}
    newline = _NextFinder(text, "\n")
    parts, last, position = [], 0, 0
    while (opening := _TEMPLATE_OPEN.search(text, position)) is not None:
        start = opening.start()
        close = closers[opening.group()].at_or_after(start + 2)
        line_end = newline.at_or_after(start + 2)
        if close >= 0 and (line_end < 0 or close < line_end):
            parts += [text[last:start], PLACEHOLDER]
            last = position = close + 2
        else:
            position = start + 1
    return "".join(parts) + text[last:]


# Tags whose value is a reference to a secret kept elsewhere.
SECRET_TAGS = frozenset({"!secret", "!vault", "!env_var", "!include", "!sops"})
STANDARD_TAG = "tag:yaml.org,2002:"


@dataclass(frozen=True)
class Scalar:
    """A field's value as read from the file.

    ``state``: ``value`` (``text`` is what the app reads), ``reference``
    (a secret or variable filled in elsewhere), ``unknown`` (a template or
    a tag we cannot evaluate), ``absent`` (not written) or ``empty``.
    """

    state: str
    text: str | None = None
    line: int = 0          # 1-based; 0 when absent
    column: int = 0
    path: str = ""         # the YAML path it came from, e.g. "global/smtp_smarthost"
    tag: str | None = None
    templated: bool = False   # the value came through ${VAR:-default}
    raw: str | None = None    # the scalar as written (placeholders and all)
    plain: bool = False       # a plain (unquoted) YAML scalar: YAML 1.1 tools read yes/no
    shared: bool = False      # written in an anchor merged in with <<: not edited by --fix

    @property
    def known(self) -> bool:
        return self.state == "value"

    @property
    def present(self) -> bool:
        return self.state not in ("absent", "empty")


ABSENT = Scalar("absent")


def classify(text: str, tag: str | None, *, plain: bool = True) -> tuple[str, str | None]:
    """(state, text) for a scalar with an optional non-standard tag."""
    if tag and not tag.startswith(STANDARD_TAG) and tag != "!":
        return ("reference" if tag in SECRET_TAGS else "unknown"), None
    if text.strip() == "" or (plain and text.strip() in ("~", "null", "Null", "NULL")):
        return "empty", None
    if _TEMPLATE.search(text):
        return "unknown", None
    if "$" in text:
        return substitute(text)
    return "value", text


PLACEHOLDER = "\x00"


def blank_placeholders(text: str) -> str:
    """The text with every template or variable replaced by a marker, so the
    literal parts around it (a URL scheme, a port) can still be read."""
    return _replace_variables(_blank_templates(text),
                              lambda variable: "$" if variable.escaped else PLACEHOLDER)


def has_variable(text: str) -> bool:
    return any(not variable.escaped for variable in _variables(text))


def substitute(text: str) -> tuple[str, str | None]:
    """Compose-style interpolation: a variable with a default becomes the
    default; one without makes the whole value a reference."""
    unresolved = False

    def replace(variable: Variable) -> str:
        nonlocal unresolved
        if variable.escaped:
            return "$"
        if variable.operator in (":-", "-", ":"):
            return variable.default
        unresolved = True
        return ""

    result = _replace_variables(text, replace)
    if unresolved:
        return "reference", None
    return "value", result


TRUE_WORDS = frozenset({"true", "yes", "on", "1", "y", "t"})
FALSE_WORDS = frozenset({"false", "no", "off", "0", "n", "f", ""})


def to_bool(text: str, true_words=TRUE_WORDS, false_words=FALSE_WORDS) -> bool | None:
    lowered = text.strip().strip("\"'").lower()
    if lowered in true_words:
        return True
    if lowered in false_words:
        return False
    return None


def to_port(text: str) -> int | None:
    stripped = text.strip().strip("\"'")
    if stripped.isdigit() and 0 < int(stripped) < 65536:
        return int(stripped)
    return None


def split_host_port(text: str) -> tuple[str | None, str | None]:
    """``host:port``, ``[v6]:port``, ``host`` -> (host, port text or None)."""
    value = text.strip()
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        return host, (rest[1:] if rest.startswith(":") else None)
    if value.count(":") == 1:
        host, _, port = value.partition(":")
        return host, port
    return value, None


@dataclass(frozen=True)
class Url:
    scheme: str | None
    host: str | None
    port: str | None
    has_userinfo: bool = False


def split_url(text: str) -> Url:
    """``scheme://[user@]host[:port][/path]``; without ``://`` a host:port."""
    value = text.strip()
    scheme = None
    if "://" in value:
        scheme, _, value = value.partition("://")
        scheme = scheme.lower()
    value = value.split("/", 1)[0].split("?", 1)[0]
    userinfo = "@" in value
    if userinfo:
        value = value.rsplit("@", 1)[1]
    host, port = split_host_port(value)
    return Url(scheme, host or None, port, userinfo)


LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost",
                            "ip6-loopback"})


def is_loopback(host: str) -> bool:
    lowered = host.strip().lower().strip("[]")
    if lowered in LOOPBACK_NAMES or lowered.endswith(".localhost"):
        return True
    if lowered == "::1" or lowered.startswith("127."):
        return True
    return False


def is_local(host: str) -> bool:
    """Loopback, or a one-label name (a container or service on the same
    private network, e.g. Compose's ``smtp`` or ``mailhog``), or a Unix socket."""
    lowered = host.strip().lower()
    if is_loopback(lowered) or lowered.startswith("/"):
        return True
    return "." not in lowered and ":" not in lowered and not lowered.replace("-", "").isdigit()
