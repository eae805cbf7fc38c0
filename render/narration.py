"""Speech: text → phrases → WAV files with measured durations.

Engines sit behind a small Protocol with a registry (`ENGINES`); adding one is
one class and one registry line. The unit of speech is a *phrase* (a sentence,
or a clause of a long sentence), so caption cues start exactly when the voice
does: each phrase is synthesised alone and its real length measured.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import math
import os
import re
import shutil
import subprocess
import threading
import wave
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from contract.errors import EnvironmentProblem, InputError

if TYPE_CHECKING:
    from contract.script import Script

SAMPLE_RATE = 22050
CAPTION_LINE = 42  # characters per caption line (broadcast convention)
CAPTION_MAX = 2 * CAPTION_LINE


# --- text --------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\s\u00a0]+(?=[^\s])")
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+")


def split_phrases(text: str) -> list[str]:
    """Split narration into phrases: sentences, and long sentences at clause marks."""
    text = " ".join(text.split())
    phrases: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        sentence = sentence.strip()
        if not sentence:
            continue
        if len(sentence) <= CAPTION_MAX:
            phrases.append(sentence)
            continue
        phrases.extend(_split_long(sentence))
    return phrases


def _split_long(sentence: str) -> list[str]:
    """Group clauses greedily so each phrase fits one two-line caption when it can."""
    parts = _CLAUSE_END.split(sentence)
    grouped: list[str] = []
    for part in parts:
        if grouped and len(grouped[-1]) + 1 + len(part) <= CAPTION_MAX:
            grouped[-1] = f"{grouped[-1]} {part}"
        else:
            grouped.append(part)
    # a clause shorter than a few words sounds odd alone: glue it to its neighbour
    merged: list[str] = []
    for part in grouped:
        if merged and (len(part) < 16 or len(merged[-1]) < 16):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged


_DIGIT_GROUP = re.compile(r"(?<=\d)[\u00a0\u202f ](?=\d{3}\b)")


def spoken_form(text: str, lexicon: dict[str, str]) -> str:
    """What the voice reads: the lexicon applied (whole words), typography made speakable."""
    words = sorted((w for w in lexicon if w), key=len, reverse=True)  # longest first; "" matches nothing
    if words:
        # one pass, replaced literally: a value is never scanned again (values that hold other
        # keys cannot expand without end) and never read as a template (a backslash stays one)
        pattern = re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(w) for w in words)})(?!\w)")
        text = pattern.sub(lambda match: lexicon[match.group(0)], text)
    text = _DIGIT_GROUP.sub("", text)  # "12 500" is one number, not "douze cinq cents"
    text = text.replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return text


def estimate_seconds(text: str, rate_wpm: int) -> float:
    """Speech length estimate for the silent engine: words at `rate`, plus punctuation pauses."""
    words = max(1, len(re.findall(r"\w+", text)))
    pauses = len(re.findall(r"[,;:]", text)) * 0.15
    return round(words * 60.0 / rate_wpm + pauses + 0.1, 3)


# --- engines -----------------------------------------------------------------------------


@dataclass(frozen=True)
class VoiceChoice:
    engine: str
    voice_id: str
    language: str
    rate: int
    engine_version: str


class SpeechEngine(Protocol):
    name: str

    def choose_voice(self, language: str, voice_id: str | None, rate: int) -> VoiceChoice:
        """Resolve the voice; raise InputError when none fits."""

    def synthesize(self, voice: VoiceChoice, items: list[tuple[str, Path]]) -> None:
        """Write one WAV per (spoken text, path)."""


class SilentEngine:
    """No audio: silent tracks whose lengths are estimated from the words and rate."""

    name = "silent"

    def choose_voice(self, language: str, voice_id: str | None, rate: int) -> VoiceChoice:
        return VoiceChoice("silent", "silent", language, rate, "1")

    def synthesize(self, voice: VoiceChoice, items: list[tuple[str, Path]]) -> None:
        for text, path in items:
            write_wav(path, np.zeros(int(estimate_seconds(text, voice.rate) * SAMPLE_RATE), dtype=np.int16))


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
            _speak_to_file(engine, voice, text, path)


# pyttsx3 starts espeak-ng in its asynchronous mode: `Synth` and `SetParameter` (the rate) are
# queued to espeak's own thread, while `SetVoiceByName` applies at once, and `runAndWait`
# returns about 10 ms after queueing the text, whether or not the WAV has been written. On a
# busy machine that thread lags, so (1) the file was read while missing or half-written, or a
# retry's new driver collected the tail of the previous run, and (2) a voice change landed in
# the middle of queued work, giving other samples. So: drain the queue before touching the
# voice, and wait until espeak has finished and written the file before reading it.
SPEECH_TIMEOUT = 120.0  # seconds for one phrase; espeak-ng needs milliseconds


def _speak_to_file(engine: Any, voice: VoiceChoice, text: str, path: Path) -> None:
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
    if not done or not _complete_wav(path):
        raise EnvironmentProblem(
            f"espeak-ng produced no audio for the phrase {text[:60]!r}",
            hint="check that espeak-ng works: espeak-ng -w /tmp/t.wav hello",
        )


def _complete_wav(path: Path) -> bool:
    """True when the file is a WAV holding every frame its header announces."""
    try:
        with wave.open(str(path), "rb") as wav:
            expected = wav.getnframes() * wav.getnchannels() * wav.getsampwidth()
            return expected > 0 and len(wav.readframes(wav.getnframes())) == expected
    except (OSError, EOFError, wave.Error):
        return False


ENGINES: dict[str, type[SpeechEngine]] = {"pyttsx3": Pyttsx3Engine, "silent": SilentEngine}


def engine_for(name: str) -> SpeechEngine:
    return ENGINES[name]()


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


def check_voice(script: Script) -> str | None:
    """A message when the script's voice cannot be had; None when fine."""
    try:
        engine_for(script.voice.engine).choose_voice(script.language, script.voice.id, script.voice.rate)
    except InputError as error:
        return error.message
    return None


