"""`smtplint show`: each service's effective settings and their origin.

The JSON document has a stable shape other tools read::

    {"postfix_version": ..., "main": {name: {value, raw, line, known}},
     "services": [{name, type, line, command, port, host, role, tls,
                   chroot, valid, params: {name: {value, raw, source, known}}}],
     "diagnostics": [{path, line, column, severity, code, message}]}

A service lists what main.cf sets, what its own ``-o`` set, and for smtpd
services the parameters that decide TLS, SASL and relaying. That is every
main.cf parameter once per service, so the document is written as it is
made (``write_json``, ``write_text``), never held whole in memory; a
setting that services share with main.cf is serialised once and the text
reused. Strings are escaped the way lint's JSON does it: undecodable bytes
become ``\\xNN`` (lone surrogates are not valid JSON for strict parsers).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import TextIO

from linter.postfix.resolve import Configuration, ServiceView, Setting, chroot_default

# Besides what main.cf and -o set, show what decides TLS, SASL and relaying.
DECISIVE_PARAMETERS = (
    "compatibility_level", "mynetworks", "mynetworks_style",
    "smtpd_tls_wrappermode", "smtpd_tls_security_level", "smtpd_use_tls",
    "smtpd_enforce_tls", "smtpd_tls_auth_only", "smtpd_tls_cert_file",
    "smtpd_tls_key_file", "smtpd_tls_chain_files", "smtpd_tls_protocols",
    "smtpd_tls_mandatory_protocols", "smtpd_tls_ciphers", "smtpd_tls_mandatory_ciphers",
    "smtpd_tls_exclude_ciphers", "smtpd_tls_mandatory_exclude_ciphers",
    "smtpd_sasl_auth_enable", "smtpd_sasl_type", "smtpd_sasl_path",
    "smtpd_sasl_security_options", "smtpd_sasl_tls_security_options",
    "smtpd_client_restrictions", "smtpd_helo_restrictions", "smtpd_sender_restrictions",
    "smtpd_relay_restrictions", "smtpd_recipient_restrictions", "smtpd_data_restrictions",
    "smtpd_end_of_data_restrictions", "smtpd_sender_login_maps",
)
EXIT_OK, EXIT_USAGE = 0, 2
INDENT = "  "


# -- the command -----------------------------------------------------------

def run(path: str, output_format: str, version: str | None, stdout: TextIO,
        stderr: TextIO) -> int:
    """Load, resolve and print; 2 with a message when nothing can be shown."""
    from linter.postfix.load import load_files, pair_for
    from linter.postfix.params import DEFAULT_VERSION, SUPPORTED_VERSIONS
    from linter.postfix.resolve import resolve

    version = version or DEFAULT_VERSION
    if version not in SUPPORTED_VERSIONS:
        return _usage(stderr, f"unsupported Postfix version {version!r}; "
                              f"choose one of {', '.join(SUPPORTED_VERSIONS)}")
    if not os.path.exists(path):
        return _usage(stderr, f"{path}: no such file or directory")
    paths = pair_for(path)
    if paths.main is None and paths.master is None:
        return _usage(stderr, f"{path}: no main.cf or master.cf found")
    main, master, problems = load_files(paths)
    if problems:
        # An unreadable file: its settings cannot be shown, only guessed.
        return _usage(stderr, "; ".join(_one_line(f"{d.path}: {d.message}")
                                        for d in problems))
    config = resolve(main, master, version)
    try:
        if output_format == "json":
            write_json(config, stdout)
        else:
            write_text(config, stdout)
        stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    return EXIT_OK


def _usage(stderr: TextIO, message: str) -> int:
    stderr.write(f"smtplint: error: {message}\n")
    return EXIT_USAGE


def _one_line(text: str) -> str:
    from linter.report.escape import one_line

    return one_line(text)


def _silence_stdout() -> None:
    """The reader went away (``smtplint show | head``): not an error."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
    except OSError:
        pass
    finally:
        os.close(devnull)


# -- JSON, streamed --------------------------------------------------------

def write_json(config: Configuration, out: TextIO) -> None:
    """The document, byte for byte what ``json.dumps(show_document(config),
    indent=2)`` gives (with lint's escaping), one small piece at a time."""
    main_defs = _main_definitions(config)
    fragments = _Fragments(config, main_defs)
    out.write("{\n")
    out.write(f'{INDENT}"postfix_version": {_dumps(config.version)},\n')
    _write_object(out, '"main"', (fragments.main(config, name, param)
                                  for name, param in main_defs.items()), 1)
    out.write(",\n")
    out.write(f'{INDENT}"services": ')
    if config.services:
        out.write("[\n")
        main_names = list(main_defs)
        for position, view in enumerate(config.services):
            _write_service(out, view, main_names, fragments)
            out.write(",\n" if position + 1 < len(config.services) else "\n")
        out.write(f"{INDENT}]")
    else:
        out.write("[]")
    out.write(",\n")
    out.write(f'{INDENT}"diagnostics": ')
    if config.diagnostics:
        out.write("[\n")
        last = len(config.diagnostics) - 1
        for position, diagnostic in enumerate(config.diagnostics):
            out.write(_indented(_dumps(_diagnostic(diagnostic)), 2))
            out.write(",\n" if position < last else "\n")
        out.write(f"{INDENT}]")
    else:
        out.write("[]")
    out.write("\n}\n")


