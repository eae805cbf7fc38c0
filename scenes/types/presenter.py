"""presenter: a character talking to the camera in its setting, a panel (heading, items with icons) beside it.

cues: [title, item_0, ..., item_{n-1}] (as bullets: each item when the voice reaches it)

The setting and the character are the camera's background (:mod:`scenes.cartoon_camera`);
the panel is a card in the content box the layout leaves, and the items are laid out in it
by the bullets builder, so a text too long is refused by its field, as on any slide.
"""

from __future__ import annotations

from manim import RoundedRectangle

from contract.scene_types.presenter import PresenterScene
from contract.script import BulletsScene
from scenes.base import Beat, Kit, place
from scenes.cartoon_scene import put_on_stage
from scenes.layout import Box
from scenes.registry import register
from scenes.types import bullets

CARD_OPACITY = 1.0  # opaque: the setting's wall art must not ghost through the text


def _card(kit: Kit, area: Box) -> RoundedRectangle:
    card = RoundedRectangle(
        width=area.width,
        height=area.height,
        corner_radius=kit.px(28),
        fill_color=kit.brand.background,
        fill_opacity=CARD_OPACITY,
        stroke_color=kit.brand.primary,
        stroke_width=3,
        stroke_opacity=0.25,
    )
    place(card, left=area.left, top=area.top)
    return card


@register(PresenterScene)
def build(kit: Kit, scene: PresenterScene) -> list[Beat]:
    _, area = put_on_stage(kit)
    if area is None or not (scene.title or scene.items):
        return []
    pad = kit.px(40)
    kit.open_with(_card(kit, area))
    kit.content = Box(left=area.left + pad, right=area.right - pad, top=area.top - pad, bottom=area.bottom + pad)
    if scene.items:
        panel = BulletsScene(type="bullets", title=scene.title, items=scene.items, duration=1.0)
        return bullets.build(kit, panel)
    assert scene.title is not None
    heading = kit.heading(scene.title, "title")
    kit.open_with(heading)
    return []
