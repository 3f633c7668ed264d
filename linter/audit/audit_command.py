"""``smtplint audit``: lint the live configuration on the mail host, with
the host's own values, plus what only the host can check.

Also runnable on its own: ``python -m linter.audit.audit_command ...``.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import replace

from linter.audit.command_common import (
    UsageError,
    add_report_arguments,
    finish,
    run_command,
    select,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Audit the Postfix of this host: every instance's main.cf/master.cf with the "
        "host's values (from postconf), certificate files, the SASL backend and the "
        "listening ports. Run it as root: smtpd reads its keys as root.")
    parser.add_argument("--config-dir", metavar="DIR",
                        help="the instance to audit (default: postconf's config_directory "
                             "and its multi_instance_directories; /etc/postfix without postconf)")
    parser.add_argument("--no-postconf", action="store_true",
                        help="do not ask postconf: parse the files under --config-dir only")
    parser.add_argument("--expiry-days", type=int, default=21, metavar="DAYS",
                        help="tls-cert-invalid[expiring] within DAYS (default 21)")
    parser.add_argument("--probe", action="store_true",
                        help="also probe the smtpd services found (on loopback when they "
                             "listen on all addresses)")
    parser.add_argument("--ca-file", metavar="FILE", help="trust anchors for --probe")
    add_report_arguments(parser)


def run(args: argparse.Namespace, stdout, stderr, environ) -> int:
    return run_command(_audit, args, stdout, stderr, environ)


def _audit(args: argparse.Namespace, stdout, stderr, environ) -> int:
    from linter.audit.host import discover_host
    from linter.audit.host_checks import HostOptions
    from linter.audit.listening import listening_sockets
    from linter.report import Notification

    if args.config_dir and not os.path.isdir(args.config_dir):
        raise UsageError(f"{args.config_dir}: no such directory")
    selection = select(args)
    host = discover_host(args.config_dir, not args.no_postconf, environ)
    notifications = [Notification(note, level="note") for note in host.notes]
    options = HostOptions(args.expiry_days, listening_sockets())
    if options.sockets is None:
        notifications.append(Notification("cannot read /proc/net/tcp: service-not-listening "
                                          "was not judged", level="note"))
    findings, files, targets = [], [], []
    for instance in host.instances:
        paths = instance.paths
        if paths.main is None and paths.master is None:
            notifications.append(Notification(f"{instance.config_dir}: no main.cf or "
                                              "master.cf", path=instance.config_dir))
            continue
        files += [path for path in (paths.main, paths.master) if path]
        if not instance.enabled:
            notifications.append(Notification(
                f"{instance.config_dir}: instance {instance.name} is disabled "
                "(multi_instance_enable = no): nothing of it is expected to listen, so "
                "service-not-listening and --probe leave it out", level="note"))
        try:
            found, found_targets = audit_instance(instance, selection, options)
        except Exception as error:  # noqa: BLE001  a bug: report it, audit the rest
            notifications.append(Notification(f"{instance.config_dir}: internal error: "
                                              f"{type(error).__name__}: {error}"))
            continue
        findings += found
        targets += found_targets
    notifications += [Notification(note, level="note") for note in options.notes]
    if args.probe and targets:
        findings += _probe(targets, args, selection, stderr, environ)
        files += [target.label for target in targets]
    return finish(findings, selection, files, notifications, args, stdout, environ)


def audit_instance(instance, selection, options) -> tuple[list, list]:
    """Lint and host findings of one instance (its name in every message),
    and the targets --probe would check."""
    from linter.audit.host_checks import host_findings
    from linter.engine import suppress
    from linter.lint import lint_configuration
    from linter.postfix.load import load_configuration

    config = load_configuration(instance.paths, instance.version, instance.host_values)
    if not instance.enabled:   # postfix start skips it: its ports are rightly closed
        options = replace(options, sockets=None)
    lint_rules = [rule for rule in selection.rules if rule.stage == "lint"]
    found = lint_configuration(config, lint_rules)
    host = host_findings(config, selection.ids("host"), options)
    found += suppress.apply(host, suppress.file_suppressions(config))
    named = [replace(f, message=f"instance {instance.name}: {f.message}") for f in found]
    return named, probe_targets(config) if instance.enabled else []


def probe_targets(config) -> list:
    from linter.audit.targets import Target

    roles = {"mx": "smtp", "submission": "submission", "submissions": "submissions"}
    targets = []
    for view in config.smtpd_services():
        if view.service.type != "inet" or view.listener is None or view.listener.port is None:
            continue
        role = roles.get(view.role or "")
        if role is None:
            continue
        host = view.listener.host or _loopback(config)
        targets.append(Target(role, host, view.listener.port))
    return list(dict.fromkeys(targets))


def _loopback(config) -> str:
    interfaces = config.context.value("inet_interfaces")
    for word in interfaces.replace(",", " ").split():
        if word.startswith("127.") or word == "[::1]":
            return word.strip("[]")
    return "127.0.0.1"


def _probe(targets, args, selection, stderr, environ) -> list:
    from linter.audit.limits import Timeouts
    from linter.audit.probe import ProbeOptions
    from linter.audit.probe_command import probe_findings
    from linter.audit.progress import Progress
    from linter.audit.run_probes import probe_all

    options = ProbeOptions(ca_file=args.ca_file, timeouts=Timeouts())
    progress = Progress(stderr, len(targets), environ)
    try:
        results = probe_all(targets, options, 32, progress)
    finally:
        progress.close()
    return probe_findings(results, selection.ids("probe"))

