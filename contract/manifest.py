"""The build manifest: `build/<name>/manifest.json`, what was rendered from what.

One model for the writer (`render`), the reader (`upload`) and the tests' fake builds,
so a new output is one new field here. The manifest is also the only thing `upload`
believes about a build folder, and build folders are shared, copied and committed:
every file it names is a plain file name (never a path), with its sha256 and size,
and `upload` still checks on disk that each one resolves inside the build folder.

pydantic and the standard library only (see :mod:`contract`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from contract.files import file_sha256
from contract.script import Publish

MANIFEST_NAME = "manifest.json"
FORMAT: Literal[1] = 1
# a --preview draft goes to `build/<name>.preview/`, so it never replaces the final video
PREVIEW_SUFFIX = ".preview"


def build_folder_name(name: str, preview: bool = False) -> str:
    """The build folder's name for a script called `name`: `<name>`, or `<name>.preview` for a draft."""
    return name + PREVIEW_SUFFIX if preview else name


Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
# what YouTube and both caption writers accept as a language: fr, fr-FR, en-GB...
LanguageTag = Annotated[str, Field(pattern=r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class _Record(BaseModel):
    # a manifest with a field this version does not know was not written by it: refuse it
    model_config = ConfigDict(extra="forbid")


def plain_file_name(value: str) -> str:
    """A single file name: no folder part, no `.`/`..`, no control character."""
    if not value or value in {".", ".."} or "/" in value or "\\" in value or _CONTROL.search(value):
        raise ValueError(f"{value!r} is not a plain file name inside the build folder")
    if len(value.encode("utf-8")) > 255:
        raise ValueError("the file name is longer than 255 bytes")
    return value


class OutputFile(_Record):
    """A file of the build folder, named by its plain name, with what it must contain."""

    file: str = Field(description="a plain file name inside the build folder (never a path)")
    sha256: Sha256
    bytes: int = Field(ge=0)

    @field_validator("file")
    @classmethod
    def _plain(cls, value: str) -> str:
        return plain_file_name(value)

    @classmethod
    def describe(cls, path: Path, name: str | None = None, **extra: Any) -> OutputFile:
        """The entry for a finished file (`name`: its name in the build folder, if it moves)."""
        return cls.model_validate(
            {"file": name or path.name, "sha256": file_sha256(path), "bytes": path.stat().st_size, **extra}
        )


class CaptionFile(OutputFile):
    language: LanguageTag
    format: Literal["srt", "vtt"]


class Outputs(_Record):
    video: OutputFile
    thumbnail: OutputFile = Field(
        description="the thumbnail render designs (PNG at YouTube's size: 1280x720 for 16:9, 1080x1920 for "
        "9:16, 1080x1080 for 1:1): the title or `publish.thumbnail_text` large, the brand's colours and "
        "logo, the first cast member"
    )
    custom_thumbnail: OutputFile | None = Field(
        None,
        description="the script's `publish.thumbnail` (PNG or JPEG), copied into the build folder at "
        "render time; it is the one sent to YouTube when present",
    )
    captions: list[CaptionFile] = Field(default_factory=list)

    @property
    def thumbnail_to_send(self) -> OutputFile:
        return self.custom_thumbnail or self.thumbnail


class ScriptRecord(_Record):
    path: str = Field(description="the script's absolute path when it was rendered (information only)")
    sha256: Sha256


class VideoFormat(_Record):
    width: int = Field(gt=0)
    height: int = Field(gt=0)
    fps: int = Field(gt=0)
    aspect: str
    resolution: str


class VoiceRecord(_Record):
    engine: str
    id: str | None = None
    rate: int | None = None
    language: str | None = None


class ChaptersRecord(_Record):
    """The chapter lines `publish.chapters` put in the description, or why there are none."""

    lines: list[str] = Field(default_factory=list, description="as written: `0:00 Title`")
    not_written: str | None = Field(None, description="why no chapter lines were written")


class LoudnessRecord(_Record):
    """The soundtrack's level as ffmpeg's `ebur128` measured it, and the script's target."""

    integrated_lufs: float
    true_peak_dbtp: float
    target_lufs: float
    target_true_peak_dbtp: float


class PhraseRecord(_Record):
    text: str
    start: float = Field(description="seconds from the video's start")
    seconds: float


class SceneRecord(_Record):
    index: int = Field(ge=0)
    type: str
    key: str = Field(description="the scene clip's cache key")
    clip_sha256: Sha256
    start: float = Field(description="seconds from the video's start")
    frames: int = Field(ge=0)
    duration: float
    cues: list[float]
    rendered_seconds: float | None = Field(None, description="None when the clip came from the cache")
    phrases: list[PhraseRecord] = Field(default_factory=list)


class Manifest(_Record):
    """`manifest.json`: written last by `render` (it vouches for the files it names)."""

    format: Literal[1] = FORMAT
    name: str = Field(min_length=1)
    title: str = Field(min_length=1, description="the script's title")
    language: LanguageTag = "en"
    variant_of: str | None = Field(
        None,
        description="for a language variant of a `languages: [...]` script: the script's name (its file name "
        "without .yaml), the same in every variant's manifest; None for a one-language script",
    )
    languages: list[LanguageTag] = Field(
        default_factory=list, description="a `languages: [...]` script's languages, the original first; else empty"
    )
    duration: float = Field(ge=0, description="seconds")
    render_key: str | None = Field(None, description="hash of everything the render depended on")
    preview: bool = False
    script: ScriptRecord | None = None
    video: VideoFormat | None = None
    voice: VoiceRecord | None = None
    publish: Publish = Field(
        default_factory=Publish,
        description="the script's publish block; `title` filled from the script's title, `thumbnail` "
        "kept as the source path for information (the file sent is outputs.custom_thumbnail)",
    )
    publish_in_script: bool | None = Field(
        None,
        description="whether the script has a `publish:` block (False: every publish field is its "
        "default); None when not recorded",
    )
    legal: list[str] = Field(
        default_factory=list,
        description="the video's legal mentions, once each (they also end the YouTube description)",
    )
    outputs: Outputs
    loudness: LoudnessRecord | None = Field(None, description="the mix's measured loudness (EBU R128)")
    chapters: ChaptersRecord | None = Field(None, description="set when the script asks for chapters")
    captions_burned: bool = Field(False, description="whether the picture shows the captions (captions.burn)")
    scenes: list[SceneRecord] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict, description="seconds per render stage")
    versions: dict[str, str] = Field(default_factory=dict)
    audio_sample_rate: int | None = None

    @model_validator(mode="after")
    def _custom_thumbnail_is_in_the_build(self) -> Manifest:
        # a custom thumbnail is sent only from the build folder, where render copied it
        if self.publish.thumbnail and self.outputs.custom_thumbnail is None:
            raise ValueError(
                "publish.thumbnail is set but outputs.custom_thumbnail is missing: the thumbnail must be "
                "copied into the build folder, with its sha256 and size"
            )
        return self

    def to_json(self) -> str:
        """The file's text (UTF-8, indented, non-ASCII kept)."""
        return self.model_dump_json(indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> Manifest:
        """Parse and validate; raises pydantic's `ValidationError`."""
        return cls.model_validate_json(text)
