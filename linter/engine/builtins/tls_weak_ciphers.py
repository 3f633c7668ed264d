"""A weak cipher grade, or an overridden grade cipher list that names weak
suites, in force for a TLS service.

Postfix's own lists are not judged (Postfix advises keeping them): a
``tls_<grade>_cipherlist`` counts only when main.cf or an ``-o`` sets it,
and only for families its default does not already name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from linter.engine.builtins.tls_ciphers import LABELS, weak_families
from linter.engine.builtins.tls_mode import is_loopback, templated
from linter.engine.findings import Edit, Finding, Fix
from linter.engine.run import Scope, service_finding
from linter.postfix.resolve import ServiceView, Setting

GRADES = ("high", "medium", "low", "export", "null")
WEAK_GRADES = {
    "export": "asks for export-grade ciphers, which postconf(5) calls insecure",
    "low": "asks for low-grade ciphers, which postconf(5) calls insecure",
    "null": "allows only NULL cipher suites, which do not encrypt at all",
}


def check(rule, scope: Scope) -> Iterator[Finding]:
    for view in scope.services:
        if (view.tls not in ("optional", "required", "wrapper") or is_loopback(view)
                or templated(view)):
            continue
        grade = view.setting(view.ciphers_parameter)
        if grade is None or not grade.known or grade.value.strip().lower() not in GRADES:
            continue
        name = grade.value.strip().lower()
        if name in WEAK_GRADES:
            yield _grade_finding(rule, scope, view, grade, name)
            continue
        finding = _list_finding(rule, scope, view, name)
        if finding is not None:
            yield finding


def _grade_finding(rule, scope: Scope, view: ServiceView, grade: Setting,
                   name: str) -> Finding:
    finding = service_finding(rule, scope, view, grade, problem=WEAK_GRADES[name])
    if grade.source.kind == "master":
        fix = Fix(f"Use Postfix's default grade on {view.label}: -o {grade.name}=medium",
                  (f"  -o {grade.name}=medium",),
                  (Edit("set", scope.master_path, grade.name, "medium", view.service.key),))
    else:
        fix = Fix(f"Use Postfix's default grade: in main.cf set {grade.name} = medium",
                  (f"{grade.name} = medium",),
                  (Edit("set", scope.main_path, grade.name, "medium"),))
    return dataclasses.replace(finding, fix=fix)


def _list_finding(rule, scope: Scope, view: ServiceView, grade: str) -> Finding | None:
    cipherlist = view.setting(f"tls_{grade}_cipherlist")
    if cipherlist is None or not cipherlist.known or cipherlist.source.kind == "default":
        return None
    exclusions = [view.setting("smtpd_tls_exclude_ciphers")]
    if view.tls_required:
        exclusions.append(view.setting("smtpd_tls_mandatory_exclude_ciphers"))
    if any(s is not None and not s.known for s in exclusions):
        return None
    excluded = " ".join(s.value for s in exclusions if s is not None)
    weak = weak_families(cipherlist.value, excluded)
    default = weak_families(scope.config.data.defaults.get(cipherlist.name, ""))
    if weak is None or default is None:
        return None
    added = [family for family in weak if family not in default]
    if not added:
        return None
    labels = [LABELS[family] for family in added]
    problem = "admits " + " and ".join(filter(None, [", ".join(labels[:-1]), labels[-1]])) + " suites"
    finding = service_finding(rule, scope, view, cipherlist, problem=problem)
    return dataclasses.replace(finding, fix=_exclusion_fix(scope, view, exclusions[0], added))


def _exclusion_fix(scope: Scope, view: ServiceView, current: Setting | None,
                   added: list[str]) -> Fix:
    """Exclude the weak families where smtpd_tls_exclude_ciphers is set."""
    tokens = current.value.replace(",", " ").split() if current is not None else []
    tokens += [family for family in added if family not in tokens]
    name = "smtpd_tls_exclude_ciphers"
    if current is not None and current.source.kind == "master":
        value = ",".join(tokens)
        return Fix(f"Exclude the weak suites on {view.label}: -o {name}={value}",
                   (f"  -o {name}={value}",),
                   (Edit("set", scope.master_path, name, value, view.service.key),))
    value = ", ".join(tokens)
    return Fix(f"Exclude the weak suites at every TLS level: in main.cf set {name} = {value}",
               (f"{name} = {value}",), (Edit("set", scope.main_path, name, value),))
