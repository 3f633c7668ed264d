"""app-submission-port-25: authenticated submission to port 25."""

from __future__ import annotations

from linter.apps import findings as make
from linter.apps.values import is_local


def check(rule, endpoint, context):
    if endpoint.port != 25 or endpoint.credentials not in ("literal", "secret-reference"):
        return
    if endpoint.host is None or is_local(endpoint.host):
        return
    source = f" ({endpoint.app_name}'s default port)" if endpoint.port_source == "default" else ""
    values = make.fields(rule, endpoint, source=source)
    yield make.make(rule, endpoint, (endpoint.causes.get("port"),), values)
