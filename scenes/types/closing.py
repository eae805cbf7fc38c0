"""closing: the call to action, the logo, the web address in a button.

cues: [title, subtitle, url]
"""

from __future__ import annotations

from itertools import pairwise

from manim import DOWN, FadeIn, Group, GrowFromCenter, VGroup, Write

from contract.script import ClosingScene
from scenes.base import Beat, Kit, pill, place
from scenes.registry import register


@register(ClosingScene)
def build(kit: Kit, scene: ClosingScene) -> list[Beat]:
    frame, cues, brand = kit.frame, kit.job.cues, kit.brand
    width = frame.content_width
    gap = kit.px(44)

    logo = kit.logo(width * 0.5, frame.height * 0.16)
    subtitle = kit.optional_text(
        scene.subtitle, "subtitle", "subtitle", width * 0.9, frame.content_height * 0.2, align="center"
    )
    pad_x, pad_y = kit.px(44), kit.px(22)
    url = kit.optional_text(
        scene.url,
        "url",
        "caption",
        width - 2 * pad_x,
        frame.content_height * 0.16,
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
        min(frame.content_height - used, frame.content_height * 0.5),
        colour=brand.primary,
        align="center",
    )

    parts = [m for m in (logo, title, subtitle, button) if m is not None]
    for above, below in pairwise(parts):
        below.next_to(above, DOWN, buff=gap * (1.3 if below is button else 1.0))
    block = Group(*parts)
    place(block, x=0.0, y=(frame.top + frame.bottom) / 2)
    for part in parts:  # each centred on its own
        place(part, x=0.0)

    def title_in() -> list:
        anims: list = [(Write(title), 0.0 if logo is None else 0.15, 1.0)]
        if logo is not None:
            anims.append((FadeIn(logo, scale=0.8), 0.0, 0.5))
        return anims

    beats = [
        Beat(
            cues[0],
            [m for m in (logo, title) if m is not None],
            title_in,
            seconds=min(2.0, 1.0 + 0.03 * len(scene.title)),
            name="title",
        )
    ]
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
