"""sasl-backend-unreachable: the SASL backend a service with AUTH needs.

Dovecot: smtpd connects to ``$smtpd_sasl_path``, a UNIX socket relative to
the queue directory (or ``inet:host:port``); nothing there means every
AUTH, and with Postfix the whole session, fails. Cyrus: the library reads
``$smtpd_sasl_path.conf`` (smtpd.conf) from ``cyrus_sasl_config_path`` or
its built-in directories.
"""

from __future__ import annotations

import os
import socket
import stat

from linter.engine.run import is_yes

CYRUS_DIRECTORIES = ("/etc/postfix/sasl", "/usr/lib/sasl2", "/usr/lib/x86_64-linux-gnu/sasl2",
                     "/etc/sasl2")
CONNECT_TIMEOUT = 1.0


def sasl_problem(view) -> tuple[str, object] | None:
    """(message, the setting to point at) when the backend is not there."""
    if is_yes(view.setting("smtpd_sasl_auth_enable")) is not True:
        return None
    kind = view.setting("smtpd_sasl_type")
    path = view.setting("smtpd_sasl_path")
    if kind is None or not kind.known or path is None or not path.known:
        return None
    if kind.value.strip() == "dovecot":
        return _dovecot(view, path)
    if kind.value.strip() == "cyrus":
        return _cyrus(view, path)
    return None


def _dovecot(view, path) -> tuple[str, object] | None:
    value = path.value.strip()
    if value.startswith("inet:"):
        host, _, port = value[5:].rpartition(":")
        try:
            socket.create_connection((host.strip("[]"), int(port)), CONNECT_TIMEOUT).close()
            return None
        except (OSError, ValueError) as error:
            return (f"smtpd_sasl_path={value}: cannot connect to Dovecot's auth service "
                    f"({getattr(error, 'strerror', None) or error})"), path
    queue = view.value("queue_directory")
    where = value if value.startswith("/") else os.path.join(queue, value)
    try:
        mode = os.stat(where).st_mode
    except OSError:
        return (f"smtpd_sasl_type=dovecot but there is no socket at {where} "
                f"(smtpd_sasl_path={value}, relative to queue_directory={queue}): every "
                "AUTH fails"), path
    if not stat.S_ISSOCK(mode):
        return (f"{where} (smtpd_sasl_path={value}) is not a socket", path)
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.settimeout(CONNECT_TIMEOUT)
    try:
        probe.connect(where)
    except OSError as error:
        return (f"nothing answers on Dovecot's auth socket {where} "
                f"(smtpd_sasl_path={value}): {error.strerror or error}"), path
    finally:
        probe.close()
    return None


def _cyrus(view, path) -> tuple[str, object] | None:
    name = f"{path.value.strip()}.conf"
    configured = view.setting("cyrus_sasl_config_path")
    directories = CYRUS_DIRECTORIES
    if configured is not None and configured.known and configured.value.strip():
        directories = tuple(configured.value.strip().split(":"))
    for directory in directories:
        if os.path.isfile(os.path.join(directory, name)):
            return None
    return (f"smtpd_sasl_type=cyrus but no {name} in {':'.join(directories)}: the Cyrus "
            "library has no mechanism or password check configured"), configured or path
