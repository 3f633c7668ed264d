"""``smtplint lint``: options, settings, discovery, lint, baseline, reports.

The command line and the config file merge (the command line wins, lists
add up); the pairs found are linted once each; then every report asked for
is written from the same findings: one to standard output (or ``-o``) and
any number to files (``--output-format sarif=smtplint.sarif``). Text and
brief name files as the user gave them; machine formats relative to the
project root (``linter.project``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TextIO

from linter.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from linter.commands.common import UsageError, load_rules
from linter.engine.rules import PROFILES
from linter.postfix.params import DEFAULT_VERSION, SUPPORTED_VERSIONS
from linter.report import FORMATS

VERSIONS = SUPPORTED_VERSIONS
STDIN = "-"
STDIN_NAME = "<stdin>"
STDIN_LIMIT = 16 * 1024 * 1024     # a configuration is not this big
BASELINE_FILE = ".smtplint-ignore"           # linter.engine.baseline.IGNORE_FILE
CWD_RELATIVE_FORMATS = frozenset({"text", "brief"})   # for terminals and editors
DESCRIPTION = """\
Lint Postfix main.cf/master.cf pairs. Directories are searched for main.cf
and master.cf; a file given by name is linted with its sibling; '-' reads
one file from standard input.

Exit status: 0 no failing finding, 1 failing findings, 2 usage,
configuration or internal error, or a file that could not be linted."""
EPILOG = """examples:
  smtplint lint                                   every pair below .
  smtplint lint --output-format sarif=smtplint.sarif   text here, SARIF to a file
  smtplint lint -x tls-weak-ciphers --warn mx-tls-required -q
  cat main.cf | smtplint lint - --stdin-filename postfix/main.cf
