"""Interpret a mapping's ``endpoints`` over a parsed file: fields, then the model.

A field is read from the first of its paths that is written (an empty value
falls through to the next, as Alertmanager's receivers fall back to
``global``). The model's transport, STARTTLS policy and verification come
from decision tables: the first case whose condition holds gives the value;
a case whose condition is unknown makes the value unknown (we cannot tell
whether it applies), so nothing downstream fires on a guess.
"""

from __future__ import annotations

import re

from linter.apps import source as tree
from linter.apps.endpoint import Endpoint, Field
from linter.apps.mapping import AppMapping, split_path
from linter.apps.values import (
    ABSENT, PLACEHOLDER, Scalar, blank_placeholders, classify, has_variable,
    split_host_port, split_url, to_bool, to_port,
)

# What makes a document a profile's (Boot 2.4+, and the older form);
# spring.profiles.active only activates profiles, so a document with it is the base.
PROFILE_KEYS = ("spring.config.activate.on-profile", "spring.profiles")


# -- documents --------------------------------------------------------------------

def roots_for(mapping: AppMapping, documents: list) -> list[tuple[object, str]]:
    """(root, document label) pairs the mapping's paths are read from."""
    docs = [doc for doc in documents if doc is not None]
    if not mapping.flatten:
        return [(doc, f"document {number}" if len(docs) > 1 else "")
                for number, doc in enumerate(docs, 1)]
    flat = [tree.flatten(doc)[0] for doc in docs]
    if mapping.documents != "layered":
        return [(doc, "") for doc in flat]
    base: dict = {}
    for doc in flat:
        if not any(key in doc for key in PROFILE_KEYS):
            base.update(doc)
    layered = [(base, "")] if base else []
    for doc in flat:
        profile = next((doc[key] for key in PROFILE_KEYS if key in doc), None)
        if profile is None:
            continue
        name = profile.value if tree.kind(profile) == "scalar" else "?"
        layered.append(({**base, **doc, "__own__": doc}, f"profile {name}"))
    return layered


# -- paths and fields -------------------------------------------------------------

def concrete(base: tuple[str, ...], path: str) -> tuple[list[str], bool]:
    """Segments of ``path`` from the root: absolute with a leading ``/``,
    else relative to ``base`` (``..`` goes up)."""
    if path.startswith("/"):
        return split_path(path), True
    segments = list(base)
    for part in split_path(path):
        if part == "..":
            if segments:
                segments.pop()
        else:
            segments.append(part)
    return segments, False


def read_scalar(root, base: tuple[str, ...], path: str, reference: bool = False,
                prefixes: tuple[str, ...] = ()) -> Scalar:
    segments, _ = concrete(base, path)
    found = tree.resolve(root, segments) if segments else [(root, ())]
    if not found:
        return ABSENT
    node, concrete_path = found[0]
    line, column = tree.position(node)
    where = "/".join(concrete_path)
    node_kind = tree.kind(node)
    if node_kind != "scalar":
        if reference:
            return Scalar("reference", None, line, column, where)
        return Scalar("unknown", None, line, column, where)
    if isinstance(node, tree.Leaf) and node.bare:
        return Scalar("reference", None, line, column, where)
    tag = None if isinstance(node, tree.Leaf) else node.tag
    plain = isinstance(node, tree.Leaf) or not node.style       # libyaml: "" for plain
    state, text = classify(str(node.value), tag, plain=plain)
    if state == "value" and (reference or (prefixes and (text or "").startswith(prefixes))):
        state, text = "reference", None
    templated = state == "value" and "$" in str(node.value) and has_variable(str(node.value))
    return Scalar(state, text, line, column, where, tag, templated,
                  None if tag and not tag.startswith("tag:yaml.org") else str(node.value),
                  plain=not isinstance(node, tree.Leaf) and not node.style,
                  shared=tree.through_merge(root, concrete_path))


