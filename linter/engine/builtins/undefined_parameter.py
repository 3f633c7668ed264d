"""``$name`` references that nothing defines: Postfix expands them to an
empty value (postconf: "undefined parameter"), which silently drops a
restriction list such as ``$mua_client_restrictions``.

Judged only with a main.cf in hand, and not when main.cf is a template
(a loop or include may define the name); names that postconf derives
(delivery services, ``ldap:name`` tables, restriction classes) count as
defined. A raw parameter (smtpd_reject_footer's ``$client_address``) is
not expanded, so its names are not references, as postconf agrees.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine.builtins.parameter_names import (
    at,
    dbms_prefixes,
    derived_names,
    main_is_templated,
)
from linter.engine.findings import Edit, Finding, Fix
from linter.postfix.expand import Expansion
from linter.postfix.template import has_placeholder


def check(rule, scope) -> Iterator[Finding]:
    config = scope.config
    if config.main is None or main_is_templated(config):
        return
    defined = derived_names(config)
    prefixes = dbms_prefixes(config)
    suggestions = rule.check.get("options", {}).get("suggestions", {})

    def missing(expansion: Expansion, raw: str, exclude: set[str]) -> list[str]:
        if has_placeholder(raw):
            return []
        return sorted(name for name in expansion.undefined - exclude
                      if name not in defined and not name.startswith(prefixes))

    overridden = {o.name for view in config.services for o in view.service.overrides}
    for name, param in config.main.definitions().items():
        setting = config.context.setting(name)  # written: always defined
        for ref in missing(setting.expansion, param.raw, overridden):
            yield _finding(rule, scope, config.main.path, param.value_line,
                           param.value_column, f"{name} ({at(scope.main_path, param.line)})",
                           ref, suggestions, None, name)
    for view in config.services:
        for override in view.service.override_map().values():
            setting = view.setting(override.name)  # an -o defines its name
            for ref in missing(setting.expansion, override.raw, set()):
                yield _finding(rule, scope, scope.master_path, override.line,
                               override.column, f"{view.label}: -o {override.name}",
                               ref, suggestions, view.service.key, override.name)


def _finding(rule, scope, path: str, line: int, column: int, where: str, name: str,
             suggestions: dict, service: str | None, parameter: str) -> Finding:
    value = suggestions.get(name, "")
    line_text = f"{name} = {value}".rstrip()
    hint = (f"define it in main.cf ({line_text})" if value else
            f"define it in main.cf ({name} = ... with the list you meant; "
            "an empty value keeps today's behaviour)")
    fix = Fix(f"{name} is used but never defined: {hint}, or remove the reference",
              (line_text,),   # "name =" without a suggestion
              (Edit(action="set", path=scope.main_path, name=name, value=value),),
              # defined empty, the name reads as it does today
              safety="unsafe" if value else "safe")
    return Finding(rule=rule.id, severity=rule.severity, path=path, line=line,
                   column=column,
                   message=(f"{where} refers to ${name}, which is never defined: "
                            "Postfix expands it to an empty value"),
                   service=service, fix=fix, tags=rule.tags, parameter=parameter)
