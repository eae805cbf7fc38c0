"""comparison: two columns side by side, each a heading and its items."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from contract.scene_types.base import NonEmptyText, SceneBase, Strict, scene_type


class Column(Strict):
    heading: NonEmptyText
    items: list[NonEmptyText] = Field(min_length=1, max_length=8)


@scene_type
class ComparisonScene(SceneBase):
    cue_names: ClassVar[tuple[str, ...]] = ("title", "left", "right")

    type: Literal["comparison"]
    title: str | None = None
    left: Column
    right: Column

    def beat_elements(self, count: int) -> list[int | None]:
        # two beats: one per column (the title comes first on its own)
        return [1, 2] if count == 2 else super().beat_elements(count)
