"""closing: a call to action, a subtitle and a web address."""

from __future__ import annotations

from typing import ClassVar, Literal

from contract.scene_types.base import NonEmptyText, SceneBase, scene_type


@scene_type
class ClosingScene(SceneBase):
    cue_names: ClassVar[tuple[str, ...]] = ("title", "subtitle", "url")
    hold_seconds: ClassVar[float | None] = 5.0  # a call to action (and YouTube's end screen) needs time

    type: Literal["closing"]
    title: NonEmptyText
    subtitle: str | None = None
    url: str | None = None
