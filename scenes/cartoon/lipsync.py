"""The mouth follows the narration: per video frame, closed, half or open, from the real audio.

Loudness per frame (RMS over a window centred on the frame) is compared with the
phrase's own speaking level, so a quiet voice opens its mouth as wide as a loud one.
Two thresholds per step (hysteresis) and a minimum hold keep the mouth from
flickering; silence (below the level `render/narration.py` trims at) closes it.

When the engine said when it speaks each phoneme (espeak-ng, Piper: the timings kept beside
the WAV, see contract/speech_timings.py), the mouth takes each phoneme's shape instead
(visemes): the styles draw three mouths, so m/b/p close it, open vowels (a, ɛ, the "a" of
"aI") open it, and everything else (f/v on the teeth, rounded o/u/w/y, e/i, consonants) is
half open; a bilabial anywhere in a frame closes it for that frame, however short, and
silence still closes it. Without timings (pico, recordings), loudness alone.
"""

from __future__ import annotations

import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from contract.speech_timings import SpeechTimings, read_timings

SILENCE = 300 / 32768  # the amplitude render/narration.py trims at: below it nobody speaks


@dataclass(frozen=True)
class MouthSettings:
    """Thresholds as fractions of the phrase's speaking level (its 90th-percentile frame loudness)."""

    open_half: float = 0.16  # closed -> half above this
    close_half: float = 0.09  # half -> closed below this
    open_full: float = 0.55  # half -> open above this
    close_full: float = 0.40  # open -> half below this
    hold_seconds: float = 0.06  # a state lasts at least this long (2 frames at 30 fps)
    window_seconds: float = 0.05  # loudness window around each frame


def read_wav(path: Path) -> tuple[NDArray[np.float32], int]:
    """Samples in -1..1 (mono, channels averaged) and the sample rate of a 16-bit PCM WAV."""
    with wave.open(str(path), "rb") as wav:
        if wav.getsampwidth() != 2:
            raise ValueError(f"{path}: expected 16-bit PCM audio")
        data = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.float32) / 32768
        channels, rate = wav.getnchannels(), wav.getframerate()
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1, dtype=np.float32)
    return data.astype(np.float32, copy=False), rate


def frame_loudness(
    samples: NDArray[np.float32], rate: int, fps: int, frame_count: int, start: float = 0.0
) -> NDArray[np.float64]:
    """RMS per video frame; the audio begins `start` seconds into the clip (zero outside it)."""
    half = max(1, int(MouthSettings().window_seconds * rate / 2))
    squares = np.concatenate([[0.0], np.cumsum(samples.astype(np.float64) ** 2)])
    centres = ((np.arange(frame_count) + 0.5) / fps - start) * rate
    lo = np.clip(np.round(centres - half).astype(np.int64), 0, samples.size)
    hi = np.clip(np.round(centres + half).astype(np.int64), 0, samples.size)
    width = np.maximum(hi - lo, 1)
    rms: NDArray[np.float64] = np.sqrt((squares[hi] - squares[lo]) / width)
    rms[hi <= lo] = 0.0
    return rms


def mouth_states(loudness: NDArray[np.float64], fps: int, settings: MouthSettings | None = None) -> tuple[str, ...]:
    """closed/half/open per frame from per-frame loudness, with hysteresis and a minimum hold."""
    s = settings or MouthSettings()
    voiced = loudness[loudness > SILENCE]
    level = float(np.percentile(voiced, 90)) if voiced.size else 1.0
    relative = loudness / max(level, 1e-9)
    hold = max(1, round(s.hold_seconds * fps))
    states: list[str] = []
    state, since = "closed", hold
    for value, raw in zip(relative, loudness, strict=True):
        wanted = state
        if raw <= SILENCE:
            wanted = "closed"
        elif state == "closed":
            wanted = "open" if value > s.open_full else "half" if value > s.open_half else "closed"
        elif state == "half":
            wanted = "open" if value > s.open_full else "closed" if value < s.close_half else "half"
        elif state == "open":
            wanted = "closed" if value < s.close_half else "half" if value < s.close_full else "open"
        # every change waits for the hold, a pause's too: a one-frame mouth is a flicker
        if wanted != state and since >= hold:
            state, since = wanted, 0
        since += 1
        states.append(state)
    return tuple(states)


