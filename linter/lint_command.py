"""``smtplint lint``: options, settings, discovery, lint, baseline, report.

Parsed with argparse rather than typer: lint runs on every commit (the
pre-commit hook), and typer with its pydantic coercion costs about 0.1 s
of start-up, as much as linting itself. ``smtplint lint`` through the typer
app forwards here, so the options are defined once.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from linter import __version__
from linter.engine.rules import PROFILES
from linter.postfix.params import DEFAULT_VERSION, SUPPORTED_VERSIONS
from linter.report import FORMATS

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
VERSIONS = SUPPORTED_VERSIONS


class UsageError(Exception):
    """Bad options, configuration or rules: exit 2 with this message."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smtplint lint",
        description="Lint Postfix main.cf/master.cf pairs. Directories are searched for "
                    "main.cf and master.cf; a file given by name is linted with its sibling. "
                    "Exit status: 0 no failing finding, 1 failing findings, 2 usage, "
                    "configuration or internal error.")
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or directories (default: .)")
    parser.add_argument("-f", "--format", choices=FORMATS, default=None,
                        help="output format (default: text; github when GITHUB_ACTIONS=true)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write the report to FILE (atomically, only if it changed)")
    parser.add_argument("-p", "--profile", choices=PROFILES, default=None,
                        help="run only the rules of this profile (they nest: "
                             "min < basic < safety < production; default: all rules)")
    parser.add_argument("--strict", action="store_true", default=None,
                        help="warnings fail the run too")
    parser.add_argument("-r", "--rules-dir", action="append", default=[], metavar="DIR",
                        help="also load custom rules from DIR (repeatable)")
    parser.add_argument("--postfix-version", choices=VERSIONS, default=None,
                        metavar="VERSION",
                        help=f"target Postfix version, {VERSIONS[0]}-{VERSIONS[-1]} "
                             "(default: 3.7)")
    parser.add_argument("-c", "--config", metavar="FILE",
                        help="config file (default: .smtplint.yml, .config/smtplint.yml or "
                             "[tool.smtplint] in pyproject.toml, searched upward)")
    parser.add_argument("--generate-ignore", action="store_true",
                        help="write the current findings to .smtplint-ignore and exit 0")
    parser.add_argument("--no-color", action="store_true", help="never colour the output")
    parser.add_argument("--follow-symlinks", action="store_true",
                        help="lint files and walk directories that symbolic links reach "
                             "outside the linted tree (default: report them, unread)")
    return parser


@dataclass(frozen=True)
class Options:
    """Command line and config file merged: the command line wins."""

    paths: tuple[str, ...]
    output_format: str
    output: str | None
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


def merge(args: argparse.Namespace, settings, environ=os.environ, stream=sys.stdout) -> Options:

    output_format = args.format or settings.format
    if output_format is None:
        output_format = "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"
    return Options(
        paths=tuple(args.paths) or (".",), output_format=output_format, output=args.output,
        profile=args.profile or settings.profile,
        strict=bool(args.strict if args.strict is not None else settings.strict),
        rules_dirs=(*settings.rules_dir, *args.rules_dir),
        version=args.postfix_version or settings.postfix_version or DEFAULT_VERSION,
        skip_list=settings.skip_list, warn_list=settings.warn_list,
        enable_list=settings.enable_list, exclude_paths=settings.exclude_paths,
        root=settings.root, generate_ignore=args.generate_ignore,
        color=use_color(args.no_color or bool(args.output), environ, stream))


def use_color(disabled: bool, environ=os.environ, stream=sys.stdout) -> bool:
    """--no-color and NO_COLOR win, FORCE_COLOR forces, else a terminal."""
    if disabled or environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR") not in (None, "", "0"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def load_rules(rules_dirs: Sequence[str]) -> list:
    from linter.engine.rules import RuleError, builtin_rules, load_user_rules

    rules = list(builtin_rules())
    origin = {rule.id: rule.path for rule in rules}
    for directory in rules_dirs:
        try:
            user_rules = load_user_rules(directory)
        except RuleError as error:
            raise UsageError(str(error)) from None
        for rule in user_rules:
            if rule.id in origin:
                raise UsageError(f"{rule.path}: rule id '{rule.id}' is already defined "
                                 f"by {origin[rule.id]}")
            origin[rule.id] = rule.path
            rules.append(rule)
    return rules


def run(argv: Sequence[str], stdout=None, stderr=None, environ=None) -> int:
    """The whole command; returns the exit status."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    environ = os.environ if environ is None else environ
    args = build_parser().parse_args(list(argv))
    try:
        return _lint(args, stdout, stderr, environ)
    except UsageError as error:
        stderr.write(f"smtplint: error: {error}\n")
        return EXIT_USAGE


def _lint(args: argparse.Namespace, stdout, stderr, environ) -> int:
    from linter.config import ConfigError, load_settings
    from linter.discover import discover
    from linter.engine import baseline
    from linter.engine.select import apply_warn_list, drop_skipped, select_rules
    from linter.lint import lint_all

    try:
        settings = load_settings(args.config)
    except ConfigError as error:
        raise UsageError(str(error)) from None
    options = merge(args, settings, environ, stdout)
    all_rules = load_rules(options.rules_dirs)
    rules = select_rules(all_rules, options.profile, options.skip_list, options.enable_list)
    found = discover(list(options.paths), options.root, options.exclude_paths,
                     follow_symlinks=args.follow_symlinks)
    if found.missing:
        raise UsageError(f"{found.missing[0]}: no such file or directory")
    if not found.configurations and not found.yaml_files:
        stderr.write(f"smtplint: no main.cf or master.cf found in {' '.join(options.paths)}\n")
    result = lint_all(found.configurations, rules, options.version, unreadable=found.problems)
    for message in result.internal_errors:
        stderr.write(f"smtplint: {message}\n")
    findings = apply_warn_list(drop_skipped(result.findings, options.skip_list),
                               options.warn_list)
    if options.generate_ignore:
        try:
            path, written, count = baseline.generate(findings, options.root)
        except baseline.BaselineError as error:
            raise UsageError(str(error)) from None
        state = "wrote" if written else "unchanged:"
        stderr.write(f"smtplint: {state} {path} ({count} entries)\n")
        return EXIT_USAGE if result.internal_errors else EXIT_OK
    try:
        ignored = baseline.load(options.root)
    except baseline.BaselineError as error:
        raise UsageError(str(error)) from None
    findings = baseline.apply(findings, ignored, options.root)
    return _report(findings, all_rules, found.files(), options, stdout,
                   bool(result.internal_errors), result.notifications)


def _report(findings, rules, files, options: Options, stdout, internal_error: bool,
            notifications=()) -> int:
    from linter.report import Report, render

    failing = ("error", "warning") if options.strict else ("error",)
    report = Report(findings=findings, rules={rule.id: rule for rule in rules}, files=files,
                    failing=failing, color=options.color, tool_version=__version__,
                    notifications=list(notifications))
    text = render(options.output_format, report)
    if options.output:
        from linter.atomic import write_if_changed

        try:
            write_if_changed(options.output, text)
        except OSError as error:
            raise UsageError(f"{options.output}: cannot write: "
                             f"{error.strerror or error}") from None
    else:
        stdout.write(text)
        stdout.flush()
    if internal_error:
        return EXIT_USAGE
    return EXIT_FAILED if any(f.severity in failing for f in findings) else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    return run(sys.argv[1:] if argv is None else argv)
