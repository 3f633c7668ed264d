"""Quote a piece of a configuration file in a message, bounded.

Messages end up in CI logs: a committed ``main.cf -> /etc/passwd`` must not
print the file through them. A message quotes at most the offending token,
cut to a few dozen characters and escaped (``repr``: control characters,
bidirectional overrides and undecodable bytes become visible escapes).
"""

from __future__ import annotations

LIMIT = 40


def token(text: str, limit: int = LIMIT) -> str:
    """``'text'``, or ``'first characters...'`` when it is longer."""
    shown = text if len(text) <= limit else text[:limit] + "..."
    return ascii(shown) if not shown.isprintable() else repr(shown)


def near(text: str, index: int, limit: int = 20) -> str:
    """The text at ``index`` as Postfix quotes it (``"...x>>>rest"``): a few
    characters, never the whole value."""
    return token(text[index:index + limit] + ("" if len(text) <= index + limit else "..."),
                 limit + 3)
