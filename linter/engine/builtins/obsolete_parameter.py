"""Parameters that Postfix replaced: each finding names the replacement.

The obsolete -> replacement table is data, in the rule's
``check.options.parameters``: ``replacement`` (the parameter to use),
``values`` (old value -> replacement value), ``stronger`` (another obsolete
setting that wins when set, e.g. smtpd_enforce_tls=yes over
smtpd_use_tls=yes), ``fallback`` (another obsolete setting that decides
when this one's value maps to nothing, e.g. smtpd_use_tls behind
smtpd_enforce_tls=no), ``since`` (the first Postfix version where the name is
obsolete or ignored) and ``advice`` (what to do, when there is no simple
replacement), ``copy_value`` (a rename: the replacement takes the same
value), ``ok_values`` (values that are fine), ``status`` (wording other
than "is obsolete": what postconf(5) says) and ``severity`` (when it is
not the rule's: info for a parameter Postfix still uses).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from linter.engine.builtins.parameter_names import at
from linter.engine.findings import Edit, Finding, Fix
from linter.engine.rules import builtin_rules
from linter.postfix.params import version_key
from linter.postfix.resolve import Context

RULE_ID = "obsolete-parameter"


@cache
def _builtin_table() -> dict:
    rule = next(rule for rule in builtin_rules() if rule.id == RULE_ID)
    return rule.check.get("options", {}).get("parameters", {})


def obsolete_table() -> dict:
    """The shipped table (other rules use it to leave these names alone)."""
    return _builtin_table()


def check(rule, scope) -> Iterator[Finding]:
    config = scope.config
    table = rule.check.get("options", {}).get("parameters", {})
    version = version_key(config.version)
    applies = {name: entry for name, entry in table.items()
               if version >= version_key(str(entry.get("since", "0")))}

    def obsolete(name: str, context: Context) -> bool:
        if name not in applies:
            return False
        setting = context.setting(name)
        ok_values = [str(v).lower() for v in applies[name].get("ok_values", ())]
        if not ok_values:
            return True
        # only some values are the problem: an unknown value is not one
        return (setting is not None and setting.known
                and setting.value.strip().lower() not in ok_values)

    if config.main is not None:
        for param in config.main.parameters:
            if obsolete(param.name, config.context):
                advice = _advice(param.name, applies, config.context)
                fix_lines = tuple(f"{n} = {v}" for n, v in advice.sets)
                yield Finding(
                    rule=rule.id, severity=applies[param.name].get("severity", rule.severity),
                    path=scope.main_path, line=param.line, column=param.column,
                    parameter=param.name,
                    message=f"{param.name} = {param.raw} ({at(scope.main_path, param.line)}) "
                            f"{advice.text}",
                    fix=_fix(advice, fix_lines, scope.main_path, param.name, None),
                    tags=rule.tags)
    for view in config.services:
        for override in view.service.override_map().values():
            if obsolete(override.name, view.context):
                advice = _advice(override.name, applies, view.context)
                fix_lines = tuple(f"  -o {n}={v}" for n, v in advice.sets)
                yield Finding(
                    rule=rule.id, severity=applies[override.name].get("severity", rule.severity),
                    path=scope.master_path, line=override.line, column=override.column,
                    parameter=override.name,
                    message=f"{view.label}: -o {override.name}={override.raw} "
                            f"{advice.text}",
                    service=view.service.key,
                    fix=_fix(advice, fix_lines, scope.master_path, override.name,
                             view.service.key),
                    tags=rule.tags)


class Advice:
    """What the message says, and which settings replace the obsolete one."""

    def __init__(self, text: str, sets: list[tuple[str, str]]):
        self.text = text
        self.sets = sets


def _advice(name: str, table: dict, context: Context) -> Advice:
    entry = table[name]
    since = entry.get("obsolete_since", "")
    stem = entry.get("status") or f"is obsolete{f' since Postfix {since}' if since else ''}"
    replacement = entry.get("replacement")
    if not replacement:
        return Advice(f"{stem}: {entry.get('advice', 'remove it')}", [])
    current = context.setting(replacement)
    if current is not None and current.known and current.value.strip() \
            and current.source.kind != "default":
        return Advice(f"{stem} and ignored, because {replacement}={current.value} "
                      f"({current.source.label}) is set: remove it", [])
    new_value = _replacement_value(name, entry, context)
    if new_value is None:
        hint = entry.get("advice", f"use {replacement} instead")
        return Advice(f"{stem}: {hint}", [])
    return Advice(f"{stem}: use {replacement}={new_value} instead", [(replacement, new_value)])


def _replacement_value(name: str, entry: dict, context: Context) -> str | None:
    values = {str(k).lower(): str(v) for k, v in entry.get("values", {}).items()}
    if entry.get("copy_value"):
        return context.setting(name).raw.strip()   # set: that is why it is judged
    stronger_table = entry.get("stronger", {})
    if any(not setting.known for other in stronger_table
           if (setting := context.setting(other)) is not None):
        return None   # the stronger setting may win once it is known: no value to give
    stronger = _mapped(stronger_table, context)
    if stronger is not None:
        return stronger
    setting = context.setting(name)
    if setting is None or not setting.known:
        return None
    own = values.get(setting.value.strip().lower())
    if own is not None:
        return own
    return _mapped(entry.get("fallback", {}), context)


def _mapped(table: dict, context: Context) -> str | None:
    """The replacement value another obsolete setting gives, if any."""
    for other, other_values in table.items():
        setting = context.setting(other)
        if setting is not None and setting.known:
            mapped = {str(k).lower(): str(v) for k, v in other_values.items()}
            if setting.value.strip().lower() in mapped:
                return mapped[setting.value.strip().lower()]
    return None


def _fix(advice: Advice, lines: tuple[str, ...], path: str, name: str,
         service: str | None) -> Fix:
    edits = [Edit(action="remove", path=path, name=name, service=service)]
    edits += [Edit(action="set", path=path, name=n, value=v, service=service)
              for n, v in advice.sets]
    replaced = ", ".join(f"{n}={v}" for n, v in advice.sets)
    where = f" under {service.split('/')[0]}" if service else ""
    text = (f"Replace {name} with {replaced}{where}" if advice.sets
            else f"Remove {name}{where}")
    # The replacement Postfix derives keeps the behaviour; removing a
    # setting that still counts for something may not.
    return Fix(text, lines, tuple(edits), safety="safe" if advice.sets else "unsafe")
