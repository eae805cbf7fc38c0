"""bullets: a heading, then items that appear one by one (each may have its own narration)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from contract.scene_types.base import NOT_SHOWN, NonEmptyText, SceneBase, Strict, scene_type


class BulletItem(Strict):
    text: NonEmptyText
    icon: Annotated[str | None, NOT_SHOWN] = None
    narration: Annotated[str | None, NOT_SHOWN] = None


@scene_type
class BulletsScene(SceneBase):
    cue_names: ClassVar[tuple[str, ...]] = ("title",)
    entries_field: ClassVar[str | None] = "items"

    type: Literal["bullets"]
    title: str | None = None
    items: list[NonEmptyText | BulletItem] = Field(min_length=1, max_length=8)

    def bullet_items(self) -> list[BulletItem]:
        return [BulletItem(text=i) if isinstance(i, str) else i for i in self.items]

    def entries(self) -> Sequence[BulletItem]:
        return self.bullet_items()
