"""Postfix's known parameters and their defaults, per target version.

The data file is generated from a real Postfix by
``tools/gen_postfix_params.py``; this module only reads it and applies the
few per-version differences that rules depend on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DEFAULT_VERSION = "3.7"
SUPPORTED_VERSIONS = ("3.4", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10")

# Defaults that differ from the generated (3.7) data, by the first version
# that has the generated value. Before 3.6, the TLS protocol defaults
# excluded only SSLv2 and SSLv3, and there were no 3.6 compatibility forms.
BEFORE_3_6 = {
    "smtpd_tls_protocols": "!SSLv2, !SSLv3",
    "smtpd_tls_mandatory_protocols": "!SSLv2, !SSLv3",
    "smtp_tls_protocols": "!SSLv2, !SSLv3",
    "smtp_tls_mandatory_protocols": "!SSLv2, !SSLv3",
    "lmtp_tls_protocols": "!SSLv2, !SSLv3",
    "lmtp_tls_mandatory_protocols": "!SSLv2, !SSLv3",
    "smtpd_tls_fingerprint_digest": "md5",
    "smtp_tls_fingerprint_digest": "md5",
    "lmtp_tls_fingerprint_digest": "md5",
}

# Parameters that postconf derives for each delivery service in master.cf
# (``<service>_<suffix>``), so a user's ``relay_destination_rate_delay`` is
# a real parameter when a ``relay`` smtp service exists.
DELIVERY_SUFFIXES = (
    "delivery_slot_cost", "delivery_slot_discount", "delivery_slot_loan",
    "destination_concurrency_failed_cohort_limit", "destination_concurrency_limit",
    "destination_concurrency_negative_feedback", "destination_concurrency_positive_feedback",
    "destination_rate_delay", "destination_recipient_limit", "extra_recipient_limit",
    "initial_destination_concurrency", "minimum_delivery_slots", "recipient_limit",
    "recipient_refill_delay", "recipient_refill_limit", "transport_rate_delay",
)
DELIVERY_COMMANDS = ("local", "error", "virtual", "smtp", "lmtp", "pipe")
SPAWN_SUFFIXES = ("time_limit",)


@dataclass(frozen=True)
class ParameterData:
    version: str
    defaults: dict[str, str]
    raw: frozenset[str]
    host_derived: frozenset[str]

    def is_known(self, name: str) -> bool:
        return name in self.defaults


@cache
def _generated() -> dict:
    text = (Path(__file__).resolve().parent.parent / "data" / "postfix_params.json").read_text()
    return json.loads(text)


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


@cache
def parameter_data(version: str = DEFAULT_VERSION) -> ParameterData:
    data = _generated()
    defaults = dict(data["defaults"])
    if version_key(version) < (3, 6):
        defaults.update(BEFORE_3_6)
        defaults.pop("respectful_logging", None)
        defaults.pop("smtpd_relay_before_recipient_restrictions", None)
    generated = str(data.get("postfix_version", ""))
    # The generating Postfix's full version (3.7.11) when it is the target.
    same = version_key(generated)[:2] == version_key(version)[:2] and len(version_key(version)) == 2
    defaults["mail_version"] = generated if same else version
    return ParameterData(version, defaults, frozenset(data["raw"]),
                         frozenset(data["host_derived"]))


@cache
def default_references(version: str = DEFAULT_VERSION) -> frozenset[str]:
    """Names Postfix's own defaults refer to (virtual_maps, fallback_relay...).

    Some are legacy names with no default of their own; postconf knows them
    and does not call them undefined, so neither does the model."""
    from linter.postfix.expand import references

    defaults = parameter_data(version).defaults
    return frozenset(name for value in defaults.values() for name in references(value))


def service_derived_names(service_name: str, command: str) -> tuple[str, ...]:
    """Parameter names that a master.cf service makes valid."""
    if command in DELIVERY_COMMANDS:
        return tuple(f"{service_name}_{suffix}" for suffix in DELIVERY_SUFFIXES)
    if command == "spawn":
        return tuple(f"{service_name}_{suffix}" for suffix in SPAWN_SUFFIXES)
    return ()