def read_field(spec: dict, root, base: tuple[str, ...]) -> Field:
    paths = spec["path"] if isinstance(spec["path"], list) else [spec["path"]]
    first_empty = None
    scalar = ABSENT
    prefixes = tuple(spec.get("reference_prefixes", ()))
    for item in paths:
        path, reference = (item, False) if isinstance(item, str) else \
            (item["path"], bool(item.get("reference")))
        scalar = read_scalar(root, base, path, reference, prefixes)
        if scalar.state == "empty":
            first_empty = first_empty or scalar
            continue
        if scalar.state != "absent":
            break
    if scalar.state == "absent" and first_empty is not None:
        scalar = first_empty
    return typed_field(spec, scalar)


def typed_field(spec: dict, scalar: Scalar) -> Field:
    kind = spec.get("type", "string")
    if scalar.state in ("absent", "empty"):
        key = "empty_default" if scalar.state == "empty" and "empty_default" in spec else "default"
        if key in spec:
            return Field(scalar, _convert_default(spec, spec[key]), None, True)
        return Field(scalar)
    if scalar.state != "value":
        if kind in ("host_port", "url") and scalar.raw:
            return _partial(kind, scalar)
        return Field(scalar)
    text = scalar.text or ""
    if kind == "bool":
        value = _bool(spec, scalar, text)
        if value is None and spec.get("unrecognized") == "default":
            # The app reads such a value as if it were not set.
            return Field(scalar, _convert_default(spec, spec.get("default")), None, True)
        return Field(scalar, value)
    if kind == "port":
        return Field(scalar, to_port(text))
    if kind == "enum":
        if spec.get("case_sensitive"):
            values = {str(key): item for key, item in spec.get("values", {}).items()}
            return Field(scalar, values.get(text.strip(), text.strip()))
        values = {str(key).lower(): item for key, item in spec.get("values", {}).items()}
        lowered = text.strip().lower()
        return Field(scalar, values.get(lowered, lowered))
    if kind == "host_port":
        host, port = split_host_port(text)
        return Field(scalar, text, {"host": host or None, "port": _port_part(port),
                                    "scheme": None})
    if kind == "url":
        url = split_url(text)
        return Field(scalar, text, {"host": url.host, "port": _port_part(url.port),
                                    "scheme": url.scheme})
    return Field(scalar, text)


def _bool(spec: dict, scalar: Scalar, text: str) -> bool | None:
    """A boolean in the app's own grammar: ``exact`` strings first (any
    quoting, case kept), then the ``true``/``false`` words (any quoting,
    ignoring case), then ``plain_true``/``plain_false`` (only unquoted: a
    YAML 1.1 tool such as Helm or Psych reads plain ``yes`` as a boolean,
    quoted it is a string), else what ``unrecognized`` says: ``unknown``
    (the default), ``default`` (as if unset), ``true`` or ``false``."""
    stripped = text.strip()
    exact = spec.get("exact", {})
    if stripped in exact:
        return bool(exact[stripped])
    if not any(key in spec for key in ("true", "false", "plain_true", "plain_false", "exact")):
        return to_bool(text)
    lowered = stripped.lower()
    for key, value in (("true", True), ("false", False)) + (
            (("plain_true", True), ("plain_false", False)) if scalar.plain else ()):
        if lowered in {str(word).lower() for word in spec.get(key, ())}:
            return value
    return {"true": True, "false": False}.get(str(spec.get("unrecognized")).lower())


def _partial(kind: str, scalar: Scalar) -> Field:
    """A URL or host:port with placeholders: the literal parts are known
    (``submissions://{{ host }}:{{ port }}`` is implicit TLS whatever the
    host), the parts with a placeholder are unknown."""
    text = blank_placeholders(scalar.raw or "")

    def known(part):
        return None if part is None or PLACEHOLDER in part else part

    if kind == "url":
        url = split_url(text)
        scheme = known(url.scheme) if url.scheme is not None else None
        parts = {"host": known(url.host) or "unknown", "scheme": scheme,
                 "port": "unknown" if url.port and PLACEHOLDER in url.port
                 else _port_part(url.port)}
    else:
        host, port = split_host_port(text)
        parts = {"host": known(host) or "unknown", "scheme": None,
                 "port": "unknown" if port and PLACEHOLDER in port else _port_part(port)}
    if parts["host"] == "unknown" and parts["port"] in (None, "unknown") and not parts["scheme"]:
        return Field(scalar)
    return Field(scalar, None, parts)


