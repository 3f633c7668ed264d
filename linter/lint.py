"""Lint configurations with a set of rules: the core of ``smtplint lint``.

One pair at a time: load, run the rules, drop what the files' own
``# smtplint: disable`` comments suppress, and mark where each cause ends
(for SARIF regions). A file that cannot be parsed is a parse-error
finding; an exception (a bug) is recorded and the other configurations are
still linted. A file's content may be given instead of read (standard
input, ``smtplint lint -``). A file or directory that could not be linted
at all (discovery's and loading's FileProblems) is a parse-error finding
at it and an error notification: the run is incomplete.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from linter.engine import suppress
from linter.engine.findings import Finding
from linter.engine.rules import Rule, builtin_rules
from linter.engine.run import notes, run_rules
from linter.files import FileProblem
from linter.postfix.load import ConfigPaths, load_configuration
from linter.postfix.params import DEFAULT_VERSION
from linter.postfix.syntax import paused_gc
from linter.regions import with_ends
from linter.report import Notification

UNREADABLE_RULE = "parse-error"


@dataclass
class InternalError:
    """A configuration that could not be linted because smtplint crashed."""

    paths: tuple[str, ...]
    message: str

    def __str__(self) -> str:
        return f"{' + '.join(self.paths)}: internal error: {self.message}"


@dataclass
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    internal_errors: list[InternalError] = field(default_factory=list)
    # report.Notification: files not linted ("error"), and what rules could
    # not judge, and why ("note").
    notifications: list[Notification] = field(default_factory=list)


def lint_configuration(config, rules: Iterable[Rule]) -> list[Finding]:
    """Findings for a loaded Configuration, in-file suppressions applied."""
    suppressions = suppress.file_suppressions(config)
    findings = suppress.apply(run_rules(config, rules, suppressions), suppressions)
    files = {parsed.path: parsed.nodes for parsed in (config.main, config.master)
             if parsed is not None}
    return with_ends(findings, files)


def load_pair(paths: ConfigPaths, version: str = DEFAULT_VERSION,
              contents: Mapping[str, bytes] | None = None,
              problems: list[FileProblem] | None = None):
    """The resolved configuration; a file in ``contents`` is not read from
    disk. Files that could not be read are added to ``problems``."""
    if not contents or (paths.main not in contents and paths.master not in contents):
        return load_configuration(paths, version, problems=problems)
    from linter.postfix.load import load_files
    from linter.postfix.main_cf import parse_main_cf
    from linter.postfix.master_cf import parse_master_cf
    from linter.postfix.resolve import resolve

    on_disk = ConfigPaths(None if paths.main in contents else paths.main,
                          None if paths.master in contents else paths.master)
    main, master, diagnostics = load_files(on_disk, problems)
    if paths.main in contents:
        main = parse_main_cf(contents[paths.main], paths.main)
    if paths.master in contents:
        master = parse_master_cf(contents[paths.master], paths.master)
    config = resolve(main, master, version)
    config.diagnostics[:0] = diagnostics
    return config


def lint_pair(paths: ConfigPaths, rules: Iterable[Rule] | None = None,
              version: str = DEFAULT_VERSION,
              contents: Mapping[str, bytes] | None = None,
              problems: list[FileProblem] | None = None) -> list[Finding]:
    return lint_pair_with_notes(paths, rules, version, contents, problems)[0]


def lint_pair_with_notes(paths: ConfigPaths, rules: Iterable[Rule] | None = None,
                         version: str = DEFAULT_VERSION,
                         contents: Mapping[str, bytes] | None = None,
                         problems: list[FileProblem] | None = None,
                         known_ids: frozenset[str] | None = None
                         ) -> tuple[list[Finding], list]:
    """Findings and the run's notes (report.Notification) for one pair;
    files that could not be read are added to ``problems`` when given."""
    with paused_gc():  # the model has no cycles: collecting only costs time (25%)
        config = load_pair(paths, version, contents, problems)
        rules = list(builtin_rules() if rules is None else rules)
        unread_main = paths.main if config.main is None and paths.main else None
        return lint_configuration(config, rules), pair_notes(config, rules, known_ids,
                                                             unread_main)


def pair_notes(config, rules: Sequence[Rule], known_ids: frozenset[str] | None = None,
               unread_main: str | None = None) -> list[Notification]:
    """What the run says of a pair beside its findings: what the rules could
    not judge, and suppression comments that suppress nothing.
    ``known_ids``: the ids a directive may name (every rule loaded, run or
    not); by default the built-in rules' and ``rules``'."""
    if known_ids is None:
        known_ids = suppress.known_rule_ids([*builtin_rules(), *rules])
    return notes(config, rules, unread_main) + suppress.directive_notes(config, known_ids)


def lint_all(configurations: Sequence[ConfigPaths], rules: Sequence[Rule],
             version: str = DEFAULT_VERSION,
             contents: Mapping[str, bytes] | None = None,
             unreadable: Sequence[FileProblem] = (),
             linted: Mapping[tuple, tuple] | None = None,
             known_ids: frozenset[str] | None = None) -> LintResult:
    """Lint every pair; one that crashes does not stop the others.
    ``unreadable``: what discovery could not lint (Discovery.problems).
    ``linted``: (findings, notes) already known for pairs by (main, master)
    path, as --fix leaves them. ``known_ids``: as for pair_notes."""
    result = LintResult()
    findings: set[Finding] = set(problem_findings(unreadable, rules))
    problems = list(unreadable)
    for paths in configurations:
        try:
            known = (linted or {}).get((paths.main, paths.master))
            found, said = known or lint_pair_with_notes(paths, rules, version, contents,
                                                        problems, known_ids)
            findings.update(found)
            result.notifications.extend(said)
        except Exception as error:  # noqa: BLE001  a bug in a rule or the model: go on
            where = tuple(path for path in (paths.main, paths.master) if path)
            result.internal_errors.append(
                InternalError(where, f"{type(error).__name__}: {error}"))
    result.findings = sorted(findings, key=Finding.sort_key)
    result.notifications[:0] = problem_notifications(problems)   # files not linted first
    return result


def problem_findings(problems: Iterable[FileProblem], rules: Iterable[Rule]) -> list[Finding]:
    """A parse-error finding at each file or directory that could not be
    linted (so it fails the run and can be baselined), when that rule runs."""
    rule = next((rule for rule in rules if rule.id == UNREADABLE_RULE), None)
    if rule is None:
        return []
    return [Finding(rule=rule.id, severity=rule.severity, path=problem.path, line=1, column=1,
                    message=problem.message, tags=rule.tags)
            for problem in problems if problem.level == "error"]


def problem_notifications(problems: Iterable[FileProblem]) -> list[Notification]:
    """One notification per problem, once: "error" marks the run incomplete."""
    unique = dict.fromkeys(problems)
    return [Notification(problem.message, problem.path, problem.level) for problem in unique]
