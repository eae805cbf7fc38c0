"""Narration drives timing: from measured phrase lengths to scene lengths and cue times.

Nothing here guesses how long speech lasts; it is given each phrase's measured
seconds and lays phrases, scenes and element cues on a frame-exact timeline.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from contract.job import SceneJob
from contract.scene_types import LEGAL_CHARS_PER_SECOND
from contract.script import SceneBase, Script
from render.caption_lines import cut_timings
from render.narration import split_phrases
from render.spoken import Mark, SpokenCue, cue_offset, measured, prefix_of, speech_id, strip_cues

LEAD_IN = 0.6  # seconds before the first word: the entrance transition plays here
PHRASE_GAP = 0.25  # between sentences of one beat
BEAT_GAP = 0.5  # between beats
TAIL = 1.0  # after the last word: let it land, then the exit transition
FIRST_CUE = 0.3  # when no beat starts the first element (builders show it from the first frame anyway)
TRANSITION = float(SceneJob.model_fields["transition_seconds"].default)
APPEAR = 1.0  # an element's entrance animation, at most (then it is readable)
AFTER_TITLE = 1.2  # an element without its own beat follows the previous one after this
MIN_SHOW = 1.8  # the last element stays at least this long on screen
READING_WORDS_PER_SECOND = 3.5  # a viewer reading the screen (about 210 words a minute)


@dataclass
class Beat:
    """A run of narration tied to one element of a scene (or to the scene itself)."""

    text: str
    element: int | None  # index into the scene's cue list, or None for the scene's own words
    phrases: list[str] = field(default_factory=list)  # without their cues
    speaker: str | None = None  # the cast member speaking (None: the script's voice)
    marks: list[list[Mark]] = field(default_factory=list)  # per phrase: its cues and their offsets


@dataclass
class TimedPhrase:
    text: str
    start: float  # seconds from the scene's start
    seconds: float
    speaker: str | None = None

    @property
    def key(self) -> str:
        """Its recording's key (see :func:`render.spoken.speech_id`)."""
        return speech_id(self.text, self.speaker)


@dataclass
class SceneTiming:
    frame_count: int
    cues: list[float]
    phrases: list[TimedPhrase]
    acting: list[SpokenCue] = field(default_factory=list)  # narration cues at the time the voice reaches them


def cue_count(scene: SceneBase) -> int:
    return len(scene.cues())


def on_screen_words(scene: SceneBase) -> int:
    """How many words a viewer reads in this scene (every text it shows but its legal band)."""
    return sum(len(re.findall(r"\w+", text)) for path, text in scene.shown_texts() if path[:1] != ("legal",))


def legal_seconds(scene: SceneBase) -> float:
    """How long the scene's legal band must be on screen to be read (20 characters a second)."""
    chars = sum(len(m.text) for m in scene.legal_mentions())
    return chars / LEGAL_CHARS_PER_SECOND


def scene_beats(scene: SceneBase) -> list[Beat]:
    """The scene's narration, in speaking order, each beat tagged with the element it introduces."""
    own = [Beat(text, None, speaker=scene.narrator()) for text in scene.narration_beats()]
    entries = scene.entries()
    if entries:
        # a list scene: entry k starts cue k + 1
        has_own = [bool(entry.narration and entry.narration.strip()) for entry in entries]
        if any(has_own):
            beats = own + [
                Beat(e.narration or "", k + 1, speaker=scene.entry_narrator(k))
                for k, e in enumerate(entries)
                if has_own[k]
            ]
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
    # a spoken legal mention is read after everything else the scene says
    beats += [Beat(m.text, None, speaker=scene.narrator()) for m in scene.legal_mentions() if m.spoken]
    for beat in beats:
        beat.phrases, beat.marks = _clean_phrases(beat.text)
    return [beat for beat in beats if beat.phrases]


def _clean_phrases(text: str) -> tuple[list[str], list[list[Mark]]]:
    """The beat's phrases without their cues, and each phrase's cues; a cue alone joins its neighbour."""
    phrases: list[str] = []
    marks: list[list[Mark]] = []
    pending: list[Mark] = []
    for raw in split_phrases(text):
        clean, own = strip_cues(raw)
        if not clean:  # only cues: they happen as the next phrase starts
            pending += [(0, name) for _, name in own]
            continue
        phrases.append(clean)
        marks.append([(0, name) for _, name in pending] + own)
        pending = []
    if pending and phrases:  # cues after the last words: as the voice stops
        marks[-1] += [(len(phrases[-1]), name) for _, name in pending]
    return phrases, marks


def _phrase_cues(beat: Beat, index: int, start: float, seconds: dict[str, float]) -> list[SpokenCue]:
    """The cues of phrase `index` of `beat`, at the time the voice reaches each."""
    text = beat.phrases[index]
    marks = beat.marks[index] if index < len(beat.marks) else []
    return [
        SpokenCue(round(start + cue_offset(seconds, text, offset, beat.speaker), 4), name, beat.speaker)
        for offset, name in marks
    ]


def _phrase_seconds(seconds: dict[str, float], text: str, speaker: str | None) -> float:
    known = measured(seconds, text, speaker)
    if known is None:
        raise KeyError(speech_id(text, speaker))
    return known


