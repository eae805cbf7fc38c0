"""bullets: a heading and every item's marker from the first frame, each item lighting up in turn.

cues: [title, item_0, ..., item_{n-1}]

The opening picture is the heading and all the markers, dimmed (an item's icon, its number when
no item has an icon, else a dot). At its cue an item's marker lights up and its text comes in.
A few short items in a wide box stand side by side as cards (big icons, text under them), so
they use the whole frame; otherwise the items are a list, its type as large as the box allows
and the block centred.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import RIGHT, UP, Circle, FadeIn, Mobject, VGroup, VMobject

from contract.scene_errors import TextDoesNotFit
from contract.script import BulletItem, BulletsScene
from scenes.base import Beat, Kit, TimedAnimation, place
from scenes.layout import Box, common_size, lighten, lines_of
from scenes.registry import register

CARDS_MAX = 4  # more items than this never stand side by side
CARD_MIN_PX = 40  # card text smaller than this (px at 1080): a list reads better


@dataclass
class Row:
    ghost: VGroup  # the dimmed marker, there from the first frame
    marker: VGroup  # the lit marker, at the item's cue
    text: VMobject


def _glyph(kit: Kit, item: BulletItem, field: str, number: int | None, diameter: float, colour: str) -> VMobject:
    """What the marker shows: the item's icon, its number, or a dot."""
    if item.icon:
        icon = kit.icon(item.icon, field.removesuffix(".text") + ".icon", diameter * 0.5, colour)
        if icon.width > diameter * 0.6:
            icon.scale_to_fit_width(diameter * 0.6)
        return icon
    if number is not None:
        digits = kit.text(str(number), "", "subheading", diameter * 0.7, diameter * 0.6, colour=colour, bold=True)
        return digits.scale_to_fit_height(diameter * 0.42)
    return Circle(radius=diameter * 0.14, fill_color=colour, fill_opacity=1, stroke_width=0)


def _markers(kit: Kit, item: BulletItem, field: str, number: int | None, diameter: float) -> tuple[VGroup, VGroup]:
    """(dimmed, lit) markers of one item, centred on the same point."""
    brand = kit.brand
    ghost_disc = Circle(radius=diameter / 2, fill_color=brand.primary, fill_opacity=0.1, stroke_width=0)
    ghost_glyph = _glyph(kit, item, field, number, diameter, brand.primary).set_opacity(0.35)
    lit_disc = Circle(radius=diameter / 2, fill_color=brand.primary, fill_opacity=1, stroke_width=0)
    lit_glyph = _glyph(kit, item, field, number, diameter, brand.background)
    ghost = VGroup(ghost_disc, ghost_glyph.move_to(ghost_disc))
    lit = VGroup(lit_disc, lit_glyph.move_to(lit_disc))
    return lighten(ghost), lighten(lit)


def _numbers(items: list[BulletItem]) -> list[int | None]:
    # numbers when no item has an icon (1, 2, 3 read as a list); a dot for the odd item without one
    numbered = not any(item.icon for item in items)
    return [k + 1 if numbered else None for k in range(len(items))]


def _cards(kit: Kit, items: list[BulletItem], fields: list[str], area: Box) -> list[Row] | None:
    """Items side by side, each a big marker with its text centred under it; None if too crowded."""
    n = len(items)
    if area.orientation != "landscape" or n > CARDS_MAX:
        return None
    gap = kit.px(60)
    col_w = (area.width - gap * (n - 1)) / n
    diameter = min(kit.px(190), col_w * 0.5, area.height * 0.34)
    text_gap = kit.px(34)
    size = kit.role_size("body", 1.1)
    text_h = min(area.height - diameter - text_gap, size * 4.0)  # about three lines at full size
    try:
        size = common_size(
            [(item.text, kit.field(f)) for item, f in zip(items, fields, strict=True)],
            kit.font_for("body"),
            col_w,
            text_h,
            size,
            kit.px(CARD_MIN_PX),
        )
    except TextDoesNotFit:  # a text too long for a card: the list layout decides
        return None
    rows: list[Row] = []
    for k, (item, field, number) in enumerate(zip(items, fields, _numbers(items), strict=True)):
        x = area.left + col_w / 2 + k * (col_w + gap)
        ghost, lit = _markers(kit, item, field, number, diameter)
        text = kit.text(item.text, field, "body", col_w, text_h, size=size, align="center")
        for marker in (ghost, lit):
            place(marker, x=x, top=0.0)
        place(text, x=x, top=-diameter - text_gap)
        rows.append(Row(ghost, lit, text))
    # the block (markers, then the tallest text) a little above the middle of the area
    block_h = diameter + text_gap + max(r.text.height for r in rows)
    shift = area.y + block_h / 2 + kit.px(10)
    for row in rows:
        for mob in (row.ghost, row.marker, row.text):
            mob.shift(UP * shift)
    return rows


