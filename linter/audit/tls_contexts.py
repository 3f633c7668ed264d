"""Client TLS contexts for the probe.

The main handshake verifies the chain against the system store (or
``--ca-file``) but not the time or the name: those are judged from the
certificate itself, so one handshake tells every problem apart. Legacy
protocol attempts pin one version and lower the security level only for
that context (OpenSSL 3 refuses TLS 1.0/1.1 at its default level).
"""

from __future__ import annotations

import ssl
import warnings

X509_V_FLAG_NO_CHECK_TIME = 0x200000
LEGACY_VERSIONS = {"TLSv1": "TLSv1", "TLSv1.1": "TLSv1_1"}
# OpenSSL verify codes (x509_vfy.h) and what they mean for a server's chain.
# 18: the leaf itself is self-signed. 19 (a self-signed root in the chain
# that is not a trust anchor) and 20 (no issuer known) are "untrusted".
SELF_SIGNED_CODES = {18}
EXPIRED_CODE = 10


def verifying_context(ca_file: str | None) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_REQUIRED
    context.verify_flags |= X509_V_FLAG_NO_CHECK_TIME
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    else:
        context.load_default_certs()
    return context


def unverified_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def legacy_context(version: str) -> ssl.SSLContext | None:
    """A context that offers only ``version``; None when this OpenSSL
    cannot speak it at all."""
    context = unverified_context()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        pinned = getattr(ssl.TLSVersion, LEGACY_VERSIONS[version])
        try:
            context.minimum_version = pinned
            context.maximum_version = pinned
            context.set_ciphers("ALL:@SECLEVEL=0")
        except (ValueError, ssl.SSLError):
            return None
    return context


def chain_problem(error: ssl.SSLCertVerificationError) -> tuple[str, str]:
    """(sub-id, reason) for a failed chain verification."""
    code = getattr(error, "verify_code", None)
    reason = getattr(error, "verify_message", None) or str(error)
    if code in SELF_SIGNED_CODES:
        return "self-signed", reason
    if code == EXPIRED_CODE:
        return "expired", reason
    return "untrusted", reason
