"""app-plaintext-credentials: a literal password in the file (never printed)."""

from __future__ import annotations

from dataclasses import replace

from linter.apps import findings as make


def check(rule, endpoint, context):
    if endpoint.credentials != "literal":
        return
    name = endpoint.causes.get("credentials")
    scalar = endpoint.field_scalar(name)
    key = scalar.path or name
    values = make.fields(rule, endpoint, field=f"{key}, line {scalar.line}")
    # Several receivers can share one global password: report it once, there.
    finding = make.make(rule, endpoint, (name,), values, parameter=scalar.path)
    yield replace(finding, service=None)