"""


def _selectors(text: str) -> list[str]:
    """``a,b`` or ``a`` -> rule ids or tags."""
    values = [part.strip() for part in text.split(",") if part.strip()]
    if not values:
        raise argparse.ArgumentTypeError("expected a rule id or tag")
    return values


def _report_spec(text: str) -> tuple[str, str | None]:
    """``FORMAT`` or ``FORMAT=FILE``."""
    name, has_file, path = text.partition("=")
    if name not in FORMATS:
        raise argparse.ArgumentTypeError(
            f"unknown format {name!r}; choose one of {', '.join(FORMATS)}")
    if has_file and not path:
        raise argparse.ArgumentTypeError(f"{text!r}: no file after '='")
    return name, (path if has_file else None)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = DESCRIPTION
    parser.epilog = EPILOG
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or directories (default: .); - reads standard input")
    what = parser.add_argument_group("what to lint")
    what.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                      help="skip files and directories matching GLOB, relative to the "
                           "current directory (repeatable; adds to exclude_paths)")
    what.add_argument("--stdin-filename", metavar="NAME",
                      help="the name of the file read from standard input: decides "
                           "main.cf or master.cf, its sibling on disk and the name in reports")
    what.add_argument("--project-root", metavar="DIR",
                      help="the directory report paths are relative to (default: "
                           "$GITHUB_WORKSPACE or $CI_PROJECT_DIR, else the git top level, "
                           "else the current directory)")
    what.add_argument("--follow-symlinks", action="store_true",
                      help="lint files and walk directories that symbolic links reach outside "
                           "the linted tree (default: report them, unread)")
    what.add_argument("-c", "--config", metavar="FILE",
                      help="config file (default: .smtplint.yml, .config/smtplint.yml or "
                           "[tool.smtplint] in pyproject.toml, searched upward)")

    rules = parser.add_argument_group("rules")
    rules.add_argument("-p", "--profile", choices=PROFILES, default=None,
                       help="run only the rules of this profile (they nest: "
                            "min < basic < safety < production; default: all rules)")
    rules.add_argument("-x", "--skip", action="extend", type=_selectors, default=[],
                       metavar="RULE", help="never run or report these rule ids or tags "
                                            "(comma-separated, repeatable; adds to skip_list)")
    rules.add_argument("--warn", action="extend", type=_selectors, default=[],
                       metavar="RULE", help="report errors of these rules as warnings "
                                            "(adds to warn_list)")
    rules.add_argument("--enable", action="extend", type=_selectors, default=[],
                       metavar="RULE", help="also run these opt-in rules (adds to enable_list)")
    rules.add_argument("-r", "--rules-dir", action="append", default=[], metavar="DIR",
                       help="also load custom rules from DIR (repeatable)")
    rules.add_argument("--postfix-version", choices=VERSIONS, default=None,
                       metavar="VERSION",
                       help=f"target Postfix version, {VERSIONS[0]}-{VERSIONS[-1]} "
                            f"(default: {DEFAULT_VERSION})")

    output = parser.add_argument_group("output")
    output.add_argument("-f", "--format", choices=FORMATS, default=None,
                        help="the report on standard output (default: text; github when "
                             "GITHUB_ACTIONS=true)")
    output.add_argument("--output-format", action="append", type=_report_spec, default=[],
                        metavar="FORMAT[=FILE]",
                        help="FORMAT=FILE also writes that report to FILE (repeatable), "
                             "e.g. sarif=smtplint.sarif; FORMAT alone is --format")
    output.add_argument("-o", "--output", metavar="FILE",
                        help="write the --format report to FILE instead of standard output "
                             "(atomically, only if it changed)")
    output.add_argument("-q", "--quiet", action="count", default=0,
                        help="text: findings only, no summary (-qq: nothing); "
                             "an incomplete run is always reported")
    output.add_argument("-v", "--verbose", action="count", default=0,
                        help="text: long values whole; say what was linted on stderr")
    output.add_argument("--no-color", action="store_true",
                        help="never colour the output (also NO_COLOR, TERM=dumb)")

    status = parser.add_argument_group("exit status")
    status.add_argument("--strict", action="store_true", default=None,
                        help="warnings fail the run too")
    status.add_argument("--exit-zero", action="store_true",
                        help="exit 0 even with failing findings (still 2 on errors)")
    status.add_argument("--generate-ignore", action="store_true",
                        help="write the current findings to .smtplint-ignore and exit 0")
    fixes = parser.add_argument_group("fixes")
    fixes.add_argument("--fix", action="store_true",
                       help="apply the safe fixes (they cannot change who can connect, "
                            "authenticate or relay), then report what remains")
    fixes.add_argument("--unsafe-fixes", action="store_true",
                       help="with --fix or --diff, also apply fixes that change policy")
    fixes.add_argument("--fix-only", action="extend", type=_selectors, default=[],
                       metavar="RULE", help="fix only these rules' findings (comma-separated, "
                                            "repeatable; adds to fix_only)")
    fixes.add_argument("--diff", action="store_true",
                       help="print the change --fix would make as a unified diff, write "
                            "nothing; exit 1 when there is a change")
    what.add_argument("--apps-dir", action="append", default=[], metavar="DIR",
                      help="also load application mappings from DIR (repeatable)")


@dataclass(frozen=True)
class Options:
    """Command line and config file merged: the command line wins."""

    paths: tuple[str, ...]
    output_format: str
    output: str | None
    extra_reports: tuple[tuple[str, str], ...]
    profile: str | None
    strict: bool
    rules_dirs: tuple[str, ...]
    version: str
    skip_list: tuple[str, ...]
    warn_list: tuple[str, ...]
    enable_list: tuple[str, ...]
    exclude_paths: tuple[str, ...]
    root: str
    generate_ignore: bool
    color: bool
    verbosity: int
    exit_zero: bool
    project_root: str | None = None
    fix_only: tuple[str, ...] = ()
    # Every rule loaded, run or not, with base ids: what suppression
    # comments may name (set once the rules are loaded).
    known_ids: frozenset[str] = frozenset()


def merge(args: argparse.Namespace, settings, environ: Mapping[str, str] = os.environ,
          stream=sys.stdout, cwd: str | None = None) -> Options:
    chosen = [name for name, path in args.output_format if path is None]
    extra = tuple((name, path) for name, path in args.output_format if path is not None)
    output_format = args.format or (chosen[-1] if chosen else None) or settings.format
    if output_format is None:
        output_format = "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"
    verbosity = args.verbose - args.quiet
    return Options(
        paths=tuple(args.paths) or (".",), output_format=output_format, output=args.output,
        extra_reports=extra, profile=args.profile or settings.profile,
        strict=bool(args.strict if args.strict is not None else settings.strict),
        rules_dirs=(*settings.rules_dir, *args.rules_dir),
        version=args.postfix_version or settings.postfix_version or DEFAULT_VERSION,
        skip_list=(*settings.skip_list, *args.skip),
        warn_list=(*settings.warn_list, *args.warn),
        enable_list=(*settings.enable_list, *args.enable),
        exclude_paths=(*settings.exclude_paths,
                       *cli_excludes(args.exclude, settings.root, cwd or os.getcwd())),
        root=settings.root, generate_ignore=args.generate_ignore,
        color=use_color(args.no_color or bool(args.output), environ, stream),
        verbosity=verbosity, exit_zero=args.exit_zero, project_root=args.project_root,
        fix_only=(*getattr(settings, "fix_only", ()), *args.fix_only))


def cli_excludes(patterns: Sequence[str], root: str, cwd: str) -> list[str]:
    """--exclude globs are relative to the current directory; exclude_paths
    to the config root: prefix the difference."""
    import posixpath

    prefix = os.path.relpath(os.path.abspath(cwd), root).replace(os.sep, "/")
    result = []
    for pattern in patterns:
        if os.path.isabs(pattern):
            pattern = os.path.relpath(pattern, root).replace(os.sep, "/")
        elif prefix != ".":
            pattern = posixpath.normpath(f"{prefix}/{pattern}")
        result.append(pattern)
    return result


def use_color(disabled: bool, environ: Mapping[str, str] = os.environ, stream=sys.stdout) -> bool:
    """--no-color and NO_COLOR win, FORCE_COLOR forces, TERM=dumb is off,
    else a terminal."""
    if disabled or environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR") not in (None, "", "0"):
        return True
    if environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO,
        environ: Mapping[str, str]) -> int:
    """The whole command; returns the exit status."""
    try:
        return _lint(args, stdout, stderr, environ)
    except UsageError as error:
        stderr.write(f"smtplint: error: {error}\n")
        return EXIT_USAGE


def _read_stdin(limit: int = STDIN_LIMIT) -> bytes:
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise UsageError(f"standard input is larger than {limit // (1024 * 1024)} MiB: "
                         "not a Postfix configuration")
    return data


def _stdin_pair(name: str | None):
    from linter.discover import sibling
    from linter.postfix.load import ConfigPaths

    if name is None:
        return STDIN_NAME, ConfigPaths(STDIN_NAME, None)
    path = os.path.normpath(name)
    return path, sibling(path)


@dataclass
class Targets:
    """What one run lints: the pairs, every file, and any content given on
    standard input instead of read from disk."""

    configurations: list
    files: list[str]
    contents: dict[str, bytes]
    nothing_found: bool
    problems: tuple = ()            # discovery's FileProblems: not linted, and why
    yaml_files: list = ()           # for the application linter


def _targets(args: argparse.Namespace, options: Options) -> Targets:
    from linter.discover import discover

    paths = [path for path in options.paths if path != STDIN]
    from_stdin = len(paths) != len(options.paths)
    if args.stdin_filename and not from_stdin:
        raise UsageError("--stdin-filename needs '-' among the paths")
    if from_stdin and options.paths.count(STDIN) > 1:
        raise UsageError("standard input ('-') can be given once")
    found = discover(paths, options.root, options.exclude_paths,
                     follow_symlinks=args.follow_symlinks)
    if found.missing:
        raise UsageError(f"{found.missing[0]}: no such file or directory")
    configurations, files = list(found.configurations), found.files()
    contents: dict[str, bytes] = {}
    if from_stdin:
        name, pair = _stdin_pair(args.stdin_filename)
        contents[name] = _read_stdin()
        if not any(name in (known.main, known.master) for known in configurations):
            configurations.append(pair)
        files += [path for path in (pair.main, pair.master) if path and path not in files]
    return Targets(configurations, files, contents,
                   nothing_found=not configurations,
                   problems=tuple(found.problems),
                   yaml_files=list(found.yaml_files))


def _lint(args: argparse.Namespace, stdout: TextIO, stderr: TextIO,
          environ: Mapping[str, str]) -> int:
    from linter.config import ConfigError, load_settings
    from linter.engine import suppress
    from linter.engine.select import apply_warn_list, drop_skipped, select_rules
    from linter.lint import lint_all
    from linter.report import Notification

    try:
        settings = load_settings(args.config)
    except ConfigError as error:
        raise UsageError(str(error)) from None
    if args.project_root and not os.path.isdir(args.project_root):
        raise UsageError(f"--project-root {args.project_root}: not a directory")
    options = merge(args, settings, environ, stdout)
    _check_destinations(args, options)
    all_rules = load_rules(options.rules_dirs)
    _check_selectors(args, all_rules)
    rules = select_rules(all_rules, options.profile, options.skip_list, options.enable_list)
    targets = _targets(args, options)
    notifications: list[Notification] = []
    if options.verbosity > 0:
        stderr.write(f"smtplint: config: {settings.path or 'none'}; {len(rules)} rules; "
                     f"{len(targets.configurations)} configurations, "
                     f"{len(targets.files)} files\n")
    options = replace(options, known_ids=suppress.known_rule_ids(all_rules))
    fixing = _fix_postfix(args, rules, targets, options, stderr)
    if args.diff:
        yaml_diff = _diff_yaml(targets, rules, settings, args, options, fixing[0], stderr)
        stdout.write(fixing[1].diff + yaml_diff)
        return EXIT_USAGE if fixing[1].errors else \
            (EXIT_FAILED if fixing[1].diff or yaml_diff else EXIT_OK)
    result = lint_all(targets.configurations, rules, options.version, targets.contents,
                      unreadable=targets.problems,
                      linted=fixing[2] if fixing is not None and args.fix else None,
                      known_ids=options.known_ids)
    notifications += _internal_errors(result.internal_errors, options, stderr)
    yaml_files = _lint_apps(targets, rules, settings, args, options, result, notifications)
    if targets.nothing_found and not _linted_yaml(targets.yaml_files, yaml_files):
        notifications.append(Notification(
            f"no main.cf or master.cf found in {' '.join(options.paths)}", level="note"))
    notifications += result.notifications      # files not linted; rules that could not judge
    findings = apply_warn_list(drop_skipped(result.findings, options.skip_list),
                               options.warn_list)
    if options.generate_ignore:
        from linter.engine import baseline

        try:
            path, written, count = baseline.generate(findings, options.root)
        except baseline.BaselineError as error:
            raise UsageError(str(error)) from None
        state = "wrote" if written else "unchanged:"
        stderr.write(f"smtplint: {state} {path} ({count} entries)\n")
        return EXIT_USAGE if result.internal_errors else EXIT_OK
    findings = _without_baseline(findings, options.root)
    if args.fix and yaml_files:
        findings, yaml_errors = _fix_yaml(findings, yaml_files, fixing[0], stderr)
        notifications += [Notification(error) for error in yaml_errors]
    if fixing is not None:
        from linter.fix.command import summary

        policy, outcome, _ = fixing
        notifications.append(Notification(summary(outcome, findings, policy), level="note"))
        notifications += [Notification(error) for error in outcome.errors]
    return _report(findings, all_rules, targets.files + yaml_files, notifications, options,
                   stdout, stderr, environ)


def _check_destinations(args: argparse.Namespace, options: Options) -> None:
    """Two reports to one place: the later would silently replace the
    earlier (a SARIF upload would find JSON)."""
    from linter.report.escape import one_line

    to_stdout = {name for name, path in args.output_format if path is None}
    if args.format:
        to_stdout.add(args.format)
    if len(to_stdout) > 1:
        formats = " and ".join(sorted(to_stdout))
        raise UsageError(f"one format for standard output, not {formats}: write the others "
                         "to files with --output-format FORMAT=FILE")
    seen: dict[str, str] = {}
    wanted = ([(f"-o {one_line(options.output)}", options.output)] if options.output else [])
    wanted += [(f"--output-format {name}={one_line(path)}", path)
               for name, path in options.extra_reports]
    for flag, path in wanted:
        key = os.path.realpath(path)
        if key in seen:
            raise UsageError(f"{flag}: {seen[key]} already writes that file")
        seen[key] = flag


def _check_selectors(args: argparse.Namespace, rules) -> None:
    """A rule id or tag on the command line that names no rule is a typo:
    ``-x tls-weak-cipher`` would otherwise skip nothing and say nothing.
    --fix-only takes rule ids only (FixPolicy matches no tags)."""
    from linter.engine.select import OPT_IN, base_id

    ids = {name for rule in rules for name in (rule.id, base_id(rule.id))}
    names = ids | {OPT_IN} | {tag for rule in rules for tag in rule.tags}
    for flag, selectors, known, what in (
            ("--skip", args.skip, names, "rule or tag"),
            ("--warn", args.warn, names, "rule or tag"),
            ("--enable", args.enable, names, "rule or tag"),
            ("--fix-only", args.fix_only, ids, "rule")):
        unknown = [selector for selector in selectors if selector not in known]
        if unknown:
            raise UsageError(_unknown_selector(flag, unknown[0], known, what))


def _unknown_selector(flag: str, selector: str, known: set[str], what: str) -> str:
    import difflib

    from linter.report.escape import one_line

    close = difflib.get_close_matches(selector, sorted(known), n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else "; see smtplint rules"
    return f"{flag} '{one_line(selector)}': no {what} of that name{hint}"


def _fix_postfix(args, rules, targets: Targets, options: Options, stderr: TextIO):
    """--fix / --diff on the Postfix pairs, before they are linted for the
    report; None when neither was asked for."""
    if not (args.fix or args.diff):
        return None
    if args.fix and targets.contents:
        raise UsageError("--fix cannot write standard input back; use --diff")
    from linter.engine.select import drop_skipped
    from linter.fix.command import run_fix
    from linter.fix.compose import FixPolicy
    from linter.lint import lint_configuration, pair_notes

    latest: dict[tuple, tuple] = {}     # each pair's last lint: texts, findings, notes
    baseline = _baseline_filter(options.root)

    def reported(config):
        found = lint_configuration(config, rules)
        latest[_pair_key(config)] = (_pair_texts(config), found,
                                     pair_notes(config, rules, options.known_ids))
        return baseline(drop_skipped(found, options.skip_list))

    policy = FixPolicy(unsafe=args.unsafe_fixes, only=frozenset(options.fix_only))
    outcome = run_fix(targets.configurations, targets.contents, reported, policy,
                      options.version, write=args.fix, stderr=stderr)
    return policy, outcome, _still_true(latest, outcome)


def _pair_key(config) -> tuple:
    return (config.main.path if config.main else None,
            config.master.path if config.master else None)


def _pair_texts(config) -> tuple:
    return tuple(parsed.serialize() if parsed is not None else None
                 for parsed in (config.main, config.master))


def _still_true(latest: dict, outcome) -> dict:
    """The fix loop's last lint of each pair whose files now hold exactly
    what it linted: the report need not lint them again."""
    result = outcome.result
    on_disk = dict(result.original)
    on_disk.update({path: text for path, text in result.changed().items()
                    if path not in outcome.unwritten})
    return {key: (found, pair_notes) for key, (texts, found, pair_notes) in latest.items()
            if all(path is None or on_disk.get(path) == text
                   for path, text in zip(key, texts))}


def _internal_errors(problems, options: Options, stderr: TextIO) -> list:
    """Each crash as an error notification (the run is incomplete). The text
    formats show them in the report itself; for machine formats and reports
    written to files, stderr is where a person sees them."""
    from linter.report import Notification

    to_stderr = options.output_format not in CWD_RELATIVE_FORMATS or bool(options.output)
    notes = []
    for problem in problems:
        if to_stderr:
            stderr.write(f"smtplint: {problem}\n")
        others = (f" (linted together with {' and '.join(problem.paths[1:])})"
                  if len(problem.paths) > 1 else "")
        notes.append(Notification(f"internal error: {problem.message}{others}",
                                  path=problem.paths[0] if problem.paths else None))
    return notes


def _without_baseline(findings: list, root: str) -> list:
    """Drop what .smtplint-ignore lists."""
    return _baseline_filter(root)(findings)


def _baseline_filter(root: str):
    """A function dropping what .smtplint-ignore lists, the file read once;
    the module (and the atomic writer it brings) is imported only when
    there is such a file."""
    if not os.path.lexists(os.path.join(root, BASELINE_FILE)):
        return lambda findings: findings
    from linter.engine import baseline

    try:
        ignored = baseline.load(root)
    except baseline.BaselineError as error:
        raise UsageError(str(error)) from None
    return lambda findings: baseline.apply(findings, ignored, root)


def _lint_apps(targets: Targets, rules, settings, args, options: Options, result,
               notifications: list) -> list[str]:
    """Application YAML (linter.apps): its findings join ``result``, its
    notifications ``notifications``; returns the files claimed. Nothing is
    imported when there is no YAML."""
    findings, notes, claimed = _app_findings(targets, rules, settings, args, options)
    result.findings = sorted([*result.findings, *findings], key=lambda f: f.sort_key())
    notifications.extend(notes)
    return claimed


def _app_findings(targets: Targets, rules, settings, args, options: Options):
    """(findings, notifications, files claimed) of the application YAML."""
    if not targets.yaml_files:
        return [], [], []
    from linter.apps import lint_app_files
    from linter.apps.mapping import MappingError

    apps_dirs = (*settings.apps_dir, *args.apps_dir)
    app_settings = _AppSettings(apps_dirs, settings.servers, options.root, options.version,
                                options.known_ids)
    claimed: list[str] = []
    try:
        findings, notes = lint_app_files(list(dict.fromkeys(targets.yaml_files)), rules,
                                         app_settings, targets.configurations, claimed)
    except MappingError as error:
        raise UsageError(str(error)) from None
    return findings, notes, claimed


def _fix_yaml(findings, yaml_files: list[str], policy, stderr) -> tuple[list, list[str]]:
    """--fix, YAML half: the fixes ``policy`` allows (the Postfix half's
    --unsafe-fixes and --fix-only) of the reported app findings (after
    skip_list and the baseline); the findings left, and the errors."""
    from linter.apps.fix import fix_files

    in_yaml = set(yaml_files)
    mine = [finding for finding in findings if finding.path in in_yaml]
    left, fixes, errors = fix_files(mine, policy.allows)
    for fix in fixes:
        for message in fix.messages + ([fix.error] if fix.error else []):
            stderr.write(f"smtplint: {message}\n")
        if fix.fixed:
            stderr.write(f"smtplint: fixed {len(fix.fixed)} in {fix.path}\n")
    for error in errors:
        stderr.write(f"smtplint: error: {error}\n")
    return sorted([f for f in findings if f.path not in in_yaml] + left,
                  key=lambda f: f.sort_key()), errors


def _diff_yaml(targets: Targets, rules, settings, args, options: Options, policy,
               stderr) -> str:
    """--diff, YAML half: what --fix would change in the application YAML
    (the reported findings, the same policy as the Postfix half)."""
    from linter.engine.select import drop_skipped

    findings, _, claimed = _app_findings(targets, rules, settings, args, options)
    if not claimed:
        return ""
    from linter.apps.fix import diff, plan_fixes
    from linter.apps.mapping import all_mappings

    reported = _without_baseline(drop_skipped(findings, options.skip_list), options.root)
    fixes = plan_fixes(reported, policy.allows)
    for fix in fixes:
        for message in fix.messages + ([fix.error] if fix.error else []):
            stderr.write(f"smtplint: {message}\n")
    return diff(fixes, all_mappings((*settings.apps_dir, *args.apps_dir)))


def _linted_yaml(yaml_files: list[str], claimed: list[str]) -> bool:
    """YAML was given or found besides smtplint's own config file."""
    return bool(claimed) or any(os.path.basename(path) not in (".smtplint.yml", ".smtplint.yaml")
                                for path in yaml_files)


