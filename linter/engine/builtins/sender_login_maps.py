"""reject_*_login_mismatch looks the sender up in smtpd_sender_login_maps;
with the maps empty smtpd skips the check without a word."""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine.findings import Edit, Finding, Fix
from linter.engine.restrictions import (
    LOGIN_MISMATCH,
    mentions,
    restriction_classes,
    split,
)
from linter.engine.run import Problem, Scope, origin, report
from linter.postfix.resolve import ServiceView, Setting

MAPS = "smtpd_sender_login_maps"


def check(rule, scope: Scope) -> Iterator[Finding]:
    problems = []
    for view in scope.services:
        maps = view.setting(MAPS)
        if maps is not None and (not maps.known or maps.value.strip()):
            continue
        found = mentions(view, LOGIN_MISMATCH, undefined_empty=scope.undefined_is_empty)
        if not found:
            continue
        parameter, setting = found[0]
        used = next(word.lower() for word in split(setting.value)
                    if word.lower() in LOGIN_MISMATCH)
        if parameter in (restriction_classes(view) or {}):
            parameter = f"restriction class {parameter}"
        detail = f"{parameter} uses {used} ({origin(setting)}) but {MAPS} is empty ({origin(maps)})"
        problems.append(Problem(view, maps, {"detail": detail}, _own_fix(rule, scope, view, maps),
                                detail=f"{parameter}: {used}"))
    return report(rule, scope, problems)


def _own_fix(rule, scope: Scope, view: ServiceView, maps: Setting) -> Fix | None:
    """A service that empties the maps by its own -o is fixed there: the
    rule's main.cf line would not reach it. None: the rule's own fix."""
    if maps.source.kind != "master":
        return None
    table = rule.fix["edits"][0]["value"]
    option = f"-o {MAPS}={table}"
    return Fix(f"Point {MAPS} of {view.label} at a table that maps each sender address to "
               f"the logins allowed to use it: {option} (the table name is an example)",
               (f"  {option}",), (Edit("set", scope.master_path, MAPS, table, view.service.key),),
               safety=rule.fix_safety)
