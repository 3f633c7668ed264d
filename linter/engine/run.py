"""Run rules over a resolved configuration and collect findings.

Declarative rules are evaluated here; ``builtin`` rules call
``linter.engine.builtins.<name>.check(rule, scope)``, imported on first use.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from linter.engine.conditions import Subject, evaluate, referenced_parameters
from linter.engine.findings import Edit, Finding, Fix
from linter.engine.rules import Rule
from linter.postfix.resolve import (
    Configuration, Context, ServiceView, Setting, parse_bool,
)


class ServiceSubject(Subject):
    """A service's effective settings, as conditions read them."""

    def __init__(self, view: ServiceView):
        self.view = view

    def value(self, name: str) -> str | None:
        setting = self.view.setting(name)
        if setting is None:
            return ""
        return setting.value if setting.known else None

    def attribute(self, name: str) -> str | None:
        view = self.view
        if name == "tls":
            return view.tls
        if name == "auth_only":
            auth_only = view.auth_only
            return None if auth_only is None else ("yes" if auth_only else "no")
        if name == "protocols":
            return self.value(view.protocols_parameter)
        if name == "ciphers":
            return self.value(view.ciphers_parameter)
        if name == "port":
            return str(view.listener.port) if view.listener else ""
        return {"role": view.role or "", "name": view.name, "type": view.service.type,
                "command": view.service.command}.get(name)


class MainSubject(Subject):
    """main.cf's settings (no service applies overrides)."""

    def __init__(self, context: Context):
        self.context = context

    def value(self, name: str) -> str | None:
        setting = self.context.setting(name)
        if setting is None:
            return ""
        return setting.value if setting.known else None

    def attribute(self, name: str) -> str | None:
        return None


@dataclass
class Scope:
    """What one rule sees of one configuration: the services it applies to."""

    config: Configuration
    services: list[ServiceView]

    @property
    def main_path(self) -> str:
        return self.config.main.path if self.config.main else "main.cf"

    @property
    def master_path(self) -> str:
        return self.config.master.path if self.config.master else "master.cf"


def run_rules(config: Configuration, rules: Iterable[Rule]) -> list[Finding]:
    findings: list[Finding] = []
    for rule in rules:
        if rule.stage != "lint":
            continue  # judged by smtplint audit / probe (linter.audit), not from files
        if rule.needs_main_cf and config.main is None:
            continue  # what main.cf would set is unknown, not Postfix's default
        scope = Scope(config, services_in_scope(config, rule.applies_to))
        if "builtin" in rule.check:
            module = importlib.import_module(f"linter.engine.builtins.{rule.check['builtin']}")
            findings.extend(module.check(rule, scope))
        else:
            findings.extend(_declarative(rule, scope))
    return sorted(set(findings), key=Finding.sort_key)


def services_in_scope(config: Configuration, applies_to: dict) -> list[ServiceView]:
    roles = applies_to.get("roles")
    if roles is None:
        return config.services if applies_to.get("file") == "master.cf" else []
    if "any" in roles:
        return config.smtpd_services()
    return [view for view in config.smtpd_services() if view.role in roles]


def _declarative(rule: Rule, scope: Scope) -> Iterator[Finding]:
    if rule.applies_to.get("file") == "main.cf":
        if scope.config.main is None:
            return
        subject = MainSubject(scope.config.context)
        if evaluate(rule.check, subject) is True:
            yield main_finding(rule, scope, _subject_setting(rule, scope.config.context.setting))
        return
    for view in scope.services:
        if evaluate(rule.check, ServiceSubject(view)) is True:
            yield service_finding(rule, scope, view, _subject_setting(rule, view.setting))


def _subject_setting(rule: Rule, lookup) -> Setting | None:
    names = [rule.check.get("subject")] if rule.check.get("subject") else []
    names += referenced_parameters(rule.check)
    return lookup(names[0]) if names else None


def origin(setting: Setting | None) -> str:
    """How a message says where a value came from."""
    if setting is None:
        return "not set"
    source = setting.source
    if source.kind == "master":
        where = f"set by -o at {source.label}"
    elif source.kind == "main":
        where = f"inherited from {source.label}"
    else:
        where = "the Postfix default"
    if setting.raw.strip() != setting.value.strip():
        where += f" (written as {setting.raw.strip()})"
    return where


def severity_for(rule: Rule, view: ServiceView | None) -> str:
    if view is not None and view.role in rule.severity_by_role:
        return rule.severity_by_role[view.role]
    return rule.severity


def template_fields(view: ServiceView | None, setting: Setting | None) -> dict[str, str]:
    fields = {"param": "", "value": "", "raw": "", "origin": origin(setting),
              "service": "", "name": "", "role": "", "tls": "", "port": ""}
    if setting is not None:
        fields.update(param=setting.name, value=setting.value, raw=setting.raw)
    if view is not None:
        fields.update(service=view.label, name=view.name, role=view.role or "",
                      tls=view.tls or "unknown",
                      port=str(view.listener.port) if view.listener else "")
    return fields


def service_finding(rule: Rule, scope: Scope, view: ServiceView, setting: Setting | None,
                    message: str | None = None, **extra: str) -> Finding:
    """A finding located at the service (or at its own -o that holds the value)."""
    fields = template_fields(view, setting) | extra
    line, column = view.service.line, 1
    if setting is not None and setting.source.kind == "master":
        line, column = setting.source.line, setting.source.column
    return Finding(
        rule=rule.id, severity=severity_for(rule, view), path=scope.master_path,
        line=line, column=column, message=(message or rule.message).format(**fields),
        service=view.service.key, fix=make_fix(rule, scope, view, fields), tags=rule.tags,
        parameter=setting.name if setting is not None else None)


def main_finding(rule: Rule, scope: Scope, setting: Setting | None,
                 message: str | None = None, **extra: str) -> Finding:
    """A finding about main.cf, at the parameter that causes it (or line 1)."""
    fields = template_fields(None, setting) | extra
    line, column = 1, 1
    if setting is not None and setting.source.kind == "main":
        line, column = setting.source.line, setting.source.column
    return Finding(
        rule=rule.id, severity=rule.severity, path=scope.main_path, line=line,
        column=column, message=(message or rule.message).format(**fields),
        fix=make_fix(rule, scope, None, fields), tags=rule.tags,
        parameter=setting.name if setting is not None else None)


def make_fix(rule: Rule, scope: Scope, view: ServiceView | None,
             fields: dict[str, str]) -> Fix | None:
    """Render the rule's fix template for this place."""
    if not rule.fix:
        return None
    lines = tuple(line.format(**fields) for line in rule.fix.get("lines", ()))
    edits = []
    for edit in rule.fix.get("edits", ()):
        in_service = edit.get("where", "service") == "service" and view is not None
        value = edit.get("value")
        edits.append(Edit(
            action=edit["action"], name=edit["name"].format(**fields),
            value=value.format(**fields) if isinstance(value, str) else value,
            path=scope.master_path if in_service else scope.main_path,
            service=view.service.key if in_service else None))
    return Fix(rule.fix["description"].format(**fields), lines, tuple(edits),
               safety=rule.fix.get("safety", "unsafe"))


def is_yes(setting: Setting | None) -> bool | None:
    """A boolean setting as smtpd reads it; None when unknown or invalid."""
    if setting is None or not setting.known:
        return None
    return parse_bool(setting.value)
