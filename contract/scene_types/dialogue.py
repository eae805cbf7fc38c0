"""dialogue: two or three characters speaking in turn, each line in its speaker's voice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from contract.scene_types.base import (
    NOT_SHOWN,
    CharacterRef,
    Entry,
    NonEmptyText,
    SceneBase,
    Strict,
    refuse,
    scene_type,
)
from contract.scene_types.cast import PropRef
from contract.scene_types.presenter import Camera


class DialogueLine(Strict):
    who: Annotated[str, NOT_SHOWN] = Field(description="one of the scene's `characters`")
    say: Annotated[NonEmptyText, NOT_SHOWN] = Field(description="what they say; cues like [nod] allowed")
    expression: Annotated[str | None, NOT_SHOWN] = Field(None, description="their expression from this line on")


@dataclass
class SpokenLine:
    """A line as a list entry (it appears on its own cue, with its own narration)."""

    narration: str | None


@scene_type
class DialogueScene(SceneBase):
    cue_names: ClassVar[tuple[str, ...]] = ("setting",)
    entries_field: ClassVar[str | None] = "lines"

    type: Literal["dialogue"]
    setting: Annotated[str, NOT_SHOWN] = Field("plain", description="agency, home, office, workshop, street...")
    characters: Annotated[list[str], NOT_SHOWN] = Field(min_length=2, max_length=3, description="left to right")
    lines: list[DialogueLine] = Field(min_length=1, max_length=40)
    props: Annotated[list[PropRef], NOT_SHOWN] = Field(default_factory=list, max_length=4)
    camera: Annotated[Camera, NOT_SHOWN] = "still"
    character: Annotated[SkipJsonSchema[CharacterRef | None], NOT_SHOWN] = None  # speakers are `characters`

    @model_validator(mode="after")
    def _speakers_are_characters(self) -> DialogueScene:
        if self.character is not None:
            raise refuse("a dialogue names its speakers in `characters:` (a list); remove `character:`")
        return self

    def entries(self) -> Sequence[Entry]:
        return [SpokenLine(line.say) for line in self.lines]

    def cast_names(self) -> list[str]:
        return list(self.characters)

    def entry_narrator(self, index: int) -> str | None:
        return self.lines[index].who