# --- audio files -------------------------------------------------------------------------


def write_wav(path: Path, samples: np.ndarray, rate: int = SAMPLE_RATE) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.astype("<i2").tobytes())


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as wav:
        if wav.getsampwidth() != 2:
            raise EnvironmentProblem(f"unexpected WAV format in {path}")
        data = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
        channels = wav.getnchannels()
        rate = wav.getframerate()
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return data, rate


def trim_silence(samples: np.ndarray, rate: int, margin: float = 0.02) -> np.ndarray:
    """Cut leading and trailing silence so a phrase starts when its sound does."""
    if samples.size == 0:
        return samples
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 300)
    if loud.size == 0:
        return samples
    pad = int(margin * rate)
    return samples[max(0, loud[0] - pad) : min(samples.size, loud[-1] + pad + 1)]


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def synthesize_trimmed(engine: SpeechEngine, voice: VoiceChoice, items: list[tuple[str, Path]], work: Path) -> None:
    """Synthesise to temporary files in `work`, trim silence, write each to its path."""
    raw = [(text, work / f"raw-{i}-{os.getpid()}.wav") for i, (text, _) in enumerate(items)]
    try:
        engine.synthesize(voice, raw)
        for (_, raw_path), (_, final) in zip(raw, items, strict=True):
            samples, rate = read_wav(raw_path)
            if voice.engine != "silent":
                samples = trim_silence(samples, rate)
            if samples.size == 0:
                samples = np.zeros(int(0.1 * rate), dtype=np.int16)
            write_wav(final, samples, rate)
    finally:
        for _, raw_path in raw:
            raw_path.unlink(missing_ok=True)


def seconds_to_samples(seconds: float, rate: int = SAMPLE_RATE) -> int:
    return math.floor(seconds * rate + 0.5)
