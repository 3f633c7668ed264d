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
from linter.engine.run import run_rules
from linter.postfix.load import ConfigPaths, load_configuration
from linter.postfix.params import DEFAULT_VERSION
from linter.postfix.syntax import paused_gc


@dataclass
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)


def lint_configuration(config, rules: Iterable[Rule]) -> list[Finding]:
    """Findings for a loaded Configuration, in-file suppressions applied."""
    return suppress.apply(run_rules(config, rules), suppress.file_suppressions(config))


def lint_pair(paths: ConfigPaths, rules: Iterable[Rule] | None = None,
              version: str = DEFAULT_VERSION) -> list[Finding]:
    with paused_gc():  # the model has no cycles: collecting only costs time (25%)
        config = load_configuration(paths, version)
        return lint_configuration(config, builtin_rules() if rules is None else rules)


def lint_all(configurations: Sequence[ConfigPaths], rules: Sequence[Rule],
             version: str = DEFAULT_VERSION) -> LintResult:
    """Lint every pair; one that crashes does not stop the others."""
    result = LintResult()
    findings: set[Finding] = set()
    for paths in configurations:
        try:
            findings.update(lint_pair(paths, rules, version))
        except Exception as error:  # noqa: BLE001  a bug in a rule or the model: go on
            where = " + ".join(path for path in (paths.main, paths.master) if path)
            result.internal_errors.append(f"{where}: internal error: "
                                          f"{type(error).__name__}: {error}")
    result.findings = sorted(findings, key=Finding.sort_key)
    return result
