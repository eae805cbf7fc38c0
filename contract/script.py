"""The script model: one pydantic tree for the YAML contract (docs/script-format.md).

Fields are validated here; paths are only *typed* here and checked against the
file system by :mod:`render.loader` (which knows the script's folder). The scene
types live in :mod:`contract.scene_types`, one module each.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    field_validator,
    model_validator,
)

from contract.scene_types import (
    NOT_SHOWN,
    SCENE_TYPES,
    Affix,
    BulletItem,
    BulletsScene,
    ClosingScene,
    Column,
    ComparisonScene,
    FileName,
    ImageScene,
    Legal,
    LegalMention,
    Narration,
    NonEmptyText,
    QuoteScene,
    SceneBase,
    SceneField,
    StatisticScene,
    Strict,
    TimelineEvent,
    TimelineScene,
    TitleScene,
    legal_list,
    refuse,
    uses_scene_types,
)
from contract.scene_types.cast import CastLook, check_cast_names

__all__ = [
    "SCENE_TYPES",
    "Affix",
    "Brand",
    "BulletItem",
    "BulletsScene",
    "CastMember",
    "ClosingScene",
    "Column",
    "ComparisonScene",
    "ImageScene",
    "Legal",
    "Lint",
    "Music",
    "Narration",
    "NonEmptyText",
    "Publish",
    "QuoteScene",
    "Scene",
    "SceneBase",
    "Script",
    "StatisticScene",
    "TimelineEvent",
    "TimelineScene",
    "TitleScene",
    "Video",
    "Voice",
    "legal_list",
    "parse_colour",
    "youtube_title_problem",
]

HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")

RESOLUTIONS: dict[str, int] = {"480p": 480, "720p": 720, "1080p": 1080, "1440p": 1440, "2160p": 2160}
ASPECTS: dict[str, tuple[int, int]] = {"16:9": (16, 9), "9:16": (9, 16), "1:1": (1, 1)}
THUMBNAIL_SIZES: dict[str, tuple[int, int]] = {"16:9": (1280, 720), "9:16": (1080, 1920), "1:1": (1080, 1080)}
MAX_MINUTES_DEFAULT = 60  # a longer video is more likely an accident (an alias repeating text)
MAX_MINUTES = 12 * 60  # YouTube's own limit


# French colour words a user may write, with the CSS name meant. `orange` and `violet` are CSS
# names too (violet is a light purple, #EE82EE) and are accepted as such.
FRENCH_COLOURS: dict[str, str] = {
    "vert": "green",
    "verte": "green",
    "vert clair": "lightgreen",
    "vert fonce": "darkgreen",
    "bleu": "blue",
    "bleue": "blue",
    "bleu clair": "lightblue",
    "bleu fonce": "darkblue",
    "bleu ciel": "skyblue",
    "bleu marine": "navy",
    "marine": "navy",
    "rouge": "red",
    "rouge fonce": "darkred",
    "bordeaux": "maroon",
    "jaune": "yellow",
    "gris": "gray",
    "grise": "gray",
    "gris clair": "lightgray",
    "gris fonce": "darkgray",
    "noir": "black",
    "noire": "black",
    "blanc": "white",
    "blanche": "white",
    "rose": "pink",
    "marron": "brown",
    "brun": "brown",
    "pourpre": "purple",
    "dore": "gold",
    "or": "gold",
    "argent": "silver",
    "argente": "silver",
    "kaki": "khaki",
    "saumon": "salmon",
    "corail": "coral",
    "lavande": "lavender",
    "ciel": "skyblue",
}


def _css_key(value: str) -> str:
    """'Dark Green' -> 'darkgreen' (CSS names are one word, case-insensitive)."""
    return re.sub(r"[\s_-]+", "", value.strip().lower())


def _french_key(value: str) -> str:
    """'Vert foncé' -> 'vert fonce'."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", value.lower()) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z]+", " ", folded).split())


def css_colours() -> dict[str, str]:
    """The CSS colour names (as Pillow knows them: the 148 of CSS Color Module 4) -> "#RRGGBB"."""
    from PIL import ImageColor

    return {name: code.upper() for name, code in ImageColor.colormap.items() if isinstance(code, str)}


def _hex(value: str) -> str:
    if len(value) == 4:
        value = "#" + "".join(c * 2 for c in value[1:])
    return value.upper()


