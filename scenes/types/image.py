"""image: the picture fitted into the frame with a slow zoom, the caption below.

cues: [picture, caption]

The picture is the opening picture (it comes in with the entrance). The zoom (1.00 -> 1.06
from the end of the entrance to the end of the clip) moves
in steps of at most ~1 px at each edge of the picture (at 1080p30 and 10 s,
about 5 steps a second); the frames between steps are frozen frames, and bitmaps go
through a fast resize path (`BrandCamera`), so a long image scene stays cheap.
"""

from __future__ import annotations

from manim import DOWN, UP

from contract.scene_errors import SceneInputError
from contract.script import ImageScene
from scenes.base import Beat, Kit, Ticker, place
from scenes.registry import register

ZOOM = 1.06
STEP_PX = 2.0  # largest growth of the picture's long side between two zoom steps (1 px an edge)


@register(ImageScene)
def build(kit: Kit, scene: ImageScene) -> list[Beat]:
    job, box, cues = kit.job, kit.content, kit.job.cues
    if not job.image_file:
        raise SceneInputError(kit.field("file"), "no picture file given for this image scene")

    caption = kit.optional_text(scene.caption, "caption", "caption", box.width, box.height * 0.2, align="center")
    room_h = box.height - (caption.height + kit.px(36) if caption else 0)
    # fitted so that even fully zoomed the picture stays inside its box
    picture = kit.picture(job.image_file, "file", box.width / ZOOM, room_h / ZOOM, oversample=ZOOM)
    # picture and caption as one block, centred in the content box
    space = kit.px(36) + picture.height * (ZOOM - 1) / 2  # room for the zoom
    if caption is not None:
        caption.next_to(picture, DOWN, buff=space)
        place(picture, x=box.x)
        place(caption, x=box.x)
        block_top = picture.get_top()[1] + picture.height * (ZOOM - 1) / 2
        shift = box.y - (block_top + caption.get_bottom()[1]) / 2
        picture.shift(UP * shift)
        caption.shift(UP * shift)
    else:
        place(picture, x=box.x, y=box.y)
    base_height = picture.height
    centre = picture.get_center().copy()
    fps = job.fps
    start = job.transition_seconds  # the picture opens the scene; the zoom starts once it is in
    span = max(job.duration - start, 1.0)

    def zoom(seconds: float) -> None:
        t = min(max((seconds - start) / span, 0.0), 1.0)
        target = base_height * (1 + (ZOOM - 1) * t)
        if abs(picture.height - target) > 1e-9:
            picture.scale(target / picture.height, about_point=centre)

    # update often enough that each step grows the picture by at most ~1 pixel (smooth), and
    # no more often: between steps the frame is frozen, which is what keeps the zoom cheap
    growth_px = (ZOOM - 1) * max(picture.width, picture.height) * job.height / kit.frame.height
    steps = max(growth_px / STEP_PX, 1.0)
    every = max(1, int(min(span * fps / steps, fps / 4)))

    # the picture is the opening picture; its zoom starts once the entrance is over
    kit.open_with(picture)
    kit.scene.tickers.append(Ticker(picture, zoom, every))

    beats: list[Beat] = []
    if caption is not None:
        beats.append(kit.rise_in(cues[1], caption, "caption"))
    return beats
