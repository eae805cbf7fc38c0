"""What every scene type is made of, and the registry that makes a model a scene type.

A scene type is one pydantic model, derived from :class:`SceneBase` and decorated
with :func:`scene_type`. Everything else is read from that model: the script's
``scenes`` union and its JSON Schema (:class:`SceneField`), the cue layout
(:meth:`SceneBase.cues`), how narration beats map onto elements
(:meth:`SceneBase.entries`, :meth:`SceneBase.beat_elements`) and the texts shown on
screen (:meth:`SceneBase.shown_texts`: every text field not marked :data:`NOT_SHOWN`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Protocol, TypeVar, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    StrictFloat,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import CoreSchema, PydanticCustomError

from contract.problems import FieldPath


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def refuse(message: str) -> PydanticCustomError:
    """A validation error whose message is exactly `message` (no "Value error," prefix)."""
    return PydanticCustomError("value_error", message)


class _NotShown:
    """Field metadata: this text is never drawn (a file name, an icon name, narration)."""

    def __repr__(self) -> str:
        return "NOT_SHOWN"


NOT_SHOWN = _NotShown()

NonEmptyText = Annotated[str, Field(min_length=1)]
FileName = Annotated[str, NOT_SHOWN]


class RecordedBeat(Strict):
    """A beat with its recording, for `voice: {engine: recorded}` (other engines speak the text)."""

    text: NonEmptyText = Field(description="what the recording says: captions and timing follow it")
    audio: FileName = Field(description="the recording (WAV, FLAC or MP3), relative to the script's folder")


Narration = str | RecordedBeat | list[NonEmptyText | RecordedBeat]


LEGAL_CHARS_PER_SECOND = 20.0  # how fast a viewer reads a legal mention


class Legal(Strict):
    """A legal mention: shown as a legible band; `spoken` also reads it aloud."""

    text: NonEmptyText = Field(description="the mandatory wording, shown as a band")
    spoken: Annotated[bool, NOT_SHOWN] = Field(False, description="also read it aloud, after the narration")


LegalMention = NonEmptyText | Legal


def legal_list(value: LegalMention | list[LegalMention] | None) -> list[Legal]:
    """A `legal:` value as a list of :class:`Legal` (a plain string is a shown, unspoken mention)."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [Legal(text=item) if isinstance(item, str) else item for item in items]


Position = Literal["left", "right", "center", "top", "bottom"]


class CharacterPlacement(Strict):
    """`character: {name, position, expression}`."""

    name: Annotated[str, NOT_SHOWN]
    position: Annotated[Position, NOT_SHOWN] = "left"
    expression: Annotated[str, NOT_SHOWN] = "neutral"


CharacterRef = str | CharacterPlacement


def character_name(ref: CharacterRef | None) -> str | None:
    return ref.name if isinstance(ref, CharacterPlacement) else ref


def character_placement(ref: CharacterRef) -> CharacterPlacement:
    return ref if isinstance(ref, CharacterPlacement) else CharacterPlacement(name=ref)


class Entry(Protocol):
    """A list entry that appears on its own cue and may have its own narration."""

    narration: str | None


