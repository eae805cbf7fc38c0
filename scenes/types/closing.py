"""closing: the call to action and the logo from the first frame, then the web address in a button.

cues: [title, subtitle, url]   (the call to action is the opening picture)

The scene's timing keeps the address readable for at least 5 s (`ClosingScene.hold_seconds`).
"""

from __future__ import annotations

from itertools import pairwise

from manim import DOWN, FadeIn, Group, GrowFromCenter, VGroup

from contract.script import ClosingScene
from scenes.base import Beat, Kit, pill, place
from scenes.registry import register


@register(ClosingScene)
def build(kit: Kit, scene: ClosingScene) -> list[Beat]:
    box, cues, brand = kit.content, kit.job.cues, kit.brand
    width = box.width
    gap = kit.px(44)

    logo = kit.logo(width * 0.5, box.height * 0.18)
    subtitle = kit.optional_text(scene.subtitle, "subtitle", "subtitle", width * 0.9, box.height * 0.2, align="center")
    pad_x, pad_y = kit.px(44), kit.px(22)
    url = kit.optional_text(
        scene.url,
        "url",
        "caption",
        width - 2 * pad_x,
        box.height * 0.16,
        colour=brand.background,
        align="center",
        bold=True,
    )
    button = None
    if url is not None:
        pill_h = url.height + 2 * pad_y
        shape = pill(url.width + 2 * pad_x, pill_h, brand.primary, corner_radius=min(pill_h / 2, kit.px(40)))
        url.move_to(shape)
        button = VGroup(shape, url)
    used = sum(m.height + gap for m in (logo, subtitle, button) if m is not None)
    title = kit.text(
        scene.title,
        "title",
        "display",
        width,
        min(box.height - used, box.height * 0.5),
        colour=brand.primary,
        align="center",
    )

    parts = [m for m in (logo, title, subtitle, button) if m is not None]
    for above, below in pairwise(parts):
        below.next_to(above, DOWN, buff=gap * (1.3 if below is button else 1.0))
    block = Group(*parts)
    place(block, x=box.x, y=box.y)
    for part in parts:  # each centred on its own
        place(part, x=box.x)
    kit.open_with(logo, title)

    beats: list[Beat] = []
    if subtitle is not None:
        beats.append(kit.rise_in(cues[1], subtitle, "subtitle"))
    if button is not None:
        beats.append(
            Beat(
                cues[2],
                [button],
                lambda: [(GrowFromCenter(button[0]), 0.0, 0.7), (FadeIn(button[1]), 0.3, 1.0)],
                seconds=0.9,
                name="url",
            )
        )
    return beats
