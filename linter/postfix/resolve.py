"""Effective settings: what main.cf and each master.cf service really mean.

smtpd starts from Postfix's defaults, reads main.cf, applies the service's
``-o`` overrides, and only then expands ``$name`` references. So a main.cf
value that refers to an overridden name follows the override in that
service (``postconf -Px`` does not show this; smtpd does it).
"""

from __future__ import annotations

import weakref
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import cast

from linter.diagnostics import Diagnostic
from linter.postfix.expand import (
    Expander,
    Expansion,
    Session,
    compatibility_key,
    references,
)
from linter.postfix.lines import LineIndex
from linter.postfix.main_cf import MainCf, Parameter
from linter.postfix.master_cf import MasterCf, Override, Service
from linter.postfix.params import (
    DEFAULT_VERSION,
    ParameterData,
    default_references,
    parameter_data,
)
from linter.postfix.ports import (
    ROLE_BY_PORT,
    KnownPorts,
    Listener,
    listener,
    parse_known_tcp_ports,
)
from linter.postfix.quote import token
from linter.postfix.syntax import NodeKind, line_kind, paused_gc

TLS_LEVELS = ("none", "may", "encrypt", "fingerprint", "verify", "secure")
# Postfix derives myhostname's default from the machine's name (plus
# mydomain when the name is short) and mydomain's from myhostname.
# host_values may carry the machine's name under HOSTNAME (not a Postfix
# parameter) so the model can follow those rules.
HOSTNAME = "hostname"
HOSTNAME_DEFAULTS = ("myhostname", "mydomain")
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
    expansion, as one Postfix process sees it.

    A service's context shares its parent's (main.cf's) settings and
    expansions wherever they use nothing the service writes itself, so a
    master.cf of 2,000 services does not hold 2,000 copies of main.cf."""

    __slots__ = (
        "__weakref__",
        "_cache",
        "_data",
        "_expander_instance",
        "_extra",
        "_host",
        "_host_values",
        "_local",
        "_main",
        "_main_path",
        "_master_path",
        "_overrides",
        "_parent",
        "_session",
        "_shared",
        "_unknown",
    )

    def __init__(self, data: ParameterData, main: dict[str, Parameter], main_path: str,
                 overrides: dict[str, Override] | None = None, master_path: str = "",
                 extra: dict[str, str] | None = None, host_values: dict[str, str] | None = None,
                 parent: Context | None = None, session: Session | None = None):
        self._data = data
        self._parent = parent
        self._main = main
        self._main_path = main_path
        self._overrides = overrides or {}
        self._master_path = master_path
        self._extra = extra or {}
        self._host_values = host_values or {}
        # Written here and not by the parent: what a shared value must not use.
        self._local = frozenset(self._overrides) | frozenset(self._extra)
        # A host-derived default (mynetworks...) describes the machine
        # smtplint runs on, so it is unknown unless written down.
        unknown = frozenset(name for name in data.host_derived
                            if name not in self._host_values and not self._written(name)
                            and name not in HOSTNAME_DEFAULTS)
        self._unknown = (parent._unknown if parent is not None and parent._unknown == unknown
                         else unknown)   # shared: 20,000 services, one set
        self._session = session or (parent._session if parent else Session())
        self._cache: dict[str, Setting] = {}       # this context's own settings
        self._shared: dict[str, Setting] = {}      # the parent's, found to apply here
        self._host: HostDefaults | None = None
        self._expander_instance: Expander | None = None

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
        if name in HOSTNAME_DEFAULTS:
            derived = self.host_defaults().raw(name)
            if derived is not None:
                return derived
        if name in self._host_values:
            return self._host_values[name]
        return self._data.defaults.get(name)

    def host_defaults(self) -> HostDefaults:
        """myhostname's and mydomain's defaults, derived once per table."""
        if self._host is None:
            parent = self._parent
            if parent is not None and self._local.isdisjoint(parent.host_defaults().references):
                self._host = parent._host   # nothing it uses is written here
            else:
                self._host = HostDefaults.derive(self)
        return self._host

    def written_raw(self, name: str) -> str | None:
        """What main.cf or -o write for ``name`` (no defaults): the table
        mail_params.c reads before any default exists."""
        return self.raw_value(name) if self._written(name) else None

    def host_default_unknown(self, name: str) -> bool:
        """myhostname or mydomain, unwritten, when the host cannot give it
        (the host-derived defaults in self._unknown are asked for first)."""
        return (name in HOSTNAME_DEFAULTS and not self._written(name)
                and not self.host_defaults().known(name))

    def source(self, name: str) -> Source:
        if name in self._overrides:
            override = self._overrides[name]
            return Source("master", self._master_path, override.line, override.column)
        if name in self._main:
            param = self._main[name]
            return Source("main", self._main_path, param.line, param.column)
        return Source("default")

    def setting(self, name: str) -> Setting | None:
        """The effective setting of ``name``, or None when nothing defines it."""
        found = self._cache.get(name)
        if found is not None:
            return found
        found = self._shared.get(name)
        if found is not None:
            return found
        self.host_defaults()   # derived here once, not deep inside an expansion
        shared = self._shared_setting(name)
        if shared is not None:
            # Remembered by reference (rules ask each service for the same
            # few names); show walks main.cf's names without asking.
            self._shared[name] = shared
            return shared
        raw = self.raw_value(name)
        if raw is None:
            return None
        found = Setting(name, raw, self.source(name), self._expander().expand_name(name))
        self._cache[name] = found
        return found

    @property
    def local_names(self) -> frozenset[str]:
        """What this context writes and its parent does not (-o, service_name)."""
        return self._local

    def shares(self, name: str) -> bool:
        """Whether this context's setting of ``name`` is its parent's."""
        return self._parent is not None and name not in self._cache

    def _shared_setting(self, name: str) -> Setting | None:
        """The parent's setting when nothing it depends on is written here."""
        parent = self._parent
        if parent is None or name in self._local:
            return None
        setting = parent.setting(name)
        if setting is None or not self._local:
            return setting
        if setting.expansion.errors or any(used in self._local
                                           for used in setting.expansion.references):
            return None   # an error's names are not all recorded: judge it here
        return setting

    def prepare(self, names) -> None:
        """Expand ``names`` and what they refer to, referenced names first,
        so that no expansion has to recurse deeply (an iterative walk)."""
        done: set[str] = set()
        for root in names:
            if root in done:
                continue
            stack = [(root, False)]
            while stack:
                name, expanded = stack.pop()
                if expanded:
                    self.setting(name)
                    continue
                if name in done:
                    continue
                done.add(name)
                stack.append((name, True))
                raw = self.raw_value(name)
                if raw and "$" in raw and name not in self._data.raw:
                    stack.extend((used, False) for used in references(raw)
                                 if used not in done)

    def value(self, name: str) -> str:
        setting = self.setting(name)
        return setting.value if setting else ""

    def _expander(self) -> Expander:
        """This table's expander, kept with its memo. It reaches back to
        this context only through a weak reference: no reference cycle, so
        a configuration is freed as soon as it is dropped."""
        if self._expander_instance is None:
            parent = self._parent._expander() if self._parent is not None else None
            context = weakref.ref(self)
            self._expander_instance = Expander(
                lambda name: context().raw_value(name), self._data.raw,
                _UnknownNames(self._unknown, context), parent=parent,
                local_names=self._local, session=self._session,
                depends=lambda name: context()._depends(name), depends_names=HOSTNAME_DEFAULTS)
        return self._expander_instance

    def _depends(self, name: str) -> set[str]:
        if name in HOSTNAME_DEFAULTS and not self._written(name):
            return self.host_defaults().references
        return set()


class HostDefaults:
    """myhostname and mydomain defaults as mail_params.c derives them.

    check_myhostname(): the machine's name, or when it has no dot, the name
    plus "." plus mydomain *as main.cf (or -o) writes it*, expanded with
    only written values defined (the defaults do not exist yet), else
    localdomain. check_mydomainname(): what follows the first dot of
    myhostname (written and expanded that way, or the default just made),
    else localdomain. So ``myhostname = mail.$mydomain`` gives myhostname
    ``mail.`` and an empty mydomain, as postconf shows: the two defaults
    depend on each other only through written values, and never loop."""

    def __init__(self, myhostname: str | None, mydomain: str | None,
                 unknown: frozenset[str], references: set[str]):
        self._raw = {"myhostname": myhostname, "mydomain": mydomain}
        self._unknown = unknown
        self.references = references

    def raw(self, name: str) -> str | None:
        return self._raw.get(name)

    def known(self, name: str) -> bool:
        return name not in self._unknown

    @classmethod
    def derive(cls, context: Context) -> HostDefaults:
        table = Expander(context.written_raw, context._data.raw, session=context._session)
        references = {"myhostname", "mydomain"}
        unknown: set[str] = set()
        written_host = context.written_raw("myhostname")
        hostname = (context._host_values.get(HOSTNAME)
                    or context._host_values.get("myhostname"))
        if written_host is None:
            default_host = None
            if hostname is not None:
                default_host = hostname
                if "." not in hostname:
                    domain = DEFAULT_DOMAIN
                    if context.written_raw("mydomain") is not None:
                        domain_expansion = table.expand_name("mydomain")
                        domain = domain_expansion.value
                        references |= domain_expansion.references
                        if not domain_expansion.known:
                            unknown.add("myhostname")
                    default_host = f"{hostname}.{domain}"
            else:
                unknown.add("myhostname")
            evaluated = table.expand(default_host) if default_host is not None else None
            host_value = evaluated.value if evaluated is not None else None
            if evaluated is not None:
                references |= evaluated.references
                if not evaluated.known:
                    unknown.add("myhostname")
        else:
            default_host = None
            host_expansion = table.expand_name("myhostname")
            references |= host_expansion.references
            host_value = host_expansion.value
            if not host_expansion.known:
                unknown.add("mydomain")
        if host_value is None or "myhostname" in unknown:
            unknown.add("mydomain")
            mydomain = None
        else:
            _, dot, after = host_value.partition(".")
            mydomain = after if dot else DEFAULT_DOMAIN
        return cls(default_host, mydomain, frozenset(unknown), references)


class _UnknownNames:
    """The expander's view of which names are unknown in one context: the
    host-derived defaults nothing writes, and myhostname/mydomain when
    they cannot be derived."""

    def __init__(self, fixed: set[str], context: weakref.ref[Context]):
        self._fixed = fixed
        self._context = context

    def __contains__(self, name: object) -> bool:
        if name in self._fixed:
            return True
        return self._context().host_default_unknown(name)


@dataclass(slots=True)
class ServiceView:
    """A master.cf service with the settings its daemon really runs with."""

    service: Service
    context: Context
    listener: Listener | None
    role: str | None   # mx, submission, submissions, other; None if not smtpd
    _tls: str | None = field(default="?", init=False, repr=False, compare=False)

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

    @property
    def tls(self) -> str | None:
        """wrapper, required, optional or none; None when not knowable."""
        if self._tls == "?":
            self._tls = tls_mode(self.context)
        return self._tls

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
    # Values a daemon refuses or warns about (compatibility_level,
    # known_tcp_ports): also in diagnostics; the invalid-parameter-value
    # rule reports them.
    value_problems: list[Diagnostic] = field(default_factory=list)

    @property
    def version(self) -> str:
        return self.data.version

    def smtpd_services(self) -> list[ServiceView]:
        """The services smtpd runs (computed once: rules ask per service)."""
        if self._smtpd is None or self._smtpd[0] != len(self.services):
            self._smtpd = (len(self.services),
                           [view for view in self.services if view.role is not None])
        return self._smtpd[1]

    # For each valid entry, the last earlier valid entry of its listener.
    earlier_entries: dict[int, ServiceView] = field(default_factory=dict)
    _smtpd: tuple[int, list[ServiceView]] | None = field(default=None, init=False, repr=False,
                                                        compare=False)

    def earlier_duplicate(self, view: ServiceView) -> ServiceView | None:
        """The last valid entry before ``view`` that defines its listener."""
        return self.earlier_entries.get(id(view))

    @cached_property
    def line_index(self) -> LineIndex:
        """Lines to nodes and services, for locating diagnostics."""
        return LineIndex(self)


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
    session = Session()
    context = Context(data, main_defs, main_path, host_values=host_values, session=session)
    context.prepare(main_defs)
    config = Configuration(main, master, data, context)
    config.diagnostics.extend(main.diagnostics if main else [])
    config.diagnostics.extend(master.diagnostics if master else [])
    known = parse_known_tcp_ports(context.value("known_tcp_ports"))
    config.value_problems.extend(_known_ports_problems(context, main_defs, known))
    services = master.services if master else []
    postscreen_on_25 = any(_is_postscreen_mx(service, known) for service in services)
    for service in services:
        service_context = Context(
            data, main_defs, main_path, service.override_map(), master_path,
            extra={"service_name": service.name}, host_values=host_values, parent=context)
        where = listener(service.name, known) if service.type == "inet" else None
        config.services.append(ServiceView(
            service, service_context, where, _role(service, where, postscreen_on_25)))
        if where is not None and not service.templated and len(service.fields) >= 8:
            config.diagnostics.extend(_listener_problems(service, where, master_path))
    config.diagnostics.extend(_duplicate_services(config.services, master_path,
                                                  _template_lines(master),
                                                  config.earlier_entries,
                                                  _interface_addresses(context)))
    config.diagnostics.extend(_expansion_problems(config))
    config.value_problems.extend(_compatibility_problems(config, main_defs))
    config.diagnostics.extend(config.value_problems)
    return config


def _listener_problems(service: Service, where: Listener, path: str) -> list[Diagnostic]:
    """What master does with an inet name it cannot use as written."""
    first = service.fields[0]
    return [Diagnostic(path, first.line, first.column, problem.severity,
                       "master-entry-invalid", f"{service.label}: {problem.message}")
            for problem in where.problems]


def _known_ports_problems(context: Context, main_defs: dict[str, Parameter],
                          known: KnownPorts) -> list[Diagnostic]:
    param = main_defs.get("known_tcp_ports")
    if param is None or not known.warnings:
        return []
    return [Diagnostic(context.source("known_tcp_ports").path, param.value_line,
                       param.value_column, "warning", "invalid-parameter-value",
                       f"known_tcp_ports: {warning}: Postfix warns and ignores it")
            for warning in known.warnings]


def _compatibility_problems(config: Configuration,
                            main_defs: dict[str, Parameter]) -> list[Diagnostic]:
    """compat_level_from_string(): every daemon stops on a malformed level."""
    found = []
    param = main_defs.get("compatibility_level")
    places = []
    if param is not None:
        places.append((config.context, config.main.path, param.value_line,
                       param.value_column, "compatibility_level"))
    for view in config.services:
        override = view.service.override_map().get("compatibility_level")
        if override is not None:
            places.append((view.context, config.master.path, override.line, override.column,
                           f"{view.service.key}: -o compatibility_level"))
    for context, path, line, column, what in places:
        setting = context.setting("compatibility_level")
        if setting is None or not setting.known:
            continue
        if compatibility_key(setting.value) is None:
            found.append(Diagnostic(
                path, line, column, "error", "invalid-parameter-value",
                f"{what} = {token(setting.value)}: malformed compatibility level syntax "
                "(major[.minor[.patch]] in ASCII digits, minor and patch at most 1023): "
                "every Postfix daemon stops"))
    return found


def _role(service: Service, where: Listener | None, postscreen_on_25: bool) -> str | None:
    if service.command != "smtpd" or not service.valid:
        return None
    if service.type == "pass":
        return "mx" if postscreen_on_25 else "other"
    if service.type != "inet" or where is None:
        return None
    return ROLE_BY_PORT.get(where.port, "other")


def _is_postscreen_mx(service: Service, known: KnownPorts) -> bool:
    return (service.type == "inet" and service.command == "postscreen"
            and listener(service.name, known).port == 25)


def _interface_addresses(context: Context) -> tuple[str, ...] | None:
    """The addresses a listener without a host binds: inet_interfaces when
    it is a list of literal IP addresses (normalised); None for ``all``,
    names and unknown values, where which socket it is stays open."""
    setting = context.setting("inet_interfaces")
    if setting is None or not setting.known:
        return None
    tokens = [t for t in setting.value.replace(",", " ").split() if t]
    if not tokens or tokens[0].lower() in ("all", "loopback-only"):
        return None
    addresses = tuple(_address(t) for t in tokens)
    return None if any(a is None for a in addresses) else cast(tuple[str, ...], addresses)


def _address(host: str) -> str | None:
    """A literal IP address in one spelling (``[::1]`` and ``::0:1`` alike)."""
    import ipaddress

    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def _listener_keys(view: ServiceView, interfaces: tuple[str, ...] | None) -> list[tuple]:
    """The sockets an entry binds, as far as they are known: a host-less
    inet entry binds each literal address of inet_interfaces (so
    ``127.0.0.1:2525`` and ``2525`` are one socket with inet_interfaces =
    127.0.0.1), a unix or fifo entry its name."""
    listener_ = view.listener
    if listener_ is None or listener_.port is None:
        return [(view.service.type, view.service.name)]
    if not listener_.host and interfaces:
        return [("inet", address, listener_.port) for address in interfaces]
    host = _address(listener_.host) if interfaces else None
    return [("inet", host or listener_.host, listener_.port)]


def _duplicate_services(views: list[ServiceView], path: str,
                        template_lines: list[int] = (),
                        earlier_entries: dict[int, ServiceView] | None = None,
                        interfaces: tuple[str, ...] | None = None,
                        ) -> list[Diagnostic]:
    """Two entries for one listener, as master 3.7 treats them (checked
    with a running master): the same name and type twice, master keeps
    only the last entry (a warning); two names for one inet socket
    (``submission`` and ``587``, or ``127.0.0.1:2525`` and ``2525`` with
    inet_interfaces = 127.0.0.1), master binds both (SO_REUSEPORT) and
    each connection reaches either at random (an error). Two entries with
    a template statement between them may be the two branches of an
    if/else: that is unknown, not a duplicate. ``earlier_entries`` gets,
    for each valid entry, the last earlier one of its listener."""
    diagnostics = []
    seen: dict[tuple, ServiceView] = {}
    for view in views:
        if not view.service.valid:
            continue
        keys = _listener_keys(view, interfaces)
        key = keys[0]
        earlier = max((seen[k] for k in keys if k in seen), default=None,
                      key=lambda v: v.service.line)
        if earlier is not None and earlier_entries is not None:
            earlier_entries[id(view)] = earlier
        if earlier is not None and not _template_between(template_lines, earlier, view):
            where = (f"port {view.listener.port}" if key[0] == "inet" and len(key) == 3
                     else view.service.key)
            first = view.service.fields[0]
            earlier_at = f"{_basename(path)}:{earlier.service.line}"
            if earlier.service.key == view.service.key:
                severity, message = "warning", (
                    f"{view.service.label} is defined twice: master uses only this later "
                    f"entry and ignores the one at {earlier_at}")
            else:
                severity, message = "error", (
                    f"{view.service.label} and {earlier.service.label} ({earlier_at}) both "
                    f"listen on {where}: master starts both, and each connection reaches "
                    "either one at random")
            diagnostics.append(Diagnostic(path, first.line, first.column, severity,
                                          "duplicate-service", message))
        seen.update(dict.fromkeys(keys, view))
    return diagnostics


def _template_lines(master: MasterCf | None) -> list[int]:
    """Line numbers of template statements, ascending."""
    if master is None:
        return []
    return [line.number for node in master.nodes if node.kind is not NodeKind.UNREAD
            for line in node.lines if line_kind(line.text) is NodeKind.TEMPLATE]


def _template_between(lines: list[int], earlier: ServiceView, later: ServiceView) -> bool:
    """A template line strictly between two entries (binary search)."""
    index = bisect_right(lines, earlier.service.line)
    return index < len(lines) and lines[index] < later.service.line


def _expansion_problems(config: Configuration) -> list[Diagnostic]:
    """Undefined names and macro errors, located where the value is written."""
    diagnostics = []
    overridden = {override.name for view in config.services
                  for override in view.service.overrides}
    overridden |= default_references(config.version)  # legacy names postconf knows
    main_params = config.main.definitions() if config.main else {}
    # A raw parameter (smtpd_reject_footer) is not expanded: its expansion
    # has no undefined names and no errors, as postconf reports none.
    for name, param in main_params.items():
        setting = cast(Setting, config.context.setting(name))  # written: always defined
        undefined = setting.expansion.undefined - overridden
        diagnostics.extend(_report(config.main.path, param.value_line, param.value_column,
                                   name, setting.expansion, undefined))
    diagnostics.extend(_derived_hostname_problems(config, main_params))
    for view in config.services:
        for override in view.service.override_map().values():
            setting = cast(Setting, view.setting(override.name))  # an -o defines its name
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
    setting = cast(Setting, config.context.setting("myhostname"))  # its default is ""
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
    return path.rpartition("/")[2]
