"""Word and phoneme timings a speech engine gives for one phrase, kept beside its WAV.

An engine that knows when it says each word and phoneme (espeak-ng's synth events, Piper's
alignments) reports them with the samples; the toolkit shifts them to the trimmed WAV and keeps
them as a JSON sidecar beside the cached WAV (``<key>.timings.json`` beside ``<key>.wav``), so they
are cached, and deterministic, exactly like the audio. Captions cut a phrase at the word times,
and characters' mouths take their shapes from the phonemes (see scenes/cartoon/lipsync.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

TIMINGS_SUFFIX = ".timings.json"


@dataclass(frozen=True)
class SpeechTimings:
    """Seconds from the start of the phrase's (trimmed) audio.

    `words`: (character offset of the word in the spoken text, start, end); `phonemes`: (start,
    name), each lasting until the next; `notation` says how phonemes are named: "espeak"
    (espeak-ng's mnemonics: ``p``, ``a``, ``A~``, ``_:`` for a pause) or "ipa" (Piper)."""

    words: tuple[tuple[int, float, float], ...] = ()
    phonemes: tuple[tuple[float, str], ...] = ()
    notation: str = "espeak"

    def shifted(self, by: float, duration: float) -> SpeechTimings:
        """The timings of the same audio with `by` seconds cut from its start, clipped to `duration`."""

        def clip(t: float) -> float:
            return min(max(round(t - by, 4), 0.0), duration)

        return SpeechTimings(
            tuple((o, clip(s), clip(e)) for o, s, e in self.words),
            tuple((clip(t), name) for t, name in self.phonemes),
            self.notation,
        )

    def to_json(self) -> str:
        data = {
            "notation": self.notation,
            "words": [list(w) for w in self.words],
            "phonemes": [list(p) for p in self.phonemes],
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> SpeechTimings:
        data = json.loads(text)
        return cls(
            tuple((int(o), float(s), float(e)) for o, s, e in data.get("words", [])),
            tuple((float(t), str(name)) for t, name in data.get("phonemes", [])),
            str(data.get("notation", "espeak")),
        )


def timings_path(wav: Path) -> Path:
    """Where a phrase's timings are kept: beside its WAV."""
    return wav.with_name(wav.stem + TIMINGS_SUFFIX)


def read_timings(wav: Path) -> SpeechTimings | None:
    """The timings kept beside `wav`, or None (an engine without timings, or a damaged file)."""
    try:
        return SpeechTimings.from_json(timings_path(wav).read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError):
        return None
