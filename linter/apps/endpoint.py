"""The normalized SMTP-client endpoint every app's settings map onto.

Fields the file does not determine are None (unknown), never guessed:
a rule on an unknown value does not fire.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from linter.apps.values import ABSENT, Scalar

TRANSPORTS = ("implicit_tls", "starttls", "plain", "auto")
STARTTLS_POLICIES = ("required", "opportunistic", "disabled")
VERIFY = ("full", "none", "unknown")
CREDENTIALS = ("literal", "secret-reference", "absent", "unresolved")
PORT_SOURCES = ("explicit", "url", "default")


@dataclass(frozen=True)
class Field:
    """One app setting: where it was read, and its value in the app's terms."""

    scalar: Scalar = ABSENT
    typed: object = None           # bool, int, str; None when unknown or unset
    parts: dict | None = None      # host/port/scheme of host:port and URL values
    defaulted: bool = False        # typed is the app's default, not written

    @property
    def present(self) -> bool:
        return self.scalar.present


@dataclass
class Endpoint:
    app: str
    app_name: str
    path: str
    line: int
    column: int
    yaml_path: str                 # where its settings are: receivers/0/email_configs/0
    label: str                     # how messages name it, e.g. "receiver team-X-mails"
    host: str | None = None
    port: int | None = None
    port_source: str | None = None
    transport: str | None = None
    starttls: str | None = None
    verify: str | None = None
    credentials: str | None = None
    fields: dict[str, Field] = field(default_factory=dict)
    # The field that decided each model attribute (for locations and messages).
    causes: dict[str, str] = field(default_factory=dict)
    conflicts: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    mapping: object = None          # the AppMapping
    spec: dict = field(default_factory=dict)

    def field_scalar(self, name: str | None) -> Scalar:
        if name is None or name not in self.fields:
            return ABSENT
        return self.fields[name].scalar

    def location_of(self, *names: str | None) -> tuple[int, int]:
        """The first written field of ``names``, else the endpoint itself."""
        for name in names:
            scalar = self.field_scalar(name)
            if scalar.line:
                return scalar.line, scalar.column
        return self.line, self.column

    def to_json(self) -> dict:
        """The ``smtplint show`` shape other tools rely on: exactly these keys."""
        return {"app": self.app, "path": self.path, "line": self.line, "host": self.host,
                "port": self.port, "transport": self.transport, "starttls": self.starttls,
                "verify": self.verify, "credentials": self.credentials}

    def secrets(self) -> list[str]:
        """Literal secret values in this endpoint: never to be printed."""
        names = self.spec.get("model", {}).get("secrets", [])
        found = []
        for name in names:
            scalar = self.field_scalar(name)
            if scalar.state == "value" and scalar.text:
                found.append(scalar.text)
        return found
