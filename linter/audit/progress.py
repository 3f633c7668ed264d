"""A one-line progress bar on a terminal; nothing in CI or when piped."""

from __future__ import annotations


class Progress:
    def __init__(self, stream, total: int, environ):
        isatty = getattr(stream, "isatty", None)
        self.enabled = bool(total > 1 and isatty and isatty() and not environ.get("CI"))
        self.stream, self.total, self.done = stream, total, 0

    def step(self) -> None:
        self.done += 1
        if self.enabled:
            width = 30
            filled = width * self.done // self.total
            self.stream.write(f"\rprobing [{'#' * filled}{'.' * (width - filled)}] "
                              f"{self.done}/{self.total}")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
