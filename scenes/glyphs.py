"""A Manim `Text` that never trips on how many glyphs Pango drew.

Manim's ``Text(..., disable_ligatures=True)`` pairs the i-th non-space character
with the i-th glyph of Pango's SVG and raises ``ValueError`` when there are fewer
glyphs than characters. Pango legitimately draws fewer: nothing for invisible
characters (zero-width space, joiners, bidi marks, soft hyphen), one glyph for a
cluster (Devanagari conjuncts, Arabic lam-alef). :class:`GlyphText` pairs
characters with glyphs only when the counts agree, and otherwise keeps the glyphs
as they are (``glyphs_match`` False) instead of failing.

Pango also right-aligns a line whose first strong character is right-to-left
(Hebrew, Arabic, Cypriot "𐠀") inside Manim's layout, which is as wide as the
frame and starts 30 units in: such a line ends past the SVG surface and its glyphs
are clipped away (a lone "𐠀" gave an empty SVG). :func:`ltr_lines` gives those
lines a left-to-right mark so every line starts at the left, as Latin text does.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from manim import Dot, Text, VGroup

from scenes.fonts import is_visible

LRM = "\u200e"  # LEFT-TO-RIGHT MARK: a strong LTR character that draws nothing


def starts_right_to_left(line: str) -> bool:
    """Whether Pango would lay `line` out right-to-left (its first strong character is RTL)."""
    for char in line:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return False


def ltr_lines(lines: list[str]) -> tuple[str, list[int]]:
    """The lines joined for Manim, with a mark before each RTL line; and the marks' indexes."""
    parts: list[str] = []
    marks: list[int] = []
    at = 0
    for line in lines:
        if starts_right_to_left(line):
            marks.append(at)
            line = LRM + line
        parts.append(line)
        at += len(line) + 1
    return "\n".join(parts), marks


class GlyphText(Text):
    """`Text` with one submobject per character when Pango drew one glyph per visible character.

    Spaces and invisible characters get an empty, invisible dot (as Manim does for
    spaces). When the counts differ, the submobjects are just the glyphs and
    ``glyphs_match`` is False.
    """

    glyphs_match: bool = True

    def _gen_chars(self) -> VGroup:
        glyphs = list(self.submobjects)
        slots = [is_visible(char) for char in self.text]
        chars: Any = self.get_group_class()()
        if sum(slots) != len(glyphs):
            self.glyphs_match = False
            chars.add(*glyphs)
            return chars  # type: ignore[no-any-return]
        index = 0
        for visible in slots:
            if visible:
                chars.add(glyphs[index])
                index += 1
                continue
            space = Dot(radius=0, fill_opacity=0, stroke_opacity=0)
            if glyphs:  # beside the previous glyph (the first one at the start), like Manim's spaces
                space.move_to(glyphs[max(index - 1, 0)].get_center())
            chars.add(space)
        return chars  # type: ignore[no-any-return]
