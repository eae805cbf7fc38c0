"""Speech engines: a small Protocol, a registry filled by `@speech_engine`, and shared synthesis.

Adding an engine is one module in this package (a class decorated with
``@speech_engine("name")``) and one import line in ``render/engines/__init__.py``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

import numpy as np

from render.narration import read_wav, trim_silence, write_wav


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

    def synthesize(self, voice: VoiceChoice, items: list[tuple[str, Path]]) -> None:
        """Write one WAV per (spoken text, path)."""


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
