"""The smtplint typer app: show, lint, rules, explain.

Each command is a thin shell: it reads options, calls the stage that does
the work and prints what a renderer made. Heavy modules are imported inside
the commands that need them. ``smtplint lint`` normally never gets here:
``linter.cli.main`` sends it straight to ``linter.lint_command`` without
importing typer; this command forwards to the same code.
"""

from __future__ import annotations

from enum import Enum

import typer

app = typer.Typer(
    name="smtplint", add_completion=False, no_args_is_help=True,
    help="Lint Postfix submission (587) and submissions (465) services.",
)

EXIT_USAGE = 2


class ShowFormat(str, Enum):
    text = "text"
    json = "json"


def _version(value: bool) -> None:
    if value:
        from linter import __version__

        typer.echo(f"smtplint {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """smtplint: lint Postfix main.cf and master.cf."""


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True,
                               "help_option_names": []}, add_help_option=False)
def lint(ctx: typer.Context) -> None:
    """Lint main.cf/master.cf files and directories (smtplint lint --help)."""
    from linter.lint_command import run

    raise typer.Exit(run(ctx.args, stdout=_Echo(), stderr=_Echo(err=True)))


class _Echo:
    """A stream that writes through typer.echo, so CliRunner captures it."""

    def __init__(self, err: bool = False):
        self.err = err

    def write(self, text: str) -> None:
        typer.echo(text, nl=False, err=self.err)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        import sys

        return (sys.stderr if self.err else sys.stdout).isatty()


@app.command()
def show(
    path: str = typer.Argument("/etc/postfix", help="A directory with main.cf and "
                               "master.cf, or one of those files."),
    output_format: ShowFormat = typer.Option(ShowFormat.text, "--format", "-f"),
    postfix_version: str = typer.Option(None, "--postfix-version",
                                        help="Target Postfix version (default 3.7)."),
) -> None:
    """Print each service's effective settings and where each value came from
    (for an application's YAML file: the SMTP endpoints it configures)."""
    import json
    import os

    if path.lower().endswith((".yml", ".yaml")):
        _show_app(path, output_format)
        return

    from linter.postfix.load import load_configuration, pair_for
    from linter.postfix.params import DEFAULT_VERSION, SUPPORTED_VERSIONS
    from linter.show import render_text, show_document

    version = postfix_version or DEFAULT_VERSION
    if version not in SUPPORTED_VERSIONS:
        _usage_error(f"unsupported Postfix version {version!r}; "
                     f"choose one of {', '.join(SUPPORTED_VERSIONS)}")
    if not os.path.exists(path):
        _usage_error(f"{path}: no such file or directory")
    paths = pair_for(path)
    if paths.main is None and paths.master is None:
        _usage_error(f"{path}: no main.cf or master.cf found")
    document = show_document(load_configuration(paths, version))
    if output_format is ShowFormat.json:
        typer.echo(json.dumps(document, indent=2))
    else:
        typer.echo(render_text(document), nl=False)


class ListFormat(str, Enum):
    text = "text"
    json = "json"


@app.command("rules")
def list_rules(
    tag: str = typer.Option(None, "--tag", "-t", help="Only rules with this tag."),
    profile: str = typer.Option(None, "--profile", "-p",
                                help="Only rules that run in this profile."),
    output_format: ListFormat = typer.Option(ListFormat.text, "--format", "-f"),
    rules_dir: list[str] = typer.Option([], "--rules-dir", "-r",
                                        help="Also list custom rules from DIR."),
) -> None:
    """List the rules: id, severity, profile, tags and summary."""
    import json

    from linter.engine.rules import PROFILES
    from linter.lint_command import UsageError, load_rules

    if profile is not None and profile not in PROFILES:
        _usage_error(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    try:
        rules = load_rules(rules_dir)
    except UsageError as error:
        _usage_error(str(error))
    chosen = sorted((rule for rule in rules
                     if (tag is None or tag in rule.tags) and rule.in_profile(profile)),
                    key=lambda rule: rule.id)
    if output_format is ListFormat.json:
        typer.echo(json.dumps([{"id": r.id, "severity": r.severity, "profile": r.profile,
                                "tags": list(r.tags), "summary": r.summary}
                               for r in chosen], indent=2))
        return
    typer.echo(rules_table(chosen), nl=False)


def rules_table(rules) -> str:
    from linter.report.escape import one_line

    rows = [("ID", "SEVERITY", "PROFILE", "TAGS", "SUMMARY")]
    rows += [(r.id, r.severity, r.profile, ",".join(r.tags), r.summary) for r in rules]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    return "".join("  ".join(one_line(cell).ljust(width)
                             for cell, width in zip(row[:4], widths))
                   + "  " + one_line(row[4]) + "\n" for row in rows)


@app.command()
def explain(
    rule_id: str = typer.Argument(..., metavar="RULE_ID", help="A rule id, e.g. "
                                  "submission-tls-not-required."),
    rules_dir: list[str] = typer.Option([], "--rules-dir", "-r",
                                        help="Also look in custom rules from DIR."),
) -> None:
    """Print a rule's documentation (markdown)."""
    import difflib

    from linter.engine.explain import rule_markdown
    from linter.lint_command import UsageError, load_rules

    try:
        rules = {rule.id: rule for rule in load_rules(rules_dir)}
    except UsageError as error:
        _usage_error(str(error))
    rule = rules.get(rule_id)
    if rule is None:
        close = difflib.get_close_matches(rule_id, list(rules), n=1, cutoff=0.5)
        hint = f" (did you mean '{close[0]}'?)" if close else "; see smtplint rules"
        _usage_error(f"unknown rule {rule_id!r}{hint}")
    typer.echo(rule_markdown(rule), nl=False)


def _show_app(path: str, output_format) -> None:
    import os

    from linter.apps.show import render_json, render_text, show_document

    if not os.path.isfile(path):
        _usage_error(f"{path}: no such file")
    document = show_document(path)
    text = render_json(document) if output_format is ShowFormat.json else render_text(document)
    typer.echo(text, nl=False)


@app.command("apps", context_settings={"allow_extra_args": True,
                                       "ignore_unknown_options": True})
def apps(ctx: typer.Context) -> None:
    """List the supported applications and how each is recognised
    (smtplint apps --help)."""
    from linter.apps.command import main

    raise typer.Exit(main(ctx.args))


def _usage_error(message: str) -> None:
    typer.echo(f"smtplint: error: {message}", err=True)
    raise typer.Exit(EXIT_USAGE)
