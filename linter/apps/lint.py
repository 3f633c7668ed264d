"""Lint application YAML: claim files by their mappings, extract endpoints,
run the app rules, apply the files' own suppressions.

A file is parsed only when its text mentions what some mapping looks for
(``recognize.text``), and claimed only when the mapping sees at least two
of its signals, so unrelated YAML (workflows, manifests, other charts) is
never reported, even when it is not valid YAML. A file that cannot be read
is reported only when a mapping claims it by name and text. One file that
crashes is recorded as an error notification; the others are still linted.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from linter.apps import extract
from linter.apps import source as tree
from linter.apps.mapping import AppMapping
from linter.engine.conditions import Subject, evaluate
from linter.engine.findings import Finding

PARSE_RULE = "app-parse-error"


class AppContext:
    """What checks may ask beyond the endpoint: the servers of the run
    (host -> servers.Server), loaded on first use."""

    def __init__(self, load_servers=dict):
        self._load, self._servers = load_servers, None

    @property
    def servers(self) -> dict:
        if self._servers is None:
            self._servers = self._load()
        return self._servers


@dataclass
class FileResult:
    path: str
    apps: list[str] = field(default_factory=list)
    endpoints: list = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    problem: str | None = None
    text: str = ""
    line: int = 1
    column: int = 1
    data: bytes = b""                 # the bytes read, and their mtime (for --fix)
    mtime_ns: int | None = None


def is_app_rule(rule) -> bool:
    return "app" in rule.applies_to


def rule_applies(rule, app: str) -> bool:
    wanted = rule.applies_to.get("app")
    return wanted == "any" or app in (wanted or ())


class EndpointSubject(Subject):
    """An endpoint as declarative conditions read it: ``param`` names a
    model field (transport, starttls, verify, credentials, port, host, app)."""

    def __init__(self, endpoint):
        self.endpoint = endpoint

    def value(self, name: str) -> str | None:
        value = getattr(self.endpoint, name, None) if name in (
            "transport", "starttls", "verify", "credentials", "port", "host", "app",
            "port_source") else None
        return None if value is None else str(value)

    def attribute(self, name: str) -> str | None:
        return self.value(name)


def analyse(path: str, mappings: Sequence[AppMapping], read: tree.Read | None = None
            ) -> FileResult:
    """Claim, parse and extract one file (no rules); ``read`` is its text
    when it was read already."""
    result = FileResult(path)
    read = read or tree.read_text(path)
    text, problem = read.text, read.problem
    lowered = (text or "").lower()
    hinted = [m for m in mappings if m.hinted(lowered)] if text else []
    by_name = [m for m in mappings if m.name_matches(path)]
    if problem is not None:
        # Unreadable: claimed by the name and the text read so far (two signals).
        claimers = [m for m in by_name if m in hinted]
        if claimers:
            result.apps = [m.app for m in claimers]
            result.problem = problem
        return result
    if not hinted:
        return result
    result.text, result.data, result.mtime_ns = text, read.data, read.mtime_ns
    parsed = tree.parse(path, text)
    if parsed.problem is not None:
        claimers = [m for m in hinted if m.name_matches(path)]
        if claimers:
            result.apps = [m.app for m in claimers]
            result.problem = parsed.problem
            result.line, result.column = parsed.line, parsed.column
        return result
    flat_cache: list | None = None
    for mapping in hinted:
        if mapping.flatten:
            if flat_cache is None:
                flat_cache = [tree.flatten(doc)[0] for doc in parsed.documents if doc is not None]
            roots = flat_cache
        else:
            roots = [doc for doc in parsed.documents if doc is not None]
        if not mapping.recognizes(path, roots):
            continue
        result.apps.append(mapping.app)
        result.endpoints.extend(extract.endpoints(mapping, path, parsed.documents))
    return result


def run_rules(result: FileResult, rules: Iterable, context: AppContext) -> list[Finding]:
    found: list[Finding] = []
    for rule in rules:
        if rule.id == PARSE_RULE or rule.check.get("builtin") == "parse_error":
            continue
        for endpoint in result.endpoints:
            if not rule_applies(rule, endpoint.app):
                continue
            if "builtin" in rule.check:
                module = importlib.import_module(f"linter.apps.checks.{rule.check['builtin']}")
                found.extend(module.check(rule, endpoint, context))
            elif evaluate(rule.check, EndpointSubject(endpoint)) is True:
                found.append(_declarative(rule, endpoint))
    return found


def _declarative(rule, endpoint) -> Finding:
    from linter.apps import findings as make

    name = rule.check.get("param")
    cause = endpoint.causes.get(name) if name else None
    purpose = {"verify": "verify"}.get(name or "", "")
    setting, edit = make.fix_edit(endpoint, purpose) if purpose else ("", None)
    scalar = endpoint.field_scalar(cause)
    values = make.fields(rule, endpoint, field=(scalar.path.rsplit("/", 1)[-1] if scalar.path
                                                else str(name)),
                         where=make.where(endpoint, cause), value=str(getattr(endpoint, name, "")),
                         setting=setting or "turn certificate verification on")
    return make.make(rule, endpoint, (cause,), values, fix=(setting, edit))


def lint_app_files(paths: Sequence[str], rules: Iterable, settings=None,
                   postfix_configs: Sequence = (), files_out: list | None = None):
    """Findings and notifications for the app YAML among ``paths``.

    ``settings`` (optional) gives ``apps_dir`` (extra mapping directories),
    ``servers`` (host -> Postfix config path), ``root`` and ``known_ids``
    (what suppression comments may name: linter.lint.pair_notes); ``postfix_configs``
    are the resolved Postfix configurations of the same run (for
    app-endpoint-not-offered). Claimed files are appended to ``files_out``.
    """
    from linter.report import Notification

    app_rules = [rule for rule in rules if is_app_rule(rule)]
    if not paths or not app_rules:
        return [], []
    from linter.apps.mapping import all_mappings

    mappings = all_mappings(tuple(getattr(settings, "apps_dir", ()) or ()))
    context = AppContext(lambda: _servers(settings, postfix_configs))
    parse_rule = next((rule for rule in app_rules if rule.id == PARSE_RULE), None)
    known = _known_ids(app_rules, settings)
    findings: list[Finding] = []
    notifications = []
    for path in paths:
        try:
            result = analyse(path, mappings)
            if not result.apps:
                continue
            if files_out is not None:
                files_out.append(path)
            findings.extend(file_findings(result, app_rules, context, parse_rule))
            if result.problem is None:
                notifications += _directive_notes(result, known)
        except Exception as error:  # noqa: BLE001  a bug must not stop the other files
            notifications.append(Notification(
                f"{path}: internal error: {type(error).__name__}: {error}", path, "error"))
    return sorted(set(findings), key=Finding.sort_key), notifications


def _known_ids(rules, settings) -> frozenset[str]:
    """What suppression comments may name: the run's, else the built-in
    rules' and ``rules``'."""
    from linter.engine.rules import builtin_rules
    from linter.engine.suppress import known_rule_ids

    return getattr(settings, "known_ids", None) or known_rule_ids([*builtin_rules(), *rules])


def _directive_notes(result: FileResult, known: frozenset[str]) -> list:
    """Notes for the file's suppression comments that suppress nothing."""
    from linter.apps.suppress import directive_notes

    return directive_notes(result.text, result.path, known)


def file_findings(result: FileResult, rules, context, parse_rule=None) -> list[Finding]:
    from linter.apps.suppress import yaml_suppressions

    if result.problem is not None:
        if parse_rule is None:
            return []
        from linter.apps.checks.parse_error import finding

        line, column = result.line, result.column
        apps = ", ".join(result.apps)
        return [finding(parse_rule, result.path, line, column,
                        f"{result.problem} (claimed as {apps} by its name)")]
    found = run_rules(result, rules, context)
    rules_off = yaml_suppressions(result.text)
    return [f for f in found if not rules_off.covers(f)]


def _servers(settings, postfix_configs) -> dict:
    from linter.apps.servers import servers_by_host

    mapping = getattr(settings, "servers", None) or {}
    root = getattr(settings, "root", ".") or "."
    if not postfix_configs and not mapping:
        return {}
    version = getattr(settings, "postfix_version", None)
    return servers_by_host(postfix_configs, mapping, root, version)

