"""Read the PEM files smtpd loads: certificates and private keys, bounded."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field

MAX_PEM = 1024 * 1024


@dataclass
class PemFile:
    path: str
    certificates: list = field(default_factory=list)   # cryptography x509.Certificate
    keys: list = field(default_factory=list)           # private keys
    items: list = field(default_factory=list)          # ("key"|"cert", object), file order
    error: str | None = None                           # why it could not be read
    missing: bool = False
    denied: bool = False                               # permission denied


def read_pem(path: str) -> PemFile:
    result = PemFile(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        result.missing, result.error = True, "no such file"
        return result
    except PermissionError as error:
        result.error, result.denied = error.strerror or str(error), True
        return result
    except OSError as error:
        result.error = error.strerror or str(error)
        return result
    if not stat.S_ISREG(info.st_mode):
        result.error = "not a regular file"
        return result
    if info.st_size > MAX_PEM:
        result.error = f"larger than {MAX_PEM} bytes"
        return result
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_PEM + 1)
    except PermissionError as error:
        result.error, result.denied = error.strerror or str(error), True
        return result
    except OSError as error:
        result.error = error.strerror or str(error)
        return result
    _parse(data, result)
    return result


def _parse(data: bytes, result: PemFile) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    for block in _blocks(data):
        kind = block.split(b"\n", 1)[0]
        try:
            if b"CERTIFICATE" in kind:
                result.certificates.append(x509.load_pem_x509_certificate(block))
                result.items.append(("cert", result.certificates[-1]))
            elif b"PRIVATE KEY" in kind:
                result.keys.append(load_pem_private_key(block, password=None))
                result.items.append(("key", result.keys[-1]))
        except (ValueError, TypeError) as error:
            result.error = f"a PEM block does not parse: {str(error)[:120]}"
            return
    if not result.certificates and not result.keys:
        result.error = "no PEM certificate or private key in it"


def _blocks(data: bytes) -> list[bytes]:
    blocks, start = [], 0
    while True:
        begin = data.find(b"-----BEGIN ", start)
        if begin < 0:
            return blocks
        end_marker = data.find(b"-----END ", begin)
        if end_marker < 0:
            return blocks
        end = data.find(b"-----", end_marker + 9)
        if end < 0:
            return blocks
        blocks.append(data[begin:end + 5] + b"\n")
        start = end + 5
