"""Values that a Postfix daemon refuses at start-up ("fatal: bad boolean
configuration", "Invalid TLS level") and ``$name`` macros it cannot expand.

Booleans are the parameters whose Postfix default is yes or no; the daemon
accepts only yes/no, in any case. TLS levels follow smtpd.c and smtp(8):
tls_level_lookup() knows dane and dane-only, but the server side treats
them as invalid (fatal). Only known values are judged; template text never.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine.builtins.diagnostics import findings_for
from linter.engine.builtins.parameter_names import at
from linter.engine.builtins.tls_mode import refers_to_missing_main
from linter.engine.findings import Edit, Finding, Fix
from linter.postfix.resolve import Setting
from linter.postfix.template import has_placeholder

# -o overrides reach only the daemon of their service: judge an override
# when its name belongs to that daemon.
DAEMON_PREFIXES = {"smtpd": ("smtpd_",), "smtp": ("smtp_",), "lmtp": ("lmtp_", "smtp_"),
                   "postscreen": ("postscreen_",), "tlsproxy": ("tlsproxy_",)}


def check(rule, scope) -> Iterator[Finding]:
    config = scope.config
    levels = {name: [str(v) for v in values] for name, values in
              rule.check.get("options", {}).get("tls_levels", {}).items()}
    not_boolean = set(rule.check.get("options", {}).get("not_boolean", ()))
    booleans = frozenset(name for name, value in config.data.defaults.items()
                         if value in ("yes", "no") and name not in not_boolean)
    if config.main is not None:
        in_force = config.main.definitions()
        for param in config.main.parameters:
            if in_force[param.name] is not param:
                continue  # a later line of the same name is the one in force
            setting = config.context.setting(param.name)   # written: never None
            problem = _problem(setting, booleans, levels, False)
            if problem:
                yield _finding(rule, scope.main_path, param.value_line,
                               param.value_column, f"{param.name} = {param.raw} "
                               f"({at(scope.main_path, param.line)})", problem, setting, None)
    for view in config.services:
        prefixes = DAEMON_PREFIXES.get(view.service.command)
        for override in view.service.override_map().values():
            setting = view.setting(override.name)
            assert setting is not None  # an -o is a setting of its service's context
            daemon_reads = prefixes is not None and override.name.startswith(prefixes)
            problem = _problem(setting, booleans if daemon_reads else frozenset(),
                               levels if daemon_reads else {},
                               refers_to_missing_main(config, setting))
            if problem:
                yield _finding(rule, scope.master_path, override.line,
                               override.column,
                               f"{view.label}: -o {override.name}={override.raw}",
                               problem, setting, view.service.key)
    yield from findings_for(rule, scope, config.value_problems)  # compatibility_level...


def _problem(setting: Setting, booleans: frozenset[str], levels: dict[str, list[str]],
             value_unknown: bool) -> tuple[str, str | None] | None:
    """(what is wrong, the value to write instead or None). ``value_unknown``:
    an -o that refers to what a missing main.cf may set (its syntax is
    still judged)."""
    if has_placeholder(setting.raw) or setting.expansion.unknown:
        return None
    # Postfix never expands its raw parameters (mailbox_command, ...): the
    # expander gives them no errors, so an error here is one Postfix stops on.
    if setting.expansion.errors:
        return (f"Postfix cannot expand it: {setting.expansion.errors[0]}", None)
    if value_unknown:
        return None
    value = setting.value.strip()
    if setting.name in booleans and value.lower() not in ("yes", "no"):
        meant = {"true": "yes", "on": "yes", "1": "yes", "enabled": "yes",
                 "false": "no", "off": "no", "0": "no", "disabled": "no"}.get(value.lower())
        text = (f"{value!r} is not a Postfix boolean (only yes or no): the daemon "
                "stops with \"bad boolean configuration\"")
        return text, meant
    allowed = levels.get(setting.name)
    if allowed is not None and value and value.lower() not in allowed:
        text = (f"{value!r} is not a TLS level this daemon accepts ({', '.join(allowed)}): "
                "it stops with \"Invalid TLS level\"")
        return text, None
    return None


def _finding(rule, path: str, line: int, column: int, where: str,
             problem: tuple[str, str | None], setting: Setting,
             service: str | None) -> Finding:
    text, meant = problem
    fix = None
    if meant is not None:
        in_master = service is not None
        fix = Fix(f"Write {setting.name}={meant}",
                  (f"  -o {setting.name}={meant}" if in_master
                   else f"{setting.name} = {meant}",),
                  (Edit(action="set", path=path, name=setting.name, value=meant,
                        service=service),), safety=rule.fix_safety or "unsafe")
    return Finding(rule=rule.id, severity=rule.severity, path=path, line=line,
                   column=column, message=f"{where}: {text}", service=service, fix=fix,
                   tags=rule.tags, parameter=setting.name)
