"""title: the video's title and an optional subtitle."""

from __future__ import annotations

from typing import ClassVar, Literal

from contract.scene_types.base import NonEmptyText, SceneBase, scene_type


@scene_type
class TitleScene(SceneBase):
    cue_names: ClassVar[tuple[str, ...]] = ("title", "subtitle")

    type: Literal["title"]
    title: NonEmptyText
    subtitle: str | None = None
