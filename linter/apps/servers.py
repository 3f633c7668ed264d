"""Which Postfix configuration serves an app's host, and what it offers there.

A configuration serves the host its main.cf names in ``myhostname``, and
any host the smtplint config maps to it (``servers: {mail.example.org:
path/to/postfix}``). What it offers: each active inet smtpd service's port
and mode, as smtpd runs it (wrappermode, then the TLS level).
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Offer:
    port: int
    mode: str | None          # implicit_tls, starttls, plain; None when unknown
    label: str                # "submission (master.cf:14)"
    path: str
    line: int


@dataclass
class Server:
    name: str                 # how messages name it, with where the mapping came from
    offers: list[Offer]


def offers(config) -> list[Offer]:
    found = []
    for view in config.smtpd_services():
        if view.service.type != "inet" or view.listener is None or view.listener.port is None:
            continue
        tls = view.tls
        mode = {"wrapper": "implicit_tls", "required": "starttls", "optional": "starttls",
                "none": "plain"}.get(tls) if tls is not None else None
        found.append(Offer(view.listener.port, mode, view.label, config.master.path
                           if config.master else "master.cf", view.service.line))
    return found


def _where(config) -> str:
    path = config.main.path if config.main else (config.master.path if config.master else "")
    return os.path.dirname(path) or "."


def servers_by_host(configs, mapping: dict | None = None, root: str = ".",
                    version: str | None = None) -> dict[str, Server]:
    """Host name (lower case) -> the Server for it."""
    by_host: dict[str, Server] = {}
    for config in configs:
        if not hasattr(config, "context"):      # ConfigPaths: load it now
            config = _load_pair(config, version)
        setting = config.context.setting("myhostname")
        if config.main is None or setting is None or not setting.known:
            continue
        if setting.source.kind != "main":
            continue      # the machine's own name: not knowable from the repository
        by_host.setdefault(setting.value.strip().lower(), Server(
            f"the Postfix configuration in {_where(config)} (myhostname {setting.value.strip()})",
            offers(config)))
    for host, path in (mapping or {}).items():
        config = _load(os.path.join(root, path), version)
        if config is not None:
            by_host[str(host).lower()] = Server(
                f"the Postfix configuration in {path} (servers: {host})", offers(config))
    return by_host


def _load_pair(paths, version: str | None):
    from linter.postfix.load import load_configuration
    from linter.postfix.params import DEFAULT_VERSION

    return load_configuration(paths, version or DEFAULT_VERSION)


def _load(path: str, version: str | None):
    from linter.postfix.load import load_configuration, pair_for
    from linter.postfix.params import DEFAULT_VERSION

    if not os.path.exists(path):
        return None
    paths = pair_for(path)
    if paths.main is None and paths.master is None:
        return None
    return load_configuration(paths, version or DEFAULT_VERSION)
