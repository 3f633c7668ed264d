"""``smtplint probe [ROLE://]HOST[:PORT]...``: check live SMTP servers.

Also runnable on its own: ``python -m linter.audit.probe_command ...``.
"""

from __future__ import annotations

import argparse

from linter.audit.command_common import (
    UsageError,
    add_report_arguments,
    finish,
    run_command,
    select,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Probe SMTP servers: STARTTLS (25, 587), implicit TLS (465), AUTH only after "
        "TLS, plaintext MAIL refused on 587, STARTTLS command injection, TLS protocol "
        "versions and the certificate. Never sends credentials or a message. A target "
        "is [ROLE://]HOST[:PORT], ROLE smtp, submission or submissions; without a role "
        "the port decides, with neither all of 25, 465 and 587.")
    parser.add_argument("targets", nargs="*", metavar="TARGET")
    parser.add_argument("--targets-file", metavar="FILE",
                        help="read more targets from FILE, one a line (# comments)")
    parser.add_argument("--ca-file", metavar="FILE",
                        help="trust anchors (PEM) instead of the system store")
    parser.add_argument("--connect-timeout", type=float, default=5.0, metavar="SECONDS")
    parser.add_argument("--read-timeout", type=float, default=10.0, metavar="SECONDS",
                        help="longest wait for one reply")
    parser.add_argument("--endpoint-timeout", type=float, default=30.0, metavar="SECONDS",
                        help="longest time for everything done to one target")
    parser.add_argument("-j", "--concurrency", type=int, default=64, metavar="N",
                        help="targets probed at once (default 64)")
    add_report_arguments(parser)


def run(args: argparse.Namespace, stdout, stderr, environ) -> int:
    return run_command(_probe, args, stdout, stderr, environ)


def probe_options(args: argparse.Namespace):
    from linter.audit.limits import Timeouts
    from linter.audit.probe import ProbeOptions

    for name in ("connect_timeout", "read_timeout", "endpoint_timeout"):
        if not getattr(args, name) > 0:
            raise UsageError(f"--{name.replace('_', '-')} must be more than 0")
    if args.ca_file:
        import os

        if not os.path.isfile(args.ca_file):
            raise UsageError(f"{args.ca_file}: no such file")
    return ProbeOptions(ca_file=args.ca_file, timeouts=Timeouts(
        args.connect_timeout, args.read_timeout, args.endpoint_timeout))


def targets_of(args: argparse.Namespace) -> list:
    from linter.audit.targets import TargetError, parse_target, read_targets_file

    written = list(args.targets)
    try:
        if args.targets_file:
            written += read_targets_file(args.targets_file)
        targets = [target for text in written for target in parse_target(text)]
    except OSError as error:
        raise UsageError(f"{args.targets_file}: cannot read: {error.strerror or error}") from None
    except TargetError as error:
        raise UsageError(str(error)) from None
    if not targets:
        raise UsageError("no target given: smtplint probe [ROLE://]HOST[:PORT]...")
    return list(dict.fromkeys(targets))


def probe_findings(results, rules: dict) -> list:
    from linter.audit.findings import probe_finding

    found = []
    for result in results:
        for problem in result.problems:
            finding = probe_finding(rules, problem.rule, result.target.label,
                                    result.target.role, problem.message)
            if finding is not None:
                found.append(finding)
    return found


def _probe(args: argparse.Namespace, stdout, stderr, environ) -> int:
    from linter.audit.progress import Progress
    from linter.audit.run_probes import probe_all

    if args.concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    targets = targets_of(args)
    options = probe_options(args)
    selection = select(args)
    progress = Progress(stderr, len(targets), environ)
    try:
        results = probe_all(targets, options, args.concurrency, progress)
    finally:
        progress.close()
    findings = probe_findings(results, selection.ids("probe"))
    return finish(findings, selection, [t.label for t in targets], [], args, stdout, environ)

