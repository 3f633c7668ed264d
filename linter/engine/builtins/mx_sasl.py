"""Port 25 serves other mail servers, which never log in: AUTH there
invites password guessing. It is usually switched on for every service by
smtpd_sasl_auth_enable = yes in main.cf instead of per submission service;
then one finding at that line covers every port-25 service."""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine.findings import Edit, Finding, Fix
from linter.engine.run import Problem, Scope, is_yes, report
from linter.postfix.resolve import ServiceView, Setting

SASL = "smtpd_sasl_auth_enable"


def check(rule, scope: Scope) -> Iterator[Finding]:
    problems = []
    main_fixes: dict = {}   # by main.cf line: the same for every port-25 service
    for view in scope.services:
        setting = view.setting(SASL)
        if is_yes(setting) is not True or setting is None:
            continue
        if setting.source.kind == "master":
            fix = _option_fix(scope, view, setting)
        else:
            if setting.source not in main_fixes:
                main_fixes[setting.source] = _main_fix(scope, setting)
            fix = main_fixes[setting.source]
        problems.append(Problem(view, setting, fix=fix))
    return report(rule, scope, problems)


def _option_fix(scope: Scope, view: ServiceView, setting: Setting) -> Fix:
    return Fix(f"Remove -o {SASL}={setting.raw.strip()} from {view.label}", (),
               (Edit("remove", scope.master_path, SASL, service=view.service.key),))


def _main_fix(scope: Scope, setting: Setting) -> Fix:
    """main.cf turned it on (Postfix's default is no): remove it there and
    enable it per submission service. Worked out once, not once per port-25
    service (thousands of listeners made it quadratic)."""
    relying = [other for other in scope.config.smtpd_services()
               if other.role in ("submission", "submissions")
               and _inherits(other, SASL) and is_yes(other.setting(SASL)) is True]
    edits = [Edit("remove", scope.main_path, SASL)]
    edits += [Edit("set", scope.master_path, SASL, "yes", other.service.key)
              for other in relying]
    where = ", ".join(other.label for other in relying)
    description = f"Remove {SASL} = yes from main.cf ({setting.source.label})"
    if relying:
        description += f" and enable it per submission service: under {where} add -o {SASL}=yes"
    lines = ("  -o smtpd_sasl_auth_enable=yes",) if relying else ()
    return Fix(description, lines, tuple(edits))


def _inherits(view: ServiceView, name: str) -> bool:
    setting = view.setting(name)
    return setting is not None and setting.source.kind != "master"
