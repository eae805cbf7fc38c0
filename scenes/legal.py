"""Legal mentions: a legible band at the bottom of the content, in colours whose contrast is checked.

French credit advertising must show its mandatory wording; a band a viewer cannot read does not
count. The band's text is at least :data:`LEGAL_TEXT_PX` (px at 1080) and its text/fill pair
has a WCAG contrast ratio of at least :data:`MIN_CONTRAST`: the brand's text colour on a light
tint of its background when that passes, else black or white, whichever reads better.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_CONTRAST = 4.5  # WCAG 2 AA for normal text
LEGAL_TEXT_PX = 36  # px at 1080 (short side): small print, but readable on a phone
LEGAL_MIN_PX = 28
TINT = 0.08  # how far the band's fill moves from the background towards the text colour


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    value = hex_colour.lstrip("#")
    return (int(value[0:2], 16) / 255, int(value[2:4], 16) / 255, int(value[4:6], 16) / 255)


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance of a "#RRGGBB" colour."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio between two "#RRGGBB" colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: str, b: str, share: float) -> str:
    """`a` moved `share` of the way towards `b`."""
    ra, rb = _rgb(a), _rgb(b)
    return "#" + "".join(f"{round((x + (y - x) * share) * 255):02X}" for x, y in zip(ra, rb, strict=True))


@dataclass(frozen=True)
class BandColours:
    fill: str
    text: str

    @property
    def contrast(self) -> float:
        return contrast_ratio(self.fill, self.text)


def band_colours(background: str, text: str) -> BandColours:
    """The band's fill and text colours: the brand's own when they read well, else a safe pair."""
    fill = mix(background, text, TINT)
    if contrast_ratio(fill, text) >= MIN_CONTRAST:
        return BandColours(fill, text)
    # the brand's text colour does not stand out from its background: black or white does
    best = max(("#000000", "#FFFFFF"), key=lambda c: contrast_ratio(fill, c))
    return BandColours(fill, best)
