"""The `pyttsx3` engine: pyttsx3 driving espeak-ng, offline (the default)."""

from __future__ import annotations

import atexit
import contextlib
import json
import re
import shutil
import subprocess
import sys
import threading
from functools import cache
from pathlib import Path
from typing import Any

from contract.errors import EnvironmentProblem, InputError
from contract.speech_timings import SpeechTimings
from render.engines import espeak_phrases
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

    def synthesize(self, voice: VoiceChoice, items: list[tuple[str, Path]]) -> list[SpeechTimings | None]:
        _pyttsx3_engine()  # loads libespeak-ng, or says what to install
        timings: list[SpeechTimings | None] = []
        for text, path in items:
            _room_for_speech(path.parent)
            # a phrase without audio was the cancel race below; saying it again stays as a guard
            for attempt in range(SPEECH_ATTEMPTS):
                said = _speak_to_file(voice, text, path)
                if said is not None:
                    timings.append(said)
                    break
                if attempt == SPEECH_ATTEMPTS - 1:
                    raise EnvironmentProblem(
                        f"espeak-ng produced no audio for the phrase {text[:60]!r}",
                        hint="check that espeak-ng works: espeak-ng -w /tmp/t.wav hello",
                    )
        return timings


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
# voice, rate and volume, then the text, nothing ever cancelled, the samples collected from
# espeak's callback. And each phrase is said by a fresh espeak (render/engines/espeak_phrases.py):
# espeak carries state from one phrase to the next, so a phrase sounded different after another.
SPEECH_ATTEMPTS = 3
SPEECH_TIMEOUT = 120.0  # seconds for one phrase; espeak-ng needs milliseconds
ESPEAK_SAMPLE_RATE = espeak_phrases.SAMPLE_RATE  # what espeak-ng's voices synthesise; pyttsx3 writes the same


class _PhraseServer:
    """The espeak_phrases server of this process: started at the first phrase, ended at exit."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()

    def say(self, voice: VoiceChoice, text: str, path: Path) -> dict[str, Any]:
        request = {"voice": voice.voice_id, "rate": voice.rate, "text": text, "path": str(path)}
        request["timeout"] = SPEECH_TIMEOUT
        with self._lock:
            for _ in range(2):  # a server that died (killed, out of memory) is started again once
                proc = self._running()
                assert proc.stdin is not None and proc.stdout is not None
                try:
                    proc.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
                    proc.stdin.flush()
                    line = proc.stdout.readline()
                except (BrokenPipeError, OSError):
                    line = ""
                if line:
                    return dict(json.loads(line))
                self.close()
        return {"ok": False, "error": "the espeak-ng process stopped"}

    def _running(self) -> subprocess.Popen[str]:
        if self._proc is None or self._proc.poll() is not None:
            # -I: nothing from the environment or the script's folder (render/engines) on its path
            command = [sys.executable, "-I", str(Path(espeak_phrases.__file__))]
            self._proc = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1
            )
            atexit.register(self.close)
        return self._proc

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(OSError):
            if proc.stdin:
                proc.stdin.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


_server = _PhraseServer()


def _speak_to_file(voice: VoiceChoice, text: str, path: Path) -> SpeechTimings | None:
    """Say `text` into `path` (written whole or not at all) and return its timings; None when
    espeak gave no audio."""
    answer = _server.say(voice, text, path)
    if answer.get("voice"):
        raise EnvironmentProblem(f"espeak-ng cannot load the voice {voice.voice_id!r}", hint="run `render voices`")
    if not answer.get("ok"):
        return None
    words = [(int(a), int(b), int(c)) for a, b, c in answer["words"]]
    phonemes = [(int(a), str(b)) for a, b in answer["phonemes"]]
    return phrase_timings(words, phonemes, ESPEAK_SAMPLE_RATE, int(answer["samples"]))


def phrase_timings(
    events: list[tuple[int, int, int]], phoneme_events: list[tuple[int, str]], rate: int, total: int
) -> SpeechTimings:
    """Words (0-based offset, start, end) and phonemes in seconds of the untrimmed audio, from
    espeak's word events (1-based position, length, sample) and phoneme events (sample, name).
    A word starts at its first phoneme (espeak's word event comes before the closure of a "p"),
    and ends where the next word starts or at the first pause after it."""
    phonemes = sorted(phoneme_events)
    words = []
    for k, (position, _length, sample) in enumerate(events):
        following = events[k + 1][2] if k + 1 < len(events) else total
        own = [(s, n) for s, n in phonemes if sample <= s < following or (s == following == sample)]
        sounds = [s for s, n in own if not n.startswith("_")]
        start = sounds[0] if sounds else sample
        pauses = [s for s, n in own if n.startswith("_") and s > start]
        end = min([following, *pauses])
        words.append((position - 1, round(start / rate, 4), round(max(end, start) / rate, 4)))
    return SpeechTimings(tuple(words), tuple((round(s / rate, 4), n) for s, n in phonemes), "espeak")


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
