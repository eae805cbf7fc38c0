"""The script model: one pydantic tree for the YAML contract (shared/script-format.md).

Fields are validated here; paths are only *typed* here and checked against the
file system by :mod:`render.loader` (which knows the script's folder).
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")

RESOLUTIONS: dict[str, int] = {"480p": 480, "720p": 720, "1080p": 1080, "1440p": 1440, "2160p": 2160}
ASPECTS: dict[str, tuple[int, int]] = {"16:9": (16, 9), "9:16": (9, 16), "1:1": (1, 1)}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _colour(value: str) -> str:
    if not isinstance(value, str) or not HEX_COLOUR.match(value):
        raise ValueError(f'{value!r} is not a colour; write it as "#RRGGBB", for example "#00703C"')
    if len(value) == 4:
        value = "#" + "".join(c * 2 for c in value[1:])
    return value.upper()


Colour = Annotated[str, Field(json_schema_extra={"pattern": HEX_COLOUR.pattern})]
NonEmptyText = Annotated[str, Field(min_length=1)]
Affix = Annotated[str, StringConstraints(strip_whitespace=False)]
Narration = str | list[NonEmptyText]


class Voice(Strict):
    engine: str = Field("pyttsx3", description='TTS engine: "pyttsx3" (espeak-ng) or "silent"')
    id: str | None = Field(None, description="engine voice id; default: best voice for `language`")
    rate: int = Field(165, ge=60, le=450, description="words per minute")


class Brand(Strict):
    primary: Colour = "#00703C"
    secondary: Colour = "#F2A900"
    background: Colour = "#FFFFFF"
    text: Colour = "#1B1B1B"
    font: str = "DejaVu Sans"
    font_file: str | None = None
    logo: str | None = None

    _check_colours = field_validator("primary", "secondary", "background", "text", mode="before")(
        lambda cls, v: _colour(v)
    )


class Video(Strict):
    resolution: Literal["480p", "720p", "1080p", "1440p", "2160p"] = "1080p"
    fps: int = Field(30, ge=1, le=120)
    aspect: Literal["16:9", "9:16", "1:1"] = "16:9"

    @field_validator("aspect", mode="before")
    @classmethod
    def _aspect_text(cls, value: Any) -> Any:
        # YAML 1.1 reads an unquoted 16:9 as the sexagesimal number 969.
        if isinstance(value, int) and not isinstance(value, bool):
            for name, (w, h) in ASPECTS.items():
                if value == w * 60 + h:
                    return name
        return value

    @property
    def size(self) -> tuple[int, int]:
        """Pixel (width, height); the resolution names the short side."""
        short = RESOLUTIONS[self.resolution]
        w, h = ASPECTS[self.aspect]
        if w >= h:
            width, height = round(short * w / h), short
        else:
            width, height = short, round(short * h / w)
        return width + width % 2, height + height % 2


class Music(Strict):
    file: str
    volume: float = Field(0.15, ge=0, le=1)


class SceneBase(Strict):
    narration: Narration | None = Field(None, description="what the voice says; a string or a list of beats")
    duration: float | None = Field(None, gt=0, le=600, description="minimum seconds")
    transition: Literal["cut", "fade", "slide"] = "fade"

    def narration_beats(self) -> list[str]:
        """The scene's own narration as a list of beats (items' narration excluded)."""
        if self.narration is None:
            return []
        if isinstance(self.narration, str):
            return [self.narration] if self.narration.strip() else []
        return [beat for beat in self.narration if beat.strip()]

    @model_validator(mode="after")
    def _needs_time(self) -> SceneBase:
        if self.duration is None and not self.has_any_narration():
            raise ValueError("a scene without narration needs a `duration`; add `narration:` or `duration:` (seconds)")
        return self

    def has_any_narration(self) -> bool:
        return bool(self.narration_beats())


class TitleScene(SceneBase):
    type: Literal["title"]
    title: NonEmptyText
    subtitle: str | None = None


class BulletItem(Strict):
    text: NonEmptyText
    icon: str | None = None
    narration: str | None = None


class BulletsScene(SceneBase):
    type: Literal["bullets"]
    title: str | None = None
    items: list[NonEmptyText | BulletItem] = Field(min_length=1, max_length=8)

    def bullet_items(self) -> list[BulletItem]:
        return [BulletItem(text=i) if isinstance(i, str) else i for i in self.items]

    def has_any_narration(self) -> bool:
        return bool(self.narration_beats()) or any(i.narration for i in self.bullet_items())


class StatisticScene(SceneBase):
    type: Literal["statistic"]
    value: float
    # spaces are meaningful here ("€ " vs "€"): not stripped
    prefix: Affix | None = None
    suffix: Affix | None = None
    label: NonEmptyText

    @field_validator("value", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("`value` must be a number, for example 1200 or 4.5 (no units: use prefix/suffix)")
        if not math.isfinite(value) or abs(value) >= 1e15:
            raise ValueError("`value` must be a finite number below a million billion")
        return value


class QuoteScene(SceneBase):
    type: Literal["quote"]
    text: NonEmptyText
    author: str | None = None


class ImageScene(SceneBase):
    type: Literal["image"]
    file: str
    caption: str | None = None


class TimelineEvent(Strict):
    date: NonEmptyText
    text: NonEmptyText
    narration: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _date_as_text(cls, value: Any) -> Any:
        # `date: 2012` or `date: 2012-05-01` parse as int/date in YAML; it is a label.
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value


class TimelineScene(SceneBase):
    type: Literal["timeline"]
    title: str | None = None
    events: list[TimelineEvent] = Field(min_length=1, max_length=8)

    def has_any_narration(self) -> bool:
        return bool(self.narration_beats()) or any(e.narration for e in self.events)


class Column(Strict):
    heading: NonEmptyText
    items: list[NonEmptyText] = Field(min_length=1, max_length=8)


class ComparisonScene(SceneBase):
    type: Literal["comparison"]
    title: str | None = None
    left: Column
    right: Column


class ClosingScene(SceneBase):
    type: Literal["closing"]
    title: NonEmptyText
    subtitle: str | None = None
    url: str | None = None


Scene = Annotated[
    TitleScene
    | BulletsScene
    | StatisticScene
    | QuoteScene
    | ImageScene
    | TimelineScene
    | ComparisonScene
    | ClosingScene,
    Field(discriminator="type"),
]
SCENE_TYPES = ("title", "bullets", "statistic", "quote", "image", "timeline", "comparison", "closing")

TITLE_MAX = 100
DESCRIPTION_MAX_BYTES = 5000
TAGS_MAX_CHARS = 500


class Publish(Strict):
    title: str | None = Field(None, description="default: the script's title")
    description: str = ""
    tags: list[NonEmptyText] = Field(default_factory=list)
    category: int = Field(27, ge=1, description="YouTube category id; 27 = Education")
    privacy: Literal["private", "unlisted", "public"] = "private"
    publish_at: datetime | None = None
    playlist: str | None = None
    made_for_kids: bool = False
    thumbnail: str | None = None
    captions: bool = True

    @field_validator("title")
    @classmethod
    def _title(cls, value: str | None) -> str | None:
        if value is None:
            return value
        _no_angle_brackets(value, "title")
        if len(value) > TITLE_MAX:
            raise ValueError(
                f"YouTube titles are at most {TITLE_MAX} characters (this one has {len(value)}); shorten it"
            )
        if not value.strip():
            raise ValueError("the title is empty")
        return value

    @field_validator("description")
    @classmethod
    def _description(cls, value: str) -> str:
        _no_angle_brackets(value, "description")
        size = len(value.encode("utf-8"))
        if size > DESCRIPTION_MAX_BYTES:
            raise ValueError(
                f"YouTube descriptions are at most {DESCRIPTION_MAX_BYTES} bytes (this one has {size}); shorten it"
            )
        return value

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        for tag in value:
            _no_angle_brackets(tag, "tags")
        # YouTube counts a tag with a space as if it were quoted (+2).
        total = sum(len(t) + (2 if " " in t else 0) for t in value) + max(len(value) - 1, 0)
        if total > TAGS_MAX_CHARS:
            raise ValueError(
                f"YouTube allows {TAGS_MAX_CHARS} characters of tags in all (these make {total}); drop some"
            )
        return value

    @field_validator("publish_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("`publish_at` has no time zone; add one, for example 2026-12-01T09:00:00+01:00")
        return value

    @model_validator(mode="after")
    def _schedule_needs_private(self) -> Publish:
        if self.publish_at is not None and self.privacy != "private":
            raise ValueError(
                "`publish_at` schedules a private video to go public; set `privacy: private` "
                f"(it is {self.privacy!r}) or remove `publish_at`"
            )
        return self


def _no_angle_brackets(value: str, field: str) -> None:
    if "<" in value or ">" in value:
        raise ValueError(f"YouTube refuses '<' and '>' in the {field}; remove them")


class Script(Strict):
    title: NonEmptyText
    language: str = "en"
    voice: Voice = Field(default_factory=Voice)
    brand: Brand | str | None = Field(None, description="a path to a brand YAML file, or the mapping inline")
    video: Video = Field(default_factory=Video)
    music: Music | None = None
    lexicon: dict[str, str] = Field(default_factory=dict, description="written form -> how the voice says it")
    scenes: list[Scene] = Field(min_length=1)
    publish: Publish | None = None

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if not LANGUAGE_TAG.match(value):
            raise ValueError(f"{value!r} is not a language tag; write for example fr, fr-FR, en or en-GB")
        return value

    @field_validator("lexicon", mode="before")
    @classmethod
    def _lexicon_text(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {
                str(k): str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v
                for k, v in value.items()
            }
        return value

    @property
    def brand_model(self) -> Brand:
        """The brand after loading (the loader replaces a path by the mapping)."""
        return self.brand if isinstance(self.brand, Brand) else Brand()

    @property
    def publish_settings(self) -> Publish:
        return self.publish or Publish()
