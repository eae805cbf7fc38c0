"""A scene with characters on a cartoon stage: the stage (setting, characters acting to the
voice) is the camera's background, and the scene's own content is laid out, as on any slide,
in a card in the space the characters leave. Any scene type gets this from `character:`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from manim import RoundedRectangle

from scenes.cartoon import Box as PixelBox
from scenes.cartoon_camera import CartoonCamera
from scenes.cartoon_stage import CartoonFrames, Stage, build_stage
from scenes.layout import Box

if TYPE_CHECKING:
    from scenes.base import Beat
    from scenes.kit import Kit
    from scenes.registry import Builder

CARD_OPACITY = 1.0  # opaque: the setting's wall art must not ghost through the text
CARD_PADDING_PX = 40


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
    card.move_to(((area.left + area.right) / 2, (area.top + area.bottom) / 2, 0.0))
    return card


def build_on_stage(kit: Kit, build: Builder, scene: Any) -> list[Beat]:
    """Put the stage under the scene, then let `build` lay the scene out in the card beside the characters."""
    _, area = put_on_stage(kit)
    if area is not None:
        kit.open_with(_card(kit, area))
        pad = kit.px(CARD_PADDING_PX)
        kit.content = Box(left=area.left + pad, right=area.right - pad, top=area.top - pad, bottom=area.bottom + pad)
    return build(kit, scene)
