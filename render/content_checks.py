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

from contract.errors import InputError
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
    youtube_title_problem,
)
from render.script_yaml import Document, Path_

MAX_SPOKEN_CHARS = 600_000  # about 12 hours of speech, after the lexicon is applied
_MODEL_CHECKED = {("publish", "title"), ("publish", "description"), ("publish", "tags"), ("publish", "playlist")}


def check_raw(data: dict[str, Any], doc: Document) -> list[Problem]:
    """Checks on the raw data: control characters, icons, `publish_at`, the voice."""
    return [*_control_characters(data, doc), *_icons(data, doc), *_schedule(data, doc), *_voice(data, doc)]


def check_model(script: Script, brand: Brand, doc: Document) -> list[Problem]:
    """Checks that need the validated script (texts, the YouTube title, sizes)."""
    return [
        *_shown_texts(script, brand, doc),
        *_youtube_title(script, doc),
        *_spoken_size(script, doc),
        *_video_length(script, doc),
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
    from scenes.icons import find_icon

    problems: list[Problem] = []
    scenes = data.get("scenes")
    for i, scene in enumerate(scenes if isinstance(scenes, list) else []):
        if not isinstance(scene, dict) or scene.get("type") != "bullets" or not isinstance(scene.get("items"), list):
            continue
        for j, item in enumerate(scene["items"]):
            icon = item.get("icon") if isinstance(item, dict) else None
            if isinstance(icon, str) and icon.strip():
                try:
                    find_icon(icon)
                except UnknownIcon as error:
                    problems.append(doc.problem(("scenes", i, "items", j, "icon"), error.detail))
    return problems


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
    from render.narration import ENGINES, engine_for

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
    try:
        engine_for(voice.engine).choose_voice(language.strip(), voice.id, voice.rate)
    except InputError as error:
        return [doc.problem(("voice", "id") if voice.id else ("language",), error.message, error.hint)]
    return []


# --- the validated script -----------------------------------------------------------------


def shown_texts(script: Script) -> Iterator[tuple[Path_, str]]:
    """Every text the video shows, with its path in the script."""
    for i, scene in enumerate(script.scenes):
        for path, text in scene.shown_texts():
            yield ("scenes", i, *path), text


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