def parse_colour(value: object) -> str:
    """A colour as "#RRGGBB": from "#RRGGBB", "#RGB" or a CSS name (teal, darkgreen...).

    Raises a validation error that says what to write: for a French name, its CSS name and code.
    """
    if not isinstance(value, str):
        raise refuse(f'{value!r} is not a colour; write it as "#RRGGBB", for example "#00703C", or as a colour name')
    if HEX_COLOUR.match(value.strip()):
        return _hex(value.strip())
    names = css_colours()
    code = names.get(_css_key(value))
    if code is not None:
        return code
    french = FRENCH_COLOURS.get(_french_key(value))
    if french is not None:
        message = f'{value.strip()!r} is French; write {french} or "{names[french]}"'
        raise refuse(f"{message} (colour names are CSS names, in English)")
    close = difflib.get_close_matches(_css_key(value), list(names), n=1, cutoff=0.75)
    hint = f"did you mean {close[0]} ({names[close[0]]})?" if close else "or a CSS colour name such as teal or navy"
    raise refuse(f'{value!r} is not a colour; write it as "#RRGGBB", for example "#00703C" ({hint})')


Colour = Annotated[
    str,
    Field(
        description='"#RRGGBB", "#RGB" or a CSS colour name (teal, navy, darkgreen...)',
        json_schema_extra={"pattern": r"^(?:#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})|[A-Za-z][A-Za-z _-]*)$"},
    ),
]


DEFAULT_RATE = 165
# espeak-ng's French says more characters a second than its English at the same rate: at 165 its
# captions often pass 20 characters a second, the most a viewer reads
RATE_BY_LANGUAGE = {"fr": 150}


class Voice(Strict):
    engine: str = Field(
        "pyttsx3",
        description='TTS engine: "pyttsx3" (espeak-ng), "pico" (SVOX Pico), "piper" (a Piper voice file), '
        '"recorded" or "silent"',
    )
    id: str | None = Field(None, description="engine voice id; default: best voice for `language`")
    model: Annotated[str | None, NOT_SHOWN] = Field(
        None,
        description="piper: the voice file (.onnx, its .onnx.json beside it), relative to the script's folder, "
        "inside the project",
    )
    rate: StrictInt = Field(
        DEFAULT_RATE, ge=60, le=450, description="words per minute; default 165, 150 for French (`language: fr`)"
    )


class CastMember(CastLook):
    """A cast member: its look, and its own voice (only the fields written replace the script's)."""

    voice: Annotated[Voice | None, NOT_SHOWN] = Field(None, description="any `voice` field, over the script's")

    def voice_over(self, script_voice: Voice) -> Voice:
        """The script's voice with this character's own fields on top."""
        if self.voice is None:
            return script_voice
        return script_voice.model_copy(update={k: getattr(self.voice, k) for k in self.voice.model_fields_set})


class Brand(Strict):
    primary: Colour = "#00703C"
    secondary: Colour = "#F2A900"
    background: Colour = "#FFFFFF"
    text: Colour = "#1B1B1B"
    font: str = "DejaVu Sans"
    font_file: FileName | None = None
    heading_font: Annotated[str | None, NOT_SHOWN] = Field(
        None, description="an installed font for titles, headings and numbers; default: `font`"
    )
    body_font: Annotated[str | None, NOT_SHOWN] = Field(
        None, description="an installed font for items, subtitles and captions; default: `font`"
    )
    logo: FileName | None = None
    logo_on: Annotated[Literal["all", "title-closing"], NOT_SHOWN] = Field(
        "title-closing", description="where the logo is shown: every scene (in a corner), or title and closing"
    )

    _check_colours = field_validator("primary", "secondary", "background", "text", mode="before")(
        lambda cls, v: parse_colour(v)
    )


class Video(Strict):
    resolution: Literal["480p", "720p", "1080p", "1440p", "2160p"] = "1080p"
    fps: StrictInt = Field(30, ge=1, le=120)
    aspect: Literal["16:9", "9:16", "1:1"] = "16:9"
    max_minutes: StrictInt = Field(
        MAX_MINUTES_DEFAULT,
        ge=1,
        le=MAX_MINUTES,
        description="refuse a script whose video would last longer (minutes); YouTube allows 12 hours",
    )

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

    @property
    def thumbnail_size(self) -> tuple[int, int]:
        """The designed thumbnail's pixel (width, height): YouTube's 1280x720 whatever the resolution,
        1080x1920 for a Short, 1080x1080 square."""
        return THUMBNAIL_SIZES[self.aspect]


