"""Which parameter names a configuration makes valid or uses (shared by the
unknown-, undefined- and obsolete-parameter rules; not a rule itself).

postconf accepts more than its built-in table: ``<service>_<suffix>`` for
master.cf delivery services, ``<name>_<suffix>`` for legacy ``ldap:name``
style tables, smtpd_restriction_classes, and any user-defined name that
something refers to as ``$name``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from linter.postfix.params import parameter_data, service_derived_names
from linter.postfix.syntax import NodeKind
from linter.postfix.template import has_placeholder

REFERENCE = re.compile(r"\$(?:\{|\()?\s*([A-Za-z0-9_]+)")
# postconf_dbms.c: a table "type:name" whose name is not a path defines
# "name_*" parameters for these types.
DBMS_TABLE = re.compile(
    r"\b(?:ldap|mysql|pgsql|sqlite|memcache|mongodb|socketmap|proxy:ldap|proxy:mysql|"
    r"proxy:pgsql|proxy:sqlite):([A-Za-z0-9_][A-Za-z0-9_.-]*)")


def referenced_names(config) -> set[str]:
    """Every ``$name`` written in main.cf values or anywhere in master.cf
    entries (lenient on purpose: a reference makes a user name legitimate)."""
    names: set[str] = set()
    if config.main is not None:
        for param in config.main.parameters:
            names.update(REFERENCE.findall(param.raw))
    for view in config.services:
        for token in view.service.arguments:
            names.update(REFERENCE.findall(token.text))
    return names


def default_references(config) -> set[str]:
    """Legacy names that Postfix's own defaults refer to (virtual_maps,
    fallback_relay, postscreen_blacklist_action...): postconf knows them,
    so they are neither unknown nor undefined."""
    return _default_references(config.data.version)


@lru_cache(maxsize=8)
def _default_references(version: str) -> frozenset[str]:
    defaults = parameter_data(version).defaults
    return frozenset(name for value in defaults.values() for name in REFERENCE.findall(value))


def derived_names(config) -> set[str]:
    """Names that master.cf services, dbms tables and restriction classes add."""
    names: set[str] = set()
    for view in config.services:
        names.update(service_derived_names(view.service.name, view.service.command))
    classes = config.context.value("smtpd_restriction_classes")
    names.update(token for token in re.split(r"[\s,]+", classes) if token)
    return names | default_references(config)


def dbms_prefixes(config) -> tuple[str, ...]:
    values = [param.raw for param in config.main.parameters] if config.main else []
    values += [o.raw for view in config.services for o in view.service.overrides]
    prefixes = {match + "_" for value in values for match in DBMS_TABLE.findall(value)}
    return tuple(sorted(prefixes))


def main_is_templated(config) -> bool:
    """A main.cf whose template statements or placeholder names may define
    parameters that we cannot see."""
    main = config.main
    if main is None:
        return False
    if any(node.kind is NodeKind.TEMPLATE for node in main.nodes):
        return True
    return any(has_placeholder(param.name) for param in main.parameters)


def config_has_placeholders(config) -> bool:
    """Any template text at all: a template may add a ``$name`` reference."""
    if main_is_templated(config):
        return True
    if config.main and any(has_placeholder(p.raw) for p in config.main.parameters):
        return True
    return config.master is not None and config.master.templated


def at(path: str, line: int) -> str:
    """``main.cf:12`` (the file's own name, e.g. main.cf.j2 for a template)."""
    return f"{path.rpartition('/')[2]}:{line}"