def _port_part(text: str | None):
    if text is None:
        return None
    port = to_port(text)
    return port if port is not None else "unknown"


def _convert_default(spec: dict, value):
    """A default in the field's terms: an enum's goes through its values."""
    if spec.get("type") == "enum" and isinstance(value, str):
        if spec.get("case_sensitive"):
            return spec.get("values", {}).get(value, value)
        values = {str(key).lower(): item for key, item in spec.get("values", {}).items()}
        return values.get(value.lower(), value.lower())
    return value


# -- conditions --------------------------------------------------------------------

class Context:
    def __init__(self, root, base, fields: dict[str, Field], model: dict):
        self.root, self.base, self.fields, self.model = root, base, fields, model


def evaluate(condition: dict, context: Context) -> bool | None:
    if "all" in condition:
        results = [evaluate(part, context) for part in condition["all"]]
        if False in results:
            return False
        return None if None in results else True
    if "any" in condition:
        results = [evaluate(part, context) for part in condition["any"]]
        if True in results:
            return True
        return None if None in results else False
    if "not" in condition:
        result = evaluate(condition["not"], context)
        return None if result is None else not result
    if "model" in condition:
        value = context.model.get(condition["model"])
        return None if value is None else _compare(value, condition)
    if "path" in condition:
        scalar = read_scalar(context.root, context.base, condition["path"])
        if "is" in condition:
            return _is(scalar, None, condition["is"], False)
        if scalar.state in ("reference", "unknown"):
            return None
        return _compare(scalar.text, condition, context.model) if scalar.state == "value" \
            else False
    field = context.fields.get(condition["field"], Field())
    if "is" in condition:
        return _is(field.scalar, field.typed, condition["is"], field.defaulted)
    partial = field.parts is not None and "part" in condition
    if field.scalar.state in ("reference", "unknown") and not field.defaulted and not partial:
        return None
    value = field.parts.get(condition["part"]) if (field.parts and "part" in condition) \
        else field.typed
    if value == "unknown":
        return None
    if value is None:
        return None if field.scalar.state == "value" else False
    return _compare(value, condition, context.model)


def _is(scalar: Scalar, typed, word, defaulted: bool) -> bool | None:
    word = str(word).lower()
    if word == "set":
        return scalar.present
    if word == "unset":
        return not scalar.present
    if word == "empty":
        return scalar.state == "empty"
    if scalar.state in ("reference", "unknown"):
        return None
    if typed is None:
        return None if scalar.state == "value" and not defaulted else False
    return typed is (word == "true")


