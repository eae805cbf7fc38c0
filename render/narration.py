"""Speech: text → phrases → WAV files with measured durations.

The engines that speak are in :mod:`render.engines`. The unit of speech is a *phrase* (a sentence,
or a clause of a long sentence), so caption cues start exactly when the voice
does: each phrase is synthesised alone and its real length measured.
"""

from __future__ import annotations

import re
import wave
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from contract.errors import EnvironmentProblem

if TYPE_CHECKING:
    pass

SAMPLE_RATE = 22050
CAPTION_LINE = 42  # characters per caption line (broadcast convention)
CAPTION_MAX = 2 * CAPTION_LINE


# --- text --------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\s\u00a0]+(?=[^\s])")
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+")


def split_sentences(text: str) -> list[str]:
    """The sentences of a text, spaces normalised (a long one stays whole: see split_phrases)."""
    return [s.strip() for s in _SENTENCE_END.split(" ".join(text.split())) if s.strip()]


def split_phrases(text: str) -> list[str]:
    """Split narration into phrases: sentences, and long sentences at clause marks."""
    phrases: list[str] = []
    for sentence in split_sentences(text):
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
    start, end = trim_bounds(samples, rate, margin)
    return samples[start:end]


def trim_bounds(samples: np.ndarray, rate: int, margin: float = 0.02) -> tuple[int, int]:
    """The samples :func:`trim_silence` keeps: [start, end)."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 300)
    if loud.size == 0:
        return 0, int(samples.size)
    pad = int(margin * rate)
    return max(0, int(loud[0]) - pad), min(int(samples.size), int(loud[-1]) + pad + 1)


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()
