"""The Postfix instances of this host and the values only the host knows.

With postconf: ``mail_version`` picks the model's defaults, the config
directory and ``multi_instance_directories`` (and ``postmulti -l`` for the
names) list the instances, and the host-derived values (``myhostname``,
``mydomain``, ``mynetworks``, ``inet_interfaces``) come from Postfix
itself. Without postconf: the files under ``--config-dir`` and nothing
from the host, so those values stay unknown as in ``lint``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from linter.audit.postconf import find_tool, postconf_values, postmulti_instances
from linter.postfix.load import ConfigPaths
from linter.postfix.params import DEFAULT_VERSION, SUPPORTED_VERSIONS

DEFAULT_CONFIG_DIR = "/etc/postfix"
HOST_PARAMETERS = ["myhostname", "mydomain", "mynetworks", "inet_interfaces"]


@dataclass
class Instance:
    name: str                  # "default" or multi_instance_name
    config_dir: str
    version: str               # the model's Postfix version
    mail_version: str | None   # what Postfix says, when it was asked
    host_values: dict[str, str] = field(default_factory=dict)
    enabled: bool = True

    @property
    def paths(self) -> ConfigPaths:
        main = os.path.join(self.config_dir, "main.cf")
        master = os.path.join(self.config_dir, "master.cf")
        return ConfigPaths(main if os.path.isfile(main) else None,
                           master if os.path.isfile(master) else None)


@dataclass
class Host:
    instances: list[Instance]
    postconf: str | None
    notes: list[str] = field(default_factory=list)


def model_version(mail_version: str | None) -> tuple[str, str | None]:
    """The supported version closest below ``mail_version``, and a note when
    it is not the same."""
    if not mail_version:
        return DEFAULT_VERSION, None
    parts = mail_version.split(".")
    try:
        wanted = (int(parts[0]), int(parts[1]))
    except (IndexError, ValueError):
        return DEFAULT_VERSION, f"unrecognised mail_version {mail_version!r}"
    supported = sorted(SUPPORTED_VERSIONS, key=lambda v: tuple(map(int, v.split("."))))
    below = [v for v in supported if tuple(map(int, v.split("."))) <= wanted]
    chosen = below[-1] if below else supported[0]
    if chosen != f"{wanted[0]}.{wanted[1]}":
        return chosen, f"Postfix {mail_version} is judged with the defaults of {chosen}"
    return chosen, None


def discover_host(config_dir: str | None, use_postconf: bool = True,
                  environ=os.environ) -> Host:
    postconf = find_tool("postconf", environ) if use_postconf else None
    if postconf is None:
        directory = config_dir or DEFAULT_CONFIG_DIR
        return Host([Instance("default", directory, DEFAULT_VERSION, None)], None,
                    ["postconf not found: the files are judged without the host's values"])
    base = config_dir or postconf_values(postconf, None, ["config_directory"]).get(
        "config_directory", DEFAULT_CONFIG_DIR)
    host = Host([], postconf)
    errors: list[str] = []
    settings = postconf_values(postconf, base, ["multi_instance_directories"], errors=errors)
    if errors:   # say so: other instances would go unaudited in silence
        host.notes.append(f"{base}: {errors[0]}; other instances "
                          "(multi_instance_directories) and the host's values are unknown")
    directories = [base] + [d for d in settings.get("multi_instance_directories", "")
                            .replace(",", " ").split() if d != base]
    names = _postmulti_names(base, directories, environ)
    for directory in directories:
        host.instances.append(_instance(postconf, directory, names.get(directory), host.notes,
                                        primary=directory == base))
    return host


def _postmulti_names(base: str, directories: list[str], environ) -> dict[str, tuple[str, bool]]:
    if len(directories) == 1:
        return {}
    postmulti = find_tool("postmulti", environ)
    rows = postmulti_instances(postmulti, base) if postmulti else None
    return {directory: (name, enabled != "n") for name, enabled, directory in rows or ()}


def _instance(postconf: str, directory: str, listed: tuple[str, bool] | None,
              notes: list[str], primary: bool = True) -> Instance:
    asked = postconf_values(postconf, directory, ["mail_version", "multi_instance_name",
                                                  "multi_instance_enable"])
    version, note = model_version(asked.get("mail_version"))
    if note:
        notes.append(f"{directory}: {note}")
    name = (listed[0] if listed else None) or asked.get("multi_instance_name") or "default"
    if name == "-":
        name = "default"
    host_values = postconf_values(postconf, directory, HOST_PARAMETERS)
    if len(host_values) < len(HOST_PARAMETERS):
        notes.append(f"{directory}: postconf did not answer for "
                     f"{', '.join(sorted(set(HOST_PARAMETERS) - set(host_values)))}")
    # postmulti -l needs /etc/postfix; postconf answers for any directory.
    # The primary instance is always enabled; the others only with
    # multi_instance_enable = yes.
    enabled = listed[1] if listed else (
        primary or asked.get("multi_instance_enable", "no").lower() == "yes")
    return Instance(name, directory, version, asked.get("mail_version"), host_values, enabled)
