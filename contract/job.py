"""What the render pipeline asks of the scene library: one scene, fully timed.

A `SceneJob` is plain data (JSON-serialisable) so it can cross a process
boundary, be hashed for the cache, and be rendered alone in a test.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from contract.scene_types import SceneField, uses_scene_types
from contract.scene_types.cast import CastLook
from contract.script import Brand

Transition = Literal["cut", "fade", "slide"]


class JobPhrase(BaseModel):
    """A phrase spoken in the clip: its recording (absolute, content-addressed), who says it, when."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    wav: str
    start: float = Field(description="seconds from the clip's start")
    seconds: float
    speaker: str | None = Field(None, description="a cast name; None: the script's voice")


class JobCue(BaseModel):
    """A narration cue (`wave`, `smile`...) at the time the voice reaches it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    time: float
    name: str
    speaker: str | None = None


@uses_scene_types
class SceneJob(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    index: int = Field(description="0-based position in the script, for messages")
    field_path: str = Field(description='where the scene is in the script, e.g. "scenes[2]"')
    scene: SceneField
    brand: Brand = Field(description="font_file and logo are absolute paths here")
    image_file: str | None = Field(None, description="absolute path of an image scene's picture")
    width: int
    height: int
    fps: int
    frame_count: int = Field(description="the clip must have exactly this many frames")
    cues: list[float] = Field(
        description="seconds from the clip's start at which each element appears; "
        "their meaning is the scene model's `cues()` (contract/scene_types/)"
    )
    enter: Transition = "fade"
    exit: Transition = "fade"
    transition_seconds: float = 0.4
    language: str = Field("en", description="the script's BCP-47 tag: number formats, quote marks")
    crf: int = 18
    preset: str = "veryfast"
    cast: dict[str, CastLook] = Field(default_factory=dict, description="the cast members this scene shows")
    phrases: list[JobPhrase] = Field(default_factory=list, description="what is spoken, so mouths follow the audio")
    acting: list[JobCue] = Field(default_factory=list, description="narration cues, at their times")

    @property
    def duration(self) -> float:
        return self.frame_count / self.fps


class ThumbnailJob(BaseModel):
    """What the designed thumbnail shows: plain data, like a SceneJob (crosses to a worker, hashed)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(description="the words in large type: `publish.thumbnail_text`, else the script's title")
    field_path: str = Field(description='where the words come from, for messages: "publish.thumbnail_text" or "title"')
    brand: Brand = Field(description="font_file and logo are absolute paths here")
    width: int
    height: int
    language: str = "en"
    character: str | None = Field(None, description="the cast member shown (the first of `cast:`), or None")
    look: CastLook | None = Field(None, description="that cast member's look")
