"""Ask the real Postfix (``postconf``) what a configuration means, and ask
the model the same question, in one comparable shape.

Shared by the differential tests. postconf is the oracle: where the two
disagree, the model is wrong (or the case is one of the documented postconf
quirks the tests exclude explicitly).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from linter.postfix.main_cf import parse_main_cf
from linter.postfix.master_cf import parse_master_cf
from linter.postfix.params import parameter_data
from linter.postfix.resolve import HOSTNAME, Configuration, resolve
from linter.postfix.template import has_placeholder

POSTCONF = shutil.which("postconf") or "/usr/sbin/postconf"
BLANK_RUN = re.compile(r"\s+")
# postconf reports its -c argument here; it is not a property of the files.
IGNORED_MAIN = frozenset({"config_directory"})
# postconf 3.7 splits the single-word form -oNAME=VALUE at every further
# "o" or "-" (-osmtpd_tls_wrappermode=yes shows as "de = yes", -osmtpd_banner=xoy
# as "x"); smtpd reads it with getopt, right. Such services are left out.


def fold(value: str) -> str:
    """postconf folds blank runs (also across continuation lines)."""
    return BLANK_RUN.sub(" ", value).strip()


@dataclass
class Oracle:
    """What postconf said about one configuration directory."""

    returncode: int
    main: dict[str, str] = field(default_factory=dict)
    services: dict[str, dict[str, str]] = field(default_factory=dict)
    stderr: str = ""

    @property
    def fatal(self) -> bool:
        return self.returncode != 0 or "fatal:" in self.stderr


def write_pair(directory: Path, main: bytes | None, master: bytes | None) -> None:
    """Write main.cf/master.cf and age them (postconf re-reads young files)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in (("main.cf", main), ("master.cf", master)):
        path = directory / name
        path.write_bytes(data if data is not None else b"")
        os.utime(path, (path.stat().st_mtime - 10, path.stat().st_mtime - 10))


def _run(directory: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, LC_ALL="C")
    return subprocess.run([POSTCONF, "-c", str(directory), *args], check=False, capture_output=True,
                          env=env, timeout=60)


def _assignments(stdout: bytes) -> dict[str, str]:
    found = {}
    for line in stdout.decode("utf-8", "surrogateescape").splitlines():
        name, equals, value = line.partition(" =")
        if equals:
            found[name] = value.removeprefix(" ")
    return found


def ask_postconf(directory: Path) -> Oracle:
    """postconf -nx and -Px; a fatal -nx (which reads master.cf too) ends it,
    since each fatal costs postconf's one-second sleep."""
    main = _run(directory, "-nx")
    oracle = Oracle(main.returncode, stderr=main.stderr.decode("utf-8", "replace"))
    if oracle.fatal:
        return oracle
    services = _run(directory, "-Px")
    oracle.returncode = services.returncode
    oracle.stderr += services.stderr.decode("utf-8", "replace")
    if oracle.fatal:
        return oracle
    oracle.main = {name: value for name, value in _assignments(main.stdout).items()
                   if name not in IGNORED_MAIN}
    for key, value in _assignments(services.stdout).items():
        service, _, name = key.rpartition("/")
        oracle.services.setdefault(service, {})[name] = value
    return oracle


# Per-process values: postconf's own process id and name mean nothing for
# the configuration, so they stay unknown in the comparison.
PER_PROCESS = frozenset({"process_id", "process_name"})


@lru_cache(maxsize=1)
def host_values() -> dict[str, str]:
    """This machine's values for the defaults the model ships as unknown."""
    names = sorted(parameter_data().host_derived - PER_PROCESS)
    result = subprocess.run([POSTCONF, "-d", *names], check=False, capture_output=True, text=True)
    values = _assignments(result.stdout.encode())
    # The machine's own name, from which Postfix derives myhostname/mydomain.
    values[HOSTNAME] = socket.gethostname()
    # Postfix builds mynetworks as "net/len " items, so the value ends in a
    # blank; postconf -d folds it away, -x expansion shows it ("/64 ,").
    if values.get("mynetworks"):
        values["mynetworks"] += " "
    return values


def model(main: bytes | None, master: bytes | None) -> Configuration:
    return resolve(parse_main_cf(main, "main.cf") if main is not None else None,
                   parse_master_cf(master, "master.cf") if master is not None else None,
                   host_values=host_values())


# smtpd derives myhostname/mydomain defaults after its -o options (so an
# override of mydomain changes them); postconf derives them once, from
# main.cf. Service values that use them are not compared.
HOST_DEFAULTS = frozenset({"myhostname", "mydomain"})


def duplicate_keys(config: Configuration) -> set[str]:
    keys = [view.service.key for view in config.services]
    return {key for key in keys if keys.count(key) > 1}


def _comparable_views(config: Configuration):
    """Services whose -o values postconf -Px shows as the model sees them.

    Left out: duplicate name/type entries (postconf shows one of them),
    entries with template fields and short (broken) entries."""
    duplicates = duplicate_keys(config)
    for view in config.services:
        service = view.service
        if not (service.key in duplicates or service.templated or len(service.fields) < 8):
            yield view


@dataclass
class Comparison:
    """What one model-vs-postconf comparison did: the disagreements, how many
    values it really compared, and each value it left out as unknown with
    the reason (None: nothing explains why the model does not know it)."""

    problems: list[str] = field(default_factory=list)
    compared: int = 0
    unknown: list[tuple[str, str | None]] = field(default_factory=list)

    def unexplained(self) -> list[str]:
        return [where for where, reason in self.unknown if reason is None]


