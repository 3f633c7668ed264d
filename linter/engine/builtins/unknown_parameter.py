"""Parameter names that Postfix does not know and nothing refers to.

postconf calls these "unused parameter" and every daemon ignores them, so a
typo such as ``smtpd_tls_securty_level`` silently leaves the default in
force. A user-defined name is fine once something refers to it as
``$name``; so are names postconf derives from master.cf services, legacy
``ldap:name`` tables and restriction classes. Obsolete names are the
obsolete-parameter rule's business.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from linter.engine.builtins.close_names import CloseNames
from linter.engine.builtins.obsolete_parameter import obsolete_table
from linter.engine.builtins.parameter_names import (
    at,
    config_has_placeholders,
    dbms_prefixes,
    derived_names,
    referenced_names,
)
from linter.engine.findings import Edit, Finding, Fix
from linter.postfix.params import (
    DEFAULT_VERSION,
    DELIVERY_SUFFIXES,
    parameter_data,
    version_key,
)
from linter.postfix.template import has_placeholder

TYPO_CUTOFF = 0.85


def check(rule, scope) -> Iterator[Finding]:
    config = scope.config
    known = config.data.defaults
    accepted = derived_names(config) | referenced_names(config) | set(obsolete_table())
    prefixes = dbms_prefixes(config)
    later = set(rule.check.get("options", {}).get("later_parameters", ()))
    # With template text, half of the pair, or a Postfix newer than our
    # table, an unknown name may be referenced or real: report only typos.
    typos_only = (config_has_placeholders(config) or config.main is None
                  or config.master is None
                  or version_key(config.version) > version_key(DEFAULT_VERSION))

    def problem(name: str) -> tuple[bool, str | None]:
        if name in known or name in accepted or name in later or has_placeholder(name) \
                or name.startswith(prefixes):
            return False, None
        if typos_only and name.endswith(DELIVERY_SUFFIXES):
            return False, None  # a <transport>_... name for a service we cannot see
        suggestion = _suggestion(config.data.version, name)
        return (suggestion is not None or not typos_only), suggestion

    if config.main is not None:
        for param in config.main.parameters:
            fires, suggestion = problem(param.name)
            if fires:
                yield _main_finding(rule, scope, param, suggestion)
    for view in config.services:
        for override in view.service.overrides:
            fires, suggestion = problem(override.name)
            if fires:
                yield _master_finding(rule, scope, view, override, suggestion)


@lru_cache(maxsize=16384)
def _suggestion(version: str, name: str) -> str | None:
    """The closest known name, remembered: --fix lints the same unknown
    names once per pass (bounded: 200,000 unknown names stay linear)."""
    match = _close_names(version).close_matches(name, n=1, cutoff=TYPO_CUTOFF)
    return match[0] if match else None


@lru_cache(maxsize=4)
def _close_names(version: str) -> CloseNames:
    """The did-you-mean index of a version's parameters (built once). A
    configuration's data is always parameter_data(version), cached, so the
    index is keyed by the version alone."""
    return CloseNames(parameter_data(version).defaults)


def _advice(name: str, suggestion: str | None) -> str:
    if suggestion:
        return f"did you mean {suggestion}?"
    return f"remove it, or refer to it as ${name} where you meant to use it"


def _main_finding(rule, scope, param, suggestion: str | None) -> Finding:
    where = at(scope.main_path, param.line)
    message = (f"{param.name} ({where}) is not a Postfix {scope.config.version} parameter "
               f"and nothing refers to it, so Postfix ignores it (postconf: unused "
               f"parameter): {_advice(param.name, suggestion)}")
    edits = [Edit(action="remove", path=scope.main_path, name=param.name)]
    lines: tuple[str, ...] = ()
    if suggestion:
        edits.append(Edit(action="set", path=scope.main_path, name=suggestion,
                          value=param.raw))
        lines = (f"{suggestion} = {param.raw}",)
    fix = Fix(f"Rename {param.name} to {suggestion}" if suggestion
              else f"Remove {param.name} from main.cf", lines, tuple(edits),
              safety=_safety(suggestion))
    return Finding(rule=rule.id, severity=rule.severity, path=scope.main_path,
                   line=param.line, column=param.column, message=message, fix=fix,
                   tags=rule.tags, parameter=param.name)


def _safety(suggestion: str | None) -> str:
    """Removing a name nothing reads changes nothing; renaming a typo to
    the parameter meant makes it take effect."""
    return "unsafe" if suggestion else "safe"


def _master_finding(rule, scope, view, override, suggestion: str | None) -> Finding:
    """An -o follows the command field, so the entry always names a command."""
    message = (f"{view.label}: -o {override.name}={override.raw} is not a Postfix "
               f"{scope.config.version} parameter and nothing refers to it, so "
               f"{view.service.command} ignores it (postconf: unused "
               f"parameter): {_advice(override.name, suggestion)}")
    key = view.service.key
    edits = [Edit(action="remove", path=scope.master_path, name=override.name, service=key)]
    lines: tuple[str, ...] = ()
    if suggestion:
        edits.append(Edit(action="set", path=scope.master_path, name=suggestion,
                          value=override.raw, service=key))
        lines = (f"  -o {suggestion}={override.raw}",)
    fix = Fix(f"Rename -o {override.name} to -o {suggestion} under {view.name}" if suggestion
              else f"Remove -o {override.name} from {view.name}", lines, tuple(edits),
              safety=_safety(suggestion))
    return Finding(rule=rule.id, severity=rule.severity, path=scope.master_path,
                   line=override.line, column=override.column, message=message,
                   service=key, fix=fix, tags=rule.tags, parameter=override.name)
