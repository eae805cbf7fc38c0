"""Brand colours as data: parsing "#RRGGBB", mixing tints and shades."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")


def parse_hex(value: str) -> tuple[int, int, int]:
    """(r, g, b) from "#RRGGBB" (or "RRGGBB"); ValueError otherwise."""
    match = _HEX.match(value.strip())
    if not match:
        raise ValueError(f'not a colour {value!r}: write it as "#RRGGBB"')
    text = match.group(1)
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def to_hex(rgb: tuple[float, float, float]) -> str:
    r, g, b = (max(0, min(255, round(c))) for c in rgb)
    return f"#{r:02X}{g:02X}{b:02X}"


def mix(a: str, b: str, t: float) -> str:
    """The colour `t` of the way from `a` to `b` (t=0: a, t=1: b)."""
    ca, cb = parse_hex(a), parse_hex(b)
    return to_hex(tuple(x + (y - x) * t for x, y in zip(ca, cb, strict=True)))  # type: ignore[arg-type]


def luminance(colour: str) -> float:
    """Relative luminance 0..1 (sRGB, WCAG), to tell light from dark colours."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in parse_hex(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@dataclass(frozen=True)
class Palette:
    """The four brand colours a setting is drawn in, each "#RRGGBB"."""

    primary: str = "#00703C"
    secondary: str = "#F2A900"
    background: str = "#FFFFFF"
    text: str = "#1B1B1B"

    def __post_init__(self) -> None:
        for name in ("primary", "secondary", "background", "text"):
            object.__setattr__(self, name, to_hex(parse_hex(getattr(self, name))))  # normalised, so keys agree

    @classmethod
    def from_brand(cls, brand: Any) -> Palette:
        """From any object with primary/secondary/background/text attributes (the script's Brand)."""
        return cls(brand.primary, brand.secondary, brand.background, brand.text)

    def resolve(self, value: str) -> str:
        """A brand colour name (primary | secondary | text | background) or "#RRGGBB", as "#RRGGBB"."""
        if value in ("primary", "secondary", "background", "text"):
            return str(getattr(self, value))
        return to_hex(parse_hex(value))

    def key(self) -> str:
        return f"{self.primary}{self.secondary}{self.background}{self.text}"
