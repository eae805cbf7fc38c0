"""Frame geometry and the one text-fitting helper every scene type uses.

Sizes are resolution-independent: Manim's frame is always 8 units high and
``8 × width/height`` wide, and a text size is given in "px at 1080": pixels on
a frame whose *short* side is 1080 px (so 44 px means the same share of the
screen at 480p and 2160p, and in 16:9, 9:16 or 1:1). ``Frame.px`` converts to
scene units (the em height of the font).

:func:`fit_text` wraps a text at word boundaries to a width, shrinks it step by
step down to a minimum readable size, and raises :class:`TextDoesNotFit` when it
still does not fit. Widths are estimated with FreeType (cheap); the built
mobject's real bounding box is the final judge, so text never leaves its box.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal, TypeVar

from contract.scene_errors import TextCannotBeDrawn, TextDoesNotFit
from scenes.fonts import FontSpec, Measure, text_drawing_problem

if TYPE_CHECKING:
    from manim import Mobject, Text, VGroup

    from scenes.glyphs import GlyphText

Align = Literal["left", "center", "right"]
M = TypeVar("M", bound="Mobject")

REFERENCE_SHORT_SIDE_PX = 1080
MIN_TEXT_PX = 24  # smallest readable size, px at 1080 (short side)
MARGIN = 0.06  # of the frame's width (left/right) and height (top/bottom)
# 9:16 (YouTube Shorts): the player's buttons cover the right side and its texts the top and
# bottom, so content keeps to the middle 70 % of the height and leaves the right 15 % free
PORTRAIT_CONTENT_HEIGHT = 0.70
PORTRAIT_RIGHT_FREE = 0.15
LINE_PITCH = 1.22  # distance between baselines, in em
# Manim's Text sets Pango's line distance to 0.75 × (1 + line_spacing) em.
_PANGO_PITCH_UNIT = 0.75
_SHRINK_STEP = 0.92
_SAFETY = 0.97  # wrap to 97 % of the width: FreeType and Pango differ slightly

# no line break before these (French spacing: « mot », « prix : 5 € »), nor after opening marks
_NO_BREAK_BEFORE = set("?!:;»%)]}…”’.,€$£¥")
_NO_BREAK_AFTER = set("«“([{—–-")


@dataclass(frozen=True)
class Box:
    """A rectangle in scene units (y up): where a scene type lays its content out."""

    left: float
    right: float
    top: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom

    @property
    def x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def y(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def orientation(self) -> Literal["landscape", "portrait", "square"]:
        """By the box's own shape: a narrow box in a 16:9 frame lays out like a portrait one."""
        ratio = self.width / max(self.height, 1e-9)
        return "landscape" if ratio > 1.15 else "portrait" if ratio < 0.87 else "square"

    def below(self, y: float) -> Box:
        """The part of the box under `y`."""
        return replace(self, top=min(self.top, y))

    def above(self, y: float) -> Box:
        """The part of the box over `y`."""
        return replace(self, bottom=max(self.bottom, y))


@dataclass(frozen=True)
class Frame:
    """The visible frame in scene units, with the content box inside the margins."""

    pixel_width: int
    pixel_height: int

    @property
    def height(self) -> float:
        return 8.0

    @property
    def width(self) -> float:
        return 8.0 * self.pixel_width / self.pixel_height

    @property
    def short(self) -> float:
        return min(self.width, self.height)

    @property
    def orientation(self) -> Literal["landscape", "portrait", "square"]:
        ratio = self.pixel_width / self.pixel_height
        return "landscape" if ratio > 1.15 else "portrait" if ratio < 0.87 else "square"

    def px(self, value: float) -> float:
        """Scene units for `value` px at 1080 (short side)."""
        return value * self.short / REFERENCE_SHORT_SIDE_PX

    @property
    def margin_x(self) -> float:
        return MARGIN * self.width

    @property
    def margin_y(self) -> float:
        return MARGIN * self.height

    @property
    def left(self) -> float:
        return -self.width / 2 + self.margin_x

    @property
    def right(self) -> float:
        return self.width / 2 - self.margin_x

    @property
    def top(self) -> float:
        return self.height / 2 - self.margin_y

    @property
    def bottom(self) -> float:
        return -self.height / 2 + self.margin_y

    @property
    def content_width(self) -> float:
        return self.right - self.left

    @property
    def safe_box(self) -> Box:
        """Where content may go: inside the margins; in 9:16, clear of the Shorts player's overlays."""
        if self.orientation != "portrait":
            return Box(self.left, self.right, self.top, self.bottom)
        half = self.height * PORTRAIT_CONTENT_HEIGHT / 2
        return Box(self.left, self.width / 2 - self.width * PORTRAIT_RIGHT_FREE, half, -half)

    @property
    def content_height(self) -> float:
        return self.top - self.bottom


