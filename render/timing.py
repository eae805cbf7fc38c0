"""Narration drives timing: from measured phrase lengths to scene lengths and cue times.

Nothing here guesses how long speech lasts; it is given each phrase's measured
seconds and lays phrases, scenes and element cues on a frame-exact timeline.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from contract.script import SceneBase, Script
from render.narration import split_phrases

LEAD_IN = 0.6  # seconds before the first word: the entrance transition plays here
PHRASE_GAP = 0.25  # between sentences of one beat
BEAT_GAP = 0.5  # between beats
TAIL = 1.0  # after the last word: let it land, then the exit transition
FIRST_CUE = 0.3
AFTER_TITLE = 1.2  # an element without its own beat follows the previous one after this
MIN_SHOW = 1.8  # the last element stays at least this long on screen
READING_WORDS_PER_SECOND = 3.5  # a viewer reading the screen (about 210 words a minute)


@dataclass
class Beat:
    """A run of narration tied to one element of a scene (or to the scene itself)."""

    text: str
    element: int | None  # index into the scene's cue list, or None for the scene's own words
    phrases: list[str] = field(default_factory=list)


@dataclass
class TimedPhrase:
    text: str
    start: float  # seconds from the scene's start
    seconds: float


@dataclass
class SceneTiming:
    frame_count: int
    cues: list[float]
    phrases: list[TimedPhrase]


def cue_count(scene: SceneBase) -> int:
    return len(scene.cues())


def on_screen_words(scene: SceneBase) -> int:
    """How many words a viewer reads in this scene (every text it shows)."""
    return sum(len(re.findall(r"\w+", text)) for _, text in scene.shown_texts())


def scene_beats(scene: SceneBase) -> list[Beat]:
    """The scene's narration, in speaking order, each beat tagged with the element it introduces."""
    own = [Beat(text, None) for text in scene.narration_beats()]
    entries = scene.entries()
    if entries:
        # a list scene: entry k starts cue k + 1
        has_own = [bool(entry.narration and entry.narration.strip()) for entry in entries]
        if any(has_own):
            beats = own + [Beat(e.narration or "", k + 1) for k, e in enumerate(entries) if has_own[k]]
        else:
            n = len(entries)
            offset = 1 if len(own) == n + 1 else 0
            if len(own) in (n, n + 1):
                for k, beat in enumerate(own[offset:]):
                    beat.element = k + 1
            beats = own
    else:
        beats = own
        for beat, element in zip(beats, scene.beat_elements(len(beats)), strict=True):
            beat.element = element
    for beat in beats:
        beat.phrases = split_phrases(beat.text)
    return [beat for beat in beats if beat.phrases]


def time_scene(
    scene: SceneBase, beats: list[Beat], seconds: dict[str, float], fps: int, minimum: float | None
) -> SceneTiming:
    """Lay the beats' phrases out and derive the element cues and the frame count.

    `seconds` maps phrase text → measured seconds of its audio.
    """
    phrases: list[TimedPhrase] = []
    beat_starts: list[tuple[Beat, float]] = []
    t = LEAD_IN
    for b, beat in enumerate(beats):
        if b:
            t += BEAT_GAP
        beat_starts.append((beat, t))
        for p, text in enumerate(beat.phrases):
            if p:
                t += PHRASE_GAP
            phrases.append(TimedPhrase(text, round(t, 4), seconds[text]))
            t += seconds[text]
    speech_end = t

    count = cue_count(scene)
    cues: list[float | None] = [None] * count
    for beat, start in beat_starts:
        if beat.element is not None and beat.element < count and cues[beat.element] is None:
            cues[beat.element] = start
    if cues[0] is None:
        cues[0] = FIRST_CUE
    # list scenes whose items have no beats of their own: spread them over the speech
    if scene.entries() and all(c is None for c in cues[1:]) and beats:
        first = beat_starts[0][1]
        span = max(speech_end - first, 0.8 * (count - 1))
        step = span / (count - 1) if count > 1 else 0
        for k in range(1, count):
            cues[k] = first + 0.3 + step * (k - 1)
    for k in range(1, count):
        if cues[k] is None:
            previous = cues[k - 1]
            assert previous is not None
            cues[k] = previous + AFTER_TITLE
    # cues never go back in time
    resolved: list[float] = []
    for cue in cues:
        assert cue is not None
        resolved.append(round(max(cue, resolved[-1] if resolved else 0.0), 4))

    # a text-heavy scene with little narration stays long enough to be read
    reading = resolved[0] + on_screen_words(scene) / READING_WORDS_PER_SECOND + TAIL
    length = max(speech_end + TAIL, resolved[-1] + MIN_SHOW, reading, minimum or 0.0, 2.0)
    return SceneTiming(frame_count=math.ceil(length * fps - 1e-6), cues=resolved, phrases=phrases)


def all_phrases(script: Script) -> list[str]:
    """Every phrase of the script (written form), in order."""
    return [text for scene in script.scenes for beat in scene_beats(scene) for text in beat.phrases]
