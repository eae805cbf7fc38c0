"""The `pyttsx3` engine: pyttsx3 driving espeak-ng, offline (the default)."""

from __future__ import annotations

import atexit
import contextlib
import io
import re
import shutil
import subprocess
import threading
import time
import wave
from functools import cache
from pathlib import Path
from typing import Any

from contract.errors import EnvironmentProblem, InputError
from render.engines.base import VoiceChoice, speech_engine


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
        engine = _pyttsx3_engine()
        for text, path in items:
            _room_for_speech(path.parent)
            # espeak-ng now and then closes an empty file for a phrase (about one run in a few
            # hundred, seen under pytest); saying it again gives the phrase's usual samples
            for attempt in range(SPEECH_ATTEMPTS):
                if _speak_to_file(engine, voice, text, path):
                    break
                if attempt == SPEECH_ATTEMPTS - 1:
                    raise EnvironmentProblem(
                        f"espeak-ng produced no audio for the phrase {text[:60]!r}",
                        hint="check that espeak-ng works: espeak-ng -w /tmp/t.wav hello",
                    )


# espeak-ng writes the WAV from its own thread: on a full disk that thread fails and the
# phrase never finishes, so look before speaking (a phrase is a few hundred kB at most)
ROOM_FOR_A_PHRASE = 4 * 1024 * 1024


def _room_for_speech(folder: Path) -> None:
    free = shutil.disk_usage(folder).free
    if free < ROOM_FOR_A_PHRASE:
        raise EnvironmentProblem(
            f"the disk holding {folder} is full ({free // 1024} kB free): no room for the narration",
            hint="free some space, or put the cache on another disk with --cache-dir DIR (or $RENDER_CACHE_DIR)",
        )


# pyttsx3 starts espeak-ng in its asynchronous mode: `Synth` and `SetParameter` (the rate) are
# queued to espeak's own thread, while `SetVoiceByName` applies at once, and `runAndWait`
# returns about 10 ms after queueing the text, whether or not the WAV has been written. On a
# busy machine that thread lags, so (1) the file was read while missing or half-written, or a
# retry's new driver collected the tail of the previous run, and (2) a voice change landed in
# the middle of queued work, giving other samples. So: drain the queue before touching the
# voice, and wait until espeak has finished and written the file before reading it.
SPEECH_ATTEMPTS = 3
SPEECH_TIMEOUT = 120.0  # seconds for one phrase; espeak-ng needs milliseconds


def _speak_to_file(engine: Any, voice: VoiceChoice, text: str, path: Path) -> bool:
    """Say `text` into `path`; False when espeak finished without writing the phrase."""
    from pyttsx3.drivers import _espeak

    finished = threading.Event()

    def on_finished(name: str | None = None, completed: bool = True) -> None:
        finished.set()

    _espeak.Synchronize()  # nothing of an earlier phrase is still queued or running
    engine.setProperty("voice", voice.voice_id)
    engine.setProperty("rate", voice.rate)
    _espeak.Synchronize()  # the (queued) rate is applied before the text is
    token = engine.connect("finished-utterance", on_finished)
    try:
        # one run per file: queued save_to_file calls keep only the last file.
        # espeak writes WAV data whatever the name: name files by what they hold.
        path.unlink(missing_ok=True)
        engine.save_to_file(text, str(path))
        # pyttsx3 prints "Audio saved to ..." from espeak's thread, after runAndWait returns
        with contextlib.redirect_stdout(io.StringIO()):
            engine.runAndWait()
            done = finished.wait(SPEECH_TIMEOUT)
            _espeak.Synchronize()
    finally:
        engine.disconnect(token)
    return done and _wait_for_complete_wav(path)


def _wait_for_complete_wav(path: Path, seconds: float = 2.0) -> bool:
    """espeak closes the file from its own thread, just after it says the phrase is finished."""
    deadline = time.monotonic() + seconds
    while not _complete_wav(path):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def _complete_wav(path: Path) -> bool:
    """True when the file is a WAV holding every frame its header announces."""
    try:
        with wave.open(str(path), "rb") as wav:
            expected = wav.getnframes() * wav.getnchannels() * wav.getsampwidth()
            return expected > 0 and len(wav.readframes(wav.getnframes())) == expected
    except (OSError, EOFError, wave.Error):
        return False


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
