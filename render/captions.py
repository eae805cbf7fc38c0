"""Captions from the narration's real timing: one cue per spoken phrase."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import srt

from render.narration import CAPTION_LINE


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def wrap(text: str, width: int = CAPTION_LINE) -> str:
    """Break a phrase into balanced lines of at most `width` characters."""
    lines = textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)
    if len(lines) == 2:  # balance two lines: the most even split at a space
        words = text.split()
        best = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))))
        first, second = " ".join(words[:best]), " ".join(words[best:])
        if max(len(first), len(second)) <= width:
            lines = [first, second]
    return "\n".join(lines)


def to_srt(cues: Sequence[Cue]) -> str:
    subtitles = [
        srt.Subtitle(
            index=i,
            start=timedelta(seconds=round(c.start, 3)),
            end=timedelta(seconds=round(c.end, 3)),
            content=wrap(c.text),
        )
        for i, c in enumerate(cues, start=1)
    ]
    composed: str = srt.compose(subtitles, reindex=False)  # the srt package ships no type hints
    return composed


def _vtt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(cues: Sequence[Cue], language: str) -> str:
    parts = [f"WEBVTT\nLanguage: {language}\n"]
    for i, c in enumerate(cues, start=1):
        parts.append(f"{i}\n{_vtt_time(c.start)} --> {_vtt_time(c.end)}\n{_vtt_escape(wrap(c.text))}\n")
    return "\n".join(parts)
