"""Effective settings: what main.cf and each master.cf service really mean.

smtpd starts from Postfix's defaults, reads main.cf, applies the service's
``-o`` overrides, and only then expands ``$name`` references. So a main.cf
value that refers to an overridden name follows the override in that
service (``postconf -Px`` does not show this; smtpd does it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from linter.diagnostics import Diagnostic
from linter.postfix.expand import Expander, Expansion, compatibility_key
from linter.postfix.main_cf import MainCf, Parameter
from linter.postfix.master_cf import MasterCf, Override, Service
from linter.postfix.params import (
    DEFAULT_VERSION,
    ParameterData,
    default_references,
    parameter_data,
)
from linter.postfix.ports import ROLE_BY_PORT, Listener, known_tcp_ports, listener
from linter.postfix.syntax import NodeKind, line_kind, paused_gc

TLS_LEVELS = ("none", "may", "encrypt", "fingerprint", "verify", "secure")
# Postfix derives myhostname's default from the machine's name (plus
# mydomain when the name is short) and mydomain's from myhostname.
# host_values may carry the machine's name under HOSTNAME (not a Postfix
# parameter) so the model can follow those rules.
HOSTNAME = "hostname"
HOSTNAME_DEFAULTS = ("myhostname", "mydomain")
# Names whose value follows a per-service myhostname or mydomain.
HOST_DEPENDENT = frozenset(HOSTNAME_DEFAULTS)
# What master.cf's "-" means for the fields whose default is fixed.
FIELD_DEFAULTS = {"private": "y", "unpriv": "y", "wakeup": "0"}
DEFAULT_DOMAIN = "localdomain"


@dataclass(frozen=True, slots=True)
class Source:
    """Where a raw value was written: main.cf, a master.cf -o, or a default."""

    kind: str          # "main", "master" or "default"
    path: str = ""
    line: int = 0
    column: int = 0

    @property
    def label(self) -> str:
        if self.kind == "default":
            return "default"
        return f"{_basename(self.path)}:{self.line}"


@dataclass(frozen=True, slots=True)
class Setting:
    """One parameter's effective value in one context."""

    name: str
    raw: str
    source: Source
    expansion: Expansion

    @property
    def value(self) -> str:
        return self.expansion.value

    @property
    def known(self) -> bool:
        """False when the value depends on something that cannot be known."""
        return self.expansion.known


