"""Lint configurations with a set of rules: the core of ``smtplint lint``.

One pair at a time: load, run the rules, drop what the files' own
``# smtplint: disable`` comments suppress. A file that cannot be parsed is
a parse-error finding; an exception (a bug) is recorded and the other
configurations are still linted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from linter.engine import suppress
from linter.engine.findings import Finding
from linter.engine.rules import Rule, builtin_rules
from linter.engine.run import notes, run_rules
from linter.postfix.load import ConfigPaths, load_configuration
from linter.postfix.params import DEFAULT_VERSION


@dataclass
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)
    # report.Notification, level "note": what rules could not judge, and why.
    notifications: list = field(default_factory=list)


def lint_configuration(config, rules: Iterable[Rule]) -> list[Finding]:
    """Findings for a loaded Configuration, in-file suppressions applied."""
    return suppress.apply(run_rules(config, rules), suppress.file_suppressions(config))


def lint_pair(paths: ConfigPaths, rules: Iterable[Rule] | None = None,
              version: str = DEFAULT_VERSION) -> list[Finding]:
    return lint_pair_with_notes(paths, rules, version)[0]


def lint_pair_with_notes(paths: ConfigPaths, rules: Iterable[Rule] | None = None,
                         version: str = DEFAULT_VERSION) -> tuple[list[Finding], list]:
    """Findings and the run's notes (report.Notification) for one pair."""
    config = load_configuration(paths, version)
    rules = list(builtin_rules() if rules is None else rules)
    return lint_configuration(config, rules), notes(config, rules)


def lint_all(configurations: Sequence[ConfigPaths], rules: Sequence[Rule],
             version: str = DEFAULT_VERSION) -> LintResult:
    """Lint every pair; one that crashes does not stop the others."""
    result = LintResult()
    findings: set[Finding] = set()
    for paths in configurations:
        try:
            found, pair_notes = lint_pair_with_notes(paths, rules, version)
            findings.update(found)
            result.notifications.extend(pair_notes)
        except Exception as error:  # noqa: BLE001  a bug in a rule or the model: go on
            where = " + ".join(path for path in (paths.main, paths.master) if path)
            result.internal_errors.append(f"{where}: internal error: "
                                          f"{type(error).__name__}: {error}")
    result.findings = sorted(findings, key=Finding.sort_key)
    return result
