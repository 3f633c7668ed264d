"""What ``audit`` and ``probe`` share with ``lint``: report options, the
config file, rule selection, warn/skip lists, the baseline and rendering.

Kept apart from linter/lint_command.py on purpose: it uses the engine and
report modules directly, so the two commands do not depend on how lint
parses its own options.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

from linter.engine.rules import PROFILES

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad options, configuration or rules: exit 2 with this message."""


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    from linter.report import FORMATS

    parser.add_argument("-f", "--format", choices=FORMATS, default=None,
                        help="output format (default: text; github when GITHUB_ACTIONS=true)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write the report to FILE (atomically, only if it changed)")
    parser.add_argument("-p", "--profile", choices=PROFILES, default=None,
                        help="run only the rules of this profile")
    parser.add_argument("--strict", action="store_true", default=None,
                        help="warnings fail the run too")
    parser.add_argument("-r", "--rules-dir", action="append", default=[], metavar="DIR",
                        help="also load custom rules from DIR (repeatable)")
    parser.add_argument("-c", "--config", metavar="FILE",
                        help="config file (default: .smtplint.yml and friends, searched upward)")
    parser.add_argument("--no-color", action="store_true", help="never colour the output")


@dataclass
class Selection:
    settings: object
    all_rules: list
    rules: list            # the selected ones

    def ids(self, stage: str) -> dict:
        return {rule.id: rule for rule in self.rules if rule.stage == stage}


def select(args: argparse.Namespace) -> Selection:
    from linter.config import ConfigError, load_settings
    from linter.engine.rules import RuleError, builtin_rules, load_user_rules
    from linter.engine.select import select_rules

    try:
        settings = load_settings(args.config)
    except ConfigError as error:
        raise UsageError(str(error)) from None
    rules = list(builtin_rules())
    known = {rule.id for rule in rules}
    for directory in (*settings.rules_dir, *args.rules_dir):
        try:
            extra = load_user_rules(directory)
        except RuleError as error:
            raise UsageError(str(error)) from None
        for rule in extra:
            if rule.id in known:
                raise UsageError(f"{rule.path}: rule id '{rule.id}' is already defined")
            known.add(rule.id)
            rules.append(rule)
    profile = args.profile or settings.profile
    chosen = select_rules(rules, profile, settings.skip_list, settings.enable_list)
    return Selection(settings, rules, chosen)


def is_uri(path: str) -> bool:
    return "://" in path


def apply_baseline(findings: list, root: str) -> list:
    """``.smtplint-ignore`` entries name files (relative to the root) or
    probe targets (``submission://host:587``), each with a rule id."""
    from linter.engine import baseline
    from linter.engine.select import base_id

    try:
        entries = baseline.load(root)
    except baseline.BaselineError as error:
        raise UsageError(str(error)) from None
    if not entries:
        return findings
    kept = []
    for finding in findings:
        where = finding.path if is_uri(finding.path) else baseline.relative(finding.path, root)
        if (where, finding.rule) in entries or (where, base_id(finding.rule)) in entries:
            continue
        kept.append(finding)
    return kept


def finish(findings: list, selection: Selection, files: list[str], notifications: list,
           args: argparse.Namespace, stdout, environ) -> int:
    """Skip/warn lists, baseline, render, write; the exit status."""
    from linter import __version__
    from linter.engine.findings import Finding
    from linter.engine.select import apply_warn_list, drop_skipped
    from linter.report import Report, render

    settings = selection.settings
    findings = apply_warn_list(drop_skipped(findings, settings.skip_list), settings.warn_list)
    findings = sorted(set(apply_baseline(findings, settings.root)), key=Finding.sort_key)
    strict = bool(args.strict if args.strict is not None else settings.strict)
    failing = ("error", "warning") if strict else ("error",)
    output_format = args.format or settings.format or (
        "github" if environ.get("GITHUB_ACTIONS") == "true" else "text")
    report = Report(findings=findings, rules={rule.id: rule for rule in selection.all_rules},
                    files=files, failing=failing,
                    color=_color(args.no_color or bool(args.output), environ, stdout),
                    tool_version=__version__, notifications=notifications)
    text = render(output_format, report)
    if args.output:
        from linter.atomic import write_if_changed

        try:
            write_if_changed(args.output, text)
        except OSError as error:
            raise UsageError(f"{args.output}: cannot write: {error.strerror or error}") from None
    else:
        stdout.write(text)
        stdout.flush()
    if not report.complete:
        return EXIT_USAGE
    return EXIT_FAILED if any(f.severity in failing for f in findings) else EXIT_OK


def _color(disabled: bool, environ, stream) -> bool:
    if disabled or environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR") not in (None, "", "0"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def run_command(body, args, stdout, stderr, environ) -> int:
    """Run a command body; usage errors become exit 2 with a message."""
    environ = os.environ if environ is None else environ
    try:
        return body(args, stdout, stderr, environ)
    except UsageError as error:
        stderr.write(f"smtplint: error: {error}\n")
        return EXIT_USAGE