# phonemes by shape: espeak-ng's mnemonics and Piper's IPA, matched on their first character
_CLOSED = frozenset("pbmɸβ")
_OPEN = frozenset("aAEVæɑɐɛ0ɒ")  # espeak: a, A: (start), E (ɛ), V (ʌ), 0 (ɒ); the diphthongs aI aU start open
_PAUSE = "_"


def viseme(phoneme: str) -> str:
    """The mouth (closed, half, open) a phoneme is said with."""
    first = phoneme[:1]
    if not first or first == _PAUSE:
        return "closed"
    if first in _CLOSED:
        return "closed"
    if first in _OPEN:
        return "open"
    return "half"  # f v (teeth), o u w y (rounded), e i @, the other consonants


def viseme_states(
    timings: SpeechTimings, fps: int, frame_count: int, start: float, duration: float
) -> list[str | None]:
    """Per frame, the shape of the phrase's phonemes there (None outside the phrase): a frame
    where a bilabial sounds is closed; else the shape of the phoneme sounding longest in it."""
    states: list[str | None] = [None] * frame_count
    phonemes = sorted(timings.phonemes)
    if not phonemes:
        return states
    spans = [
        (t, phonemes[k + 1][0] if k + 1 < len(phonemes) else duration, name) for k, (t, name) in enumerate(phonemes)
    ]
    first = max(0, int(start * fps))
    last = min(frame_count, int(np.ceil((start + duration) * fps)) + 1)
    for frame in range(first, last):
        lo, hi = frame / fps - start, (frame + 1) / fps - start
        if hi <= 0 or lo >= duration:
            continue
        shapes: dict[str, float] = {}
        lips = False
        for a, b, name in spans:
            overlap = min(b, hi) - max(a, lo)
            if overlap > 0:
                shapes[viseme(name)] = shapes.get(viseme(name), 0.0) + overlap
                lips = lips or name[:1] in _CLOSED
        if lips:
            states[frame] = "closed"
        elif shapes:  # the longest; a tie goes to the more closed shape (never to dict order)
            states[frame] = max(shapes, key=lambda shape: (shapes[shape], -MOUTH_ORDER.index(shape)))
    return states


MOUTH_ORDER = ("closed", "half", "open")


@dataclass(frozen=True)
class Phrase:
    """One spoken phrase: its WAV and when it starts in the clip (seconds)."""

    wav: Path
    start: float = 0.0


def mouth_track(
    phrases: Sequence[Phrase], fps: int, frame_count: int, settings: MouthSettings | None = None
) -> tuple[str, ...]:
    """The mouth state of every frame of a clip where `phrases` are spoken (closed elsewhere):
    visemes where the engine gave phoneme timings, loudness elsewhere; silence closes it."""
    total = np.zeros(frame_count)
    shaped: list[str | None] = [None] * frame_count
    for phrase in phrases:
        samples, rate = read_wav(phrase.wav)
        total = np.maximum(total, frame_loudness(samples, rate, fps, frame_count, phrase.start))
        timings = read_timings(phrase.wav)
        if timings is not None and timings.phonemes:
            own = viseme_states(timings, fps, frame_count, phrase.start, samples.size / rate)
            shaped = [o if o is not None else s for o, s in zip(own, shaped, strict=True)]
    loud = mouth_states(total, fps, settings)
    return tuple(
        "closed" if shape is not None and raw <= SILENCE else shape or state
        for shape, state, raw in zip(shaped, loud, total, strict=True)
    )