def em_to_font_size(em: float) -> float:
    """Manim's `font_size` for an em height in scene units (font_size 72 ⇔ 1 unit)."""
    return em * 72.0


def too_long(field_path: str, text: str, sharing: int = 1) -> TextDoesNotFit:
    shared = f", sharing the screen with {sharing - 1} other texts like it" if sharing > 1 else ""
    return TextDoesNotFit(
        field_path,
        f"text too long to fit on screen at a readable size ({len(text)} characters{shared}); "
        "shorten it or split the scene",
    )


def check_drawable(text: str, font: FontSpec, field_path: str) -> None:
    """Raise :class:`TextCannotBeDrawn` naming `field_path` when `text` has characters no font draws."""
    problem = text_drawing_problem(text, font.family, font.file)
    if problem:
        raise TextCannotBeDrawn(field_path, problem)


def clean_text(text: str) -> str:
    """NFC, tabs and odd spaces made plain, trailing spaces dropped (one glyph per character)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\t", " ")
    text = "".join(" " if c in "\u2028\u2029" else c for c in text)
    return "\n".join(" ".join(line.split(" ")).strip() for line in text.split("\n")).strip()


def _tokens(paragraph: str) -> list[str]:
    """Words, with French-style punctuation glued to its neighbour so it never starts a line."""
    out: list[str] = []
    for word in (w for w in paragraph.split(" ") if w):
        if out and (set(word) <= _NO_BREAK_BEFORE or set(out[-1]) <= _NO_BREAK_AFTER):
            out[-1] = out[-1] + " " + word
        else:
            out.append(word)
    return out


def _split_word(word: str, measure: Measure, limit_em: float) -> list[str]:
    """Cut a word that is wider than a line (a long URL) into pieces, preferably after / . - _."""
    pieces: list[str] = []
    rest = word
    while rest and measure.width(rest) > limit_em:
        cut = 1
        for end in range(1, len(rest) + 1):
            if measure.width(rest[:end]) > limit_em:
                break
            cut = end
        soft = max((i + 1 for i, c in enumerate(rest[:cut]) if c in "/.-_?&=" and i + 1 < cut), default=0)
        if soft >= cut * 0.5:
            cut = soft
        pieces.append(rest[:cut])
        rest = rest[cut:]
    if rest:
        pieces.append(rest)
    return pieces


def wrap(text: str, measure: Measure, em: float, max_width: float, split_words: bool = False) -> list[str] | None:
    """Greedy word wrap to `max_width` scene units at em size `em`; None if a word cannot fit."""
    limit = max_width * _SAFETY / em  # in em
    space = measure.width(" ")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        tokens = _tokens(paragraph)
        if not tokens:
            lines.append("")
            continue
        line, width = "", 0.0
        for token in tokens:
            w = measure.width(token)
            if w > limit:
                if not split_words:
                    return None
                parts = _split_word(token, measure, limit)
            else:
                parts = [token]
            for part in parts:
                pw = measure.width(part) if len(parts) > 1 else w
                if line and width + space + pw <= limit:
                    line, width = line + " " + part, width + space + pw
                else:
                    if line:
                        lines.append(line)
                    line, width = part, pw
        lines.append(line)
    # drop blank lines at the ends, keep one blank line between paragraphs at most
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _sizes(size: float, min_size: float) -> list[float]:
    sizes, s = [], size
    while s > min_size * 1.0001:
        sizes.append(s)
        s *= _SHRINK_STEP
    sizes.append(min_size)
    return sizes


def text_height(lines: int, em: float, measure: Measure) -> float:
    """A generous estimate of the ink height of `lines` lines (scene units)."""
    if lines <= 0:
        return 0.0
    return em * ((lines - 1) * LINE_PITCH + measure.line_height())


@dataclass(frozen=True)
class TextBox:
    """Where a text must fit: `width` × `height` scene units, em size from `size` down to `min_size`."""

    width: float
    height: float
    size: float
    min_size: float
    max_lines: int | None = None
    balance: bool | None = None  # lines as even as possible; None: when centred


@dataclass(frozen=True)
class Fit:
    em: float
    lines: list[str]
    split_words: bool = False


def fit_layout(
    text: str, font: FontSpec, box: TextBox, *, bold: bool = False, italic: bool = False, balance: bool = False
) -> Fit | None:
    """The largest em size (and its lines) at which `text` fits `box`, by estimate; None if none does."""
    text = clean_text(text)
    measure = Measure(font, bold, italic)
    min_size = min(box.min_size, box.size)
    for split in (False, True):
        for em in _sizes(box.size, min_size) if not split else [min_size]:
            lines = wrap(text, measure, em, box.width, split_words=split)
            if lines is None:
                continue
            if box.max_lines is not None and len(lines) > box.max_lines:
                continue
            if text_height(len(lines), em, measure) <= box.height:
                if balance and len(lines) > 1 and not split:
                    lines = _balanced(text, measure, em, box.width, len(lines)) or lines
                return Fit(em, lines, split)
    return None


def _balanced(text: str, measure: Measure, em: float, max_width: float, count: int) -> list[str] | None:
    """The same number of lines, as even as possible (no lone word on the last line of a title)."""
    low, high, best = max_width * 0.4, max_width, None
    for _ in range(12):
        mid = (low + high) / 2
        lines = wrap(text, measure, em, mid)
        if lines is not None and len(lines) <= count:
            best, high = lines, mid
        else:
            low = mid
    return best


def build_text(
    lines: list[str],
    font: FontSpec,
    colour: str,
    em: float,
    *,
    bold: bool = False,
    italic: bool = False,
    align: Align = "left",
) -> Text:
    """A Manim `Text` of exactly these lines, lines aligned.

    One submobject per character (spaces and invisible characters are empty dots)
    when Pango drew one glyph per visible character; otherwise just the glyphs
    (see :mod:`scenes.glyphs`). Right-to-left lines start at the left like the others.
    """
    from manim import BOLD, ITALIC, NORMAL, RIGHT

    from scenes.glyphs import GlyphText, ltr_lines

    def make(text: str) -> GlyphText:
        return GlyphText(
            text,
            font=font.family,
            font_size=em_to_font_size(em),
            color=colour,
            weight=BOLD if bold else NORMAL,
            slant=ITALIC if italic else NORMAL,
            line_spacing=LINE_PITCH / _PANGO_PITCH_UNIT - 1,
            disable_ligatures=True,
            warn_missing_font=False,
        )

    drawn, marks = ltr_lines(lines)
    mob = make(drawn)
    if mob.glyphs_match and marks:  # the marks' empty dots are not characters of the text
        mob.submobjects = [m for i, m in enumerate(mob.submobjects) if i not in set(marks)]
    if align != "left" and len(lines) > 1:
        centre, right = mob.get_center()[0], mob.get_right()[0]  # of the unaligned text
        for group in _line_groups(mob, lines, make):
            if align == "center":
                group.shift((centre - group.get_center()[0]) * RIGHT)
            else:
                group.shift((right - group.get_right()[0]) * RIGHT)
    mob.fitted_em = em  # type: ignore[attr-defined]
    mob.fitted_lines = lines  # type: ignore[attr-defined]
    return lighten(mob)


def _line_groups(mob: GlyphText, lines: list[str], make: Callable[[str], GlyphText]) -> list[VGroup]:
    """Each non-blank line's glyphs, as groups to move (empty when they cannot be told apart)."""
    from manim import VGroup

    from scenes.glyphs import ltr_lines

    if mob.glyphs_match:
        counts = [len(line) + 1 for line in lines]  # a line's characters and its newline
    else:
        # Pango drew clusters: count each line's glyphs alone (its shaping is the same), since
        # the SVG holds the lines' glyphs one line after the other
        counts = [len(make(ltr_lines([line])[0]).submobjects) if line.strip() else 0 for line in lines]
        if sum(counts) != len(mob.submobjects):
            return []
    members = mob.submobjects
    groups: list[VGroup] = []
    start = 0
    for line, count in zip(lines, counts, strict=True):
        glyphs = [g for g in members[start : start + count] if g.has_points()]
        start += count
        if line.strip() and glyphs:
            groups.append(VGroup(*glyphs))
    return groups


