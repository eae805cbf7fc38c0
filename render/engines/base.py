"""Speech engines: a small Protocol, a registry filled by `@speech_engine`, and shared synthesis.

Adding an engine is one module in this package (a class decorated with
``@speech_engine("name")``) and one import line in ``render/engines/__init__.py``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

import numpy as np

from contract.speech_timings import SpeechTimings
from render.narration import read_wav, trim_bounds, write_wav


@dataclass(frozen=True)
class VoiceChoice:
    engine: str
    voice_id: str
    language: str
    rate: int
    engine_version: str
    key_id: str = ""  # what stands for `voice_id` in cache keys when that is a machine's path (piper)


@dataclass(frozen=True)
class VoiceInfo:
    """One voice as `render voices` lists it."""

    engine: str
    voice_id: str
    languages: tuple[str, ...]
    quality: str  # a class, not a score: "formant", "hmm", "neural (medium)", ...
    licence: str


class SpeechEngine(Protocol):
    name: str

    def choose_voice(self, language: str, voice_id: str | None, rate: int) -> VoiceChoice:
        """Resolve the voice; raise InputError when none fits."""

    def synthesize(self, voice: VoiceChoice, items: list[tuple[str, Path]]) -> Sequence[SpeechTimings | None] | None:
        """Write one WAV per (spoken text, path); an engine that knows when it says each word or
        phoneme returns those timings per item (seconds from the start of the WAV it wrote, word
        offsets into the spoken text), else None."""


ENGINES: dict[str, type[SpeechEngine]] = {}
E = TypeVar("E", bound=type)


def speech_engine(name: str) -> Callable[[E], E]:
    """Register an engine class under the name scripts give as `voice: {engine: NAME}`."""

    def register(cls: E) -> E:
        ENGINES[name] = cls
        return cls

    return register


def engine_for(name: str) -> SpeechEngine:
    return ENGINES[name]()


def synthesize_trimmed(
    engine: SpeechEngine, voice: VoiceChoice, items: list[tuple[str, Path]], work: Path
) -> list[SpeechTimings | None]:
    """Synthesise to temporary files in `work`, trim silence, write each to its path; return each
    item's timings (shifted by the leading silence cut, clipped to the trimmed audio) or None."""
    raw = [(text, work / f"raw-{i}-{os.getpid()}.wav") for i, (text, _) in enumerate(items)]
    timings: list[SpeechTimings | None] = []
    try:
        given = engine.synthesize(voice, raw)
        found = list(given) if given is not None else [None] * len(items)
        for (_, raw_path), (_, final), own in zip(raw, items, found, strict=True):
            samples, rate = read_wav(raw_path)
            start, end = trim_bounds(samples, rate) if voice.engine != "silent" else (0, int(samples.size))
            samples = samples[start:end]
            if samples.size == 0:
                samples = np.zeros(int(0.1 * rate), dtype=np.int16)
            write_wav(final, samples, rate)
            timings.append(own.shifted(start / rate, samples.size / rate) if own is not None else None)
    finally:
        for _, raw_path in raw:
            raw_path.unlink(missing_ok=True)
    return timings