class Context:
    """A parameter table (defaults, main.cf, then -o overrides) and its
    expansion, as one Postfix process sees it."""

    def __init__(self, data: ParameterData, main: dict[str, Parameter], main_path: str,
                 overrides: dict[str, Override] | None = None, master_path: str = "",
                 extra: dict[str, str] | None = None, host_values: dict[str, str] | None = None,
                 parent: Context | None = None):
        self._data = data
        # The main.cf-level context of the same files: a setting that uses
        # nothing this context changes is shared from it (a large speed-up
        # for master.cf files with many services).
        self._parent = parent
        self._main = main
        self._main_path = main_path
        self._overrides = overrides or {}
        self._master_path = master_path
        self._extra = extra or {}
        self._host_values = host_values or {}
        # A host-derived default (myhostname, mynetworks...) describes the
        # machine smtplint runs on, so it is unknown unless written down.
        self._unknown = {name for name in data.host_derived
                         if name not in self._host_values and not self._written(name)}
        self._unknown.difference_update(name for name in HOSTNAME_DEFAULTS
                                        if self._derivable(name))
        self._cache: dict[str, Setting] = {}

    def _written(self, name: str) -> bool:
        return name in self._overrides or name in self._main or name in self._extra

    @property
    def master_path(self) -> str:
        return self._master_path

    def raw_value(self, name: str) -> str | None:
        if name in self._overrides:
            return self._overrides[name].raw
        if name in self._main:
            return self._main[name].raw
        if name in self._extra:
            return self._extra[name]
        if name in HOSTNAME_DEFAULTS and self._derivable(name):
            return self._hostname_default(name)
        if name in self._host_values:
            return self._host_values[name]
        return self._data.defaults.get(name)

    # -- myhostname and mydomain defaults, as mail_params.c derives them ----

    def _derivable(self, name: str) -> bool:
        """Whether Postfix's default for ``name`` can be computed here."""
        if name == "myhostname":
            return HOSTNAME in self._host_values
        return self._written("myhostname") or self._derivable("myhostname")

    def _hostname_default(self, name: str) -> str:
        if name == "myhostname":
            host = self._host_values[HOSTNAME]
            if "." not in host:  # a short name gets mydomain (or localdomain)
                host = f"{host}.{self._mydomain_without_myhostname().value}"
            return host  # Postfix expands the result again: "$" stays special
        hostname = self.setting("myhostname")
        _, dot, domain = hostname.value.partition(".") if hostname else ("", "", "")
        return domain if dot else DEFAULT_DOMAIN

    def _mydomain_without_myhostname(self) -> Expansion:
        """mydomain as Postfix reads it while setting myhostname: only what
        the files write is defined yet (built-in defaults come later)."""
        if not self._written("mydomain"):
            return Expansion(DEFAULT_DOMAIN)

        def lookup(name: str) -> str | None:
            return self.raw_value(name) if self._written(name) and name != "myhostname" else None
        return Expander(lookup, self._data.raw, _UnknownNames(self)).expand(
            self.raw_value("mydomain") or "")

    def is_unknown(self, name: str) -> bool:
        """A name whose value depends on the host or on a template."""
        if name in self._unknown:
            return True
        if name not in HOSTNAME_DEFAULTS or self._written(name) or not self._derivable(name):
            return False
        if name == "myhostname":
            return not self._mydomain_without_myhostname().known
        hostname = self.setting("myhostname")
        return hostname is not None and not hostname.known

    def source(self, name: str) -> Source:
        if name in self._overrides:
            override = self._overrides[name]
            return Source("master", self._master_path, override.line, override.column)
        if name in self._main:
            param = self._main[name]
            return Source("main", self._main_path, param.line, param.column)
        return Source("default")

    def is_defined(self, name: str) -> bool:
        return self.raw_value(name) is not None

    def setting(self, name: str) -> Setting | None:
        """The effective setting of ``name``, or None when nothing defines it."""
        if name not in self._cache:
            shared = self._shared_setting(name)
            if shared is not None:
                self._cache[name] = shared
                return shared
            raw = self.raw_value(name)
            if raw is None:
                return None
            self._cache[name] = Setting(name, raw, self.source(name),
                                        self._expander().expand_name(name))
        return self._cache[name]

    def _shared_setting(self, name: str) -> Setting | None:
        """The parent's setting when nothing it depends on differs here."""
        parent = self._parent
        if parent is None or self._written_here(name):
            return None
        setting = parent.setting(name)
        if setting is None:
            return None
        used = setting.expansion.references
        if any(self._written_here(used_name) for used_name in used):
            return None
        if (used | {name}) & HOST_DEPENDENT and any(self._written_here(n)
                                                    for n in HOSTNAME_DEFAULTS):
            return None
        return setting

    def _written_here(self, name: str) -> bool:
        """Written by this context but not by its parent: -o or service_name."""
        return name in self._overrides or name in self._extra

    def value(self, name: str) -> str:
        setting = self.setting(name)
        return setting.value if setting else ""

    def expand(self, text: str) -> Expansion:
        return self._expander().expand(text)

    def _expander(self) -> Expander:
        """A fresh expander over this table. Not stored: holding it would
        make a reference cycle, and a Configuration would then be freed
        only by the cyclic collector."""
        return Expander(self.raw_value, self._data.raw, _UnknownNames(self))


class _UnknownNames:
    """The expander's view of which names are unknown in one context."""

    def __init__(self, context: Context):
        self._context = context

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._context.is_unknown(name)


@dataclass
class ServiceView:
    """A master.cf service with the settings its daemon really runs with."""

    service: Service
    context: Context
    listener: Listener | None
    role: str | None   # mx, submission, submissions, other; None if not smtpd

    @property
    def name(self) -> str:
        return self.service.name

    @property
    def label(self) -> str:
        """``submission (master.cf:14)``: how findings name a service."""
        return f"{self.service.name} ({_basename(self.context.master_path)}:{self.service.line})"

    def setting(self, name: str) -> Setting | None:
        return self.context.setting(name)

    def value(self, name: str) -> str:
        return self.context.value(name)

    @cached_property
    def tls(self) -> str | None:
        """wrapper, required, optional or none; None when not knowable."""
        return tls_mode(self.context)

    @property
    def tls_required(self) -> bool:
        return self.tls in ("wrapper", "required")

    @property
    def protocols_parameter(self) -> str:
        """Required TLS switches smtpd to the *mandatory* protocol list."""
        return "smtpd_tls_mandatory_protocols" if self.tls_required else "smtpd_tls_protocols"

    @property
    def ciphers_parameter(self) -> str:
        return "smtpd_tls_mandatory_ciphers" if self.tls_required else "smtpd_tls_ciphers"

    @property
    def auth_only(self) -> bool | None:
        if self.tls_required:
            return True
        return parse_bool(self.value("smtpd_tls_auth_only"))

    def field(self, name: str) -> str:
        """A master.cf field (private, unpriv, chroot, wakeup, maxproc) with
        ``-`` replaced by what master uses for it."""
        written = self.service.field_value(name)
        if written != "-":
            return written
        if name == "chroot":
            return chroot_default(self.context)
        if name == "maxproc":
            return self.context.value("default_process_limit")
        return FIELD_DEFAULTS.get(name, written)


