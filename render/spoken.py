"""Cues in narration (`[wave]`, `[smile]`...): taken out of what is spoken and captioned, kept with their place.

A cue belongs to the phrase it sits in, at a character offset of the phrase's clean text.
Its time is when the voice reaches that offset: the phrase's start plus the measured length
of the spoken prefix (synthesised alone, in the same voice: it ends where the next word
starts). A cue at a phrase's start or end needs no extra speech.

Phrases spoken by a cast member are keyed by :func:`speech_id`, so the same words in two
voices are two recordings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

CUE = re.compile(r"\[\s*([^\[\]\s]+)\s*\]")
_SPEAKER_MARK = "\x1f"  # control characters are refused in scripts: no written text holds it

Mark = tuple[int, str]  # (offset in the phrase's clean text, cue name)


def _normal(text: str) -> str:
    return " ".join(text.split())


def strip_cues(text: str) -> tuple[str, list[Mark]]:
    """The text without its cues (spaces normalised), and each cue's offset in it."""
    parts = CUE.split(text)
    marks: list[Mark] = []
    prefix = ""
    for k, part in enumerate(parts):
        if k % 2:
            marks.append((len(_normal(prefix)), part.lower()))
        else:
            prefix += part + " "
    clean = _normal(prefix)
    return clean, [(min(offset, len(clean)), name) for offset, name in marks]


def cue_names_in(text: str) -> list[tuple[int, str]]:
    """(character position in `text`, name as written) of every cue."""
    return [(m.start(), m.group(1)) for m in CUE.finditer(text)]


def speech_id(text: str, speaker: str | None) -> str:
    """The key of a phrase's recording: its text, and who says it (None: the script's voice)."""
    return text if speaker is None else f"{speaker}{_SPEAKER_MARK}{text}"


def speaker_of(key: str) -> tuple[str | None, str]:
    """(speaker, text) of a :func:`speech_id`."""
    if _SPEAKER_MARK in key:
        speaker, text = key.split(_SPEAKER_MARK, 1)
        return speaker, text
    return None, key


def prefix_of(clean: str, offset: int) -> str | None:
    """The words before a mid-phrase cue (None when the cue is at the phrase's start or end)."""
    prefix = clean[:offset].strip()
    if not prefix or offset >= len(clean):
        return None
    return prefix


def measured(seconds: Mapping[str, float], text: str, speaker: str | None) -> float | None:
    """The measured seconds of `text` in `speaker`'s voice (or under its plain text), if known."""
    key = speech_id(text, speaker)
    if key in seconds:
        return seconds[key]
    return seconds.get(text)


def cue_offset(seconds: Mapping[str, float], clean: str, offset: int, speaker: str | None) -> float:
    """Seconds from the phrase's start at which the voice reaches `offset`."""
    whole = measured(seconds, clean, speaker) or 0.0
    prefix = prefix_of(clean, offset)
    if prefix is None:
        return 0.0 if offset == 0 or not clean[:offset].strip() else whole
    known = measured(seconds, prefix, speaker)
    if known is None:  # not synthesised (a length estimate): in proportion to the characters
        return whole * len(prefix) / max(len(clean), 1)
    return min(known, whole)


@dataclass(frozen=True)
class SpokenCue:
    """A cue at its time in the clip, for the character who says it (None: the scene's character)."""

    time: float
    name: str
    speaker: str | None
