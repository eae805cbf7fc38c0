"""The `pyttsx3` engine: pyttsx3 driving espeak-ng, offline (the default)."""

from __future__ import annotations

import atexit
import ctypes
import os
import re
import shutil
import subprocess
import threading
import wave
from functools import cache
from pathlib import Path
from typing import Any

from contract.errors import EnvironmentProblem, InputError
from render.engines.base import VoiceChoice, VoiceInfo, speech_engine


@speech_engine("pyttsx3")
class Pyttsx3Engine:
    """pyttsx3 driving espeak-ng, offline."""

    name = "pyttsx3"

    def choose_voice(self, language: str, voice_id: str | None, rate: int) -> VoiceChoice:
        voices = espeak_voices()
        if voice_id:
            if voice_id not in voices:
                import difflib

                close = difflib.get_close_matches(voice_id, list(voices), n=3, cutoff=0.5)
                hint = f"; closest: {', '.join(close)}" if close else ""
                raise InputError(f"unknown voice id {voice_id!r}{hint} (run `render --voices` to list them)")
            return VoiceChoice(self.name, voice_id, language, rate, espeak_version())
        chosen = best_voice(language, voices)
        if chosen is None:
            raise InputError(
                f"no espeak-ng voice speaks {language!r}; use a supported language "
                "(run `render --voices`) or `voice: {engine: silent}`"
            )
        return VoiceChoice(self.name, chosen, language, rate, espeak_version())

    def synthesize(self, voice: VoiceChoice, items: list[tuple[str, Path]]) -> None:
        _pyttsx3_engine()  # loads libespeak-ng, or says what to install
        for text, path in items:
            _room_for_speech(path.parent)
            # a phrase without audio was the cancel race below; saying it again stays as a guard
            for attempt in range(SPEECH_ATTEMPTS):
                if _speak_to_file(voice, text, path):
                    break
                if attempt == SPEECH_ATTEMPTS - 1:
                    raise EnvironmentProblem(
                        f"espeak-ng produced no audio for the phrase {text[:60]!r}",
                        hint="check that espeak-ng works: espeak-ng -w /tmp/t.wav hello",
                    )


# look before speaking, so that a full disk is reported as such rather than as a failed
# phrase (a phrase is a few hundred kB at most)
ROOM_FOR_A_PHRASE = 4 * 1024 * 1024


def _room_for_speech(folder: Path) -> None:
    free = shutil.disk_usage(folder).free
    if free < ROOM_FOR_A_PHRASE:
        raise EnvironmentProblem(
            f"the disk holding {folder} is full ({free // 1024} kB free): no room for the narration",
            hint="free some space, or put the cache on another disk with --cache-dir DIR (or $RENDER_CACHE_DIR)",
        )


# Root cause of the speech that changed under load (issue 8): pyttsx3's `runAndWait` ends
# its loop with `stop()`, which calls espeak's `Cancel()` whenever espeak's own thread looks
# busy, and espeak looks busy for a moment after every command (its inactivity check). A
# Cancel drops queued work and resets the rate to the one saved at the last Synth, so on a
# busy machine a phrase now and then came out at another rate, or not at all. So we drive
# espeak-ng through pyttsx3's own binding (`pyttsx3.drivers._espeak`) without that loop:
# voice, rate and volume, then the text, queued in this order, nothing ever cancelled, and
# the samples collected from espeak's callback until it says the phrase is finished.
SPEECH_ATTEMPTS = 3
SPEECH_TIMEOUT = 120.0  # seconds for one phrase; espeak-ng needs milliseconds
ESPEAK_SAMPLE_RATE = 22050  # what espeak-ng's voices synthesise; pyttsx3 writes the same


