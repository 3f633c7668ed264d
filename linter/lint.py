"""Lint configurations with a set of rules: the core of ``smtplint lint``.

One pair at a time: load, run the rules, drop what the files' own
``# smtplint: disable`` comments suppress, and mark where each cause ends
(for SARIF regions). A file that cannot be parsed is a parse-error
finding; an exception (a bug) is recorded and the other configurations are
still linted. A file's content may be given instead of read (standard
input, ``smtplint lint -``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from linter.engine import suppress
from linter.engine.findings import Finding
from linter.engine.rules import Rule, builtin_rules
from linter.engine.run import notes, run_rules
from linter.postfix.load import ConfigPaths, load_configuration
from linter.postfix.params import DEFAULT_VERSION
from linter.regions import with_ends


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
    # report.Notification, level "note": what rules could not judge, and why.
    notifications: list = field(default_factory=list)


def lint_configuration(config, rules: Iterable[Rule]) -> list[Finding]:
    """Findings for a loaded Configuration, in-file suppressions applied."""
    findings = suppress.apply(run_rules(config, rules), suppress.file_suppressions(config))
    files = {parsed.path: parsed.nodes for parsed in (config.main, config.master)
             if parsed is not None}
    return with_ends(findings, files)


def load_pair(paths: ConfigPaths, version: str = DEFAULT_VERSION,
              contents: Mapping[str, bytes] | None = None):
    """The resolved configuration; a file in ``contents`` is not read from disk."""
    if not contents or (paths.main not in contents and paths.master not in contents):
        return load_configuration(paths, version)
    from linter.postfix.load import load_files
    from linter.postfix.main_cf import parse_main_cf
    from linter.postfix.master_cf import parse_master_cf
    from linter.postfix.resolve import resolve

    on_disk = ConfigPaths(None if paths.main in contents else paths.main,
                          None if paths.master in contents else paths.master)
    main, master, problems = load_files(on_disk)
    if paths.main in contents:
        main = parse_main_cf(contents[paths.main], paths.main)
    if paths.master in contents:
        master = parse_master_cf(contents[paths.master], paths.master)
    config = resolve(main, master, version)
    config.diagnostics[:0] = problems
    return config


def lint_pair(paths: ConfigPaths, rules: Iterable[Rule] | None = None,
              version: str = DEFAULT_VERSION,
              contents: Mapping[str, bytes] | None = None) -> list[Finding]:
    return lint_pair_with_notes(paths, rules, version, contents)[0]


def lint_pair_with_notes(paths: ConfigPaths, rules: Iterable[Rule] | None = None,
                         version: str = DEFAULT_VERSION,
                         contents: Mapping[str, bytes] | None = None
                         ) -> tuple[list[Finding], list]:
    """Findings and the run's notes (report.Notification) for one pair."""
    config = load_pair(paths, version, contents)
    rules = list(builtin_rules() if rules is None else rules)
    return lint_configuration(config, rules), notes(config, rules)


def lint_all(configurations: Sequence[ConfigPaths], rules: Sequence[Rule],
             version: str = DEFAULT_VERSION,
             contents: Mapping[str, bytes] | None = None) -> LintResult:
    """Lint every pair; one that crashes does not stop the others."""
    result = LintResult()
    findings: set[Finding] = set()
    for paths in configurations:
        try:
            found, pair_notes = lint_pair_with_notes(paths, rules, version, contents)
            findings.update(found)
            result.notifications.extend(pair_notes)
        except Exception as error:  # noqa: BLE001  a bug in a rule or the model: go on
            where = tuple(path for path in (paths.main, paths.master) if path)
            result.internal_errors.append(
                InternalError(where, f"{type(error).__name__}: {error}"))
    result.findings = sorted(findings, key=Finding.sort_key)
    return result
