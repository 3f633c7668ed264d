"""Port 25 must not require TLS (RFC 3207 section 4).

The fix depends on where the requirement comes from: an ``-o`` on the MX
service is changed there; a main.cf value is made opportunistic, and the
submission services that relied on it get their own ``-o``.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine.builtins.tls_mode import (
    cause_origin,
    describe,
    is_loopback,
    obsolete_note,
    templated,
    tls_cause,
)
from linter.engine.findings import Edit, Finding, Fix
from linter.engine.run import Problem, Scope, report
from linter.postfix.resolve import ServiceView, Setting

LEVEL = "smtpd_tls_security_level"
WRAPPER = "smtpd_tls_wrappermode"


def check(rule, scope: Scope) -> Iterator[Finding]:
    problems = []
    main_fixes: dict[str, Fix] = {}
    for view in scope.services:
        if view.tls not in ("required", "wrapper") or is_loopback(view) or templated(view):
            continue
        # Postfix's defaults require no TLS: a written wrappermode, level or
        # smtpd_enforce_tls (main.cf or -o) always decides here.
        cause = tls_cause(view)
        assert cause is not None
        detail = ("runs implicit TLS (wrappermode)" if view.tls == "wrapper"
                  else "requires STARTTLS")
        short = "run implicit TLS" if view.tls == "wrapper" else "require STARTTLS"
        problems.append(Problem(view, cause, {"detail": detail, "detail_short": short,
                                              "obsolete": obsolete_note(cause),
                                              "origin": cause_origin(cause)},
                                _fix(scope, view, cause, main_fixes)))
    return report(rule, scope, problems)


def _fix(scope: Scope, view: ServiceView, cause: Setting, main_fixes: dict) -> Fix:
    """``main_fixes``: the main.cf fix by TLS mode, worked out once for all
    port-25 services (per service, thousands of listeners made it quadratic)."""
    wrapper = view.tls == "wrapper"
    if cause.source.kind == "master":
        if wrapper:
            return Fix(f"Remove -o {describe(cause)} from {view.label}; port 25 takes "
                       "plaintext connections that upgrade with STARTTLS",
                       (), (Edit("remove", scope.master_path, WRAPPER,
                                 service=view.service.key),))
        return Fix(f"Make TLS opportunistic on {view.label}: -o {LEVEL}=may",
                   (f"  -o {LEVEL}=may",),
                   (Edit("set", scope.master_path, LEVEL, "may", view.service.key),))
    if view.tls not in main_fixes:
        main_fixes[view.tls] = _main_fix(scope, view.tls)
    return main_fixes[view.tls]


def _main_fix(scope: Scope, tls: str) -> Fix:
    """Make main.cf's value opportunistic; the submission services of the
    same TLS mode that relied on it get their own -o."""
    name, safe, strict, role = ((WRAPPER, "no", "yes", "submissions") if tls == "wrapper"
                                else (LEVEL, "may", "encrypt", "submission"))
    lines = [f"{name} = {safe}"]
    edits = [Edit("set", scope.main_path, name, safe)]
    relying = [other for other in scope.config.smtpd_services()
               if other.role == role and other.tls == tls and _inherits(other, name)]
    for other in relying:
        lines.append(f"  -o {name}={strict}")
        edits.append(Edit("set", scope.master_path, name, strict, other.service.key))
    where = "".join(f"; under {other.label} add -o {name}={strict}, which relied on it"
                    for other in relying)
    return Fix(f"In main.cf set {name} = {safe} (STARTTLS stays available on port 25)"
               + where, tuple(lines), tuple(edits))


def _inherits(view: ServiceView, name: str) -> bool:
    """The service takes ``name`` (or, for the level, the obsolete
    smtpd_enforce_tls it falls back to) from main.cf, not its own -o."""
    names = [name] if name == WRAPPER else [name, "smtpd_enforce_tls"]
    settings = [view.setting(n) for n in names]
    return all(s is None or s.source.kind != "master" for s in settings)