def _norm(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    return str(value).strip().lower()


def _compare(value, condition: dict, model: dict | None = None) -> bool | None:
    if "words_contain_model" in condition:
        wanted = (model or {}).get(condition["words_contain_model"])
        return None if wanted is None else str(wanted) in str(value).split()
    if "equals" in condition:
        return _norm(value) == _norm(condition["equals"])
    if "in" in condition:
        return _norm(value) in [_norm(item) for item in condition["in"]]
    if "matches" in condition:
        return re.search(condition["matches"], str(value), re.IGNORECASE) is not None
    raise ValueError(f"condition without an operator: {condition}")


def referenced_fields(condition: dict) -> list[str]:
    found = []
    for key in ("all", "any"):
        for part in condition.get(key, ()):
            found.extend(referenced_fields(part))
    if "not" in condition:
        found.extend(referenced_fields(condition["not"]))
    if "field" in condition:
        found.append(condition["field"])
    if condition.get("model") == "port":
        found.append("__port__")
    return found


def decide(cases: list[dict], context: Context) -> tuple[object, list[str]]:
    """The first case whose condition holds: (value, fields it read)."""
    passed: list[str] = []
    for case in cases:
        condition = case.get("when")
        if condition is None:
            # The default case: the settings that were not set decided it.
            return case["value"], passed[::-1]
        passed.extend(referenced_fields(condition))
        result = evaluate(condition, context)
        if result is None:
            return None, referenced_fields(condition)
        if result:
            return case["value"], referenced_fields(condition)
    return None, []


# -- endpoints --------------------------------------------------------------------

def endpoints(mapping: AppMapping, path: str, documents: list) -> list[Endpoint]:
    found = []
    for root, document_label in roots_for(mapping, documents):
        for spec in mapping.endpoints:
            found.extend(_endpoints_at(mapping, spec, path, root, document_label))
    return found


def _endpoints_at(mapping, spec, path, root, document_label) -> list[Endpoint]:
    ats = spec.get("at", "")
    places = []
    for at in (ats if isinstance(ats, list) else [ats]):
        segments = split_path(at)
        places.extend(tree.resolve(root, segments) if segments else [(root, ())])
    result = []
    own = root.get("__own__") if isinstance(root, dict) else None
    for node, base in places:
        context = Context(root, base, {}, {})
        if "select" in spec and evaluate(spec["select"], context) is not True:
            continue
        context.fields = {name: read_field(field_spec, root, base)
                          for name, field_spec in spec["fields"].items()}
        if own is not None and not any(
                read_scalar(own, base, _first_path(field_spec)).present
                for field_spec in spec["fields"].values()):
            continue     # a profile document that does not touch the mail settings
        if "enabled" in spec and evaluate(spec["enabled"], context) is False:
            continue
        _references_when(spec, context)
        endpoint = _endpoint(mapping, spec, path, node, base, context, document_label)
        if endpoint is not None:
            result.append(endpoint)
    return result


def _references_when(spec: dict, context: Context) -> None:
    """Fields the app reads from elsewhere when a condition holds (a Helm
    chart that takes the host from an existing Secret): a reference."""
    for rule in spec.get("references_when", ()):
        if evaluate(rule["when"], context) is not True:
            continue
        for name in rule["fields"]:
            old = context.fields.get(name, Field()).scalar
            context.fields[name] = Field(Scalar("reference", None, old.line, old.column,
                                                old.path))


def _first_path(field_spec: dict) -> str:
    item = field_spec["path"][0] if isinstance(field_spec["path"], list) else field_spec["path"]
    return item if isinstance(item, str) else item["path"]


def _endpoint(mapping, spec, path, node, base, context, document_label) -> Endpoint | None:
    model_spec = spec["model"]
    fields = context.fields
    host, host_field = _host(model_spec, fields)
    if host is False:
        return None             # no server configured: the app sends no mail
    port, port_source, port_field = _port(model_spec, fields)
    model = {"host": host, "port": port}
    context.model = model
    causes = {"host": host_field, "port": port_field}
    needs_default = port is None and port_source is None and "port_default" in model_spec
    # The default port follows the transport for some apps (Vaultwarden),
    # the transport follows the port for others (Gitea, Alertmanager).
    order = ["transport", "port", "starttls", "verify"] \
        if needs_default and "transport" in str(model_spec["port_default"]) \
        else ["port", "transport", "starttls", "verify"]
    for name in order:
        if name == "port":
            if needs_default:
                port, read = decide(model_spec["port_default"], context)
                port_source = "default" if port is not None else None
                model["port"] = port
                causes["port"] = _cause(read, fields)
            continue
        value, read = decide(model_spec.get(name, []), context)
        model[name] = value
        causes[name] = _cause(read, fields, port_field)
    port = model["port"]
    credentials, credential_field = _credentials(model_spec, fields)
    logs_in = model_spec.get("credentials", {}).get("when")
    if logs_in is not None and credentials != "absent" and evaluate(logs_in, context) is False:
        credentials, credential_field = "absent", None     # no AUTH: the password is not sent
    conflicts = []
    for conflict in model_spec.get("conflicts", ()):
        if evaluate(conflict["when"], context) is True:
            names = tuple(name for name in referenced_fields(conflict["when"])
                          if name in fields and fields[name].present)
            conflicts.append((conflict["error"], names))
    line, column = _where(node, fields, host_field)
    label = _label(spec, context, base, mapping, document_label)
    causes["credentials"] = credential_field
    return Endpoint(
        app=mapping.app, app_name=mapping.name, path=path, line=line, column=column,
        yaml_path="/".join(base), label=label, host=host, port=port,
        port_source=port_source, transport=model.get("transport"),
        starttls=model.get("starttls"), verify=model.get("verify"),
        credentials=credentials, fields=fields, causes=causes, conflicts=conflicts,
        mapping=mapping, spec=spec)


def _cause(read: list[str], fields: dict[str, Field], port_field: str | None = None):
    for name in read:
        if name == "__port__":
            if port_field:
                return port_field
            continue
        if name in fields and fields[name].present:
            return name
    for name in read:
        if name in fields and fields[name].defaulted:
            return name
    return None


def _host(model_spec, fields) -> tuple[object, str | None]:
    """(host, field) — host False when no server is configured, None when unknown."""
    names = model_spec["host"] if isinstance(model_spec["host"], list) else [model_spec["host"]]
    for name in names:
        field = fields.get(name, Field())
        if field.scalar.state in ("reference", "unknown") and field.parts is None:
            return None, name
        if field.scalar.present:
            host = field.parts.get("host") if field.parts else field.typed
            if host in (None, "unknown"):
                return None, name
            return str(host), name
    if "host_default" in model_spec:
        return model_spec["host_default"], None
    return False, None


def _port(model_spec, fields) -> tuple[int | None, str | None, str | None]:
    for name in model_spec.get("port", []):
        field = fields.get(name, Field())
        if field.scalar.state in ("reference", "unknown") and field.parts is None:
            return None, "explicit", name
        if not field.scalar.present:
            continue
        if field.parts is not None:
            port = field.parts.get("port")
            if port is None:
                continue
            source = "url" if field.parts.get("scheme") else "explicit"
            return (None if port == "unknown" else port), source, name
        return field.typed, "explicit", name
    return None, None, None


def _credentials(model_spec, fields) -> tuple[str | None, str | None]:
    spec = model_spec.get("credentials")
    if not spec:
        return "absent", None
    password_name = spec.get("password")
    password = fields.get(password_name, Field()).scalar
    username = fields.get(spec.get("username"), Field()).scalar
    if spec.get("username_required") and username.state in ("absent", "empty"):
        return "absent", None
    if password.templated:
        return "secret-reference", password_name      # ${VAR:-default}: from the environment
    if password.state == "value":
        return "literal", password_name
    if password.state == "reference":
        return "secret-reference", password_name
    if password.state == "unknown":
        return "unresolved", password_name
    if username.present and spec.get("password_elsewhere"):
        return "unresolved", spec.get("username")
    return "absent", None


def _where(node, fields, host_field) -> tuple[int, int]:
    if tree.kind(node) in ("map", "seq", "scalar"):
        return tree.position(node)
    if host_field and fields[host_field].scalar.line:
        return fields[host_field].scalar.line, fields[host_field].scalar.column
    lines = [f.scalar.line for f in fields.values() if f.scalar.line]
    return (min(lines), 1) if lines else (1, 1)


def _label(spec, context, base, mapping, document_label) -> str:
    template = spec.get("label")
    label = ""
    if template:
        def replace(match: re.Match) -> str:
            if match.group(1) == "@":          # the key the endpoint is under
                return base[-1] if base else "?"
            scalar = read_scalar(context.root, base, match.group(1))
            return scalar.text if scalar.state == "value" and scalar.text else "?"
        label = re.sub(r"\{([^}]+)\}", replace, template)
    elif base:
        label = "/".join(base)
    parts = [mapping.name] + [part for part in (label, document_label) if part]
    return " ".join(parts[:1]) + (f" ({', '.join(parts[1:])})" if parts[1:] else "")
