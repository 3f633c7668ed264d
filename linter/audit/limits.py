"""Time and size limits of a probe: a hostile server must not hang the run
or grow its memory."""

from __future__ import annotations

import time
from dataclasses import dataclass

MAX_LINE = 2048          # RFC 5321 allows 512 octets in a reply line; be generous
MAX_REPLY_LINES = 100    # an EHLO reply has a few dozen at most


@dataclass(frozen=True)
class Timeouts:
    connect: float = 5.0     # each TCP connect
    read: float = 10.0       # each reply (a greeting may be delayed on purpose)
    endpoint: float = 30.0   # everything done to one target


class Deadline:
    """An absolute end time; each wait takes the smaller of its own limit
    and what is left."""

    def __init__(self, seconds: float):
        self.expires = time.monotonic() + seconds

    def remaining(self, cap: float | None = None) -> float:
        left = self.expires - time.monotonic()
        return left if cap is None else min(left, cap)

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0