def _list(kit: Kit, items: list[BulletItem], fields: list[str], area: Box) -> list[Row]:
    """One item a row, marker then text; type as large as fits, the block centred in the area."""
    n = len(items)
    gap = min(kit.px(44), area.height * 0.25 / max(n - 1, 1))
    row_h = (area.height - gap * (n - 1)) / n
    portrait = area.orientation == "portrait"
    diameter = min(kit.px(110 if portrait else 96), row_h)
    text_gap = kit.px(34)
    text_w = area.width - diameter - text_gap
    # few items: larger type, so a short list does not huddle in a corner
    scale = 1.2 if n <= 3 else 1.1 if n <= 5 else 1.0
    size = common_size(
        [(item.text, kit.field(f)) for item, f in zip(items, fields, strict=True)],
        kit.font_for("body"),
        text_w,
        row_h,
        kit.role_size("body", scale),
        kit.min_text,
    )
    diameter = min(diameter, max(size * (2.3 if portrait else 1.9), kit.px(44)))
    rows: list[Row] = []
    for item, field, number in zip(items, fields, _numbers(items), strict=True):
        ghost, lit = _markers(kit, item, field, number, diameter)
        text = kit.text(item.text, field, "body", text_w, row_h, size=size)
        place(text, left=diameter + text_gap)
        # the marker centred on the first line of the text
        y = text.get_top()[1] - size * 0.55 if len(lines_of(text)) > 1 else text.get_center()[1]
        for marker in (ghost, lit):
            marker.move_to(np.array([diameter / 2, y, 0.0]))
        rows.append(Row(ghost, lit, text))
    _stack(kit, rows, area, gap)
    return rows


def _stack(kit: Kit, rows: list[Row], area: Box, gap: float) -> None:
    """Rows top to bottom, spread a little when there is room, the block centred in `area`."""
    groups = [VGroup(r.ghost, r.marker, r.text) for r in rows]
    spare = area.height - sum(g.height for g in groups) - gap * (len(rows) - 1)
    if len(rows) > 1 and spare > 0:
        gap += min(spare * 0.4 / (len(rows) - 1), kit.px(60))
    y = 0.0
    for group in groups:
        place(group, top=y)
        y = group.get_bottom()[1] - gap
    block = VGroup(*groups)
    width = block.width
    place(block, left=max(area.left, area.x - width / 2), y=area.y)


@register(BulletsScene)
def build(kit: Kit, scene: BulletsScene) -> list[Beat]:
    cues = kit.job.cues
    items = scene.bullet_items()
    fields = [f"items[{k}]" if isinstance(raw, str) else f"items[{k}].text" for k, raw in enumerate(scene.items)]

    area = kit.content
    if scene.title and scene.title.strip():
        heading = kit.heading(scene.title, "title")
        kit.open_with(heading)
        area = area.below(heading.get_bottom()[1] - kit.px(56))

    cards = _cards(kit, items, fields, area)
    rows = cards or _list(kit, items, fields, area)
    shift = UP * kit.px(30) if cards else RIGHT * kit.px(40)

    beats: list[Beat] = []
    for k, row in enumerate(rows):
        kit.open_with(row.ghost)

        def appear(marker: Mobject = row.marker, text: Mobject = row.text) -> list[TimedAnimation]:
            return [
                (FadeIn(marker, scale=1.25), 0.0, 0.6),
                (FadeIn(text, shift=shift), 0.1, 1.0),
            ]

        beats.append(Beat(cues[k + 1], [row.marker, row.text], appear, seconds=0.7, name=f"items[{k}]"))
    return beats