@dataclass(frozen=True)
class _AppSettings:
    apps_dir: tuple[str, ...]
    servers: dict
    root: str
    postfix_version: str
    known_ids: frozenset[str]


def _report(findings, rules, files, notifications, options: Options, stdout: TextIO,
            stderr: TextIO, environ: Mapping[str, str]) -> int:
    from linter.report import render

    failing = ("error", "warning") if options.strict else ("error",)
    reports = ReportMaker(findings, rules, files, notifications, failing, options, environ)
    if options.verbosity > 0:
        stderr.write(f"smtplint: project root: {reports.root}\n")
    primary = reports.make(options.output_format, color=options.color)
    text = render(options.output_format, primary)
    if options.verbosity < -1 and primary.complete and options.output_format == "text":
        text = ""
    if options.output:
        _write(options.output, text)
    else:
        stdout.write(text)
        stdout.flush()
    for name, path in options.extra_reports:
        _write(path, render(name, reports.make(name)))
    summary_path = environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        _append_step_summary(summary_path, reports.make("github"), stderr)
    if not primary.complete:
        return EXIT_USAGE
    failed = any(f.severity in failing for f in findings)
    return EXIT_FAILED if failed and not options.exit_zero else EXIT_OK


class ReportMaker:
    """One Report per format: the same findings, with the paths each format shows."""

    def __init__(self, findings, rules, files, notifications, failing, options: Options,
                 environ: Mapping[str, str]):
        from linter.project import Relocator, find_root

        self.findings, self.files, self.notifications = findings, files, notifications
        self.rules = {rule.id: rule for rule in rules}
        self.failing, self.options = failing, options
        cwd = os.getcwd()
        self.root = find_root(options.project_root, environ, cwd)
        self.relocate = Relocator(self.root, cwd)
        self._relocated = None

    def make(self, output_format: str, color: bool = False):
        from linter import __version__
        from linter.report import Report

        findings, files, notes = self.findings, self.files, self.notifications
        if output_format not in CWD_RELATIVE_FORMATS:
            findings, files, notes = self._root_relative()
        return Report(findings=findings, rules=self.rules, files=files, failing=self.failing,
                      color=color, tool_version=__version__, notifications=notes,
                      root=self.root, verbosity=self.options.verbosity)

    def _root_relative(self):
        if self._relocated is None:
            from dataclasses import replace

            relocate = self.relocate
            findings = relocate.findings(self.findings)
            files = [relocate(path) for path in self.files]
            notes = [replace(note, path=relocate(note.path)) if note.path else note
                     for note in self.notifications]
            self._relocated = (findings, files, notes)
        return self._relocated


def _write(path: str, text: str) -> None:
    from linter.atomic import write_if_changed

    try:
        write_if_changed(path, text)
    except OSError as error:
        raise UsageError(f"{path}: cannot write: {error.strerror or error}") from None


def _append_step_summary(path: str, report, stderr: TextIO) -> None:
    """GitHub's job summary: appended, as every step of the job shares it."""
    from linter.report import step_summary

    try:
        with open(path, "a", encoding="utf-8", errors="surrogateescape") as handle:
            handle.write(step_summary.render(report))
    except OSError as error:
        stderr.write(f"smtplint: {path}: cannot write the job summary: "
                     f"{error.strerror or error}\n")
