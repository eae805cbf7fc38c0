"""title: the logo, the title and its accent bar from the first frame, the subtitle below.

cues: [title, subtitle]   (the title is the opening picture: it comes in with the entrance)
"""

from __future__ import annotations

from manim import DOWN, ORIGIN, VGroup

from contract.script import TitleScene
from scenes.base import Beat, Kit, place
from scenes.registry import register


@register(TitleScene)
def build(kit: Kit, scene: TitleScene) -> list[Beat]:
    box, cues = kit.content, kit.job.cues
    width = box.width * (0.92 if box.orientation == "landscape" else 1.0)

    logo = kit.logo(box.width * 0.3, kit.frame.height * 0.09)
    if logo is not None:
        place(logo, left=box.left, top=box.top)
    top_room = (logo.height + kit.px(30)) if logo is not None else 0.0

    subtitle = kit.optional_text(scene.subtitle, "subtitle", "subtitle", width * 0.9, box.height * 0.22, align="center")
    title_h = box.height - top_room - (subtitle.height + kit.px(80) if subtitle else 0) - kit.px(40)
    title = kit.text(
        scene.title,
        "title",
        "display",
        width,
        min(title_h, box.height * 0.55),
        colour=kit.brand.primary,
        align="center",
    )
    bar = kit.accent_bar(width=kit.px(160))
    parts = [title, bar] + ([subtitle] if subtitle else [])
    block = VGroup(*parts)
    title.move_to(ORIGIN)
    bar.next_to(title, DOWN, buff=kit.px(30))
    if subtitle:
        subtitle.next_to(bar, DOWN, buff=kit.px(34))
    # centred in the space under the logo
    space_top = box.top - top_room
    place(block, x=box.x, y=(space_top + box.bottom) / 2 + kit.px(20))
    kit.open_with(logo, title, bar)

    beats: list[Beat] = []
    if subtitle is not None:
        beats.append(kit.rise_in(cues[1], subtitle, "subtitle"))
    return beats
