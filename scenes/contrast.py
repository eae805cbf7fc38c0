"""Every colour pair the scenes draw text with, and whether a viewer can read it (WCAG 2.x contrast).

:func:`text_pairs` is the one table: from a brand, each (text colour, colour behind it) pair a
scene draws, named as a viewer sees it, with its WCAG size class and the brand colour to change
when it fails. ``render --check`` measures the pairs a script shows (:mod:`render.contrast_checks`);
the colours the scenes derive from the brand come from here too (:func:`quote_mark_colour`,
:func:`card_fills`, :func:`caption_colours`; the legal band's from :mod:`scenes.legal`), so what
is checked is what is drawn.

Not in the table, on purpose: shapes that carry no text (accent bars, the brand stripe, timeline
dots, the comparison's bullet dots, a character's clothes) and the dimmed markers a list shows
before their item is spoken (a placeholder, lit up in the checked colours when it counts).

Sizes. WCAG's "large text" is 18 pt (24 CSS px) regular or 14 pt (18.66 CSS px) bold. A frame's
short side is taken as 360 CSS px, a phone held sideways in the YouTube app, where text is
smallest: a text is large from :data:`LARGE_PX` regular or :data:`LARGE_BOLD_PX` bold, in px at
1080. A scene's titles and numbers are large; items, labels and captions are not.

Suggestions keep the hue: :func:`nearest_passing` moves only the OKLab lightness (chroma
reduced only when the sRGB gamut requires it) and returns the passing colour nearest the
original (OKLab distance).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from scenes.legal import LEGAL_TEXT_PX, band_colours, contrast_ratio, mix
from scenes.roles import ROLES

if TYPE_CHECKING:
    from contract.script import Brand

NORMAL_MIN = 4.5  # WCAG 2 AA (1.4.3) for normal text
LARGE_MIN = 3.0  # WCAG 2 AA for large text (and for shapes a viewer must see, 1.4.11)
CSS_PX_PER_PX = 360 / 1080  # the frame's short side seen as 360 CSS px (a phone held sideways)
LARGE_PX = 24 / CSS_PX_PER_PX  # 72 px at 1080, regular
LARGE_BOLD_PX = 18.66 / CSS_PX_PER_PX  # about 56 px at 1080, bold
CARD_TINTS = (0.08, 0.14)  # the comparison's cards: left tinted with primary, right with secondary
CAPTION_PX = 50  # burned-in captions (render/burn.py): normal text at any size below LARGE_PX

BrandColour = Literal["primary", "secondary", "background", "text"]


def is_large(px: float, bold: bool) -> bool:
    """WCAG "large scale" text, for a size in px at 1080 (short side)."""
    return px >= (LARGE_BOLD_PX if bold else LARGE_PX) - 1e-6


def _px(px: float, bold: bool = False) -> bool:
    return is_large(px, bold)


def _role(role: str, scale: float = 1.0, bold: bool | None = None) -> bool:
    """The size class of a text drawn in `role` (at `scale` of its size, bold or not as the scene asks)."""
    px, role_bold = ROLES[role]
    return is_large(px * scale, role_bold if bold is None else bold)


@dataclass(frozen=True)
class TextPair:
    """A text colour on the colour behind it, as one kind of text on screen is drawn.

    `field` is the brand colour to change when the pair fails; it gives the pair's text colour
    (`changes` is "text") or the colour behind it ("ground": a button, a disc, a box).
    `against` is how a message names the other colour ("on background", "behind text in
    background"). `shown_when` is what a script must show for the pair to be on screen (a scene
    type, or a feature such as ``legal``, ``captions``, ``closing.url``); None: every video.
    """

    name: str
    text: str  # "#RRGGBB"
    ground: str
    large: bool
    field: BrandColour
    shown_when: str | None = None
    against: str = "on background"
    changes: Literal["text", "ground"] = "text"

    @property
    def ratio(self) -> float:
        return contrast_ratio(self.text, self.ground)

    @property
    def minimum(self) -> float:
        return LARGE_MIN if self.large else NORMAL_MIN

    @property
    def passes(self) -> bool:
        return self.ratio >= self.minimum

    @property
    def other(self) -> str:
        """The colour that `field` does not give: the one a message names."""
        return self.ground if self.changes == "text" else self.text


def caption_colours(brand: Brand) -> tuple[str, str]:
    """(text, box) of burned-in captions: the background colour on an opaque box of the text colour."""
    return brand.background, brand.text


def card_fills(brand: Brand) -> tuple[str, str]:
    """The comparison's two cards as seen: background tinted with primary (left), secondary (right)."""
    left = mix(brand.background, brand.primary, CARD_TINTS[0])
    right = mix(brand.background, brand.secondary, CARD_TINTS[1])
    return left, right


def quote_mark_colour(brand: Brand) -> str:
    """The quote's big mark: `brand.secondary`, or its nearest shade that reads as large text.

    An amber or yellow secondary (the default #F2A900 is 2.0:1 on white) would hardly show;
    a darker shade of the same hue keeps the look and reads.
    """
    return _readable_shade(brand.secondary, brand.background, LARGE_MIN)


@lru_cache(maxsize=64)
def _readable_shade(colour: str, ground: str, minimum: float) -> str:
    if contrast_ratio(colour, ground) >= minimum:
        return colour
    found = nearest_passing(colour, lambda c: contrast_ratio(c, ground) >= minimum)
    return found or max(("#000000", "#FFFFFF"), key=lambda c: contrast_ratio(c, ground))


