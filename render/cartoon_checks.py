"""Checks on the cartoon parts of a script: cast, styles and look options, settings, props, cues, speakers.

Each unknown name is reported at its own field with the closest known names
(:class:`scenes.cartoon.UnknownName`), so `--check` says `file:line:col field: message; did you mean ...`.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import ValidationError

from contract.errors import EnvironmentProblem, InputError
from contract.problems import Problem
from contract.scene_types.cast import CastLook, CharacterPlacement, PropPlacement, character_name
from contract.script import SceneBase, Script
from render.script_yaml import Document, Path_
from render.spoken import cue_names_in


def check_cartoon(script: Script, doc: Document) -> list[Problem]:
    """Every cartoon name in the script is known; each problem at its own field."""
    problems: list[Problem] = []
    for name, member in script.cast.items():
        problems += _look(name, member, doc)
        problems += _voice(script, name, doc)
    for i, scene in enumerate(script.scenes):
        problems += _scene(script, i, scene, doc)
    return problems


def _unknown(doc: Document, path: Path_, error: InputError, key: bool = False) -> Problem:
    return doc.problem(path, error.message, error.hint, key=key)


def _look(name: str, member: CastLook, doc: Document) -> list[Problem]:
    from scenes.cartoon import UnknownName, style_info
    from scenes.cartoon.names import check_name

    where: Path_ = ("cast", name)
    try:
        info = style_info(member.style)
    except UnknownName as error:
        return [_unknown(doc, (*where, "style"), error)]
    problems: list[Problem] = []
    for option, value in member.look.items():
        try:
            check_name(f"{member.style} look option", option, info.options)
            check_name(f"{member.style} {option}", str(value), info.options[option])
        except UnknownName as error:
            problems.append(_unknown(doc, (*where, "look", option), error, key=option not in info.options))
    return problems


def _voice(script: Script, name: str, doc: Document) -> list[Problem]:
    from render.engines import ENGINES, engine_for

    member = script.cast[name]
    if member.voice is None:
        return []
    voice = member.voice_over(script.voice)
    where: Path_ = ("cast", name, "voice")
    if voice.engine not in ENGINES:
        return [
            doc.problem(
                (*where, "engine"),
                f"unknown voice engine {voice.engine!r}",
                f"use one of: {', '.join(sorted(ENGINES))}",
            )
        ]
    if getattr(ENGINES[voice.engine], "needs_model", False):
        return []  # its voice is a file: the loader's file checks read it (render/engines/piper.py)
    try:
        engine_for(voice.engine).choose_voice(script.language, voice.id, voice.rate)
    except InputError as error:
        return [doc.problem((*where, "id") if voice.id else where, error.message, error.hint)]
    except EnvironmentProblem as error:  # the engine is not installed: exit 1, saying where it is asked for
        raise EnvironmentProblem(str(doc.problem((*where, "engine"), error.message)), error.hint) from None
    except ValidationError:
        return []
    return []


def _cast_name(script: Script, name: str, path: Path_, doc: Document) -> list[Problem]:
    from scenes.cartoon import UnknownName

    if name in script.cast:
        return []
    error = UnknownName("cast name", name, script.cast)
    hint = error.hint or "define the character under `cast:` at the top of the script"
    return [doc.problem(path, error.message if script.cast else f"{name!r} is not in the script's `cast:`", hint)]


def _characters(script: Script, i: int, scene: SceneBase, doc: Document) -> Iterator[Problem]:
    from scenes.cartoon import EXPRESSIONS, UnknownName
    from scenes.cartoon.names import check_name

    where: Path_ = ("scenes", i)
    ref = scene.character
    name = character_name(ref)
    if name is not None:
        path: Path_ = (*where, "character", "name") if isinstance(ref, CharacterPlacement) else (*where, "character")
        yield from _cast_name(script, name, path, doc)
        if isinstance(ref, CharacterPlacement):
            try:
                check_name("expression", ref.expression, EXPRESSIONS)
            except UnknownName as error:
                yield _unknown(doc, (*where, "character", "expression"), error)
    names = getattr(scene, "characters", None)
    if isinstance(names, list):
        for k, who in enumerate(names):
            yield from _cast_name(script, who, (*where, "characters", k), doc)
            if who in names[:k]:
                yield doc.problem((*where, "characters", k), f"{who!r} is listed twice", "list each character once")
        for k, line in enumerate(getattr(scene, "lines", [])):
            if line.who not in names:
                yield _unknown(doc, (*where, "lines", k, "who"), UnknownName("speaker", line.who, names))
            if line.expression is not None:
                try:
                    check_name("expression", line.expression, EXPRESSIONS)
                except UnknownName as error:
                    yield _unknown(doc, (*where, "lines", k, "expression"), error)


def _things(i: int, scene: SceneBase, doc: Document) -> Iterator[Problem]:
    from scenes.cartoon import SETTINGS, UnknownName, find_prop
    from scenes.cartoon.names import check_name

    where: Path_ = ("scenes", i)
    setting = scene.setting
    if setting is not None:
        try:
            check_name("setting", setting, SETTINGS)
        except UnknownName as error:
            yield _unknown(doc, (*where, "setting"), error)
    for k, ref in enumerate(getattr(scene, "props", None) or []):
        name = ref.name if isinstance(ref, PropPlacement) else ref
        try:
            find_prop(name)
        except UnknownName as error:
            yield _unknown(
                doc, (*where, "props", k, "name") if isinstance(ref, PropPlacement) else (*where, "props", k), error
            )


def spoken_texts(scene: SceneBase) -> Iterator[tuple[Path_, str]]:
    """Every narration text of a scene with its path inside the scene."""
    if isinstance(scene.narration, str):
        yield ("narration",), scene.narration
    elif isinstance(scene.narration, list):
        for k, beat in enumerate(scene.narration):
            if isinstance(beat, str):
                yield ("narration", k), beat
            else:
                yield ("narration", k, "text"), beat.text
    elif scene.narration is not None:  # one recorded beat, {text, audio}
        yield ("narration", "text"), scene.narration.text
    field = scene.entries_field
    for k, entry in enumerate(getattr(scene, field) if field else []):
        for name in ("narration", "say"):
            text = getattr(entry, name, None)
            if isinstance(text, str):
                yield (field, k, name), text  # type: ignore[misc]


def _cues(i: int, scene: SceneBase, doc: Document) -> Iterator[Problem]:
    from scenes.cartoon import CUES, UnknownName

    for path, text in spoken_texts(scene):
        for _, name in cue_names_in(text):
            if name.lower() not in CUES:
                error = UnknownName("cue", name, CUES)
                yield doc.problem(("scenes", i, *path), f"[{name}]: {error.message}", error.hint)


def _scene(script: Script, i: int, scene: SceneBase, doc: Document) -> list[Problem]:
    return [*_characters(script, i, scene, doc), *_things(i, scene, doc), *_cues(i, scene, doc)]
