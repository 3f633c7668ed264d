"""Test certificates made with ``cryptography``: a CA, leaves that are
valid, expired, for the wrong name, self-signed, or with a weak key."""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

NOW = datetime.datetime.now(datetime.timezone.utc)


@dataclass
class Issued:
    key: object
    cert: x509.Certificate

    def key_pem(self) -> bytes:
        return self.key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())

    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _key(bits: int | None):
    if bits is None:
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def make_ca(name: str = "smtplint test CA", days: float = 3650) -> Issued:
    """``days`` < 0: expired that long ago."""
    key = _key(None)
    not_after = NOW + datetime.timedelta(days=days)
    cert = (x509.CertificateBuilder().subject_name(_name(name)).issuer_name(_name(name))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(min(NOW, not_after) - datetime.timedelta(days=30))
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    return Issued(key, cert)


def make_leaf(names: list[str], ca: Issued | None = None, days: float = 90,
              key_bits: int | None = None) -> Issued:
    """``ca=None``: self-signed. ``days`` < 0: expired that long ago."""
    key = _key(key_bits)
    alt = [x509.IPAddress(ipaddress.ip_address(n)) if _is_ip(n) else x509.DNSName(n)
           for n in names]
    not_after = NOW + datetime.timedelta(days=days)
    builder = (x509.CertificateBuilder().subject_name(_name(names[0]))
               .issuer_name(ca.cert.subject if ca else _name(names[0]))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(min(NOW, not_after) - datetime.timedelta(days=60))
               .not_valid_after(not_after)
               .add_extension(x509.SubjectAlternativeName(alt), critical=False)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True))
    return Issued(key, builder.sign(ca.key if ca else key, hashes.SHA256()))


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False
