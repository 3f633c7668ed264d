"""What a certificate says, read with ``cryptography``: names, validity,
issuer, key. Shared by the probe (the server's leaf) and the host audit
(the files smtpd loads)."""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass


@dataclass(frozen=True)
class CertificateFacts:
    subject: str
    dns_names: tuple[str, ...]
    ip_addresses: tuple[str, ...]
    not_before: datetime.datetime
    not_after: datetime.datetime
    self_issued: bool
    key_type: str          # "RSA", "EC", "Ed25519", ...
    key_bits: int
    cert: object           # the cryptography x509.Certificate

    def expired(self, now: datetime.datetime | None = None) -> bool:
        return (now or _now()) > self.not_after

    def days_left(self, now: datetime.datetime | None = None) -> float:
        return (self.not_after - (now or _now())).total_seconds() / 86400

    def covers(self, host: str) -> bool:
        return name_matches(self, host)

    @property
    def names_text(self) -> str:
        names = [*self.dns_names, *self.ip_addresses]
        return ", ".join(names) if names else f"no subjectAltName (subject {self.subject})"


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def facts(cert) -> CertificateFacts:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa

    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        dns = tuple(name.lower() for name in san.get_values_for_type(x509.DNSName))
        ips = tuple(str(ip) for ip in san.get_values_for_type(x509.IPAddress))
    except x509.ExtensionNotFound:
        dns, ips = (), ()
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        key_type, bits = "RSA", key.key_size
    elif isinstance(key, ec.EllipticCurvePublicKey):
        key_type, bits = "EC", key.curve.key_size
    elif isinstance(key, dsa.DSAPublicKey):
        key_type, bits = "DSA", key.key_size
    else:
        key_type, bits = type(key).__name__.replace("PublicKey", "").lstrip("_"), 256
    return CertificateFacts(
        subject=cert.subject.rfc4514_string(), dns_names=dns, ip_addresses=ips,
        not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc,
        self_issued=cert.issuer == cert.subject, key_type=key_type, key_bits=bits,
        cert=cert)


def from_der(data: bytes) -> CertificateFacts:
    from cryptography import x509

    return facts(x509.load_der_x509_certificate(data))


def name_matches(cert: CertificateFacts, host: str) -> bool:
    """RFC 6125: a DNS name in subjectAltName (a wildcard only as the whole
    leftmost label), or an IP address SAN for an address."""
    host = host.lower().rstrip(".")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        return any(ipaddress.ip_address(ip) == address for ip in cert.ip_addresses)
    for name in cert.dns_names:
        name = name.rstrip(".")
        if name == host:
            return True
        if name.startswith("*.") and "." in host and host.split(".", 1)[1] == name[2:]:
            return True
    return False
