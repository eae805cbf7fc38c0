"""timeline: dated events that appear one by one (each may have its own narration)."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, field_validator

from contract.scene_types.base import NOT_SHOWN, NonEmptyText, SceneBase, Strict, scene_type


class TimelineEvent(Strict):
    date: NonEmptyText
    text: NonEmptyText
    narration: Annotated[str | None, NOT_SHOWN] = None

    @field_validator("date", mode="before")
    @classmethod
    def _date_as_text(cls, value: Any) -> Any:
        # `date: 2012` or `date: 2012-05-01` parse as int/date in YAML; it is a label.
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value


@scene_type
class TimelineScene(SceneBase):
    cue_names: ClassVar[tuple[str, ...]] = ("title",)
    entries_field: ClassVar[str | None] = "events"

    type: Literal["timeline"]
    title: str | None = None
    events: list[TimelineEvent] = Field(min_length=1, max_length=8)
