"""Findings about endpoints: located at the setting that causes them,
named by the endpoint (stable across edits), never showing a secret."""

from __future__ import annotations

import re

from linter.apps.endpoint import Endpoint
from linter.engine.findings import Edit, Finding, Fix

MASK = "****"
MODE_WORDS = {"implicit_tls": "implicit TLS", "starttls": "STARTTLS", "plain": "plain SMTP",
              "auto": "TLS if the server speaks it"}
STARTTLS_PORTS = (25, 587, 2525)


def mode_text(transport: str | None) -> str:
    return MODE_WORDS.get(transport or "", "an unknown mode")


def where(endpoint: Endpoint, name: str | None) -> str:
    """``encryption: tls, line 7`` or ``the default`` for a field."""
    if name is None:
        return f"{endpoint.app_name}'s default"
    scalar = endpoint.field_scalar(name)
    if not scalar.line:
        field = endpoint.fields.get(name)
        key = _key_name(endpoint, name)
        if field is not None and field.defaulted:
            default = field.typed if not isinstance(field.typed, bool) else str(field.typed).lower()
            return f"{key} not set: {endpoint.app_name}'s default is {default}"
        return f"{key} not set"
    key = scalar.path.rsplit("/", 1)[-1] if scalar.path else name
    shown = f"{key}: {scalar.text}" if scalar.state == "value" and name not in secret_fields(
        endpoint) else key
    return f"{shown}, line {scalar.line}"


def _key_name(endpoint: Endpoint, name: str) -> str:
    """The key a field is written as (its first path's last segment)."""
    spec = endpoint.spec.get("fields", {}).get(name, {})
    paths = spec.get("path", name)
    first = paths[0] if isinstance(paths, list) else paths
    first = first["path"] if isinstance(first, dict) else first
    return first.rsplit("/", 1)[-1] or name


def secret_fields(endpoint: Endpoint) -> set[str]:
    return set(endpoint.spec.get("model", {}).get("secrets", []))


def fields(rule, endpoint: Endpoint, **extra) -> dict[str, str]:
    host = endpoint.host or "?"
    base = {"label": endpoint.label, "app": endpoint.app_name,
            "host": f"[{host}]" if ":" in host else host, "port": str(endpoint.port or "?"),
            "mode": mode_text(endpoint.transport), "transport": endpoint.transport or "",
            "value": "", "field": "", "where": "", "setting": ""}
    base.update(extra)
    return base


def fix_edit(endpoint: Endpoint, purpose: str) -> tuple[str, tuple[Edit, ...] | None]:
    """The mapping's fix for ``purpose`` (implicit_tls, starttls,
    require_tls, verify): (a description, an edit when the file writes it)."""
    spec = endpoint.spec.get("model", {}).get("fixes", {}).get(purpose)
    if not spec:
        return "", None
    name = spec["field"]
    scalar = endpoint.field_scalar(name)
    key = scalar.path.rsplit("/", 1)[-1] if scalar.path else name
    if "scheme" in spec:
        if scalar.state != "value" or "://" not in (scalar.text or "") or scalar.shared:
            return f"use the {spec['scheme']}:// scheme", None
        value = spec["scheme"] + "://" + (scalar.text or "").split("://", 1)[1]
        return f"{key}: {value}", (Edit("set", endpoint.path, scalar.path, value),)
    value = spec["value"]
    description = f"{key}: {value}" if scalar.path else f"set {_key_name(endpoint, name)} to {value}"
    edits = []
    for other in spec.get("also", ()):
        # Flags the app treats as exclusive: turn the other one off too.
        other_scalar = endpoint.field_scalar(other["field"])
        if other_scalar.line and other_scalar.state == "value" and not other_scalar.shared:
            other_key = other_scalar.path.rsplit("/", 1)[-1]
            description += f" and {other_key}: {other['value']}"
            edits.append(Edit("set", endpoint.path, other_scalar.path, str(other["value"])))
    if scalar.line and scalar.state in ("value", "empty") and not scalar.shared:
        return description, (Edit("set", endpoint.path, scalar.path, str(value)), *edits)
    return description, None


def make(rule, endpoint: Endpoint, at: tuple[str | None, ...], values: dict[str, str],
         message: str | None = None, severity: str | None = None,
         fix: tuple[str, tuple[Edit, ...] | None] | None = None, parameter: str | None = None,
         related=()) -> Finding:
    line, column = endpoint.location_of(*at)
    secrets = endpoint.secrets()
    # Only what came from the file is masked, never the rule's own words.
    values = {key: value if key in ("app", "field") else mask(str(value), secrets)
              for key, value in values.items()}
    text = (message or rule.message).format(**values)
    made_fix = None
    if rule.fix and fix is not None:
        description = rule.fix["description"].format(**values)
        edits = tuple(fix[1] or ())
        made_fix = Fix(description, (), edits, safety=rule.fix_safety or "unsafe")
    return Finding(
        rule=rule.id, severity=severity or rule.severity, path=endpoint.path, line=line,
        column=column, message=text, service=mask(endpoint.label, secrets),
        fix=mask_fix(made_fix, secrets), tags=rule.tags,
        parameter=parameter or next((endpoint.field_scalar(n).path for n in at
                                     if endpoint.field_scalar(n).path), None),
        related=tuple(related))


def mask(text: str, secrets: list[str]) -> str:
    """Replace every secret value (as a whole token) with ****."""
    for secret in secrets:
        if len(secret) < 3:
            continue
        text = re.sub(r"(?<![A-Za-z0-9])" + re.escape(secret) + r"(?![A-Za-z0-9])", MASK, text)
    return text


def mask_fix(fix: Fix | None, secrets: list[str]) -> Fix | None:
    if fix is None or not secrets:
        return fix
    edits = tuple(Edit(e.action, e.path, e.name,
                       mask(e.value, secrets) if e.value else e.value, e.service)
                  for e in fix.edits)
    return Fix(mask(fix.description, secrets), tuple(mask(line, secrets) for line in fix.lines),
               edits, fix.safety)
