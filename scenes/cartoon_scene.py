"""What a builder does to put its scene on a cartoon stage: build it, hand it to the camera, and
get the content box (scene units) the panel lays itself out in."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from scenes.cartoon import Box as PixelBox
from scenes.cartoon_camera import CartoonCamera
from scenes.cartoon_stage import CartoonFrames, Stage, build_stage
from scenes.layout import Box

if TYPE_CHECKING:
    from scenes.kit import Kit


def scene_box(kit: Kit, box: PixelBox) -> Box:
    """A pixel box of the frame in scene units (y up, origin at the centre)."""
    frame = kit.frame
    sx, sy = frame.width / kit.job.width, frame.height / kit.job.height
    left = -frame.width / 2 + box.x * sx
    top = frame.height / 2 - box.y * sy
    return Box(left=left, right=left + box.w * sx, top=top, bottom=top - box.h * sy)


def intersect(a: Box, b: Box) -> Box:
    return Box(
        left=max(a.left, b.left), right=min(a.right, b.right), top=min(a.top, b.top), bottom=max(a.bottom, b.bottom)
    )


def put_on_stage(kit: Kit) -> tuple[Stage, Box | None]:
    """Build the job's stage, install it under Manim, and return it with the content box left for text."""
    stage = build_stage(kit.job)
    camera = cast(CartoonCamera, kit.scene.camera)
    camera.install(CartoonFrames(stage, kit.job.frame_count), lambda: kit.scene.frames_done)
    content = stage.layout.content
    return stage, intersect(scene_box(kit, content), kit.content) if content is not None else None