def _write_service(out: TextIO, view: ServiceView, main_names: list[str],
                   fragments: _Fragments) -> None:
    head = _dumps(_service_head(view))   # {"name": ..., ..., "valid": ...}
    out.write(_indented(head[:-2], 2))   # without the closing "\n}"
    out.write(",\n")
    _write_object(out, '"params"', fragments.service_members(view, main_names), 3)
    out.write(f"\n{INDENT * 2}}}")


def _write_object(out: TextIO, key: str, items: Iterator[str], level: int) -> None:
    """``key: {item, ...}`` at ``level``; each item is a rendered
    ``"name": {...}`` member, indented for level + 1."""
    pad = INDENT * level
    out.write(f"{pad}{key}: ")
    first = True
    for item in items:
        out.write("{\n" if first else ",\n")
        first = False
        out.write(item)
    out.write("{}" if first else f"\n{pad}}}")


class _Fragments:
    """Rendered members, keyed by the Setting they come from: a setting
    that many services share with main.cf is rendered once. Only small
    members are kept: 600 names that all refer to one 2 MiB value share
    that value in the model, but 600 rendered copies took 1.2 GB. A large
    member, or any once KEPT_TOTAL characters are kept, is rendered again
    each time it is written (time in proportion to the output)."""

    MAIN_LEVEL, SERVICE_LEVEL = 2, 4
    KEPT_CHARS = 4096              # the largest member kept for reuse
    KEPT_TOTAL = 32 * 1024 * 1024  # characters kept in all

    def __init__(self, config: Configuration, main_defs: dict):
        self._config = config
        self._service: dict[int, tuple[Setting, str]] = {}
        self._shared: dict[str, str] = {}
        # Which main.cf names use a name: a service that writes that name
        # (by -o) has its own value for them; all others are main.cf's.
        self._users: dict[str, list[str]] = {}
        self._errors: list[str] = []   # never shared (see Context._shared_setting)
        self._kept = 0
        for name in main_defs:
            setting = config.context.setting(name)
            if setting is not None and setting.expansion.errors:
                self._errors.append(name)
            for used in setting.expansion.references if setting else ():
                self._users.setdefault(used, []).append(name)

    def service_members(self, view: ServiceView, main_names: list[str]) -> Iterator[str]:
        """The rendered members of a service's "params", in document order."""
        local = view.context.local_names
        own = set(local)
        own.update(self._errors)
        for name in local:
            own.update(self._users.get(name, ()))
        seen = set(main_names)
        for name in main_names:
            member = self.service(view, name) if name in own else self._main_member(name)
            if member is not None:
                yield member
        for name in service_parameters(view, []):
            if name not in seen:
                seen.add(name)
                member = self.service(view, name)
                if member is not None:
                    yield member

    def _main_member(self, name: str) -> str | None:
        """A member whose setting is main.cf's: the same in every service
        that does not write what it uses."""
        found = self._shared.get(name)
        if found is None:
            setting = self._config.context.setting(name)
            found = _member(name, _setting(setting), self.SERVICE_LEVEL) if setting else ""
            if self._keeps(found):
                self._shared[name] = found
        return found or None

    def main(self, config: Configuration, name: str, param) -> str:
        setting = config.context.setting(name)
        return _member(name, {"value": setting.value, "raw": param.raw, "line": param.line,
                              "known": setting.known}, self.MAIN_LEVEL)

    def service(self, view: ServiceView, name: str) -> str | None:
        setting = view.setting(name)
        if setting is None:
            return None
        if not view.context.shares(name):
            return _member(name, _setting(setting), self.SERVICE_LEVEL)  # its own: not kept
        found = self._service.get(id(setting))
        if found is None or found[0] is not setting:
            found = (setting, _member(name, _setting(setting), self.SERVICE_LEVEL))
            if self._keeps(found[1]):
                self._service[id(setting)] = found
        return found[1]

    def _keeps(self, member: str) -> bool:
        """Whether to keep ``member`` for reuse (counting it if so)."""
        if len(member) > self.KEPT_CHARS or self._kept + len(member) > self.KEPT_TOTAL:
            return False
        self._kept += len(member)
        return True


def _member(name: str, value: dict, level: int) -> str:
    """``"name": {...}`` as json.dumps(indent=2) writes it at ``level``."""
    pad = INDENT * level
    return f"{pad}{_dumps(name)}: {_indented(_dumps(value), level, first_line=False)}"


def _indented(text: str, level: int, first_line: bool = True) -> str:
    """Indent a dumped (indent=2) JSON text to sit at ``level``."""
    pad = INDENT * level
    lines = text.split("\n")
    head = (pad + lines[0]) if first_line else lines[0]
    return "\n".join([head] + [pad + line for line in lines[1:]])


