"""A submission port (587 or 465) that master.cf does not offer.

Used by submission-service-missing and submissions-service-missing; the
port, the service name and the entry to add are the rule's options. Judged
only on a whole master.cf: not without one, not when templates may add
entries, not on a host that listens on loopback only, and not when another
port's smtpd already takes authenticated submissions (behind a proxy).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from linter.engine.findings import Edit, Finding, Fix
from linter.engine.run import is_yes
from linter.postfix.syntax import NodeKind

TEMPLATE_LOOP = re.compile(r"\{%-?\s*(for|include|import|macro|call)\b|^\s*\{\{")
LOOPBACK = {"loopback-only", "localhost", "127.0.0.1", "::1", "[::1]"}


def check(rule, scope) -> Iterator[Finding]:
    options = rule.check.get("options", {})
    port = int(options["port"])
    config = scope.config
    if not _judgeable(config):
        return
    if any(view.listener is not None and view.listener.port == port
           for view in config.services):
        return
    if _listens_on_loopback_only(config) or _proxied_submission(config):
        return
    commented = _commented_entry(config, options.get("names", []))
    state = (f" ({commented[1]} is commented out at master.cf:{commented[0]})"
             if commented else "")
    line = commented[0] if commented else 1
    yield Finding(rule=rule.id, severity=rule.severity, path=scope.master_path, line=line,
                  column=1, message=rule.message.format(state=state),
                  fix=_fix(rule, scope, options.get("names", [])),
                  tags=rule.tags)


def _fix(rule, scope, names: list[str]) -> Fix:
    """Activate the commented-out entry when master.cf has one, else add
    the rule's entry (linter/fix decides which when it applies the edit)."""
    lines = tuple(rule.fix.get("lines", ()))
    name = names[0] if names else lines[0].split()[0]
    edit = Edit("add-service", scope.master_path, name, "\n".join(lines), f"{name}/inet")
    return Fix(rule.fix["description"], lines, (edit,),
               safety=rule.fix.get("safety", "unsafe"))


def _judgeable(config) -> bool:
    master = config.master
    if master is None or not config.services:
        return False
    if any(view.service.templated for view in config.services):
        return False
    if any(node.kind is NodeKind.TEMPLATE and TEMPLATE_LOOP.search(node.text())
           for node in master.nodes):
        return False
    inet = [view for view in config.services if view.service.type == "inet"]
    if not inet or any(view.listener is None or view.listener.port is None for view in inet):
        return False  # no network listener at all, or one we cannot place
    return True


def _listens_on_loopback_only(config) -> bool:
    setting = config.context.setting("inet_interfaces")
    if setting is None or not setting.known:
        return False
    hosts = [token for token in re.split(r"[\s,]+", setting.value.strip().lower()) if token]
    return bool(hosts) and all(host in LOOPBACK or host.startswith("127.") for host in hosts)


def _proxied_submission(config) -> bool:
    """An smtpd on another port with AUTH on: a proxy (nginx, haproxy)
    in front handles the submission ports."""
    return any(view.role == "other" and view.service.type == "inet"
               and is_yes(view.setting("smtpd_sasl_auth_enable"))
               for view in config.services)


def _commented_entry(config, names: list[str]) -> tuple[int, str] | None:
    pattern = re.compile(r"^\s*#\s*((?:\S+:)?(" + "|".join(map(re.escape, names))
                         + r"))\s+inet\s")
    for node in config.master.nodes:
        for line in node.lines:  # comments may sit inside an entry's node
            match = pattern.match(line.text)
            if match:
                return line.number, match.group(1)
    return None