class SceneBase(Strict):
    """Fields every scene has, and what the rest of the toolkit reads from a scene type."""

    cue_names: ClassVar[tuple[str, ...]] = ()
    """The elements in cue order (for a list scene: those before the entries)."""
    entries_field: ClassVar[str | None] = None
    """A list field whose entries appear one by one, each on its own cue after `cue_names`."""
    draws_language: ClassVar[bool] = False
    """The picture depends on the script's language (number formats, quote marks): only then does
    the scene's cache key hold the language (other clips are shared by a script's languages), and
    only then may its code read `kit.language`."""

    narration: Annotated[Narration | None, NOT_SHOWN] = Field(
        None, description="what the voice says; a string or a list of beats"
    )
    duration: StrictFloat | None = Field(None, gt=0, le=600, description="minimum seconds")
    transition: Annotated[Literal["cut", "fade", "slide"], NOT_SHOWN] = "fade"
    legal: LegalMention | list[LegalMention] | None = Field(
        None,
        description='a legal mention shown as a band in this scene: "text", or {text, spoken: true} '
        "to read it aloud too; a list for several",
    )

    character: Annotated[CharacterRef | None, NOT_SHOWN] = Field(
        None,
        description="a cast member who stands beside the content and speaks the narration: "
        "a cast name, or {name, position, expression}",
    )
    chapter: Annotated[str | None, NOT_SHOWN] = Field(
        None, description="this scene's YouTube chapter title (default: its `title`); see publish.chapters"
    )
    setting: Annotated[str | None, NOT_SHOWN] = Field(
        None, description="the backdrop behind a character: agency, home, office, workshop, street... (default plain)"
    )

    video_legal: Annotated[list[Legal], NOT_SHOWN, SkipJsonSchema()] = Field(
        default_factory=list,
        description="set by the script: its own `legal:` mentions, shown in this scene too (not for authors)",
    )

    hold_seconds: ClassVar[float | None] = None
    """When set, the last element stays readable this long (seconds) unless `duration` is given."""

    if TYPE_CHECKING:
        # Every scene type declares `type: Literal["<name>"]` (see type_name); code holding any
        # scene reads it as text. Declared for the type checker only: not a field of the base.
        type: str

    def legal_mentions(self) -> list[Legal]:
        """The mentions shown in this scene: the script's own `legal:` first, then the scene's."""
        video = {m.text for m in self.video_legal}
        return list(self.video_legal) + [m for m in legal_list(self.legal) if m.text not in video]

    def narration_beats(self) -> list[str]:
        """The scene's own narration as a list of beats (entries' narration excluded)."""
        if self.narration is None:
            return []
        beats = [self.narration] if isinstance(self.narration, str | RecordedBeat) else self.narration
        texts = [beat if isinstance(beat, str) else beat.text for beat in beats]  # a recording's words
        return [text for text in texts if text.strip()]

    def entries(self) -> Sequence[Entry]:
        """The entries of `entries_field`, in order (none for a scene without a list)."""
        return list(getattr(self, self.entries_field)) if self.entries_field else []

    def cues(self) -> list[str]:
        """The element each cue starts, e.g. ``["title", "items[0]", "items[1]"]``."""
        names = list(self.cue_names)
        if self.entries_field:
            names += [f"{self.entries_field}[{k}]" for k in range(len(self.entries()))]
        return names

    def beat_elements(self, count: int) -> list[int | None]:
        """Which cue each of `count` own narration beats starts (scenes without entries).

        By default beat k starts element k, while there are elements.
        """
        elements = len(self.cues())
        return [k if k < elements else None for k in range(count)]

    def narrator(self) -> str | None:
        """The cast member who speaks the scene's own narration (None: the script's voice)."""
        return character_name(self.character)

    def cast_names(self) -> list[str]:
        """The cast members this scene shows, left to right (none for a plain slide)."""
        name = character_name(self.character)
        return [name] if name else []

    def on_stage(self) -> bool:
        """Whether the scene is drawn on a cartoon stage: it shows characters, or a setting."""
        return bool(self.cast_names()) or self.setting is not None

    def entry_narrator(self, index: int) -> str | None:
        """The cast member who speaks entry `index`'s narration (default: the scene's narrator)."""
        return self.narrator()

    def has_any_narration(self) -> bool:
        return bool(self.narration_beats()) or any(e.narration for e in self.entries())

    def shown_texts(self) -> list[tuple[FieldPath, str]]:
        """Every text drawn on screen, with its field path inside the scene."""
        return list(_texts(self, ()))

    @model_validator(mode="after")
    def _needs_time(self) -> SceneBase:
        if self.duration is None and not self.has_any_narration():
            raise refuse("a scene without narration needs a `duration`; add `narration:` or `duration:` (seconds)")
        return self


def _texts(value: Any, path: FieldPath) -> Iterator[tuple[FieldPath, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list | tuple):
        for k, item in enumerate(value):
            yield from _texts(item, (*path, k))
    elif isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            if name == "type" or NOT_SHOWN in info.metadata:
                continue
            yield from _texts(getattr(value, name), (*path, name))


# --- the registry ------------------------------------------------------------------------

SCENE_TYPES: dict[str, type[SceneBase]] = {}
"""Scene type name -> its model, in registration order (the order messages list them in)."""

_USERS: list[type[BaseModel]] = []  # models with a SceneField, rebuilt when a type is added
S = TypeVar("S", bound=type[SceneBase])
M = TypeVar("M", bound=type[BaseModel])


def type_name(model: type[SceneBase]) -> str:
    """The `type:` value of a scene model (its `type` field is a one-value Literal)."""
    field = model.model_fields.get("type")
    args: tuple[object, ...] = getattr(field.annotation, "__args__", ()) if field else ()
    name = args[0] if len(args) == 1 else None
    if not isinstance(name, str):
        raise TypeError(f"{model.__name__} needs a field `type: Literal['name']`")
    return name


def scene_type(model: S) -> S:
    """Class decorator: make `model` a scene type the script accepts (``type: <name>``)."""
    name = type_name(model)
    if name in SCENE_TYPES and SCENE_TYPES[name] is not model:
        raise ValueError(f"scene type {name!r} is already registered ({SCENE_TYPES[name].__name__})")
    SCENE_TYPES[name] = model
    _rebuild_users()
    return model


def unregister_scene_type(model: type[SceneBase]) -> None:
    """Remove a scene type (tests that register their own clean up with this)."""
    if SCENE_TYPES.get(type_name(model)) is model:
        del SCENE_TYPES[type_name(model)]
        _rebuild_users()


def uses_scene_types(model: M) -> M:
    """Class decorator for a model with a :class:`SceneField`: rebuilt when a scene type is added."""
    _USERS.append(model)
    return model


def _rebuild_users() -> None:
    for user in _USERS:
        user.model_rebuild(force=True)


class _SceneUnion:
    """A field holding one scene: a union of every registered type, told apart by `type`."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        models = tuple(SCENE_TYPES.values())
        if len(models) == 1:
            return handler.generate_schema(models[0])
        union: Any = Annotated[Union[models], Field(discriminator="type")]  # noqa: UP007 - built at run time
        return handler.generate_schema(union)


# To the type checker a scene field holds a SceneBase (it does: one of its registered subclasses).
if TYPE_CHECKING:
    SceneField = SceneBase
else:
    SceneField = _SceneUnion
