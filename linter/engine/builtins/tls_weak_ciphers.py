"""A weak cipher grade, or an overridden grade cipher list that names weak
suites, in force for a TLS service.

Postfix's own lists are not judged (Postfix advises keeping them): a
``tls_<grade>_cipherlist`` counts only when main.cf or an ``-o`` sets it,
and only for families its default does not already name.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine.builtins.tls_ciphers import LABELS, weak_families
from linter.engine.builtins.tls_mode import is_loopback, templated
from linter.engine.findings import Edit, Finding, Fix
from linter.engine.run import Problem, Scope, report
from linter.postfix.resolve import ServiceView, Setting

GRADES = ("high", "medium", "low", "export", "null")
WEAK_GRADES = {
    "export": "asks for export-grade ciphers (insecure, says postconf(5))",
    "low": "asks for low-grade ciphers (insecure, says postconf(5))",
    "null": "allows only NULL cipher suites (no encryption at all)",
}


def check(rule, scope: Scope) -> Iterator[Finding]:
    return report(rule, scope, _problems(scope))


def _problems(scope: Scope) -> Iterator[Problem]:
    for view in scope.services:
        if (view.tls not in ("optional", "required", "wrapper") or is_loopback(view)
                or templated(view)):
            continue
        grade = view.setting(view.ciphers_parameter)   # a Postfix parameter: never None
        if not grade.known or grade.value.strip().lower() not in GRADES:
            continue
        name = grade.value.strip().lower()
        if name in WEAK_GRADES:
            yield _grade_problem(scope, view, grade, name)
            continue
        problem = _list_problem(scope, view, name)
        if problem is not None:
            yield problem


def _grade_problem(scope: Scope, view: ServiceView, grade: Setting, name: str) -> Problem:
    if grade.source.kind == "master":
        fix = Fix(f"Use Postfix's default grade on {view.label}: -o {grade.name}=medium",
                  (f"  -o {grade.name}=medium",),
                  (Edit("set", scope.master_path, grade.name, "medium", view.service.key),))
    else:
        fix = Fix(f"Use Postfix's default grade: in main.cf set {grade.name} = medium",
                  (f"{grade.name} = medium",),
                  (Edit("set", scope.main_path, grade.name, "medium"),))
    return Problem(view, grade, {"problem": WEAK_GRADES[name]}, fix)


def _list_problem(scope: Scope, view: ServiceView, grade: str) -> Problem | None:
    cipherlist = view.setting(f"tls_{grade}_cipherlist")
    if not cipherlist.known:
        return None   # Postfix's own list (the default) names no weak family: see below
    exclusions = [view.setting("smtpd_tls_exclude_ciphers")]
    if view.tls_required:
        exclusions.append(view.setting("smtpd_tls_mandatory_exclude_ciphers"))
    if any(not s.known for s in exclusions):
        return None
    excluded = " ".join(s.value for s in exclusions)
    weak = weak_families(cipherlist.value, excluded)
    default = weak_families(scope.config.data.defaults[cipherlist.name], "")
    if weak is None or default is None:
        return None
    added = [family for family in weak if family not in default]
    if not added:
        return None
    labels = [LABELS[family] for family in added]
    named = " and ".join(filter(None, [", ".join(labels[:-1]), labels[-1]]))
    problem = f"admits {named} suites"
    return Problem(view, cipherlist, {"problem": problem},
                   _exclusion_fix(scope, view, exclusions[0], added))


def _exclusion_fix(scope: Scope, view: ServiceView, current: Setting,
                   added: list[str]) -> Fix:
    """Exclude the weak families where smtpd_tls_exclude_ciphers is set."""
    tokens = current.value.replace(",", " ").split()
    tokens += [family for family in added if family not in tokens]
    name = "smtpd_tls_exclude_ciphers"
    if current.source.kind == "master":
        value = ",".join(tokens)
        return Fix(f"Exclude the weak suites on {view.label}: -o {name}={value}",
                   (f"  -o {name}={value}",),
                   (Edit("set", scope.master_path, name, value, view.service.key),))
    value = ", ".join(tokens)
    return Fix(f"Exclude the weak suites at every TLS level: in main.cf set {name} = {value}",
               (f"{name} = {value}",), (Edit("set", scope.main_path, name, value),))
