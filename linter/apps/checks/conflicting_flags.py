"""app-conflicting-tls-flags: both exclusive TLS flags set."""

from __future__ import annotations

from linter.apps import findings as make


def check(rule, endpoint, context):
    for error, names in endpoint.conflicts:
        shown = " and ".join(make.where(endpoint, name) for name in names)
        hint = "STARTTLS on 587, implicit TLS on 465"
        values = make.fields(rule, endpoint, fields=shown, error=error, port_hint=hint)
        yield make.make(rule, endpoint, names, values, fix=("", None))