@dataclass
class _Speech:
    """The beats laid end to end: each phrase's start, the actors' cues, when each beat starts."""

    phrases: list[TimedPhrase] = field(default_factory=list)
    acting: list[SpokenCue] = field(default_factory=list)
    beat_starts: list[tuple[Beat, float]] = field(default_factory=list)
    end: float = LEAD_IN


def _lay_out_speech(beats: list[Beat], seconds: dict[str, float]) -> _Speech:
    speech = _Speech()
    t = LEAD_IN
    for b, beat in enumerate(beats):
        if b:
            t += BEAT_GAP
        speech.beat_starts.append((beat, t))
        for p, text in enumerate(beat.phrases):
            if p:
                t += PHRASE_GAP
            length = _phrase_seconds(seconds, text, beat.speaker)
            speech.phrases.append(TimedPhrase(text, round(t, 4), length, beat.speaker))
            speech.acting += _phrase_cues(beat, p, t, seconds)
            t += length
    speech.end = t
    return speech


def _cues_started_by_beats(count: int, speech: _Speech) -> list[float | None]:
    """Each element's cue where a beat starts it (the first beat for it wins); None elsewhere."""
    cues: list[float | None] = [None] * count
    for beat, start in speech.beat_starts:
        if beat.element is not None and beat.element < count and cues[beat.element] is None:
            cues[beat.element] = start
    if cues[0] is None:
        cues[0] = FIRST_CUE
    return cues


def _spread_entries(cues: list[float | None], speech: _Speech) -> None:
    """List scenes whose items have no beats of their own: spread them over the speech."""
    count = len(cues)
    first = speech.beat_starts[0][1]
    span = max(speech.end - first, 0.8 * (count - 1))
    step = span / (count - 1) if count > 1 else 0
    for k in range(1, count):
        cues[k] = first + 0.3 + step * (k - 1)


def _resolve_cues(cues: list[float | None]) -> list[float]:
    """Elements still without a cue follow the previous one; cues never go back in time."""
    for k in range(1, len(cues)):
        if cues[k] is None:
            previous = cues[k - 1]
            assert previous is not None
            cues[k] = previous + AFTER_TITLE
    resolved: list[float] = []
    for cue in cues:
        assert cue is not None
        resolved.append(round(max(cue, resolved[-1] if resolved else 0.0), 4))
    return resolved


def time_scene(
    scene: SceneBase, beats: list[Beat], seconds: dict[str, float], fps: int, minimum: float | None
) -> SceneTiming:
    """Lay the beats' phrases out and derive the element cues and the frame count.

    `seconds` maps phrase text → measured seconds of its audio.
    """
    speech = _lay_out_speech(beats, seconds)
    cues = _cues_started_by_beats(cue_count(scene), speech)
    if scene.entries() and all(c is None for c in cues[1:]) and beats:
        _spread_entries(cues, speech)
    resolved = _resolve_cues(cues)
    length = scene_length(scene, speech.end, resolved, minimum)
    return SceneTiming(
        frame_count=math.ceil(length * fps - 1e-6), cues=resolved, phrases=speech.phrases, acting=speech.acting
    )


def scene_length(scene: SceneBase, speech_end: float, cues: list[float], minimum: float | None) -> float:
    """Seconds: the voice, the last element's time on screen, reading time, a `duration`."""
    # a text-heavy scene with little narration stays long enough to be read
    reading = cues[0] + on_screen_words(scene) / READING_WORDS_PER_SECOND + TAIL
    # the legal band is fully there once the entrance is over, and must stay long enough to read
    legal = TRANSITION + legal_seconds(scene) + TRANSITION if scene.legal_mentions() else 0.0
    return max(speech_end + TAIL, cues[-1] + last_hold(scene, minimum), reading, legal, minimum or 0.0, 2.0)


def last_hold(scene: SceneBase, minimum: float | None) -> float:
    """Seconds from the last cue to the clip's end: at least `MIN_SHOW`, or, for a scene that
    holds its last element (a closing's address), its entrance, `hold_seconds` readable, and the
    exit transition; a `duration` given in the script replaces that hold."""
    if scene.hold_seconds is None or minimum is not None:
        return MIN_SHOW
    return APPEAR + scene.hold_seconds + TRANSITION


def all_speech(script: Script) -> list[tuple[str, str | None]]:
    """Every (text, speaker) to synthesise: each phrase, the words before each mid-phrase cue, and
    the words that time each place where a caption may start inside a phrase
    (:func:`render.caption_lines.cut_timings`): both are timed by measured speech."""
    items: list[tuple[str, str | None]] = []
    for scene in script.scenes:
        for beat in scene_beats(scene):
            for text, marks in zip(beat.phrases, beat.marks, strict=True):
                items.append((text, beat.speaker))
                items += [(p, beat.speaker) for p in (prefix_of(text, o) for o, _ in marks) if p]
                items += [(words, beat.speaker) for _, words, _ in cut_timings(text, script.language)]
    return list(dict.fromkeys(items))


def all_phrases(script: Script) -> list[str]:
    """Every phrase of the script (written form), in order."""
    return [text for scene in script.scenes for beat in scene_beats(scene) for text in beat.phrases]