class Music(Strict):
    file: FileName
    volume: StrictFloat = Field(0.15, ge=0, le=1)


class Lint(Strict):
    """`render lint`'s own word list: terms to avoid, and what to write instead (both flagged)."""

    avoid: list[NonEmptyText] = Field(
        default_factory=list, description="words or phrases `render lint` flags (whole words, any case)"
    )
    prefer: dict[NonEmptyText, NonEmptyText] = Field(
        default_factory=dict, description="word -> what to write instead; `render lint` flags the word"
    )


class Audio(Strict):
    """The final mix's level (EBU R128, as ffmpeg's `ebur128` measures it)."""

    loudness: StrictFloat = Field(
        -14.0, ge=-31, le=-5, description="integrated loudness in LUFS; YouTube plays at about -14"
    )
    true_peak: StrictFloat = Field(-1.0, ge=-9, le=0, description="the highest true peak allowed, in dBTP")


class Captions(Strict):
    """What is done with the narration's captions beyond the sidecar .srt and .vtt files."""

    burn: StrictBool = Field(False, description="also draw the captions into the picture, for feeds that play muted")


Scene = SceneField
"""One scene of any registered type (see :mod:`contract.scene_types`)."""

# --- YouTube's rules -----------------------------------------------------------------------

TITLE_MAX = 100
DESCRIPTION_MAX_BYTES = 5000
TAGS_MAX_CHARS = 500
CATEGORY_MAX = 99  # YouTube's category ids are small numbers (27 = Education)


def control_character(text: str, allowed: str = "") -> str | None:
    """The first control character in `text` (other than those `allowed`), escaped, else None."""
    for char in text:
        if char not in allowed and unicodedata.category(char) == "Cc":
            return repr(char)[1:-1]
    return None


def youtube_title_problem(title: str, *, check_length: bool = True) -> str | None:
    """Why YouTube would refuse `title` as a video title, or None."""
    if "<" in title or ">" in title:
        return "YouTube refuses '<' and '>' in the title; remove them"
    if "\n" in title or "\r" in title:
        return "a YouTube title is one line; remove the line break"
    bad = control_character(title)
    if bad:
        return f"YouTube refuses control characters ({bad}) in the title; remove it"
    if check_length and len(title) > TITLE_MAX:
        return f"YouTube titles are at most {TITLE_MAX} characters (this one has {len(title)}); shorten it"
    if not title.strip():
        return "the title is empty"
    return None


MAX_APPROVERS = 10  # distinct people who approve one video (publish.approvers)

# The designed thumbnail's words: read in a second, at 320x180 in a list of videos.
THUMBNAIL_WORDS = 6  # more than this: `render` advises `publish.thumbnail_text`
THUMBNAIL_MAX_WORDS = 12  # more than this in `publish.thumbnail_text` cannot be large: refused


def word_count(text: str) -> int:
    """Words as a reader counts them: what spaces separate, if it holds a letter or digit (`?` is none)."""
    return sum(1 for token in text.split() if any(c.isalnum() for c in token))


