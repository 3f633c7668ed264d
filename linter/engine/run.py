"""Run rules over a resolved configuration and collect findings.

Declarative rules are evaluated here; ``builtin`` rules call
``linter.engine.builtins.<name>.check(rule, scope)``, imported on first use.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from linter.engine.conditions import Subject, evaluate, referenced_parameters
from linter.engine.findings import Edit, Finding, Fix, Related
from linter.engine.rules import Rule
from linter.postfix.resolve import (
    Configuration,
    Context,
    ServiceView,
    Setting,
    parse_bool,
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
    suppressions: dict | None = None    # by path, from suppress.file_suppressions
    # Every definition is in view (a main.cf that is no template), so a
    # ``$name`` nothing defines is the empty value Postfix makes of it.
    undefined_is_empty: bool = False

    @property
    def main_path(self) -> str:
        return self.config.main.path if self.config.main else "main.cf"

    @property
    def master_path(self) -> str:
        return self.config.master.path if self.config.master else "master.cf"



def run_rules(config: Configuration, rules: Iterable[Rule],
              suppressions: dict | None = None) -> list[Finding]:
    """``suppressions``: the files' directives (suppress.file_suppressions),
    when the caller has read them already."""
    from linter.engine.suppress import file_suppressions

    from linter.engine.builtins.parameter_names import main_is_templated

    findings: list[Finding] = []
    if suppressions is None:
        suppressions = file_suppressions(config)
    undefined_is_empty = config.main is not None and not main_is_templated(config)
    for rule in rules:
        if rule.stage != "lint":
            continue  # apps: linter.apps; probe, host: smtplint probe / audit
        if rule.needs_main_cf and config.main is None:
            continue  # what main.cf would set is unknown, not Postfix's default
        scope = Scope(config, services_in_scope(config, rule.applies_to), suppressions,
                      undefined_is_empty)
        if "builtin" in rule.check:
            module = importlib.import_module(f"linter.engine.builtins.{rule.check['builtin']}")
            findings.extend(module.check(rule, scope))
        else:
            findings.extend(_declarative(rule, scope))
    return sorted(set(findings), key=Finding.sort_key)


def notes(config: Configuration, rules: Iterable[Rule], unread_main: str | None = None) -> list:
    """What the run could not judge, as summary notes (report.Notification,
    level "note"): with no main.cf, one note for the master.cf that names
    the rules that could not judge and those that judged only -o values.
    ``unread_main``: the pair's main.cf, there but not read (a FIFO, too
    big): the note must not say there is none."""
    from linter.report import Notification

    if config.main is not None or config.master is None:
        return []
    rules = list(rules)
    skipped = sorted(rule.id for rule in rules if rule.needs_main_cf)
    partial = sorted(rule.id for rule in rules if rule.partial_without_main_cf)
    if not skipped and not partial:
        return []
    path = config.master.path
    text = ("no main.cf beside this master.cf, so what main.cf sets (or a deployment "
            "writes with postconf) is unknown")
    if unread_main:
        # the file's name, not its path: each format shows paths its own way
        name = unread_main.replace("\\", "/").rsplit("/", 1)[-1]
        text = f"{name} beside this master.cf could not be read, so what it sets is unknown"
    if skipped:
        text += f"; {len(skipped)} rules could not judge: {', '.join(skipped)}"
    if partial:
        text += f"; judged only what master.cf itself sets: {', '.join(partial)}"
    return [Notification(text, path, level="note")]


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
    problems = [Problem(view, _subject_setting(rule, view.setting))
                for view in scope.services if evaluate(rule.check, ServiceSubject(view)) is True]
    yield from report(rule, scope, problems)


def _subject_setting(rule: Rule, lookup) -> Setting | None:
    names = [rule.check.get("subject")] if rule.check.get("subject") else []
    names += referenced_parameters(rule.check)
    return lookup(names[0]) if names else None


# -- one finding per cause ------------------------------------------------------

@dataclass
class Problem:
    """One service's instance of a rule's problem, before it becomes a finding.

    ``cause`` is the setting the problem comes from; ``fields`` fill the
    rule's message templates; ``fix`` replaces the rule's own (None: the
    rule's template); ``detail`` is what differs between services that
    share a cause, shown beside the service's name."""

    view: ServiceView
    cause: Setting | None
    fields: dict = field(default_factory=dict)
    fix: Fix | None = None
    detail: str = ""


def report(rule: Rule, scope: Scope, problems: Iterable[Problem]) -> Iterator[Finding]:
    """Findings for the problems: one per cause where one main.cf edit
    fixes every service that inherits the cause, else one per service.

    A shared finding sits at the main.cf line of the cause (line 1 for a
    Postfix default) and names the services, with a related location at
    each entry. A suppression comment before a service's entry takes that
    service out of it (every service: no finding); one before the cause
    suppresses the finding, as for any finding on that line."""
    groups: dict[tuple, list[tuple[Problem, Fix | None]]] = {}
    for problem in problems:
        fix = problem.fix or make_fix(rule, scope, problem.view,
                                      template_fields(problem.view, problem.cause)
                                      | problem.fields)
        if not _shared_cause(rule, scope, problem, fix):
            finding = service_finding(rule, scope, problem.view, problem.cause,
                                      **problem.fields)
            yield dataclasses.replace(finding, fix=fix)
            continue
        if _entry_suppressed(scope, rule, problem.view):
            continue
        used = _message_fields(rule.cause_message)
        key = (problem.cause.name, problem.cause.source, problem.cause.value, fix,
               tuple(sorted((k, v) for k, v in problem.fields.items() if k in used)))
        groups.setdefault(key, []).append((problem, fix))
    for members in groups.values():
        yield cause_finding(rule, scope, members)


@lru_cache(maxsize=256)
def _message_fields(template: str) -> frozenset[str]:
    """The {fields} a message template reads: what differs in others goes
    into each service's detail, not into a second finding."""
    import string

    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def _shared_cause(rule: Rule, scope: Scope, problem: Problem, fix: Fix | None) -> bool:
    """The cause is main.cf's (or a default main.cf does not change) and
    the fix does not edit the affected service itself, so one fix serves
    every service the cause reaches."""
    cause = problem.cause
    if not rule.cause_message or cause is None or cause.source.kind == "master":
        return False
    if fix is None or scope.config.main is None:
        return False
    return all(edit.service != problem.view.service.key for edit in fix.edits)


def _entry_suppressed(scope: Scope, rule: Rule, view: ServiceView) -> bool:
    import os

    by_path = scope.suppressions or {}
    rules = by_path.get(os.path.normpath(scope.master_path))
    return rules is not None and rules.covers_line(rule.id, view.service.line)


# How many services a cause finding's message names in full; beyond that,
# the first and a count (a cause message is long enough already).
SERVICES_SHOWN = 3


def cause_finding(rule: Rule, scope: Scope, members: list[tuple[Problem, Fix | None]]) -> Finding:
    """One finding at the cause for every service it affects."""
    first, fix = members[0]
    cause = first.cause
    views = [problem.view for problem, _ in members]
    labels = [f"{problem.view.service.name} ({_basename(scope.master_path)}:"
              f"{problem.view.service.line}{', ' + problem.detail if problem.detail else ''})"
              for problem, _ in members]
    fields = template_fields(None, cause) | first.fields
    fields.update(services=join_names(labels, SERVICES_SHOWN), where=cause_where(cause),
                  count=str(len(views)))
    line, column = 1, 1
    if cause.source.kind == "main":
        line, column = cause.source.line, cause.source.column
    order = {"error": 0, "warning": 1, "info": 2}
    severity = min((severity_for(rule, view) for view in views), key=order.__getitem__)
    related = tuple(Related(scope.master_path, view.service.line, 1, view.service.key)
                    for view in views)
    return Finding(rule=rule.id, severity=severity, path=scope.main_path, line=line,
                   column=column, message=rule.cause_message.format(**fields), fix=fix,
                   tags=rule.tags, parameter=cause.name, related=related)


def join_names(names: list[str], limit: int | None = None,
               noun: str = "service") -> str:
    """a, b and c; beyond ``limit`` names, "a, b and 3 more services"
    (never "1 more": that name fits as well as the count), so that a
    message stays one readable line; the finding's related locations name
    them all."""
    if limit is not None and len(names) > limit:
        shown = names[:limit - 1]
        return ", ".join(shown) + f" and {len(names) - len(shown)} more {noun}s"
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def cause_where(setting: Setting) -> str:
    """Where a cause is written, for a finding located there."""
    if setting.source.kind == "main":
        text = setting.source.label
        if setting.raw.strip() != setting.value.strip():
            text += f", written as {quote(setting.raw.strip())}"
        return text
    if setting.raw.strip() != setting.value.strip() and "level {" not in setting.raw:
        return f"the Postfix default, {quote(setting.raw.strip())}"
    return "the Postfix default"


def quote(value: str) -> str:
    """A value as a message quotes it: on one line, blanks collapsed. It is
    quoted whole (machine formats keep it); the text renderer shortens it."""
    return " ".join(value.split())


def _basename(path: str) -> str:
    return path.rpartition("/")[2]


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
        undefined = ", ".join(f"${name}" for name in sorted(setting.expansion.undefined))
        note = f"; {undefined} is never defined" if undefined else ""
        where += f" (written as {quote(setting.raw.strip())}{note})"
    return where


def severity_for(rule: Rule, view: ServiceView | None) -> str:
    if view is not None and view.role in rule.severity_by_role:
        return rule.severity_by_role[view.role]
    return rule.severity


def template_fields(view: ServiceView | None, setting: Setting | None) -> dict[str, str]:
    fields = {"param": "", "value": "", "raw": "", "origin": origin(setting),
              "service": "", "name": "", "role": "", "tls": "", "port": ""}
    if setting is not None:
        fields.update(param=setting.name, value=quote(setting.value), raw=quote(setting.raw))
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
               safety=rule.fix_safety or "unsafe")


def is_yes(setting: Setting | None) -> bool | None:
    """A boolean setting as smtpd reads it; None when unknown or invalid."""
    if setting is None or not setting.known:
        return None
    return parse_bool(setting.value)