@dataclass
class Configuration:
    """A main.cf/master.cf pair resolved against one Postfix version."""

    main: MainCf | None
    master: MasterCf | None
    data: ParameterData
    context: Context
    services: list[ServiceView] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def version(self) -> str:
        return self.data.version

    def smtpd_services(self) -> list[ServiceView]:
        return [view for view in self.services if view.role is not None]

    def by_role(self, role: str) -> list[ServiceView]:
        return [view for view in self.services if view.role == role]


def resolve(main: MainCf | None, master: MasterCf | None, version: str = DEFAULT_VERSION,
            host_values: dict[str, str] | None = None) -> Configuration:
    with paused_gc():
        return _resolve(main, master, version, host_values)


def _resolve(main: MainCf | None, master: MasterCf | None, version: str,
             host_values: dict[str, str] | None) -> Configuration:
    data = parameter_data(version)
    main_defs = main.definitions() if main else {}
    main_path = main.path if main else "main.cf"
    master_path = master.path if master else "master.cf"
    context = Context(data, main_defs, main_path, host_values=host_values)
    config = Configuration(main, master, data, context)
    config.diagnostics.extend(main.diagnostics if main else [])
    config.diagnostics.extend(master.diagnostics if master else [])
    known = known_tcp_ports(context.value("known_tcp_ports"))
    services = master.services if master else []
    postscreen_on_25 = any(_is_postscreen_mx(service, known) for service in services)
    for service in services:
        service_context = Context(
            data, main_defs, main_path, service.override_map(), master_path,
            extra={"service_name": service.name}, host_values=host_values, parent=context)
        where = listener(service.name, known) if service.type == "inet" else None
        config.services.append(ServiceView(
            service, service_context, where, _role(service, where, postscreen_on_25)))
    config.diagnostics.extend(_duplicate_services(config.services, master_path,
                                                  _template_lines(master)))
    config.diagnostics.extend(_expansion_problems(config))
    return config


def _role(service: Service, where: Listener | None, postscreen_on_25: bool) -> str | None:
    if service.command != "smtpd" or not service.valid:
        return None
    if service.type == "pass":
        return "mx" if postscreen_on_25 else "other"
    if service.type != "inet" or where is None:
        return None
    return ROLE_BY_PORT.get(where.port, "other")


def _is_postscreen_mx(service: Service, known: dict[str, int]) -> bool:
    return (service.type == "inet" and service.command == "postscreen"
            and listener(service.name, known).port == 25)


def _duplicate_services(views: list[ServiceView], path: str,
                        template_lines: list[int] = ()) -> list[Diagnostic]:
    """Two entries for one listener, as master 3.7 treats them (checked
    with a running master): the same name and type twice, master keeps
    only the last entry (a warning); two names for one inet socket
    (``submission`` and ``587``), master binds both (SO_REUSEPORT) and
    each connection reaches either at random (an error). Two entries with
    a template statement between them may be the two branches of an
    if/else: that is unknown, not a duplicate."""
    diagnostics = []
    seen: dict[tuple, ServiceView] = {}
    for view in views:
        if not view.service.valid:
            continue
        if view.listener is not None and view.listener.port is not None:
            key = ("inet", view.listener.host, view.listener.port)
        else:
            key = (view.service.type, view.service.name)
        earlier = seen.get(key)
        if earlier is not None and not _template_between(template_lines, earlier, view):
            where = (f"port {view.listener.port}" if key[0] == "inet" and len(key) == 3
                     else view.service.key)
            first = view.service.fields[0]
            earlier_at = f"{_basename(path)}:{earlier.service.line}"
            if earlier.service.key == view.service.key:
                severity, message = "warning", (
                    f"{view.service.key} is defined twice: master uses only this later "
                    f"entry and ignores the one at {earlier_at}")
            else:
                severity, message = "error", (
                    f"{view.service.key} and {earlier.service.key} ({earlier_at}) both "
                    f"listen on {where}: master starts both, and each connection reaches "
                    "either one at random")
            diagnostics.append(Diagnostic(path, first.line, first.column, severity,
                                          "duplicate-service", message))
        seen[key] = view
    return diagnostics


