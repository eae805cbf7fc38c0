"""Checks on what a script says: texts, icons, the voice, the clock, and how big it gets.

Some read the raw data (so they run even when the model failed): control
characters anywhere, icon names, `publish_at` in the past, the voice. Others need
the validated model: texts with nothing visible or characters no font can draw
(asked of :func:`scenes.fonts.text_drawing_problem`, as the renderer does),
the YouTube title taken from the script's title, and the caps on spoken text and
on the video's planned length (estimated from the words, as the silent voice does).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError

from contract.errors import EnvironmentProblem, InputError
from contract.problems import Problem
from contract.scene_errors import UnknownIcon
from contract.script import (
    LANGUAGE_TAG,
    MAX_MINUTES,
    Brand,
    SceneBase,
    Script,
    Voice,
    control_character,
    legal_list,
    youtube_title_problem,
)
from render.cartoon_checks import check_cartoon
from render.script_yaml import Document, Path_, double_quoted

MAX_SPOKEN_CHARS = 600_000  # about 12 hours of speech, after the lexicon is applied
_MODEL_CHECKED = {("publish", "title"), ("publish", "description"), ("publish", "tags"), ("publish", "playlist")}


def check_raw(data: dict[str, Any], doc: Document) -> list[Problem]:
    """Checks on the raw data: control characters, icons, `publish_at`, the voice."""
    return [
        *_control_characters(data, doc),
        *_icons(data, doc),
        *_cut_sentences(data, doc),
        *_schedule(data, doc),
        *_voice(data, doc),
    ]


def check_model(script: Script, brand: Brand, doc: Document) -> list[Problem]:
    """Checks that need the validated script (texts, the YouTube title, sizes)."""
    return [
        *_shown_texts(script, brand, doc),
        *_youtube_title(script, doc),
        *_spoken_size(script, doc),
        *_video_length(script, doc),
        *check_cartoon(script, doc),
    ]


# --- raw data -----------------------------------------------------------------------------


def _strings(value: Any, path: Path_) -> Iterator[tuple[Path_, str, bool]]:
    """Every text in the data with its path; the flag is True for a field name."""
    if isinstance(value, str):
        yield path, value, False
    elif isinstance(value, list):
        for k, item in enumerate(value):
            yield from _strings(item, (*path, k))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key), str(key), True
            yield from _strings(item, (*path, key))


def _control_characters(data: dict[str, Any], doc: Document) -> list[Problem]:
    # NUL, escape, bell...: Pango and espeak misread them ("cannot recognize your color")
    problems: list[Problem] = []
    for path, text, is_key in _strings(data, ()):
        if path in _MODEL_CHECKED or path[:2] == ("publish", "tags"):
            continue  # YouTube's own rules, with their own words (contract.script.Publish)
        bad = control_character(text, allowed="\n\t")
        if bad:
            what = "field name" if is_key else "text"
            problems.append(
                doc.problem(path, f"this {what} holds a control character ({bad})", "remove it", key=is_key)
            )
    return problems


def _icons(data: dict[str, Any], doc: Document) -> list[Problem]:
    """Every `icon:` of every scene names a bundled icon (else: the closest names, English or French)."""
    from scenes.icons import find_icon

    problems: list[Problem] = []
    for path, value in _fields(data.get("scenes"), ("scenes",), "icon"):
        if isinstance(value, str) and value.strip():
            try:
                find_icon(value)
            except UnknownIcon as error:
                problems.append(doc.problem(path, error.detail))
    return problems


def _fields(value: Any, path: Path_, name: str) -> Iterator[tuple[Path_, Any]]:
    """Every field called `name` under `value`, with its path."""
    if isinstance(value, list):
        for k, item in enumerate(value):
            yield from _fields(item, (*path, k), name)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == name:
                yield (*path, key), item
            else:
                yield from _fields(item, (*path, key), name)


# A beat that ends like this is a whole sentence (or a deliberate pause), not a piece of one.
_SENTENCE_END = tuple(".!?…:;»)]\"'")
_COMMA = "in [ ], a comma separates beats"


def _cut_sentences(data: dict[str, Any], doc: Document) -> list[Problem]:
    """`narration: [En 1901, des agriculteurs fondent une caisse., ...]`: sentences cut at their commas.

    Only unquoted beats of a `[ ... ]` list are looked at (quoting is the fix). A beat is a
    piece of the sentence before it when that one does not end a sentence and this one starts
    in lower case; or, without that clue, when the scene has more beats than elements and
    joining the pieces gives no more sentences than elements.
    """
    problems: list[Problem] = []
    for path, beats in _narration_lists(data):
        if not _unquoted_flow_list(path, beats, doc):
            continue
        joins = [k for k in range(1, len(beats)) if not beats[k - 1].rstrip().endswith(_SENTENCE_END)]
        lower = [k for k in joins if beats[k][:1].islower()]
        if lower:
            sentences = _joined(beats, set(lower))
            cut = f'"{beats[lower[0] - 1]}" + "{beats[lower[0]]}"'
            message = (
                f"{_COMMA}, so this sentence was cut in two at its comma ({cut}): what appears would lag the voice"
            )
            problems.append(doc.problem((*path, lower[0]), message, _quote_each(path, sentences)))
            continue
        elements = _element_count(data, path)
        sentences = _joined(beats, set(joins))
        if joins and elements is not None and len(sentences) <= elements < len(beats):
            message = (
                f"{len(beats)} beats for {elements} elements on screen: {_COMMA}, "
                "so a sentence with a comma becomes two beats"
            )
            problems.append(doc.problem(path, message, _quote_each(path, sentences)))
    return problems


def _narration_lists(data: dict[str, Any]) -> Iterator[tuple[Path_, Any]]:
    """Each `narration:` under the scenes, and each language's one in `narration: {fr: [...], en: [...]}`."""
    for path, value in _fields(data.get("scenes"), ("scenes",), "narration"):
        if isinstance(value, dict):
            yield from (((*path, language), beats) for language, beats in value.items())
        else:
            yield path, value


