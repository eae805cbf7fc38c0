"""Which font families this machine has (Pango sees the same fontconfig list)."""

from __future__ import annotations

from functools import cache


@cache
def installed_families() -> frozenset[str]:
    import manimpango

    return frozenset(name.casefold() for name in manimpango.list_fonts())


def font_installed(family: str) -> bool:
    return family.casefold() in installed_families()
