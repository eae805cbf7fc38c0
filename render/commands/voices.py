"""`render voices [LANG ...]`: every installed engine's voices (language, quality, licence), and the
default one for each language."""

from __future__ import annotations

from pathlib import Path

import click

from contract.errors import EnvironmentProblem
from render.commands._common import CONTEXT, finish
from render.engines.base import VoiceInfo


def _installed_voices() -> tuple[list[VoiceInfo], list[str]]:
    """The voices of each engine on this machine, and a line for each engine that is not."""
    from render.engines import espeak, pico, piper
    from render.loader import find_project_root

    voices: list[VoiceInfo] = []
    missing: list[str] = []
    try:
        voices += espeak.list_voices()
    except EnvironmentProblem as error:
        missing.append(f"pyttsx3: {error.message} ({error.hint})")
    voices += pico.list_voices() or []
    if not pico.installed():
        missing.append(f"pico: not installed ({pico.INSTALL_HINT})")
    found = piper.list_voices(find_project_root(Path.cwd()))
    voices += found
    if not found:
        missing.append("piper: no voice file (.onnx with its .onnx.json) in this project, or piper-tts not installed")
    return voices, missing


def print_voices(languages: list[str]) -> None:
    wanted = [lang.lower().split("-")[0] for lang in languages]
    voices, missing = _installed_voices()
    for voice in sorted(voices, key=lambda v: (v.engine != "pyttsx3", v.engine, v.voice_id)):
        if wanted and not any(lang.split("-")[0] in wanted for lang in voice.languages):
            continue
        tags = ", ".join(voice.languages)
        click.echo(f"{voice.voice_id:28} {tags:16} {voice.engine:8} {voice.quality:20} {voice.licence}")
    for line in missing:
        click.echo(f"({line})")
    if any(v.engine == "pyttsx3" for v in voices):
        from render.engines.espeak import best_voice, espeak_voices

        for lang in languages:
            click.echo(f"default for {lang}: {best_voice(lang, espeak_voices())}")


@click.command(context_settings=CONTEXT)
@click.argument("languages", nargs=-1)
def voices(languages: tuple[str, ...]) -> None:
    """List the speech voices of every installed engine (only those of LANGUAGES when given, e.g. fr en-GB):
    id, languages, engine, quality class, licence."""
    finish(lambda: print_voices(list(languages)))
