"""timeline: the heading, the line and every event's dot (dimmed) from the first frame; then each
event (its dot lit, date, text) appears in turn.

cues: [title, event_0, ..., event_{n-1}]

Horizontal in a wide content box (16:9); vertical (events stacked, text on the right) in a
tall or square one (9:16, 1:1), where a row per event leaves far more room for the text.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    RIGHT,
    UP,
    Circle,
    FadeIn,
    GrowFromCenter,
    VGroup,
)

from contract.scene_errors import TextDoesNotFit
from contract.script import TimelineScene
from scenes.base import Beat, Kit, TimedAnimation, pill, place
from scenes.layout import common_size
from scenes.registry import register


@register(TimelineScene)
def build(kit: Kit, scene: TimelineScene) -> list[Beat]:  # noqa: C901 - landscape and portrait layouts; to split
    box, cues, brand = kit.content, kit.job.cues, kit.brand
    events = scene.events
    n = len(events)
    heading = None
    top = box.top
    if scene.title and scene.title.strip():
        heading = kit.heading(scene.title, "title")
        top = heading.get_bottom()[1] - kit.px(50)
    area_h = top - box.bottom
    thickness = kit.px(7)
    dot_r = kit.px(15)

    def dot() -> VGroup:
        ring = Circle(radius=dot_r * 1.7, fill_color=brand.primary, fill_opacity=0.15, stroke_width=0)
        core = Circle(radius=dot_r, fill_color=brand.primary, fill_opacity=1, stroke_width=0)
        return VGroup(ring, core)

    def ghost(at: VGroup) -> Circle:
        # where an event will come: a pale dot on the line from the first frame
        return Circle(radius=dot_r, fill_color=brand.primary, fill_opacity=0.3, stroke_width=0).move_to(at)

    date_font, body_font = kit.font_for("subheading"), kit.font_for("body")
    items: list[tuple[VGroup, VGroup]] = []  # (dot, date+text)
    if box.orientation == "landscape":
        slot = box.width / n
        alternate = n >= 5
        text_w = slot * (1.7 if alternate else 0.92)
        line_y = (top + box.bottom) / 2
        side_h = (top - line_y) - dot_r * 2 - kit.px(20)
        date_h = side_h * 0.3
        text_h = side_h - date_h - kit.px(12)
        if not alternate:
            date_h = side_h * 0.5
            text_h = side_h
        date_size = common_size(
            [(e.date, kit.field(f"events[{k}].date")) for k, e in enumerate(events)],
            date_font,
            text_w,
            date_h,
            kit.px(58),
            kit.min_text,
            bold=True,
        )
        text_size = common_size(
            [(e.text, kit.field(f"events[{k}].text")) for k, e in enumerate(events)],
            body_font,
            text_w,
            text_h,
            kit.px(46),
            kit.min_text,
        )
        line = pill(box.width, thickness, brand.primary, opacity=0.35)
        place(line, left=box.left, y=line_y)
        for k, event in enumerate(events):
            x = box.left + (k + 0.5) * slot
            d = dot().move_to(np.array([x, line_y, 0], dtype=float))
            date = kit.text(
                event.date,
                f"events[{k}].date",
                "subheading",
                text_w,
                date_h,
                size=date_size,
                colour=brand.primary,
                align="center",
            )
            text = kit.text(
                event.text,
                f"events[{k}].text",
                "body",
                text_w,
                text_h,
                size=text_size,
                align="center",
            )
            gap = dot_r * 2 + kit.px(16)
            if not alternate:
                place(date, x=x, bottom=line_y + gap)
                place(text, x=x, top=line_y - gap)
            elif k % 2 == 0:  # below the line: date, then text
                place(date, x=x, top=line_y - gap)
                place(text, x=x, top=date.get_bottom()[1] - kit.px(10))
            else:  # above the line: text, then date next to the line
                place(date, x=x, bottom=line_y + gap)
                place(text, x=x, bottom=date.get_top()[1] + kit.px(10))
            # keep wide texts of the first/last event inside the frame
            for mob in (date, text):
                if mob.get_left()[0] < box.left:
                    place(mob, left=box.left)
                if mob.get_right()[0] > box.right:
                    place(mob, right=box.right)
            items.append((d, VGroup(date, text)))
        shift = UP * kit.px(24)
    else:
        line_x = box.left + dot_r * 1.7
        text_x = line_x + dot_r * 1.7 + kit.px(34)
        text_w = box.right - text_x
        row_h = (area_h - kit.px(16) * (n - 1)) / n
        dates = [(e.date, kit.field(f"events[{k}].date")) for k, e in enumerate(events)]
        texts = [(e.text, kit.field(f"events[{k}].text")) for k, e in enumerate(events)]
        one_line = kit.min_text * 1.3
        try:  # the date above its text
            date_h = max(row_h * 0.35, one_line)
            text_h = row_h - date_h - kit.px(10)
            date_w = text_w
            date_size = common_size(
                dates, date_font, text_w, date_h, kit.role_size("subheading"), kit.min_text, bold=True
            )
            text_size = common_size(texts, body_font, text_w, text_h, kit.role_size("body", 50 / 54), kit.min_text)
            inline = False
        except TextDoesNotFit:  # crowded: the date in a column left of its text
            date_w, date_h, text_h = text_w * 0.3, row_h, row_h
            date_size = common_size(dates, date_font, date_w, date_h, kit.px(50), kit.min_text, bold=True)
            text_size = common_size(texts, body_font, text_w - date_w - kit.px(20), text_h, kit.px(46), kit.min_text)
            inline = True
        rows = []
        for k, event in enumerate(events):
            date = kit.text(
                event.date,
                f"events[{k}].date",
                "subheading",
                date_w,
                date_h,
                size=date_size,
                colour=brand.primary,
            )
            body_w = text_w - (date_w + kit.px(20) if inline else 0)
            text = kit.text(event.text, f"events[{k}].text", "body", body_w, text_h, size=text_size)
            place(date, left=text_x)
            if inline:
                place(text, left=text_x + date_w + kit.px(20), top=date.get_top()[1])
            else:
                text.next_to(date, DOWN, buff=kit.px(10))
                place(text, left=text_x)
            rows.append(VGroup(date, text))
        # spread the rows over the area (even gaps), the block centred in it
        used = sum(r.height for r in rows)
        gap = min((area_h - used) / max(n - 1, 1), kit.px(120)) if n > 1 else 0
        y = top - max(0.0, (area_h - used - gap * (n - 1)) / 2)
        for row in rows:
            place(row, top=y)
            y = row.get_bottom()[1] - gap
        first_y = rows[0][0].get_center()[1]
        last_y = rows[-1][0].get_center()[1]
        line = pill(thickness, max(first_y - last_y, dot_r) + dot_r * 4, brand.primary, opacity=0.35)
        place(line, x=line_x, top=first_y + dot_r * 2)
        for row in rows:
            d = dot().move_to(np.array([line_x, row[0].get_center()[1], 0.0]))
            items.append((d, row))
        shift = RIGHT * kit.px(30)

    kit.open_with(heading, line, *[ghost(d) for d, _ in items])
    beats: list[Beat] = []
    for k, (d, words) in enumerate(items):

        def appear(d: VGroup = d, words: VGroup = words) -> list[TimedAnimation]:
            return [(GrowFromCenter(d), 0.0, 0.6), (FadeIn(words, shift=shift), 0.15, 1.0)]

        beats.append(Beat(cues[k + 1], [d, words], appear, seconds=0.7, name=f"events[{k}]"))
    return beats
