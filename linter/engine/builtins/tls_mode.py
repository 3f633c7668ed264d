"""The setting that decides a service's TLS mode, for messages and fixes.

smtpd reads wrappermode first, then a non-empty security level, and only
when the level is empty the obsolete smtpd_enforce_tls/smtpd_use_tls.
"""

from __future__ import annotations

import ipaddress

from linter.postfix.resolve import ServiceView, Setting
from linter.postfix.template import has_placeholder

# Names that mean loopback: RFC 6761's localhost (and *.localhost), and
# what Debian's and Red Hat's /etc/hosts give to 127.0.0.1 and ::1.
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost",
                            "ip6-loopback"})


OBSOLETE = ("smtpd_enforce_tls", "smtpd_use_tls")


def tls_cause(view: ServiceView) -> Setting | None:
    """The setting that decides the service's TLS mode: wrappermode, a
    non-empty level, or (level empty) the obsolete smtpd_enforce_tls or
    smtpd_use_tls that smtpd then consults."""
    if view.tls == "wrapper":
        return view.setting("smtpd_tls_wrappermode")
    level = view.setting("smtpd_tls_security_level")
    if level is not None and level.value.strip():
        return level
    if view.tls == "required":
        return view.setting("smtpd_enforce_tls")
    if view.tls == "optional":
        return view.setting("smtpd_use_tls")
    written = view.setting("smtpd_use_tls")
    if view.tls == "none" and written is not None and written.source.kind != "default":
        return written
    return level


def cause_origin(cause: Setting | None) -> str:
    """run.origin, plus why an obsolete setting decides."""
    from linter.engine.run import origin

    return origin(cause) + obsolete_note(cause)


def obsolete_note(cause: Setting | None) -> str:
    """Why an obsolete TLS switch decides ("" for any other setting)."""
    if cause is not None and cause.name in OBSOLETE:
        return ", obsolete: smtpd_tls_security_level is empty, so smtpd consults it"
    return ""


def describe(setting: Setting) -> str:
    """``name=value`` as a message quotes it."""
    return f"{setting.name}={setting.value.strip()}"


def is_loopback(view: ServiceView) -> bool:
    """A listener only local clients reach (not a publicly-referenced MX)."""
    return view.listener is not None and is_loopback_host(view.listener.host)


def is_loopback_host(host: str) -> bool:
    """127.0.0.0/8 or ::1 in any spelling (an IPv4-mapped ::ffff:127.x too),
    or a loopback name; not a name or address that only starts like one
    (localhost.example.com, ::10)."""
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    host = host.lower()
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False   # another name (or no host: all of inet_interfaces)
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    return (mapped or address).is_loopback


def templated(view: ServiceView) -> bool:
    """A service whose name is a template placeholder: its listener, and
    so what it serves, is unknown."""
    return has_placeholder(view.name)


def default_unknown(scope_config, setting: Setting | None) -> bool:
    """Without a main.cf file (one built by a deployment tool, say) a value
    that would come from main.cf is unknown, not Postfix's default; so is
    an -o value that refers to a ``$name`` (refers_to_missing_main)."""
    inherited = setting is None or setting.source.kind != "master"
    return (scope_config.main is None and inherited) or refers_to_missing_main(scope_config,
                                                                                setting)


def refers_to_missing_main(scope_config, setting: Setting | None) -> bool:
    """An -o value that refers to a ``$name`` while there is no main.cf,
    which may set it: its value is unknown, not the empty value of an
    undefined name."""
    return (scope_config.main is None and setting is not None
            and setting.source.kind == "master" and bool(setting.expansion.references))
