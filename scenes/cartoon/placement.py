"""Where characters stand and where the content goes, for each frame shape.

- one character (``presenter``, or ``character:`` on any scene): in 16:9 and 1:1 the
  character takes one side and the content the other; in 9:16 the character stands
  below the content (or above it, with ``position: top``).
- two or three characters (``dialogue``): side by side, the content (if any) above.

Boxes are in pixels and never overlap the content box, so a character never covers text.
A character's box ends at the frame's bottom: a bust is cut by the frame (or hidden
behind the setting's counter, which is drawn over it).
"""

from __future__ import annotations

from dataclasses import dataclass

from .compositor import Box
from .names import check_name

POSITIONS = ("left", "right", "center", "top", "bottom")


@dataclass(frozen=True)
class Layout:
    characters: tuple[Box, ...]
    content: Box | None  # the space left for the panel or the scene's own content
    facing_left: tuple[bool, ...]  # per character: turned towards the left (towards the content or the others)


def _margin(width: int, height: int) -> int:
    return round(0.06 * min(width, height))  # the scenes' 6 % margin


def backdrop_layout(width: int, height: int, stage: int | None = None) -> Layout:
    """No character: the content takes the frame inside the margins (above the counter, if any)."""
    m = _margin(width, height)
    floor = height if stage is None else stage
    return Layout((), Box(m, m, width - 2 * m, floor - 2 * m), ())


def presenter_layout(width: int, height: int, position: str = "left", stage: int | None = None) -> Layout:
    """One character and the content beside (16:9, 1:1) or above/below it (9:16).

    `stage` is the setting's counter top in px, if any: the character's box still reaches the
    frame's bottom (the counter hides the cut), but the content stays above the counter.
    """
    check_name("character position", position, POSITIONS)
    m = _margin(width, height)
    floor = height if stage is None else stage
    # behind a counter the picture's bottom is hidden a little below the counter's top
    bottom = height if stage is None else min(height, stage + round(0.015 * height))
    if width / height < 0.8:  # tall: stacked
        char_h = round(height * 0.40)
        if position == "top":
            char = Box(m, m, width - 2 * m, char_h)
            content = Box(m, m + char_h + m // 2, width - 2 * m, floor - (m + char_h + m // 2) - m)
        else:
            char = Box(m, bottom - char_h, width - 2 * m, char_h)
            content = Box(m, m, width - 2 * m, bottom - char_h - m - m // 2)
        return Layout((char,), content, (False,))
    if position == "center":
        side = round(min(width * 0.6, height * 0.8))
        return Layout((Box((width - side) // 2, bottom - side, side, side),), None, (False,))
    char_w = round(width * (0.40 if width / height > 1.25 else 0.46))
    top = round(height * 0.1)
    content_w = width - char_w - 2 * m
    content_h = floor - 2 * m
    char = Box(m // 2, top, char_w, bottom - top)
    if position in ("left", "bottom"):
        return Layout((char,), Box(char_w + m, m, content_w, content_h), (False,))
    return Layout((Box(width - char_w - m // 2, top, char_w, bottom - top),), Box(m, m, content_w, content_h), (True,))


def dialogue_layout(
    width: int, height: int, count: int, with_content: bool = False, stage: int | None = None
) -> Layout:
    """2 or 3 characters side by side (the outer ones turned inwards); content above if asked."""
    if count not in (1, 2, 3):
        raise ValueError("a dialogue has 2 or 3 characters")
    m = _margin(width, height)
    tall = width / height < 0.8
    bottom = height if stage is None else min(height, stage + round(0.015 * height))
    char_h = round(height * (0.5 if with_content or tall else 0.78))
    slot = (width - m) // count
    # in a narrow frame neighbours may share a little space: their pictures have empty sides
    side = min(round(slot * (1.3 if tall else 1.0)), char_h)
    lefts = (min(max(0, m // 2 + i * slot + (slot - side) // 2), width - side) for i in range(count))
    boxes = tuple(Box(x, bottom - char_h, side, char_h) for x in lefts)
    facing = tuple(i >= (count + 1) // 2 for i in range(count)) if count > 1 else (False,)
    content = Box(m, m, width - 2 * m, bottom - char_h - m - m // 2) if with_content else None
    return Layout(boxes, content, facing)