class _PhraseCollector:
    """espeak's synth callback: gathers one phrase's samples, then signals the end."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.finished = threading.Event()

    def __call__(self, wav: Any, sample_count: int, events: Any) -> int:
        from pyttsx3.drivers import _espeak

        if sample_count > 0:
            self.chunks.append(ctypes.string_at(wav, sample_count * ctypes.sizeof(ctypes.c_short)))
        index = 0
        while events[index].type != _espeak.EVENT_LIST_TERMINATED:
            if events[index].type == _espeak.EVENT_MSG_TERMINATED:
                self.finished.set()
            index += 1
        return 0


def _speak_to_file(voice: VoiceChoice, text: str, path: Path) -> bool:
    """Say `text` into `path` (written whole or not at all); False when espeak gave no audio."""
    from pyttsx3.drivers import _espeak

    collector = _PhraseCollector()
    _espeak.Synchronize()  # nothing of an earlier phrase is still queued or running
    _espeak.SetSynthCallback(collector)
    # the voice applies at once (hence the Synchronize above); rate and volume are queued
    # ahead of the text, and espeak's queue keeps that order
    if _espeak.SetVoiceByName(voice.voice_id.encode()) != _espeak.EE_OK:
        raise EnvironmentProblem(f"espeak-ng cannot load the voice {voice.voice_id!r}", hint="run `render voices`")
    _espeak.SetParameter(_espeak.RATE, voice.rate, 0)
    _espeak.SetParameter(_espeak.VOLUME, 100, 0)
    _espeak.Synth(text.encode(), flags=_espeak.ENDPAUSE | _espeak.CHARS_UTF8)
    done = collector.finished.wait(SPEECH_TIMEOUT)
    _espeak.Synchronize()
    samples = b"".join(collector.chunks)
    if not done or not samples:
        return False
    partial = path.with_name(path.name + ".partial")
    with wave.open(str(partial), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(ESPEAK_SAMPLE_RATE)
        wav.writeframes(samples)
    os.replace(partial, path)
    return True


@cache
def _pyttsx3_engine():  # type: ignore[no-untyped-def]
    if shutil.which("espeak-ng") is None and not Path("/usr/lib/x86_64-linux-gnu/libespeak-ng.so.1").exists():
        raise EnvironmentProblem(
            "espeak-ng is not installed",
            hint="install it: sudo apt-get install espeak-ng (or use `voice: {engine: silent}` for a draft)",
        )
    try:
        import pyttsx3

        engine = pyttsx3.init()
        # release it while the interpreter is intact (its __del__ fails at shutdown otherwise)
        atexit.register(_pyttsx3_engine.cache_clear)
        return engine
    except Exception as error:  # pyttsx3 raises bare OSError/RuntimeError when libespeak is missing
        raise EnvironmentProblem(
            f"cannot start the speech engine: {error}", hint="install espeak-ng: sudo apt-get install espeak-ng"
        ) from None


@cache
def espeak_voices() -> dict[str, tuple[str, ...]]:
    """voice id -> language tags (lower case)."""
    engine = _pyttsx3_engine()
    voices: dict[str, tuple[str, ...]] = {}
    for voice in engine.getProperty("voices"):
        langs = tuple(
            (lang.decode() if isinstance(lang, bytes) else str(lang)).lower().lstrip("\x05")
            for lang in (voice.languages or [])
        )
        voices[voice.id] = langs
    return voices


def best_voice(language: str, voices: dict[str, tuple[str, ...]]) -> str | None:
    """The voice for a BCP-47 tag: exact tag, else the base language's main voice."""
    tag = language.lower()
    base = tag.split("-")[0]
    for vid, langs in voices.items():
        if tag in langs:
            return vid
    # `fr` → the voice whose id ends in "/fr" (France), else any "fr-*" voice
    for vid in voices:
        if vid.rsplit("/", 1)[-1] == base:
            return vid
    for vid, langs in voices.items():
        if any(lang.split("-")[0] == base for lang in langs):
            return vid
    return None


@cache
def espeak_version() -> str:
    try:
        out = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    match = re.search(r"(\d+\.\d+[\w.-]*)", out)
    return match.group(1) if match else "unknown"


def list_voices() -> list[VoiceInfo]:
    """espeak-ng's voices (pyttsx3's engine)."""
    licence = "GPL-3.0-or-later (espeak-ng); the speech it makes is yours to use"
    return [VoiceInfo("pyttsx3", vid, langs, "formant (robotic)", licence) for vid, langs in espeak_voices().items()]
