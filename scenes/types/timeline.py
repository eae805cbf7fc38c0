"""timeline: the heading, the line and every event's dot (dimmed) from the first frame; then each
event (its dot lit, date, text) appears in turn.

cues: [title, event_0, ..., event_{n-1}]

Horizontal in a wide content box (16:9); vertical (events stacked, text on the right) in a
tall or square one (9:16, 1:1), where a row per event leaves far more room for the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from manim import (
    DOWN,
    RIGHT,
    UP,
    Circle,
    FadeIn,
    GrowFromCenter,
    Mobject,
    VGroup,
)

from contract.scene_errors import TextDoesNotFit
from contract.script import TimelineEvent, TimelineScene
from scenes.base import Beat, Kit, TimedAnimation, pill, place
from scenes.layout import Box, common_size
from scenes.registry import register

# An event on the track: its dot, and its date with its text.
_Item = tuple[VGroup, VGroup]


@dataclass(frozen=True)
class _Track:
    """What both orientations lay the events out with."""

    kit: Kit
    events: list[TimelineEvent]
    top: float  # the events' area is from here (below the heading) down to the content's bottom
    thickness: float  # of the line
    dot_r: float

    def dot(self) -> VGroup:
        colour = self.kit.brand.primary
        ring = Circle(radius=self.dot_r * 1.7, fill_color=colour, fill_opacity=0.15, stroke_width=0)
        core = Circle(radius=self.dot_r, fill_color=colour, fill_opacity=1, stroke_width=0)
        return VGroup(ring, core)

    def ghost(self, at: VGroup) -> Circle:
        # where an event will come: a pale dot on the line from the first frame
        colour = self.kit.brand.primary
        return Circle(radius=self.dot_r, fill_color=colour, fill_opacity=0.3, stroke_width=0).move_to(at)

    def fields(self, part: Literal["date", "text"]) -> list[tuple[str, str]]:
        """Every event's `date` or `text` with its field path, for a size they all share."""
        return [(getattr(e, part), self.kit.field(f"events[{k}].{part}")) for k, e in enumerate(self.events)]


def _horizontal(track: _Track) -> tuple[Mobject, list[_Item]]:
    """Dots along a horizontal line; dates and texts beside it (alternating sides when crowded)."""
    kit, events, box, dot_r = track.kit, track.events, track.kit.content, track.dot_r
    slot = box.width / len(events)
    alternate = len(events) >= 5
    text_w = slot * (1.7 if alternate else 0.92)
    line_y = (track.top + box.bottom) / 2
    side_h = (track.top - line_y) - dot_r * 2 - kit.px(20)
    date_h = side_h * 0.3
    text_h = side_h - date_h - kit.px(12)
    if not alternate:
        date_h = side_h * 0.5
        text_h = side_h
    date_size = common_size(
        track.fields("date"), kit.font_for("subheading"), text_w, date_h, kit.px(58), kit.min_text, bold=True
    )
    text_size = common_size(track.fields("text"), kit.font_for("body"), text_w, text_h, kit.px(46), kit.min_text)
    line = pill(box.width, track.thickness, kit.brand.primary, opacity=0.35)
    place(line, left=box.left, y=line_y)
    items: list[_Item] = []
    for k, event in enumerate(events):
        x = box.left + (k + 0.5) * slot
        d = track.dot().move_to(np.array([x, line_y, 0], dtype=float))
        date = kit.text(
            event.date,
            f"events[{k}].date",
            "subheading",
            text_w,
            date_h,
            size=date_size,
            colour=kit.brand.primary,
            align="center",
        )
        text = kit.text(event.text, f"events[{k}].text", "body", text_w, text_h, size=text_size, align="center")
        side = _side(k) if alternate else "across"
        _place_beside_line(kit, date, text, x, line_y, dot_r * 2 + kit.px(16), side)
        for mob in (date, text):
            _keep_inside(mob, box)
        items.append((d, VGroup(date, text)))
    return line, items


# Where an event's date and text go: across the line (date above, text below), or both on one side.
_Side = Literal["across", "above", "below"]


def _side(k: int) -> _Side:
    """Alternating sides when crowded: even events below the line, odd ones above."""
    return "below" if k % 2 == 0 else "above"


def _place_beside_line(
    kit: Kit, date: Mobject, text: Mobject, x: float, line_y: float, gap: float, side: _Side
) -> None:
    if side == "across":
        place(date, x=x, bottom=line_y + gap)
        place(text, x=x, top=line_y - gap)
    elif side == "below":  # date, then text
        place(date, x=x, top=line_y - gap)
        place(text, x=x, top=date.get_bottom()[1] - kit.px(10))
    else:  # above the line: text, then date next to the line
        place(date, x=x, bottom=line_y + gap)
        place(text, x=x, bottom=date.get_top()[1] + kit.px(10))


def _keep_inside(mob: Mobject, box: Box) -> None:
    # keeps wide texts of the first/last event inside the frame
    if mob.get_left()[0] < box.left:
        place(mob, left=box.left)
    if mob.get_right()[0] > box.right:
        place(mob, right=box.right)


