"""title: the title written in with the logo, an accent bar, the subtitle below.

cues: [title, subtitle]
"""

from __future__ import annotations

from manim import DOWN, ORIGIN, FadeIn, GrowFromCenter, VGroup, Write

from contract.script import TitleScene
from scenes.base import Beat, Kit, place
from scenes.registry import register


@register(TitleScene)
def build(kit: Kit, scene: TitleScene) -> list[Beat]:
    frame, cues = kit.frame, kit.job.cues
    width = frame.content_width * (0.92 if frame.orientation == "landscape" else 1.0)

    logo = kit.logo(frame.content_width * 0.3, frame.height * 0.09)
    if logo is not None:
        place(logo, left=frame.left, top=frame.top)
    top_room = (logo.height + kit.px(30)) if logo is not None else 0.0

    subtitle = kit.optional_text(
        scene.subtitle, "subtitle", "subtitle", width * 0.9, frame.content_height * 0.22, align="center"
    )
    title_h = frame.content_height - top_room - (subtitle.height + kit.px(80) if subtitle else 0) - kit.px(40)
    title = kit.text(
        scene.title,
        "title",
        "display",
        width,
        min(title_h, frame.content_height * 0.55),
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
    space_top = frame.top - top_room
    place(block, x=0.0, y=(space_top + frame.bottom) / 2 + kit.px(20))

    def title_in() -> list:
        anims: list = [(Write(title), 0.0, 1.0), (GrowFromCenter(bar), 0.45, 1.0)]
        if logo is not None:
            anims.append((FadeIn(logo, shift=DOWN * kit.px(20)), 0.0, 0.5))
        return anims

    beats = [
        Beat(
            cues[0],
            [m for m in (title, bar, logo) if m is not None],
            title_in,
            seconds=min(2.2, 1.0 + 0.03 * len(scene.title)),
            name="title",
        )
    ]
    if subtitle is not None:
        beats.append(kit.rise_in(cues[1], subtitle, "subtitle"))
    return beats
