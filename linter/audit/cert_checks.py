"""tls-cert-invalid[...]: the certificate files each TLS service loads.

smtpd reads them as root before it drops privileges and enters the chroot
jail, so "unreadable" means unreadable as the audit (run it as root) sees
them. Each pair is judged once, at the parameter that names it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

from linter.audit.certificates import facts
from linter.audit.pem import PemFile, read_pem
from linter.engine.conditions import tokens

EXPIRING_DAYS = 21
NOT_JUDGED = "not-judged"   # not a finding: the audit could not read what root can
PAIRS = (("smtpd_tls_cert_file", "smtpd_tls_key_file"),
         ("smtpd_tls_eccert_file", "smtpd_tls_eckey_file"),
         ("smtpd_tls_dcert_file", "smtpd_tls_dkey_file"))
WEAK = {"RSA": 2048, "DSA": 2048, "EC": 256}


@dataclass(frozen=True)
class CertProblem:
    sub_id: str
    message: str
    parameter: str          # the parameter whose value names the file
    setting: object         # its Setting (for the location)


@dataclass
class KeyCertSet:
    """One server key and its chain, as smtpd would load them."""

    parameter: str
    setting: object
    key_file: str | None
    cert_files: list[str]


def key_cert_sets(view) -> list[KeyCertSet]:
    """What a service loads: smtpd_tls_chain_files wins over the pairs."""
    chain = view.setting("smtpd_tls_chain_files")
    if chain is not None and chain.known and chain.value.strip():
        files = tokens(chain.value)
        return _chain_sets(chain, files)
    sets = []
    for cert_name, key_name in PAIRS:
        cert = view.setting(cert_name)
        if cert is None or not cert.known or not cert.value.strip():
            continue
        if cert.value.strip().lower() == "none":
            continue
        key = view.setting(key_name)
        key_file = key.value.strip() if key is not None and key.known and key.value.strip() \
            else cert.value.strip()
        sets.append(KeyCertSet(cert_name, cert, key_file, [cert.value.strip()]))
    return sets


def _chain_sets(setting, files: list[str]) -> list[KeyCertSet]:
    """``key, cert, chain..., key2, cert2, ...``: each key starts a set. The
    kinds are only known after reading, so every file is one group here and
    check_set splits by content."""
    return [KeyCertSet("smtpd_tls_chain_files", setting, None, files)]


def check_set(entry: KeyCertSet, hostnames: list[str], expiring_days: int,
              now=None) -> Iterator[CertProblem]:
    files = [read_pem(path) for path in entry.cert_files]
    if entry.key_file and entry.key_file not in entry.cert_files:
        key_pem = read_pem(entry.key_file)
        files.append(key_pem)
    for pem in files:
        if pem.denied and os.geteuid() != 0:
            yield CertProblem(NOT_JUDGED, f"{pem.path} ({entry.parameter}): {pem.error}; smtpd "
                              "reads it as root: run smtplint audit as root to judge it",
                              entry.parameter, entry.setting)
        elif pem.error is not None:
            sub_id = "missing-file" if pem.missing else "unreadable"
            yield CertProblem(sub_id, f"{entry.parameter} names {pem.path}: {pem.error}; "
                              "smtpd cannot load its certificate and offers no TLS",
                              entry.parameter, entry.setting)
    if any(pem.error is not None for pem in files):
        return
    if entry.parameter == "smtpd_tls_chain_files":
        groups = _groups(files)
    else:  # a cert file (maybe with its key inside) and a key file
        keys = [key for pem in files for key in pem.keys]
        groups = [(keys[0] if keys else None, files[0].certificates)]
    for key, chain in groups:
        yield from _judge(entry, key, chain, hostnames, expiring_days, now)


def _groups(files: list[PemFile]) -> list[tuple[object, list]]:
    """(private key, certificates in file order) per server key."""
    groups: list[tuple[object, list]] = []
    key, chain = None, []
    for pem in files:
        for item in pem.items:   # Postfix reads keys and certificates in file order
            if item[0] == "key":
                if key is not None or chain:
                    groups.append((key, chain))
                key, chain = item[1], []
            else:
                chain.append(item[1])
    if key is not None or chain:
        groups.append((key, chain))
    return groups


def _judge(entry: KeyCertSet, key, chain: list, hostnames: list[str], expiring_days: int,
           now) -> Iterator[CertProblem]:
    where = entry.parameter

    def problem(sub_id: str, message: str) -> CertProblem:
        return CertProblem(sub_id, message, where, entry.setting)

    if not chain:
        yield problem("missing-file", f"{where} names no certificate for its private key")
        return
    leaf = facts(chain[0])
    label = f"the certificate for {leaf.names_text}"
    if leaf.expired(now):
        yield problem("expired", f"{label} ({where}) expired on {leaf.not_after:%Y-%m-%d}; "
                      "clients refuse or warn")
    elif leaf.days_left(now) < expiring_days:
        yield problem("expiring", f"{label} ({where}) expires on {leaf.not_after:%Y-%m-%d}, "
                      f"in {max(0, int(leaf.days_left(now)))} days (< {expiring_days})")
    if key is not None and not _same_key(key, chain[0]):
        yield problem("key-mismatch", f"the private key in {where} does not belong to {label}: "
                      "smtpd logs a key mismatch and offers no TLS")
    names = [name for name in hostnames if name]
    if names and not any(leaf.covers(name) for name in names):
        yield problem("name-mismatch", f"{label} ({where}) covers none of "
                      f"{', '.join(names)}")
    # An expired issuer sent with the leaf fails verification through it
    # (clients that find no other path to a root refuse the certificate).
    for number, cert in enumerate(chain[1:], 2):
        issuer = facts(cert)
        if issuer.expired(now):
            yield problem("expired", f"in {where}, certificate {number} ({issuer.subject}), "
                          f"an issuer in the chain of {label}, expired on "
                          f"{issuer.not_after:%Y-%m-%d}: clients that verify the chain "
                          "through it refuse the certificate")
            break
    for index in range(len(chain) - 1):
        if chain[index].issuer != chain[index + 1].subject:
            yield problem("chain-order", f"in {where}, certificate {index + 1} "
                          f"({facts(chain[index]).subject}) is not followed by its issuer "
                          f"({chain[index].issuer.rfc4514_string()}): the chain must go "
                          "leaf first, then each issuer")
            break
    minimum = WEAK.get(leaf.key_type)
    if minimum and leaf.key_bits < minimum:
        yield problem("weak-key", f"{label} ({where}) has a {leaf.key_bits}-bit "
                      f"{leaf.key_type} key; at least {minimum} bits are needed (OpenSSL's "
                      "default security level refuses it)")


def _same_key(key, cert) -> bool:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    def der(public) -> bytes:
        return public.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)

    try:
        return der(key.public_key()) == der(cert.public_key())
    except (ValueError, TypeError):
        return False
