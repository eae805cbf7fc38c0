"""Keep tokens and client secrets out of every message the toolkit prints.

Credentials register their secret strings here when they are loaded or
refreshed; every user-facing line goes through :func:`redact`.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_secrets: set[str] = set()

# Shorter strings could collide with ordinary words in messages.
_MIN_LENGTH = 6


def register(*values: object) -> None:
    """Remember secret strings (tokens, client secrets) so they are never printed."""
    with _lock:
        for value in values:
            if isinstance(value, str) and len(value) >= _MIN_LENGTH:
                _secrets.add(value)


def redact(text: str) -> str:
    """`text` with every registered secret replaced by `***`."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, "***")
    return text