def _unquoted_flow_list(path: Path_, beats: Any, doc: Document) -> bool:
    return (
        isinstance(beats, list)
        and len(beats) > 1
        and path in doc.flow_lists
        and all(isinstance(b, str) and b.strip() and (*path, k) in doc.plain for k, b in enumerate(beats))
    )


def _joined(beats: list[str], joins: set[int]) -> list[str]:
    """The beats with those at `joins` put back after the one before them, with their comma."""
    sentences: list[str] = []
    for k, beat in enumerate(beats):
        if k in joins and sentences:
            sentences[-1] += ", " + beat
        else:
            sentences.append(beat)
    return sentences


def _quote_each(path: Path_, sentences: list[str]) -> str:
    key = path[-1] if isinstance(path[-1], str) else "narration"  # `narration`, or a language: `fr`
    return f"put each sentence in double quotes, write it as: {key}: [{', '.join(map(double_quoted, sentences))}]"


def _element_count(data: dict[str, Any], path: Path_) -> int | None:
    """How many elements a scene's own narration beats bring in (None: not a scene's own list)."""
    from contract.scene_types import SCENE_TYPES

    scenes = data.get("scenes")
    if len(path) != 3 or not isinstance(scenes, list) or not isinstance(path[1], int):
        return None
    scene = scenes[path[1]]
    kind = scene.get("type") if isinstance(scene, dict) else None
    model = SCENE_TYPES.get(kind) if isinstance(kind, str) else None
    if model is None:
        return None
    entries = scene.get(model.entries_field) if model.entries_field else []
    if not isinstance(entries, list) or any(isinstance(e, dict) and e.get("narration") for e in entries):
        return None  # entries with their own narration: the scene's beats do not map onto them
    return len(model.cue_names) + len(entries)


def _schedule(data: dict[str, Any], doc: Document) -> list[Problem]:
    publish = data.get("publish")
    when = publish.get("publish_at") if isinstance(publish, dict) else None
    if when is None:
        return []
    try:
        moment = TypeAdapter(datetime).validate_python(when)
    except ValidationError:
        return []  # the model reports it
    if moment.tzinfo is not None and moment <= datetime.now(UTC):
        return [
            doc.problem(
                ("publish", "publish_at"),
                f"{moment.isoformat()} is in the past",
                "pick a future time or remove `publish_at`",
            )
        ]
    return []


def _voice(data: dict[str, Any], doc: Document) -> list[Problem]:
    """Is there a voice for this language (or this voice id)? Only when both are valid."""
    from render.engines import ENGINES, engine_for

    given = data.get("voice")
    engine = given.get("engine") if isinstance(given, dict) else None
    if isinstance(engine, str) and engine.strip() not in ENGINES:
        message = f"unknown voice engine {engine.strip()!r}"
        return [doc.problem(("voice", "engine"), message, f"use one of: {', '.join(sorted(ENGINES))}")]
    language = data.get("language", "en")
    if not isinstance(language, str) or not LANGUAGE_TAG.match(language.strip()):
        return []
    try:
        voice = Voice.model_validate(data.get("voice", {}))
    except ValidationError:
        return []
    if getattr(ENGINES[voice.engine], "needs_model", False):
        return []  # its voice is a file: the loader's file checks read it (render/engines/piper.py)
    try:
        engine_for(voice.engine).choose_voice(language.strip(), voice.id, voice.rate)
    except InputError as error:
        return [doc.problem(("voice", "id") if voice.id else ("language",), error.message, error.hint)]
    except EnvironmentProblem as error:  # the engine is not installed: still exit 1, but say where it is asked for
        where: Path_ = ("voice", "engine") if isinstance(given, dict) and "engine" in given else ("language",)
        raise EnvironmentProblem(str(doc.problem(where, error.message)), error.hint) from None
    return []