def why_unknown(context, setting) -> str | None:
    """Why the model does not compare a value: it uses a per-service host
    default, a template placeholder or a host-derived default. None if
    nothing explains it (an error, or a bug that makes values unknown)."""
    if setting is None or setting.expansion.errors:
        return None
    if setting.known:
        return "per-service host default" if HOST_DEFAULTS & setting.expansion.references \
            else None
    host_derived = parameter_data().host_derived | HOST_DEFAULTS
    reasons = set()
    for name in setting.expansion.unknown:
        raw = context.raw_value(name)
        if raw is not None and has_placeholder(raw):
            reasons.add("template")
        elif name in host_derived:
            reasons.add("host-derived default")
        else:
            return None
    return "template" if "template" in reasons else "host-derived default"


def _comparable(setting) -> bool:
    """Known, and not using myhostname/mydomain, which smtpd derives per
    service and postconf once from main.cf."""
    return setting.known and not HOST_DEFAULTS & setting.expansion.references


def compare(config: Configuration, oracle: Oracle) -> Comparison:
    """Every value postconf shows, compared with the model's."""
    result = Comparison()
    for name, theirs in oracle.main.items():
        setting = config.context.setting(name)
        if setting is None or not setting.known:
            result.unknown.append((f"main {name}", why_unknown(config.context, setting)))
            continue
        result.compared += 1
        if fold(setting.value) != fold(theirs):
            result.problems.append(f"main {name}: model {setting.value!r} != postconf {theirs!r}")
    misread = misread_by_postconf(config)
    seen = set()
    for view in _comparable_views(config):
        key = view.service.key
        seen.add(key)
        if key in misread:
            continue
        theirs_service = oracle.services.get(key, {})
        written = set()
        for override in view.service.override_map().values():
            if not override.postconf_visible:
                continue   # after a malformed -o: postconf -P does not show it
            name = override.name
            written.add(name)
            setting = view.setting(name)
            if not _comparable(setting):
                result.unknown.append((f"{key}/{name}", why_unknown(view.context, setting)))
                continue
            result.compared += 1
            if name not in theirs_service:
                result.problems.append(f"{key}/{name}: model {setting.value!r}, "
                                       "postconf shows nothing")
            elif fold(setting.value) != fold(theirs_service[name]):
                result.problems.append(f"{key}/{name}: model {setting.value!r} != postconf "
                                       f"{theirs_service[name]!r}")
        for name in theirs_service:
            if name not in written and not _hidden(config, key, name):
                result.problems.append(f"{key}/{name}: postconf shows "
                                       f"{theirs_service[name]!r}, model has no such override")
    for key in oracle.services:
        if key not in seen and key not in misread and not _excluded(config, key):
            result.problems.append(f"{key}: postconf shows overrides, model has no such service")
    return result


def disagreements(config: Configuration, oracle: Oracle) -> list[str]:
    """Every value where the model and postconf differ, described."""
    return compare(config, oracle).problems


def misread_by_postconf(config: Configuration) -> set[str]:
    """Service keys with a ``-oNAME=VALUE`` word that postconf misreads."""
    return {view.service.key for view in config.services
            if any(postconf_misreads(word.text) for word in view.service.arguments)}


def postconf_misreads(word: str) -> bool:
    rest = word[2:]
    return word.startswith("-o") and bool(rest) and ("o" in rest or "-" in rest)


def _hidden(config: Configuration, key: str, name: str) -> bool:
    """A name the model deliberately does not compare (unknown value)."""
    for view in config.services:
        if view.service.key == key:
            override = view.service.override_map().get(name)
            if override is not None and not override.postconf_visible:
                return True
    return False


def _excluded(config: Configuration, key: str) -> bool:
    return any(view.service.key == key and (view.service.templated
                                            or len(view.service.fields) < 8)
               for view in config.services) or key in duplicate_keys(config)


@dataclass(frozen=True)
class CorpusPair:
    """One main.cf-like and/or master.cf-like file from a corpus directory."""

    name: str
    main: Path | None
    master: Path | None


def corpus_pairs(root: Path) -> list[CorpusPair]:
    """Every corpus Postfix file, each paired with its directory's sibling.

    Directories name their files freely (main.cf.j2, postfix-main.cf,
    etc_postfix_master.cf ...): a name with "main" is a main.cf, with
    "master" a master.cf. Each file appears in at least one pair.
    """
    pairs = []
    for directory in sorted(p for p in (root / "postfix").iterdir() if p.is_dir()):
        files = sorted(p for p in directory.iterdir() if p.is_file())
        mains = [p for p in files if "main" in p.name]
        masters = [p for p in files if "master" in p.name]
        main0 = _primary(mains, "main.cf")
        master0 = _primary(masters, "master.cf")
        seen = set()
        for main in mains or [None]:
            for master in ([master0] if main is main0 or main is None else [None]):
                pairs.append(CorpusPair(f"{directory.name}:{_n(main)}+{_n(master)}",
                                        main, master))
                seen.add(master)
        for master in masters:
            if master not in seen:
                pairs.append(CorpusPair(f"{directory.name}:{_n(main0)}+{_n(master)}",
                                        main0, master))
    return pairs


def _primary(paths: list[Path], exact: str) -> Path | None:
    for path in paths:
        if path.name == exact:
            return path
    return paths[0] if paths else None


def _n(path: Path | None) -> str:
    return path.name if path else "-"


def read(path: Path | None) -> bytes | None:
    return path.read_bytes() if path is not None else None
