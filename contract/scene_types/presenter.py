"""presenter: a character speaking to the camera beside a panel (heading, lines with icons), in a setting."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from contract.scene_types.base import NOT_SHOWN, NonEmptyText, SceneBase, scene_type
from contract.scene_types.bullets import BulletItem
from contract.scene_types.cast import CharacterRef, PropRef

Camera = Literal["still", "push-in", "pan"]


@scene_type
class PresenterScene(SceneBase):
    cue_names: ClassVar[tuple[str, ...]] = ("title",)
    entries_field: ClassVar[str | None] = "items"

    type: Literal["presenter"]
    setting: Annotated[str, NOT_SHOWN] = Field("plain", description="agency, home, office, workshop, street...")
    character: Annotated[CharacterRef, NOT_SHOWN] = Field(description="a cast name, or {name, position, expression}")
    title: str | None = None
    items: list[NonEmptyText | BulletItem] = Field(default_factory=list, max_length=6)
    props: Annotated[list[PropRef], NOT_SHOWN] = Field(default_factory=list, max_length=4)
    camera: Annotated[Camera, NOT_SHOWN] = "still"

    def bullet_items(self) -> list[BulletItem]:
        return [BulletItem(text=i) if isinstance(i, str) else i for i in self.items]

    def entries(self) -> Sequence[BulletItem]:
        return self.bullet_items()
