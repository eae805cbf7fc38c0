"""bullets: a heading, then items that appear one by one, each with an icon (or a dot).

cues: [title, item_0, ..., item_{n-1}]
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, Circle, FadeIn, GrowFromCenter, Mobject, VGroup

from contract.script import BulletsScene
from scenes.base import Beat, Kit, heading_beat, place
from scenes.layout import common_size, lines_of
from scenes.registry import register


@register(BulletsScene)
def build(kit: Kit, scene: BulletsScene) -> list[Beat]:
    frame, cues, brand = kit.frame, kit.job.cues, kit.brand
    items = scene.bullet_items()
    fields = [f"items[{k}]" if isinstance(raw, str) else f"items[{k}].text" for k, raw in enumerate(scene.items)]
    beats: list[Beat] = []

    top = frame.top
    if scene.title and scene.title.strip():
        heading = kit.heading(scene.title, "title")
        top = heading.get_bottom()[1] - kit.px(56)
        beats.append(heading_beat(cues[0], heading, scene.title))

    n = len(items)
    area = top - frame.bottom
    gap = min(kit.px(44), area * 0.25 / max(n - 1, 1))
    row_h = (area - gap * (n - 1)) / n
    badge = min(kit.px(84), row_h)
    text_x = frame.left + badge + kit.px(30)
    text_w = frame.right - text_x
    size = common_size(
        [(item.text, kit.field(f)) for item, f in zip(items, fields, strict=True)],
        kit.font,
        text_w,
        row_h,
        kit.px(54),
        kit.min_text,
    )
    badge = min(badge, max(size * 1.7, kit.px(40)))

    rows: list[VGroup] = []
    for item, field in zip(items, fields, strict=True):
        text = kit.text(item.text, field, "body", text_w, row_h, size=size)
        if item.icon:
            circle = Circle(radius=badge / 2, fill_color=brand.primary, fill_opacity=0.12, stroke_width=0)
            icon = kit.icon(item.icon, field.replace(".text", "") + ".icon", badge * 0.5, brand.primary)
            if icon.width > badge * 0.6:
                icon.scale_to_fit_width(badge * 0.6)
            icon.move_to(circle)
            marker = VGroup(circle, icon)
        else:
            dot = Circle(radius=badge * 0.16, fill_color=brand.secondary, fill_opacity=1, stroke_width=0)
            marker = VGroup(Circle(radius=badge / 2, stroke_width=0, fill_opacity=0), dot)
        place(marker, left=frame.left)
        place(text, left=text_x)
        # marker centred on the first line of the text
        first_line_y = text.get_top()[1] - size * 0.55
        marker.move_to(
            np.array(
                [
                    marker.get_center()[0],
                    first_line_y if len(lines_of(text)) > 1 else text.get_center()[1],
                    0.0,
                ]
            )
        )
        rows.append(VGroup(marker, text))

    # stack the rows from the top of the list area (centred when there is no heading),
    # spreading them a little when there is room
    spare = area - sum(row.height for row in rows) - gap * (n - 1)
    if n > 1 and spare > 0:
        gap += min(spare * 0.5 / (n - 1), kit.px(40))
    y = top
    for row in rows:
        place(row, top=y)
        y = row.get_bottom()[1] - gap
    # centre the list in the space left under the heading
    block_bottom = rows[-1].get_bottom()[1]
    shift = max(0.0, ((top - frame.bottom) - (top - block_bottom)) / 2)
    for row in rows:
        row.shift(DOWN * shift)

    for k, row in enumerate(rows):
        shown_marker, shown_text = row[0], row[1]

        def appear(marker: Mobject = shown_marker, text: Mobject = shown_text) -> list:
            return [
                (GrowFromCenter(marker), 0.0, 0.7),
                (FadeIn(text, shift=RIGHT * kit.px(40)), 0.1, 1.0),
            ]

        beats.append(Beat(cues[k + 1], [shown_marker, shown_text], appear, seconds=0.7, name=f"items[{k}]"))
    return beats
