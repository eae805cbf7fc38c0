"""`render recording-script SCRIPT`: what the voice talent records, and under which file names.

Writes `OUT/<name>.recording-script.md` (printable: one numbered section per beat, its text and
its file name) and `OUT/<name>.recording-script.csv` (the same, for a spreadsheet). A beat that
already names its `audio` keeps that name; any other gets `FOLDER/NN.wav`, in speaking order,
ready to paste into the script as `{text: "…", audio: voix/03.wav}`. The recordings need not
exist yet: only the script's model is checked, not its files.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import click
from pydantic import ValidationError

from contract.errors import ScriptError
from contract.scene_types.base import RecordedBeat, SceneBase
from contract.script import Script
from render.commands._common import CONTEXT, finish
from render.model_problems import validation_problems
from render.script_yaml import parse_yaml
from render.timing import scene_beats


@dataclass(frozen=True)
class Take:
    """One beat to record."""

    number: int
    scene: int  # 1-based, as a person counts
    scene_type: str
    file: str  # relative to the script's folder
    text: str
    exists: bool
    own_beat: bool  # False: an item's or line's own words (under `engine: recorded`, move them into the list)


def _written_audio(scene: SceneBase) -> dict[str, str]:
    narration = scene.narration
    beats = [narration] if isinstance(narration, str | RecordedBeat) else list(narration or [])
    return {beat.text: beat.audio for beat in beats if isinstance(beat, RecordedBeat)}


def takes(script: Script, base: Path, folder: str) -> list[Take]:
    """Every beat the voice says, in order, with the file to record it under."""
    found: list[Take] = []
    for s, scene in enumerate(script.scenes, start=1):
        written = _written_audio(scene)
        own = set(scene.narration_beats())
        for beat in scene_beats(scene):
            number = len(found) + 1
            file = written.get(beat.text) or f"{folder.rstrip('/')}/{number:02d}.wav"
            text = " ".join(beat.phrases)  # without the [cues]: they are not said
            kind = str(getattr(scene, "type", "?"))
            found.append(Take(number, s, kind, file, text, (base / file).is_file(), beat.text in own))
    return found


def _pronunciations(script: Script, text: str) -> list[str]:
    lexicon = script.lexicon.items()
    return [f"{word} → « {said} »" for word, said in lexicon if re.search(rf"\b{re.escape(word)}\b", text)]


def markdown(script: Script, found: list[Take]) -> str:
    lines = [
        f"# {script.title} — recording script",
        "",
        f"Language: {script.language}. {len(found)} take(s). Record each take as its own file "
        "(WAV, FLAC or MP3), with a little silence before and after; say the text as written.",
        "",
    ]
    for take in found:
        state = "recorded" if take.exists else "to record"
        lines += [f"## {take.number:02d} · `{take.file}` · scene {take.scene} ({take.scene_type}) · {state}", ""]
        lines += [take.text, ""]
        lines += [f"- say {note}" for note in _pronunciations(script, take.text)]
        if not take.own_beat:
            lines.append("- in the script, move these words into the scene's `narration:` list as a {text, audio} beat")
        if lines[-1] != "":
            lines.append("")
    return "\n".join(lines)


def csv_text(found: list[Take]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["take", "scene", "scene type", "file", "text", "status"])
    for take in found:
        status = "recorded" if take.exists else "to record"
        writer.writerow([take.number, take.scene, take.scene_type, take.file, take.text, status])
    return out.getvalue()


def load_model(file: Path) -> Script:
    """The script's model only (its files, the recordings among them, may not exist yet)."""
    doc = parse_yaml(file, keep_going=True)
    if doc.problems:
        raise ScriptError(list(doc.problems))
    try:
        return Script.model_validate(doc.data)
    except ValidationError as error:
        raise ScriptError(validation_problems(error, doc, skip=doc.bad)) from None


def write_recording_script(file: Path, out: Path, folder: str) -> list[Path]:
    script = load_model(file)
    found = takes(script, file.resolve().parent, folder)
    out.mkdir(parents=True, exist_ok=True)
    written = [out / f"{file.stem}.recording-script.md", out / f"{file.stem}.recording-script.csv"]
    written[0].write_text(markdown(script, found), encoding="utf-8")
    written[1].write_text(csv_text(found), encoding="utf-8-sig")  # -sig: spreadsheets read the accents
    return written


@click.command("recording-script", context_settings=CONTEXT)
@click.argument("script", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("build"), show_default=True)
@click.option(
    "--folder", default="voix", show_default=True, help="folder (relative to the script) for the suggested file names"
)
def recording_script(script: Path, out: Path, folder: str) -> None:
    """Write the list of takes for the voice talent: OUT/<name>.recording-script.md and .csv."""

    def action() -> None:
        for path in write_recording_script(script, out, folder):
            click.echo(str(path))

    finish(action)