def em_of(mob: Mobject) -> float:
    """The em size (scene units) a text from :func:`fit_text`/:func:`build_text` ended up with."""
    return float(getattr(mob, "fitted_em"))  # noqa: B009 - set by build_text


def lines_of(mob: Mobject) -> list[str]:
    """The lines a text from :func:`fit_text`/:func:`build_text` was wrapped into."""
    return list(getattr(mob, "fitted_lines"))  # noqa: B009 - set by build_text


def lighten(mob: M) -> M:
    """Drop the parsed SVG paths Manim keeps on every glyph/shape once its points exist.

    Animations deep-copy their mobjects (FadeIn, Write...); those parsed paths made
    each copy of a text ~5x slower and are never used again.
    """
    for member in mob.get_family():
        if getattr(member, "path_obj", None) is not None:
            setattr(member, "path_obj", None)  # noqa: B010
        if getattr(member, "id_to_vgroup_dict", None):
            setattr(member, "id_to_vgroup_dict", {})  # noqa: B010
    return mob


def fit_text(
    text: str,
    font: FontSpec,
    colour: str,
    box: TextBox,
    field_path: str,
    *,
    bold: bool = False,
    italic: bool = False,
    align: Align = "left",
) -> Text:
    """`text` as a Manim mobject no larger than `box.width` × `box.height` scene units.

    Wraps at word boundaries, shrinks from `box.size` down to `box.min_size` (em
    heights in scene units), and raises :class:`TextDoesNotFit` naming `field_path`
    when even `min_size` is too big, or :class:`TextCannotBeDrawn` when no installed
    font has some of its characters. Read its size and lines with :func:`em_of` /
    :func:`lines_of`. Lines are evened out when centred (or as `box.balance` says).
    """
    clean = clean_text(text)
    check_drawable(clean, font, field_path)
    min_size = min(box.min_size, box.size)
    balance = align == "center" if box.balance is None else box.balance
    fit = fit_layout(clean, font, box, bold=bold, italic=italic, balance=balance)
    while fit is not None:
        mob = build_text(fit.lines, font, colour, fit.em, bold=bold, italic=italic, align=align)
        scale = min(1.0, box.width / max(mob.width, 1e-9), box.height / max(mob.height, 1e-9))
        if scale >= 1.0:
            return mob
        if fit.em * scale >= min_size * 0.995:
            mob.scale(scale)
            mob.fitted_em = fit.em * scale  # type: ignore[attr-defined]
            return mob
        # the estimate was too optimistic: try the next smaller size
        smaller = fit.em * _SHRINK_STEP
        if smaller < min_size * 0.999:
            if fit.em > min_size * 1.0001:
                smaller = min_size
            else:
                break
        fit = fit_layout(clean, font, replace(box, size=smaller), bold=bold, italic=italic, balance=balance)
    raise too_long(field_path, clean)


def common_size(
    texts: list[tuple[str, str]],
    font: FontSpec,
    max_width: float,
    max_height: float,
    size: float,
    min_size: float,
    *,
    bold: bool = False,
    italic: bool = False,
) -> float:
    """The largest em size at which every (text, field_path) fits its box (so a list looks even).

    Raises :class:`TextDoesNotFit` for the first text that does not fit at `min_size`.
    """
    best = size
    for text, field_path in texts:
        check_drawable(text, font, field_path)
        fit = fit_layout(text, font, TextBox(max_width, max_height, best, min_size), bold=bold, italic=italic)
        if fit is None:
            raise too_long(field_path, clean_text(text), len(texts))
        best = min(best, fit.em)
    return best