# --- the validated script -----------------------------------------------------------------


def shown_texts(script: Script) -> Iterator[tuple[Path_, str]]:
    """Every text the video shows, with its path in the script."""
    for i, scene in enumerate(script.scenes):
        for path, text in scene.shown_texts():
            yield ("scenes", i, *path), text
    for mention in legal_list(script.legal):  # the video-wide mention shows in every scene
        yield ("legal",), mention.text
    if script.publish is not None and script.publish.thumbnail_text:  # drawn on the thumbnail
        yield ("publish", "thumbnail_text"), script.publish.thumbnail_text


def _shown_texts(script: Script, brand: Brand, doc: Document) -> list[Problem]:
    """Texts the renderer could not draw: only invisible characters, characters no font has."""
    from scenes.fonts import text_drawing_problem

    problems: list[Problem] = []
    for path, text in shown_texts(script):
        if not text.strip() or control_character(text, allowed="\n\t"):
            continue  # empty optional text; control characters are reported on the raw data
        drawing = text_drawing_problem(text, brand.font, brand.font_file)
        if drawing:
            problems.append(doc.problem(path, drawing))
    return problems


def _youtube_title(script: Script, doc: Document) -> list[Problem]:
    """The script's title is the video's YouTube title when `publish.title` is not set."""
    if script.publish is not None and script.publish.title is not None:
        return []
    if control_character(script.title, allowed="\n\t"):
        return []  # already reported on the raw data
    problem = youtube_title_problem(script.title, check_length=False)  # a long one is cut to fit
    if problem is None:
        return []
    return [doc.problem(("title",), f"this is the YouTube title (no `publish.title`): {problem}")]


def _spoken_size(script: Script, doc: Document) -> list[Problem]:
    """Cap what the voice would read, counting each lexicon substitution once (one pass)."""
    lexicon = {k: v for k, v in script.lexicon.items() if k.strip()}
    pattern = (
        re.compile("|".join(rf"(?<!\w){re.escape(k)}(?!\w)" for k in sorted(lexicon, key=len, reverse=True)))
        if lexicon
        else None
    )
    written = spoken = 0
    for i, scene in enumerate(script.scenes):
        for text in _narration(scene):
            written += len(text)
            spoken += len(text)
            if pattern is not None:
                spoken += sum(len(lexicon[m.group(0)]) - len(m.group(0)) for m in pattern.finditer(text))
        if written > MAX_SPOKEN_CHARS:
            return [_too_much_speech(doc, ("scenes", i), written, "shorten the narration or split the script")]
    if spoken > MAX_SPOKEN_CHARS:
        return [_too_much_speech(doc, ("lexicon",), spoken, "make the lexicon's replacements shorter")]
    return []


def _too_much_speech(doc: Document, path: Path_, size: int, hint: str) -> Problem:
    message = f"the narration comes to {size:,} characters of speech; the limit is {MAX_SPOKEN_CHARS:,}"
    return doc.problem(path, message, hint)


def _narration(scene: SceneBase) -> Iterator[str]:
    yield from scene.narration_beats()
    for entry in scene.entries():
        if entry.narration:
            yield entry.narration


def _video_length(script: Script, doc: Document) -> list[Problem]:
    """Cap the planned length (`video.max_minutes`), estimating speech from words and rate."""
    from render.narration import estimate_seconds
    from render.timing import scene_beats, time_scene

    limit = script.video.max_minutes * 60
    fps = script.video.fps
    total = 0.0
    for i, scene in enumerate(script.scenes):
        beats = scene_beats(scene)
        seconds = {p: estimate_seconds(p, script.voice.rate) for beat in beats for p in beat.phrases}
        total += time_scene(scene, beats, seconds, fps, scene.duration).frame_count / fps
        if total > limit:
            message = (
                f"by the end of this scene the video lasts about {total / 60:.0f} minutes; "
                f"the limit is {script.video.max_minutes} (`video.max_minutes`)"
            )
            hint = f"shorten the script, or raise `video.max_minutes` (at most {MAX_MINUTES})"
            return [doc.problem(("scenes", i), message, hint)]
    return []
