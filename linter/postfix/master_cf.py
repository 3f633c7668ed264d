"""master.cf: a lossless tree of service entries and their ``-o`` options.

Each entry has the eight fields ``master`` reads (service, type, private,
unpriv, chroot, wakeup, maxproc, command) and the command's arguments.
What ``master`` would refuse (field count, type, y/n values, a private
inet service) and what smtpd would refuse at start-up (``-o name = value``,
stray arguments) become diagnostics; reading goes on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from linter.diagnostics import Diagnostic
from linter.postfix.numbers import master_number
from linter.postfix.quote import token as quote_token
from linter.postfix.syntax import (
    BLANKS,
    MAX_LINES,
    LogicalText,
    Node,
    NodeKind,
    Token,
    decode,
    group_nodes,
    has_template_lines,
    paused_gc,
    serialize,
    split_lines,
    unread_line,
)
from linter.postfix.template import has_placeholder

SERVICE_TYPES = ("inet", "unix", "unix-dgram", "fifo", "pass")
FIELD_NAMES = ("service", "type", "private", "unpriv", "chroot", "wakeup", "maxproc", "command")
YES_NO_FIELDS = ("private", "unpriv", "chroot")
# Daemons known to refuse a stray word ("unexpected command-line argument").
# Other commands (pipe argv=..., spawn, ...) use their remaining words, and
# for the rest we do not claim to know: no finding is better than a false one.
OPTION_ONLY_DAEMONS = frozenset({"smtpd"})
# A real entry has a few dozen words, a real master.cf a few dozen
# entries; each costs memory in the model (about 4 KB an entry).
MAX_WORDS = 10_000
MAX_SERVICES = 50_000
# What a service name (a socket name, or [host]:port) looks like: messages
# quote only such names, since a line of a file that is no master.cf (a
# committed symlink to /etc/passwd) must not reach CI logs.
SERVICE_NAME_LIKE = re.compile(r"[A-Za-z0-9_.:\[\]@%+=-]{1,64}")


@dataclass(slots=True)
class Override:
    """One ``-o name=value`` option of an entry."""

    name: str
    raw: str
    line: int
    column: int
    # postconf -P stops reading options at the first malformed word; smtpd
    # refuses to start instead. Options after it are hidden from postconf.
    postconf_visible: bool = True


@dataclass
class Service:
    """One master.cf entry."""

    node: Node
    fields: list[Token]
    arguments: list[Token] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
    valid: bool = True
    templated: bool = False   # a field is a template placeholder

    @property
    def name(self) -> str:
        return self.fields[0].text

    @property
    def plausible(self) -> bool:
        """Looks like an entry (a service-like name and a type field): only
        then do findings name it."""
        return len(self.fields) > 1 and SERVICE_NAME_LIKE.fullmatch(self.name) is not None

    @property
    def label(self) -> str:
        """``name/type`` for messages, when the entry looks like one."""
        return self.key if self.plausible else "(a line that is not a master.cf entry)"

    @property
    def type(self) -> str:
        return self.fields[1].text if len(self.fields) > 1 else ""

    @property
    def line(self) -> int:
        return self.fields[0].line

    @property
    def command(self) -> str:
        if len(self.fields) < 8:
            return ""
        return self.fields[7].text.rsplit("/", 1)[-1]

    @property
    def key(self) -> str:
        """The ``name/type`` that postconf -P and -M use."""
        return f"{self.name}/{self.type}"

    def field_value(self, name: str) -> str:
        index = FIELD_NAMES.index(name)
        return self.fields[index].text if index < len(self.fields) else ""

    def override_map(self) -> dict[str, Override]:
        """The override in force for each name (the last ``-o`` wins)."""
        return {override.name: override for override in self.overrides}


@dataclass
class MasterCf:
    path: str
    nodes: list[Node]
    services: list[Service] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def serialize(self) -> str:
        return serialize(self.nodes)

    @property
    def templated(self) -> bool:
        """The file is a template: a template line, or a placeholder in an
        entry (a field, an option or an argument)."""
        return has_template_lines(self.nodes) or any(
            service.templated or any(has_placeholder(token.text) for token in service.arguments)
            for service in self.services)


def parse_master_cf(data: bytes | str, path: str = "master.cf") -> MasterCf:
    with paused_gc():
        return _parse_master_cf(data, path)


def _parse_master_cf(data: bytes | str, path: str) -> MasterCf:
    text, diagnostics = decode(data, path)
    master = MasterCf(path, group_nodes(split_lines(text)), diagnostics=diagnostics)
    master.diagnostics.extend(_unread(master.nodes, path))
    for node in master.nodes:
        if node.kind is NodeKind.STRAY:
            master.diagnostics.append(Diagnostic(
                path, node.first_line, 1, "warning", "parse-error",
                "logical line must not start with whitespace: ignored by Postfix"))
        elif node.kind is NodeKind.ENTRY and len(master.services) >= MAX_SERVICES:
            master.diagnostics.append(Diagnostic(
                path, node.first_line, 1, "error", "master-entry-invalid",
                f"master.cf has more than {MAX_SERVICES:,} entries: smtplint reads only "
                "the first ones, so the rest is not checked"))
            break
        elif node.kind is NodeKind.ENTRY:
            service = _service(node, path, master.diagnostics)
            if service is not None:
                master.services.append(service)
    return master


def _unread(nodes, path: str) -> list[Diagnostic]:
    line = unread_line(nodes)
    if line is None:
        return []
    return [Diagnostic(path, line, 1, "error", "parse-error",
                       f"the file has more than {MAX_LINES:,} lines: smtplint reads only the "
                       "first ones (Postfix reads them all), so the rest is not checked")]


def _service(node: Node, path: str, diagnostics: list[Diagnostic]) -> Service | None:
    tokens = LogicalText(node.logical_lines).tokens(braces=True, limit=MAX_WORDS)
    if len(tokens) > MAX_WORDS:
        extra = tokens.pop()
        diagnostics.append(Diagnostic(
            path, extra.line, extra.column, "warning", "master-entry-invalid",
            f"the entry has more than {MAX_WORDS:,} words: smtplint reads only the first "
            f"{MAX_WORDS:,}, so the rest is not checked"))
    if not tokens:  # a NUL byte first: Postfix sees an empty entry
        diagnostics.append(Diagnostic(path, node.first_line, 1, "error", "master-entry-invalid",
                                      "entry has no fields: master refuses it"))
        return None
    service = Service(node, tokens[:8], tokens[8:])

    def refuse(token: Token, message: str, code: str = "master-entry-invalid") -> None:
        service.valid = False
        diagnostics.append(Diagnostic(path, token.line, token.column, "error", code, message))

    def warn(token: Token, message: str) -> None:
        diagnostics.append(Diagnostic(path, token.line, token.column, "warning",
                                      "master-entry-invalid", message))

    if len(tokens) < 8:
        # One word is not an entry at all (perhaps not a master.cf): not quoted.
        what = f"entry {quote_token(service.name)}" if service.plausible else "line"
        refuse(tokens[-1], f"{what} has {len(tokens)} fields; master.cf entries need 8 "
                           f"({' '.join(FIELD_NAMES)}): master refuses it")
        return service
    _check_fields(service, refuse, warn)
    _read_arguments(service, path, diagnostics)
    return service


def _check_fields(service: Service, refuse, warn) -> None:
    if any(has_placeholder(token.text) for token in service.fields):
        service.templated = True
        return  # a template fills these in: their values are unknown
    type_token = service.fields[1]
    if type_token.text not in SERVICE_TYPES:
        refuse(type_token, f"invalid type field {quote_token(type_token.text)} in service "
                           f"{quote_token(service.label)}: expected one of "
                           f"{', '.join(SERVICE_TYPES)}")
    for name in YES_NO_FIELDS:
        token = service.fields[FIELD_NAMES.index(name)]
        if token.text not in ("y", "n", "-"):
            refuse(token, f"invalid {name} field {quote_token(token.text)} in service "
                          f"{service.label}: expected y, n or -")
    private = service.fields[2]
    if service.type == "inet" and private.text in ("y", "-"):
        refuse(private, f"{service.label}: inet service cannot be private "
                        f"(private field is {quote_token(private.text)}; use n)")
    for index, name in ((5, "wakeup"), (6, "maxproc")):
        _check_number(service, service.fields[index], name, refuse, warn)


def _check_number(service: Service, field_token: Token, name: str, refuse, warn) -> None:
    """master_ent.c's get_int_ent: "-", or text that starts with an ASCII
    digit and that atoi() reads as a non-negative int."""
    if field_token.text == "-":
        return
    number = master_number(field_token.text, question=name == "wakeup")
    shown = quote_token(field_token.text)
    if number.value is None:
        wanted = ("a number, a number followed by ?, or -" if name == "wakeup"
                  else "a number or -")
        refuse(field_token, f"invalid {name} field {shown} in service {service.label}: "
                            f"{number.note}; expected {wanted} (master refuses it)")
    elif number.note:
        warn(field_token, f"{name} field {shown} in service {service.label}: {number.note}")


def _read_arguments(service: Service, path: str, diagnostics: list[Diagnostic]) -> None:
    """Collect ``-o`` overrides the way postconf and smtpd read them."""
    option_only = service.command in OPTION_ONLY_DAEMONS
    visible = True
    words = service.arguments
    index = 0

    def broken(token: Token, message: str) -> None:
        diagnostics.append(Diagnostic(path, token.line, token.column, "error",
                                      "master-option-syntax", f"{service.label}: {message}"))

    while index < len(words):
        word = words[index]
        if has_placeholder(word.text):
            index += 1  # template text: unknown, neither an option nor a stray
            continue
        if word.text == "-o" or (word.text.startswith("-o") and len(word.text) > 2):
            if word.text == "-o":
                if index + 1 >= len(words):
                    broken(word, "-o without a name=value argument: smtpd refuses to start")
                    return
                value_token = words[index + 1]
                option = value_token.text
                index += 2
            else:
                value_token = word
                option = word.text[2:]
                index += 1
            override, problem = _split_option(option, value_token)
            if override is None and has_placeholder(option):
                continue  # e.g. -o {{ item }}: the template decides
            if override is None:
                # postconf -P drops a malformed -o (with a warning, or
                # silently when it has no "=") and reads on; it stops at
                # the first word that is no option: a detached "= value".
                after = _skip_detached_value(option, words, index)
                if after > index:
                    problem += ("; postconf -P also stops at the detached "
                                f"{quote_token(words[index].text)} and drops every later -o")
                    visible = False
                index = after
                broken(value_token, problem)
                continue
            override.postconf_visible = visible
            service.overrides.append(override)
            continue
        if word.text.startswith("-"):
            index += 1  # another daemon option such as -v or -D
            continue
        if not option_only:
            return  # the command's own arguments: pipe argv=..., spawn, ...
        broken(word, f"stray argument {quote_token(word.text)}{_stray_hint(service)}: "
                     "smtpd refuses "
                     "to start, and postconf -P silently drops it and every later -o")
        visible = False
        index += 1


def _skip_detached_value(option: str, words: list[Token], index: int) -> int:
    """After ``-o name`` with no '=', step over a detached ``= value`` or
    ``=value``: it belongs to the same mistake and is reported with it."""
    if "=" in option or index >= len(words) or not words[index].text.startswith("="):
        return index
    if (words[index].text == "=" and index + 1 < len(words)
            and not words[index + 1].text.startswith("-")):
        return index + 2   # "= value"; "= -o ..." has no value, the -o is read
    return index + 1


def _stray_hint(service: Service) -> str:
    if service.overrides and service.overrides[-1].raw.endswith(","):
        last = service.overrides[-1]
        return (f" (the list in -o {last.name}={last.raw} is cut at the blank: write it "
                f"without blanks, or as -o {{ {last.name} = ... }})")
    return ""


def _split_option(option: str, token: Token) -> tuple[Override | None, str]:
    if option.startswith("{"):
        if not option.endswith("}"):
            return None, f"unclosed '{{' in -o {quote_token(option)}: smtpd refuses to start"
        option = option[1:-1].strip(BLANKS)
    equals = option.find("=")
    if equals < 0:
        return None, (f"-o {quote_token(option)} has no '=': smtpd refuses to start, and postconf -P "
                      "silently drops it (write -o name=value without "
                      "blanks around '=', or -o { name = value })")
    name = option[:equals].strip(BLANKS)
    if not name or any(char in BLANKS for char in name):
        return None, (f"-o {quote_token(option)} has no valid parameter name: smtpd "
                      "refuses to start")
    value = " ".join(piece.strip(BLANKS) for piece in option[equals + 1:].split("\n"))
    return Override(name, value.strip(BLANKS), token.line, token.column), ""
