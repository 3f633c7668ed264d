"""The protocol list a TLS service uses admits TLSv1 or TLSv1.1 (RFC 8996).

Services that require TLS (level encrypt or stricter, or wrappermode) use
smtpd_tls_mandatory_protocols, the others smtpd_tls_protocols. The fix
raises the floor where the value comes from: an ``-o`` stays an ``-o``;
an inherited mandatory list is fixed once in main.cf (only TLS-requiring
services read it); an inherited opportunistic list is fixed with ``-o``
except on port 25, whose own list it is. A main.cf fix shared by several
services is one finding at the cause.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine.builtins.tls_mode import default_unknown, is_loopback, templated
from linter.engine.builtins.tls_protocols import legacy_admitted
from linter.engine.findings import Edit, Finding, Fix
from linter.engine.run import Problem, Scope, report
from linter.postfix.params import version_key
from linter.postfix.resolve import ServiceView, Setting

MODERN_RANGE = ">=TLSv1.2"
MODERN_EXCLUSIONS = "!SSLv2,!SSLv3,!TLSv1,!TLSv1.1"


def check(rule, scope: Scope) -> Iterator[Finding]:
    return report(rule, scope, _problems(scope))


def _problems(scope: Scope) -> Iterator[Problem]:
    ranges = version_key(scope.config.version) >= (3, 6)
    for view in scope.services:
        if (view.tls not in ("optional", "required", "wrapper") or is_loopback(view)
                or templated(view)):
            continue
        setting = view.setting(view.protocols_parameter)
        if setting is None or not setting.known or default_unknown(scope.config, setting):
            continue
        legacy = legacy_admitted(setting.value, ranges)
        if not legacy:
            continue
        yield Problem(view, setting, {"legacy": " and ".join(legacy)},
                      _fix(scope, view, setting, ranges))


def _fix(scope: Scope, view: ServiceView, setting: Setting, ranges: bool) -> Fix:
    name = setting.name
    value = MODERN_RANGE if ranges else MODERN_EXCLUSIONS
    in_main = setting.source.kind != "master" and (
        name == "smtpd_tls_mandatory_protocols" or view.role == "mx")
    if in_main:
        main_value = value.replace(",", ", ")   # the exclusions, as main.cf writes lists
        return Fix(f"Admit only TLS 1.2 and later: in main.cf set {name} = {main_value}",
                   (f"{name} = {main_value}",),
                   (Edit("set", scope.main_path, name, main_value),))
    return Fix(f"Admit only TLS 1.2 and later on {view.label}: -o {name}={value}",
               (f"  -o {name}={value}",),
               (Edit("set", scope.master_path, name, value, view.service.key),))
