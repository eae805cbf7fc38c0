"""presenter: a character talking to the camera in its setting, a panel (heading, items with icons) beside it.

cues: [title, item_0, ..., item_{n-1}] (as bullets: each item when the voice reaches it)

The setting and the character are the stage every scene with a character stands on
(:mod:`scenes.cartoon_scene`); the panel is laid out in the card it leaves by the bullets
builder, so a text too long is refused by its field, as on any slide.
"""

from __future__ import annotations

from contract.scene_types.presenter import PresenterScene
from contract.script import BulletsScene
from scenes.base import Beat, Kit
from scenes.registry import register
from scenes.types import bullets


@register(PresenterScene)
def build(kit: Kit, scene: PresenterScene) -> list[Beat]:
    if scene.items:
        panel = BulletsScene(type="bullets", title=scene.title, items=scene.items, duration=1.0)
        return bullets.build(kit, panel)
    if scene.title:
        kit.open_with(kit.heading(scene.title, "title"))
    return []
