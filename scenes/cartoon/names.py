"""Names users write (styles, options, props, settings, cues) and "did you mean" errors.

The cue, expression and setting names are the contract of docs/script-format.md
("Characters, settings and props"): never rename them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from contract.errors import InputError

GESTURES: tuple[str, ...] = ("wave", "point", "nod", "think", "celebrate")
EXPRESSIONS: tuple[str, ...] = ("smile", "happy", "surprised", "concerned", "neutral")
CUES: tuple[str, ...] = GESTURES + EXPRESSIONS
SETTINGS: tuple[str, ...] = ("agency", "home", "office", "workshop", "street", "countryside", "plain")
MOUTHS: tuple[str, ...] = ("closed", "half", "open")


def closest(name: str, choices: Iterable[str], count: int = 3) -> list[str]:
    """The known names nearest to `name` (difflib ratio, then shared prefix), best first."""
    pool = sorted(set(choices))
    found = difflib.get_close_matches(name.lower(), pool, n=count, cutoff=0.5)
    if not found:  # a short or very wrong name: offer names sharing its start, if any
        found = [c for c in pool if c.startswith(name.lower()[:2])][:count]
    return found


class UnknownName(InputError):
    """A name that is not among the known ones; the message lists the closest (exit 2)."""

    def __init__(self, kind: str, name: str, choices: Iterable[str]) -> None:
        pool = sorted(set(choices))
        self.kind, self.name = kind, name
        self.suggestions = closest(name, pool)
        hint = f"did you mean {' or '.join(repr(s) for s in self.suggestions)}?" if self.suggestions else None
        listing = ", ".join(pool) if len(pool) <= 12 else ", ".join(pool[:12]) + ", ..."
        super().__init__(f"unknown {kind} {name!r} (known: {listing})", hint=hint)

    def lines(self) -> list[str]:
        return [self.message + (f"; {self.hint}" if self.hint else "")]

    def __str__(self) -> str:
        return self.lines()[0]


def check_name(kind: str, name: str, choices: Iterable[str]) -> str:
    """`name` if it is one of `choices`, else :class:`UnknownName` with the closest names."""
    pool = tuple(choices)
    if name not in pool:
        raise UnknownName(kind, name, pool)
    return name