def _dumps(value) -> str:
    from linter.report.escape import unicode_data

    return json.dumps(unicode_data(value), indent=2, ensure_ascii=True)


# -- the document as data (small configurations, tests) --------------------

def show_document(config: Configuration) -> dict:
    main_defs = _main_definitions(config)
    main = {}
    for name, param in main_defs.items():
        setting = config.context.setting(name)
        main[name] = {"value": setting.value, "raw": param.raw, "line": param.line,
                      "known": setting.known}
    names = list(main_defs)
    return {
        "postfix_version": config.version,
        "main": main,
        "services": [_service(view, names) for view in config.services],
        "diagnostics": [_diagnostic(d) for d in config.diagnostics],
    }


def _main_definitions(config: Configuration) -> dict:
    return config.main.definitions() if config.main else {}


def service_parameters(view: ServiceView, main_names: list[str]) -> Iterator[str]:
    """main.cf's names, the service's -o names, and (smtpd) the decisive
    parameters, each once, in that order."""
    seen: set[str] = set()
    groups = [main_names, [o.name for o in view.service.overrides]]
    if view.role is not None:
        groups.append(DECISIVE_PARAMETERS)
    for group in groups:
        for name in group:
            if name not in seen:
                seen.add(name)
                yield name


def _service_head(view: ServiceView) -> dict:
    service = view.service
    return {
        "name": service.name, "type": service.type, "line": service.line,
        "command": service.command,
        "port": view.listener.port if view.listener else None,
        "host": view.listener.host if view.listener else None,
        "role": view.role, "tls": view.tls if view.role is not None else None,
        "chroot": _chroot(view), "valid": service.valid,
    }


def _service(view: ServiceView, main_names: list[str]) -> dict:
    params = {}
    for name in service_parameters(view, main_names):
        setting = view.setting(name)
        if setting is not None:
            params[name] = _setting(setting)
    return {**_service_head(view), "params": params}


def _chroot(view: ServiceView) -> str:
    written = view.service.field_value("chroot")
    return chroot_default(view.context) if written == "-" else written


def _setting(setting: Setting) -> dict:
    return {"value": setting.value, "raw": setting.raw, "source": setting.source.label,
            "known": setting.known}


def _diagnostic(diagnostic) -> dict:
    return {"path": diagnostic.path, "line": diagnostic.line, "column": diagnostic.column,
            "severity": diagnostic.severity, "code": diagnostic.code,
            "message": diagnostic.message}


# -- text ------------------------------------------------------------------

def write_text(config: Configuration, out: TextIO) -> None:
    """For people: each service with its role and TLS mode; for smtpd
    services every setting, its value and where it came from."""
    from linter.report.escape import plain

    out.write(f"Postfix {config.version}\n")
    main_names = list(_main_definitions(config))
    for view in config.services:
        service = view.service
        port = view.listener.port if view.listener else None
        where = f"port {port}" if port is not None else service.type
        role = f", role {view.role}, TLS {view.tls}" if view.role is not None else ""
        out.write("\n")
        out.write(plain(f"{service.name}/{service.type} (master.cf:{service.line}, "
                        f"{service.command}, {where}{role})") + "\n")
        if view.role is None:
            continue
        for name in service_parameters(view, main_names):
            setting = view.setting(name)
            if setting is not None:
                out.write(plain(_setting_line(name, _setting(setting))) + "\n")
    if config.diagnostics:
        out.write("\n")
        out.writelines(plain(f"{d.path}:{d.line}:{d.column}: {d.severity}: {d.message} "
                            f"[{d.code}]") + "\n" for d in config.diagnostics)


def _setting_line(name: str, param: dict) -> str:
    shown = param["value"] if param["known"] else f"{param['value']} (unknown)"
    raw = f"   [{param['raw']}]" if param["raw"] != param["value"] else ""
    return f"  {name} = {shown}   <- {param['source']}{raw}"


def render_text(document: dict) -> str:
    """The text output of a document made by ``show_document``."""
    from linter.report.escape import plain

    out = [f"Postfix {document['postfix_version']}"]
    for service in document["services"]:
        where = f"port {service['port']}" if service["port"] is not None else service["type"]
        role = f", role {service['role']}, TLS {service['tls']}" if service["role"] else ""
        out.append("")
        out.append(plain(f"{service['name']}/{service['type']} (master.cf:{service['line']}, "
                         f"{service['command']}, {where}{role})"))
        if service["role"] is None:
            continue
        for name, param in service["params"].items():
            out.append(plain(_setting_line(name, param)))
    if document["diagnostics"]:
        out.append("")
        for d in document["diagnostics"]:
            out.append(plain(f"{d['path']}:{d['line']}:{d['column']}: {d['severity']}: "
                             f"{d['message']} [{d['code']}]"))
    return "\n".join(out) + "\n"