class Publish(Strict):
    title: str | None = Field(None, description="default: the script's title")
    description: str = ""
    tags: list[NonEmptyText] = Field(default_factory=list)
    category: StrictInt = Field(27, ge=1, le=CATEGORY_MAX, description="YouTube category id; 27 = Education")
    privacy: Literal["private", "unlisted", "public"] = "private"
    publish_at: datetime | None = None
    playlist: str | None = None
    made_for_kids: bool = False
    synthetic_media: bool = Field(
        False,
        description="sent as status.containsSyntheticMedia: YouTube's disclosure of realistic altered or "
        "synthetic content (a synthetic voice may call for it); always sent",
    )
    thumbnail: FileName | None = Field(
        None, description="a PNG or JPEG sent as the thumbnail instead of the one render designs"
    )
    thumbnail_text: str | None = Field(
        None,
        description="the words in large type on the designed thumbnail (default: the script's title); "
        f"at most {THUMBNAIL_MAX_WORDS} words, best {THUMBNAIL_WORDS} or fewer",
    )
    captions: bool = True
    chapters: bool = Field(False, description="chapter lines (0:00 Title) from the scenes' titles in the description")
    require_approval: StrictBool = Field(
        False,
        description="`upload` refuses the video until `render approve` has recorded approvals of exactly this "
        "script and this video (a changed script or a new render needs new approvals)",
    )
    approvers: StrictInt = Field(
        1,
        ge=1,
        le=MAX_APPROVERS,
        description="with require_approval: how many distinct people must approve (`render approve --by NAME`)",
    )

    @field_validator("title")
    @classmethod
    def _title(cls, value: str | None) -> str | None:
        if value is not None:
            problem = youtube_title_problem(value)
            if problem:
                raise refuse(problem)
        return value

    @field_validator("thumbnail_text")
    @classmethod
    def _thumbnail_text(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if not value:
            raise refuse("the thumbnail text is empty; write a few words, or remove `thumbnail_text` to show the title")
        words = word_count(value)
        if words > THUMBNAIL_MAX_WORDS:
            raise refuse(
                f"a thumbnail is read at a glance: at most {THUMBNAIL_MAX_WORDS} words (this text has {words}); "
                f"keep the {THUMBNAIL_WORDS} or so that matter"
            )
        return value

    @field_validator("description")
    @classmethod
    def _description(cls, value: str) -> str:
        _no_angle_brackets(value, "description")
        bad = control_character(value, allowed="\n\t")
        if bad:
            raise refuse(f"YouTube refuses control characters ({bad}) in the description; remove it")
        size = len(value.encode("utf-8"))
        if size > DESCRIPTION_MAX_BYTES:
            raise refuse(
                f"YouTube descriptions are at most {DESCRIPTION_MAX_BYTES} bytes (this one has {size}); shorten it"
            )
        return value

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        for tag in value:
            _no_angle_brackets(tag, "tags")
            if "," in tag:
                raise refuse(f"a tag cannot hold a comma ({tag!r}); make each tag its own list entry")
            bad = control_character(tag)
            if bad:
                raise refuse(f"a tag is one line of text without control characters ({bad}); remove it")
        # YouTube counts a tag with a space as if it were quoted (+2).
        total = sum(len(t) + (2 if " " in t else 0) for t in value) + max(len(value) - 1, 0)
        if total > TAGS_MAX_CHARS:
            raise refuse(f"YouTube allows {TAGS_MAX_CHARS} characters of tags in all (these make {total}); drop some")
        return value

    @field_validator("playlist")
    @classmethod
    def _playlist(cls, value: str | None) -> str | None:
        bad = control_character(value) if value is not None else None
        if bad:
            raise refuse(f"a playlist name is one line of text without control characters ({bad}); remove it")
        return value

    @field_validator("publish_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise refuse("`publish_at` has no time zone; add one, for example 2026-12-01T09:00:00+01:00")
        return value

    @model_validator(mode="after")
    def _approvers_need_require_approval(self) -> Publish:
        if self.approvers != 1 and not self.require_approval:
            raise refuse(
                f"`approvers: {self.approvers}` asks for approvals, but `require_approval` is off; "
                "add `require_approval: true` (or remove `approvers`)"
            )
        return self

    @model_validator(mode="after")
    def _schedule_needs_private(self) -> Publish:
        if self.publish_at is not None and self.privacy != "private":
            raise refuse(
                "`publish_at` schedules a private video to go public; set `privacy: private` "
                f"(it is {self.privacy!r}) or remove `publish_at`"
            )
        return self


def _no_angle_brackets(value: str, field: str) -> None:
    if "<" in value or ">" in value:
        raise refuse(f"YouTube refuses '<' and '>' in the {field}; remove them")


@uses_scene_types
class Script(Strict):
    title: NonEmptyText
    language: str = "en"
    languages: list[str] | None = Field(
        None,
        description="several languages, the original first: [fr, en]; each shown or spoken text is then "
        "a text or a mapping {fr: ..., en: ...} ({all: ...}: the same in every language); "
        "each language renders as its own video, OUT/<name>-<lang>/",
    )
    voice: Voice = Field(default_factory=Voice)
    brand: Brand | FileName | None = Field(None, description="a path to a brand YAML file, or the mapping inline")
    video: Video = Field(default_factory=Video)
    music: Music | None = None
    audio: Audio = Field(default_factory=Audio, description="the mix's loudness target: {loudness, true_peak}")
    captions: Captions = Field(default_factory=Captions, description="{burn: true} draws the captions into the picture")
    lexicon: dict[str, str] = Field(default_factory=dict, description="written form -> how the voice says it")
    cast: dict[str, CastMember] = Field(
        default_factory=dict, description="characters defined once: name -> {style, clothes, skin, hair, look, voice}"
    )
    scenes: list[Scene] = Field(min_length=1)
    publish: Publish | None = None
    legal: LegalMention | list[LegalMention] | None = Field(
        None,
        description="a legal mention for the whole video: a band in every scene and a line of the "
        "YouTube description; {text, spoken: true} also reads it aloud at the end",
    )
    target_duration: StrictFloat | None = Field(
        None,
        ge=1,
        le=MAX_MINUTES * 60,
        description="seconds the video should last; `render lint` compares the planned length with it "
        "(without it, with 90 s)",
    )
    lint: Lint = Field(default_factory=Lint, description="`render lint`'s word list: {avoid: [...], prefer: {...}}")

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if not LANGUAGE_TAG.match(value):
            raise refuse(f"{value!r} is not a language tag; write for example fr, fr-FR, en or en-GB")
        return value

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str] | None) -> list[str] | None:
        for tag in value or []:
            if not LANGUAGE_TAG.match(tag) or tag == "all":
                raise refuse(f"{tag!r} is not a language tag; write for example fr, fr-FR, en or en-GB")
        return value

    @model_validator(mode="after")
    def _language_is_declared(self) -> Script:
        if self.languages is not None and self.language not in self.languages:
            raise refuse(f"`language: {self.language}` is not one of `languages` ({', '.join(self.languages)})")
        return self

    _cast_names = field_validator("cast")(lambda cls, v: check_cast_names(v))

    @field_validator("lexicon", mode="before")
    @classmethod
    def _lexicon_text(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {
                str(k): str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v
                for k, v in value.items()
            }
        return value

    @field_validator("lexicon")
    @classmethod
    def _lexicon_words(cls, value: dict[str, str]) -> dict[str, str]:
        if any(not word.strip() for word in value):
            # an empty word matches between any two characters: its value would be said everywhere
            raise refuse("an empty word cannot be looked up in the narration; remove it or write the word")
        return value

    @model_validator(mode="after")
    def _rate_for_the_language(self) -> Script:
        if "rate" not in self.voice.model_fields_set:
            rate = RATE_BY_LANGUAGE.get(self.language.split("-")[0].lower())
            if rate is not None:
                self.voice = self.voice.model_copy(update={"rate": rate})
        return self

    @model_validator(mode="after")
    def _legal_in_every_scene(self) -> Script:
        # the video's mention joins each scene's own (first), so every stage reads it from the
        # scene alone, and a scene's cache key changes with it; it is read aloud once, at the end
        video = legal_list(self.legal)
        for k, scene in enumerate(self.scenes):
            last = k == len(self.scenes) - 1
            scene.video_legal = [m if last else m.model_copy(update={"spoken": False}) for m in video]
        description = self.publish_settings.description
        if len(description_with_legal(description, self.legal_texts()).encode("utf-8")) > DESCRIPTION_MAX_BYTES:
            raise refuse(
                f"the legal mentions, added to the YouTube description, make it longer than "
                f"{DESCRIPTION_MAX_BYTES} bytes; shorten the description"
            )
        return self

    def legal_texts(self) -> list[str]:
        """Every legal mention of the video, once each, in order of appearance."""
        texts: list[str] = []
        for mention in [m for s in self.scenes for m in s.legal_mentions()]:
            if mention.text not in texts:
                texts.append(mention.text)
        return texts

    @property
    def publish_settings(self) -> Publish:
        """The publish block, its description followed by the video's legal mentions."""
        publish = self.publish or Publish()
        texts = self.legal_texts()
        if not texts:
            return publish
        return publish.model_copy(update={"description": description_with_legal(publish.description, texts)})


def description_with_legal(description: str, texts: list[str]) -> str:
    """The YouTube description with the legal mentions after it, each on its own line."""
    missing = [t for t in texts if t not in description]
    if not missing:
        return description
    return "\n\n".join(part for part in (description.rstrip(), "\n".join(missing)) if part)