def _template_lines(master: MasterCf | None) -> list[int]:
    if master is None:
        return []
    return [line.number for node in master.nodes for line in node.lines
            if line_kind(line.text) is NodeKind.TEMPLATE]


def _template_between(lines: list[int], earlier: ServiceView, later: ServiceView) -> bool:
    return any(earlier.service.line < number < later.service.line for number in lines)


def _expansion_problems(config: Configuration) -> list[Diagnostic]:
    """Undefined names and macro errors, located where the value is written."""
    diagnostics = []
    overridden = {override.name for view in config.services
                  for override in view.service.overrides}
    overridden |= default_references(config.version)  # legacy names postconf knows
    main_params = config.main.definitions() if config.main else {}
    for name, param in main_params.items():
        setting = config.context.setting(name)
        if setting is None or name in config.data.raw:
            continue
        undefined = setting.expansion.undefined - overridden
        diagnostics.extend(_report(config.main.path, param.value_line, param.value_column,
                                   name, setting.expansion, undefined))
    diagnostics.extend(_derived_hostname_problems(config, main_params))
    for view in config.services:
        for override in view.service.override_map().values():
            setting = view.setting(override.name)
            if setting is None or override.name in config.data.raw:
                continue
            diagnostics.extend(_report(config.master.path, override.line, override.column,
                                       f"{view.service.key}: {override.name}",
                                       setting.expansion,
                                       setting.expansion.undefined
                                       - default_references(config.version)))
    return diagnostics


def _derived_hostname_problems(config: Configuration,
                               main_params: dict[str, Parameter]) -> list[Diagnostic]:
    """A short host name plus a written mydomain makes myhostname; Postfix
    expands that again, and stops on a stray "$" in it."""
    param = main_params.get("mydomain")
    if param is None or "myhostname" in main_params:
        return []
    setting = config.context.setting("myhostname")
    if setting is None or setting.source.kind != "default":
        return []
    return _report(config.main.path, param.value_line, param.value_column,
                   "myhostname (the host name with mydomain)", setting.expansion, set())


def _report(path: str, line: int, column: int, what: str, expansion: Expansion,
            undefined: set[str]) -> list[Diagnostic]:
    if not expansion.errors and not undefined:
        return []
    found = [Diagnostic(path, line, column, "error", "invalid-parameter-value",
                        f"{what}: {error}") for error in expansion.errors]
    found.extend(Diagnostic(path, line, column, "warning", "undefined-parameter",
                            f"{what} refers to ${name}, which is never defined: "
                            "Postfix expands it to an empty value")
                 for name in sorted(undefined))
    return found


def parse_bool(value: str) -> bool | None:
    """Postfix booleans are yes/no (any case); anything else is fatal."""
    lowered = value.strip().lower()
    return {"yes": True, "no": False}.get(lowered)


def tls_mode(context: Context) -> str | None:
    """TLS as smtpd.c derives it from wrappermode, level, and the obsolete
    use_tls/enforce_tls pair (consulted only when the level is empty)."""
    wrapper = context.setting("smtpd_tls_wrappermode")
    if wrapper is None or not wrapper.known:
        return None
    wrapped = parse_bool(wrapper.value)
    if wrapped is None:
        return None
    if wrapped:
        return "wrapper"
    level = context.setting("smtpd_tls_security_level")
    if level is None or not level.known:
        return None
    level_value = level.value.strip().lower()
    if level_value:
        if level_value not in TLS_LEVELS:
            return None
        return {"none": "none", "may": "optional"}.get(level_value, "required")
    enforce = parse_bool(context.value("smtpd_enforce_tls"))
    use = parse_bool(context.value("smtpd_use_tls"))
    if enforce is None or use is None:
        return None
    return "required" if enforce else "optional" if use else "none"


def compatibility_level(context: Context) -> tuple[int, int, int]:
    return compatibility_key(context.value("compatibility_level")) or (0, 0, 0)


def chroot_default(context: Context) -> str:
    """The ``-`` chroot field means n from compatibility level 1 on, y below."""
    return "n" if compatibility_level(context) >= (1, 0, 0) else "y"


def _basename(path: str) -> str:
    return path.rsplit("/", 1)[-1] if path else path
