"""image: a picture (PNG, JPEG or SVG) with an optional caption."""

from __future__ import annotations

from typing import ClassVar, Literal

from contract.scene_types.base import FileName, SceneBase, scene_type


@scene_type
class ImageScene(SceneBase):
    cue_names: ClassVar[tuple[str, ...]] = ("picture", "caption")

    type: Literal["image"]
    file: FileName
    caption: str | None = None