def text_pairs(brand: Brand) -> list[TextPair]:
    """Every pair of colours the scenes draw text with, for this brand (see the module's notes)."""
    p, bg, t = brand.primary, brand.background, brand.text
    band = band_colours(bg, t)
    left, right = card_fills(brand)
    caption_text, caption_box = caption_colours(brand)
    left_card, right_card = ("comparison", "on the left card"), ("comparison", "on the right card")
    on_button: tuple[str, Literal["ground"]] = ("behind text in background", "ground")
    return [
        # every video
        TextPair("body text", t, bg, _role("body"), "text"),
        TextPair("headings", p, bg, _role("heading"), "primary"),
        # what some videos show
        TextPair("the legal band", band.text, band.fill, _px(LEGAL_TEXT_PX), "text", "legal", "on the legal band"),
        TextPair(
            "burned-in captions",
            caption_text,
            caption_box,
            _px(CAPTION_PX),
            "text",
            "captions",
            "behind caption text in background",
            "ground",
        ),
        TextPair("the statistic's number", p, bg, _role("number"), "primary", "statistic"),
        TextPair(
            "words before the statistic's number", p, bg, _role("subheading", bold=False), "primary", "statistic.prefix"
        ),
        TextPair("words after the statistic's number", p, bg, _role("subheading"), "primary", "statistic.suffix"),
        TextPair("the quote mark", quote_mark_colour(brand), bg, _px(300, bold=True), "secondary", "quote"),
        TextPair("the quote's author", p, bg, _role("caption", bold=True), "primary", "quote.author"),
        TextPair("timeline dates", p, bg, _px(58, bold=True), "primary", "timeline"),
        # a list's numbers (or icons) fill about 42 % of a disc of at most 96 px: about 55 px bold
        TextPair("numbers and icons on the list's discs", bg, p, _px(55, bold=True), "primary", "bullets", *on_button),
        TextPair(
            "the closing scene's web address", bg, p, _role("caption", bold=True), "primary", "closing.url", *on_button
        ),
        # column headings are drawn at 54/56 of the subheading size (scenes/types/comparison.py)
        TextPair("the left column's heading", p, left, _role("subheading", 54 / 56), "primary", *left_card),
        TextPair("the right column's heading", p, right, _role("subheading", 54 / 56), "primary", *right_card),
        TextPair("the left column's items", t, left, _role("body"), "text", *left_card),
        TextPair("the right column's items", t, right, _role("body"), "text", *right_card),
    ]


# --- colour space: OKLab (Björn Ottosson, 2020) -------------------------------------------


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _gamma(c: float) -> float:
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def oklab(hex_colour: str) -> tuple[float, float, float]:
    """(L, a, b) of a "#RRGGBB" colour; L from 0 (black) to 1 (white)."""
    value = hex_colour.lstrip("#")
    r, g, b = (_linear(int(value[i : i + 2], 16) / 255) for i in (0, 2, 4))
    lo = (0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b) ** (1 / 3)
    mo = (0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b) ** (1 / 3)
    so = (0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b) ** (1 / 3)
    return (
        0.2104542553 * lo + 0.7936177850 * mo - 0.0040720468 * so,
        1.9779984951 * lo - 2.4285922050 * mo + 0.4505937099 * so,
        0.0259040371 * lo + 0.7827717662 * mo - 0.8086757660 * so,
    )


def _linear_rgb(lightness: float, a: float, b: float) -> tuple[float, float, float]:
    lo = (lightness + 0.3963377774 * a + 0.2158037573 * b) ** 3
    mo = (lightness - 0.1055613458 * a - 0.0638541728 * b) ** 3
    so = (lightness - 0.0894841775 * a - 1.2914855480 * b) ** 3
    return (
        4.0767416621 * lo - 3.3077115913 * mo + 0.2309699292 * so,
        -1.2684380046 * lo + 2.6097574011 * mo - 0.3413193965 * so,
        -0.0041960863 * lo - 0.7034186147 * mo + 1.7076147010 * so,
    )


def _in_gamut(rgb: tuple[float, float, float]) -> bool:
    return all(-1e-6 <= c <= 1 + 1e-6 for c in rgb)


def from_oklch(lightness: float, chroma: float, hue: float) -> str:
    """The "#RRGGBB" colour of this lightness and hue, its chroma reduced as much as sRGB requires."""
    lightness = min(max(lightness, 0.0), 1.0)
    cos, sin = math.cos(hue), math.sin(hue)
    if not _in_gamut(_linear_rgb(lightness, chroma * cos, chroma * sin)):
        low, high = 0.0, chroma
        for _ in range(24):
            mid = (low + high) / 2
            if _in_gamut(_linear_rgb(lightness, mid * cos, mid * sin)):
                low = mid
            else:
                high = mid
        chroma = low
    rgb = _linear_rgb(lightness, chroma * cos, chroma * sin)
    return "#" + "".join(f"{round(min(max(_gamma(max(c, 0.0)), 0.0), 1.0) * 255):02X}" for c in rgb)


def distance(a: str, b: str) -> float:
    """How far apart two colours look (Euclidean distance in OKLab; 0.02 is a just noticeable step)."""
    return math.dist(oklab(a), oklab(b))


def nearest_passing(colour: str, passes: Callable[[str], bool], step: float = 0.002) -> str | None:
    """The colour nearest `colour` that `passes`, of the same hue, lighter or darker; None if none is.

    Walks the OKLab lightness away from the colour's own, both ways, down to black and up to
    white, and keeps the first passing colour of each way; of those two, the nearer wins.
    """
    lightness, a, b = oklab(colour)
    chroma, hue = math.hypot(a, b), math.atan2(b, a)
    found: list[str] = []
    for direction in (-1, 1):
        level = lightness
        while level > 0.0 if direction < 0 else level < 1.0:
            level = min(max(level + direction * step, 0.0), 1.0)
            candidate = from_oklch(level, chroma, hue)
            if passes(candidate):
                found.append(candidate)
                break
    return min(found, key=lambda c: distance(c, colour)) if found else None