@dataclass(frozen=True)
class _RowSizes:
    """How the vertical layout's rows are typed: date above its text, or inline beside it."""

    date_w: float
    date_h: float
    text_h: float
    date_size: float
    text_size: float
    inline: bool


def _row_sizes(track: _Track, text_w: float, row_h: float) -> _RowSizes:
    kit = track.kit
    dates, texts = track.fields("date"), track.fields("text")
    date_font, body_font = kit.font_for("subheading"), kit.font_for("body")
    try:  # the date above its text
        date_h = max(row_h * 0.35, kit.min_text * 1.3)  # at least one line of date
        text_h = row_h - date_h - kit.px(10)
        date_size = common_size(dates, date_font, text_w, date_h, kit.role_size("subheading"), kit.min_text, bold=True)
        text_size = common_size(texts, body_font, text_w, text_h, kit.role_size("body", 50 / 54), kit.min_text)
        return _RowSizes(text_w, date_h, text_h, date_size, text_size, inline=False)
    except TextDoesNotFit:  # crowded: the date in a column left of its text
        date_w = text_w * 0.3
        date_size = common_size(dates, date_font, date_w, row_h, kit.px(50), kit.min_text, bold=True)
        text_size = common_size(texts, body_font, text_w - date_w - kit.px(20), row_h, kit.px(46), kit.min_text)
        return _RowSizes(date_w, row_h, row_h, date_size, text_size, inline=True)


def _vertical(track: _Track) -> tuple[Mobject, list[_Item]]:
    """Events stacked down a vertical line, each row's date and text on its right."""
    kit, box, dot_r, n = track.kit, track.kit.content, track.dot_r, len(track.events)
    area_h = track.top - box.bottom
    line_x = box.left + dot_r * 1.7
    text_x = line_x + dot_r * 1.7 + kit.px(34)
    text_w = box.right - text_x
    sizes = _row_sizes(track, text_w, (area_h - kit.px(16) * (n - 1)) / n)
    rows = [_row(kit, k, event, sizes, text_x, text_w) for k, event in enumerate(track.events)]
    # spread the rows over the area (even gaps), the block centred in it
    used = sum(r.height for r in rows)
    gap = min((area_h - used) / max(n - 1, 1), kit.px(120)) if n > 1 else 0
    y = track.top - max(0.0, (area_h - used - gap * (n - 1)) / 2)
    for row in rows:
        place(row, top=y)
        y = row.get_bottom()[1] - gap
    first_y = rows[0][0].get_center()[1]
    last_y = rows[-1][0].get_center()[1]
    line = pill(track.thickness, max(first_y - last_y, dot_r) + dot_r * 4, kit.brand.primary, opacity=0.35)
    place(line, x=line_x, top=first_y + dot_r * 2)
    items = [(track.dot().move_to(np.array([line_x, row[0].get_center()[1], 0.0])), row) for row in rows]
    return line, items


def _row(kit: Kit, k: int, event: TimelineEvent, sizes: _RowSizes, text_x: float, text_w: float) -> VGroup:
    """One event's date and text, at the left edge of the text column (placed vertically later)."""
    date = kit.text(
        event.date,
        f"events[{k}].date",
        "subheading",
        sizes.date_w,
        sizes.date_h,
        size=sizes.date_size,
        colour=kit.brand.primary,
    )
    body_w = text_w - (sizes.date_w + kit.px(20) if sizes.inline else 0)
    text = kit.text(event.text, f"events[{k}].text", "body", body_w, sizes.text_h, size=sizes.text_size)
    place(date, left=text_x)
    if sizes.inline:
        place(text, left=text_x + sizes.date_w + kit.px(20), top=date.get_top()[1])
    else:
        text.next_to(date, DOWN, buff=kit.px(10))
        place(text, left=text_x)
    return VGroup(date, text)


@register(TimelineScene)
def build(kit: Kit, scene: TimelineScene) -> list[Beat]:
    heading = None
    top = kit.content.top
    if scene.title and scene.title.strip():
        heading = kit.heading(scene.title, "title")
        top = heading.get_bottom()[1] - kit.px(50)
    track = _Track(kit, scene.events, top, thickness=kit.px(7), dot_r=kit.px(15))
    if kit.content.orientation == "landscape":
        line, items = _horizontal(track)
        shift = UP * kit.px(24)
    else:
        line, items = _vertical(track)
        shift = RIGHT * kit.px(30)

    kit.open_with(heading, line, *[track.ghost(d) for d, _ in items])
    beats: list[Beat] = []
    for k, (d, words) in enumerate(items):

        def appear(d: VGroup = d, words: VGroup = words) -> list[TimedAnimation]:
            return [(GrowFromCenter(d), 0.0, 0.6), (FadeIn(words, shift=shift), 0.15, 1.0)]

        beats.append(Beat(kit.job.cues[k + 1], [d, words], appear, seconds=0.7, name=f"events[{k}]"))
    return beats
