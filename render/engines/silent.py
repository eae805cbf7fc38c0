"""The `silent` engine: no audio, phrase lengths estimated from the words and the rate (drafts)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from render.engines.base import VoiceChoice, speech_engine
from render.narration import SAMPLE_RATE, estimate_seconds, write_wav


@speech_engine("silent")
class SilentEngine:
    """No audio: silent tracks whose lengths are estimated from the words and rate."""

    name = "silent"

    def choose_voice(self, language: str, voice_id: str | None, rate: int) -> VoiceChoice:
        return VoiceChoice("silent", "silent", language, rate, "1")

    def synthesize(self, voice: VoiceChoice, items: list[tuple[str, Path]]) -> None:
        for text, path in items:
            write_wav(path, np.zeros(int(estimate_seconds(text, voice.rate) * SAMPLE_RATE), dtype=np.int16))
