"""comparison: two columns (heading in the primary colour, then items), left then right.

cues: [title, left_column, right_column]

The heading, both cards and their column headings open the scene; each column's items come in
at its cue. Side by side in a wide or square content box (16:9, 1:1); stacked (left on top) in
a tall one (9:16). All items share one text size so the columns look even.
"""

from __future__ import annotations

import numpy as np
from manim import UP, Circle, FadeIn, RoundedRectangle, VGroup

from contract.script import ComparisonScene
from scenes.base import Beat, Kit, TimedAnimation, place
from scenes.contrast import CARD_TINTS
from scenes.layout import common_size
from scenes.registry import register


@register(ComparisonScene)
def build(kit: Kit, scene: ComparisonScene) -> list[Beat]:
    box, cues, brand = kit.content, kit.job.cues, kit.brand
    beats: list[Beat] = []
    top = box.top
    if scene.title and scene.title.strip():
        heading = kit.heading(scene.title, "title")
        top = heading.get_bottom()[1] - kit.px(44)
        kit.open_with(heading)

    stacked = box.orientation == "portrait"
    gap = kit.px(40)
    area_w, area_h = box.width, top - box.bottom
    if stacked:
        card_w, card_h = area_w, (area_h - gap) / 2
    else:
        card_w, card_h = (area_w - gap) / 2, area_h
    pad = kit.px(34)
    inner_w, inner_h = card_w - 2 * pad, card_h - 2 * pad
    columns = [("left", scene.left), ("right", scene.right)]
    head_h = min(inner_h * 0.3, kit.px(54) * 1.4 * 2)  # up to two lines at full size
    head_size = common_size(
        [(c.heading, kit.field(f"{name}.heading")) for name, c in columns],
        kit.font_for("subheading"),
        inner_w,
        head_h,
        kit.role_size("subheading", 54 / 56),
        kit.min_text,
        bold=True,
    )
    most = max(len(scene.left.items), len(scene.right.items))
    dot_w = kit.px(34)
    item_gap = min(kit.px(22), inner_h * 0.25 / max(most - 1, 1))
    item_h = (inner_h - head_h - kit.px(24) - item_gap * (most - 1)) / most
    item_size = common_size(
        [(text, kit.field(f"{name}.items[{k}]")) for name, c in columns for k, text in enumerate(c.items)],
        kit.font_for("body"),
        inner_w - dot_w,
        item_h,
        kit.role_size("body", 1.1 if most <= 3 else 50 / 54),  # short lists: larger type
        kit.min_text,
    )

    # build each column's words first, then size the cards to the taller column
    columns_built = []
    for index, (name, column) in enumerate(columns):
        tint = brand.primary if index == 0 else brand.secondary
        head = kit.text(
            column.heading,
            f"{name}.heading",
            "subheading",
            inner_w,
            head_h,
            size=head_size,
            colour=brand.primary,
            align="center",
        )
        rows = []
        y = head.get_bottom()[1] - kit.px(30)
        for k, item in enumerate(column.items):
            text = kit.text(item, f"{name}.items[{k}]", "body", inner_w - dot_w, item_h, size=item_size)
            bullet = Circle(
                radius=kit.px(8),
                fill_color=tint if index else brand.primary,
                fill_opacity=1,
                stroke_width=0,
            )
            place(text, left=head.get_center()[0] - inner_w / 2 + dot_w, top=y)
            first_line = text.get_top()[1] - item_size * 0.45
            bullet.move_to(np.array([head.get_center()[0] - inner_w / 2 + dot_w * 0.35, first_line, 0.0]))
            rows.append(VGroup(bullet, text))
            y = text.get_bottom()[1] - item_gap
        columns_built.append((tint, head, rows))
    content_h = max(VGroup(head, *rows).height for _, head, rows in columns_built)
    card_h = min(card_h, content_h + 2 * pad + kit.px(20))
    # centre the cards in the space under the heading
    top -= max(0.0, (area_h - (2 * card_h + gap if stacked else card_h)) / 2)

    cards = []
    for index, (tint, head, rows) in enumerate(columns_built):
        card = RoundedRectangle(
            width=card_w,
            height=card_h,
            corner_radius=kit.px(28),
            fill_color=tint,
            fill_opacity=CARD_TINTS[index],  # the contrast check measures text on these tints
            stroke_width=0,
        )
        if stacked:
            place(card, x=box.x, top=top - index * (card_h + gap))
        else:
            place(card, left=box.left + index * (card_w + gap), top=top)
        words = VGroup(head, *rows)
        words.shift(card.get_center() - head.get_center())
        place(words, top=card.get_top()[1] - pad)
        cards.append((card, head, rows))

    for index, (card, head, rows) in enumerate(cards):
        kit.open_with(card, head)  # the structure is there from the first frame; the items fill it

        def appear(rows: list[VGroup] = rows) -> list[TimedAnimation]:
            anims: list[TimedAnimation] = []
            step = 0.6 / max(len(rows), 1)
            for k, row in enumerate(rows):
                anims.append((FadeIn(row, shift=UP * kit.px(16)), k * step, min(1.0, k * step + 0.4)))
            return anims

        beats.append(
            Beat(
                cues[1 + index],
                rows,
                appear,
                seconds=1.0,
                name="left" if index == 0 else "right",
            )
        )
    return beats
