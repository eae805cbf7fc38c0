"""quote: a quotation and its author."""

from __future__ import annotations

from typing import ClassVar, Literal

from contract.scene_types.base import NonEmptyText, SceneBase, scene_type


@scene_type
class QuoteScene(SceneBase):
    cue_names: ClassVar[tuple[str, ...]] = ("text", "author")
    draws_language: ClassVar[bool] = True  # « » in French, “ ” otherwise

    type: Literal["quote"]
    text: NonEmptyText
    author: str | None = None
