"""Captions from the narration's real timing, to the BBC's and Netflix's rules.

:func:`plan_cues` is the one place where spoken phrases become the final cues; the sidecar
.srt/.vtt files and the burned-in captions (render/burn.py) all show its cues. Its rules:

- at most 2 lines of 42 characters, broken at natural places (render/caption_lines.py);
- each cue on screen from 1 s to 7 s, starting when its first word is spoken;
- at most 20 characters a second (see :func:`reading_chars`);
- a cue may stay up into the pause after it, until `MIN_GAP` before the next cue and never past
  the video's end; a gap shorter than `CHAIN` is closed to `MIN_GAP`, so captions do not flicker;
- a cue is a run of words of one scene and one voice: a phrase, short phrases merged when that
  lets them be read in time, or part of a phrase too long for one cue (or too fast alone), cut
  at its best break; a part starts when the voice reaches its first word, known from measured
  speech (the words before it, or after a clause mark the words after it: see
  :func:`render.caption_lines.cut_timings`), else from its share of the phrase's characters.

When a cue still goes too fast, the narration itself is faster than it can be read: the plan
says so (`CuePlan.warnings`), with a voice rate that would make it readable.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import srt

from contract.script import Voice
from render.caption_lines import FORBIDDEN, MAX_LINES, break_score, layout, lines_of
from render.narration import CAPTION_LINE

MIN_SECONDS = 1.0
MAX_SECONDS = 7.0
MAX_CPS = 20.0  # characters a second (Netflix's adult programmes; the BBC's 160-180 words a minute)
MIN_GAP = 0.084  # seconds between two cues: 2 frames at 24 fps, more at 25, 30 or 60 (a draft's too)
CHAIN = 0.5  # a shorter gap between two cues is closed to MIN_GAP (Netflix: 12 frames)
LINGER = 0.5  # a cue stays this long after its words when the pause allows
TOLERANCE = 0.001  # seconds of reading time a cue may lack (its times are to the millisecond)
MERGE_COST = 0.3  # two phrases in one cue (each cost is in units of MISSING_COST's)
MID_PHRASE_CUT = 2.0  # a cue that starts inside a phrase, plus twice its break's score
GUESSED_TIME = 1.0  # ... and more where the words before it were not measured (timed by characters)
MISSING_COST = 100.0  # a cue that cannot be read in time: merging is always worth it
LAYOUT_COST = 0.05
FRAGMENT = 24  # characters: a shorter part of a phrase is a flash on screen ...
FRAGMENT_COST = 0.05  # ... costing this per character it lacks
SLOWEST_RATE = next(int(m.ge) for m in Voice.model_fields["rate"].metadata if hasattr(m, "ge"))


@dataclass(frozen=True)
class Cue:
    """One caption: on screen from `start` to `end` (seconds in the video); `text` is its lines
    joined by line breaks (the planner's), or one line that :func:`wrap` breaks."""

    start: float
    end: float
    text: str


def reading_chars(text: str) -> int:
    """Characters a viewer reads in a cue, as Netflix counts them: every character of the text,
    spaces and punctuation included, line breaks excluded."""
    return len(text.replace("\n", ""))


def cps(cue: Cue) -> float:
    """The cue's reading speed in characters a second (:func:`reading_chars`)."""
    return reading_chars(cue.text) / max(cue.end - cue.start, 1e-9)


@dataclass(frozen=True)
class SpokenPhrase:
    """A phrase as the voice says it: its text, when it starts in the video and how long it lasts,
    who says it and where, and the offsets in its text whose time is known from measured speech."""

    text: str
    start: float
    seconds: float
    scene: int = 0
    where: str = ""  # the scene as warnings name it: 'scenes[2] (bullets "Nos priorités")'
    speaker: str | None = None  # a cast member, or None for the script's voice
    rate: int = int(Voice.model_fields["rate"].default)  # the voice's words a minute (0: a recording)
    known: tuple[tuple[int, float], ...] = ()  # (character offset, seconds from `start`)

    def time_at(self, offset: int) -> float:
        """Seconds from `start` at which the voice reaches `offset`: between known points, in
        proportion to the characters."""
        points = sorted({(0, 0.0), (len(self.text), self.seconds), *self.known})
        offsets, times = [p[0] for p in points], [p[1] for p in points]
        for k in range(1, len(times)):  # speech never goes back
            times[k] = min(max(times[k], times[k - 1]), self.seconds)
        k = min(max(bisect_right(offsets, offset) - 1, 0), len(offsets) - 2)
        span = offsets[k + 1] - offsets[k]
        share = (offset - offsets[k]) / span if span else 0.0
        return times[k] + (times[k + 1] - times[k]) * min(max(share, 0.0), 1.0)


@dataclass(frozen=True)
class TooFast:
    """Captions of one scene and voice that cannot be read in time, and the rate that would fix it."""

    scene: int
    where: str
    speaker: str | None
    rate: int
    count: int
    worst_cps: float
    shortest: float  # seconds on screen of the shortest of them
    text: str  # the worst cue
    suggested_rate: int

    def __str__(self) -> str:
        if self.speaker is None:
            setting = f"voice: {{rate: {self.suggested_rate}}}"
        else:
            setting = f"cast: {{{self.speaker}: {{voice: {{rate: {self.suggested_rate}}}}}}}"
        said = f"{self.speaker}'s voice" if self.speaker else "the voice"
        problems = []
        if self.worst_cps > MAX_CPS:
            problems.append(f"up to {self.worst_cps:.1f} characters a second (at most {MAX_CPS:g} can be read)")
        if self.shortest < MIN_SECONDS:
            problems.append(f"one on screen only {self.shortest:.2f} s (at least {MIN_SECONDS:g} s)")
        if not self.rate:
            advice = "the recording is faster than it can be read: record it slower, or shorten the narration"
        elif self.suggested_rate >= SLOWEST_RATE:
            advice = f"slow {said} from {self.rate} to about {self.suggested_rate} words a minute: {setting}"
        else:
            advice = f"even {SLOWEST_RATE} words a minute is too fast: shorten the narration"
        return (
            f"{self.where}: {self.count} caption(s) too fast to read, {' and '.join(problems)}, "
            f"e.g. {self.text.replace(chr(10), ' ')!r}; {advice}"
        )


@dataclass(frozen=True)
class CuePlan:
    """The final cues of a video, and what could not be made readable."""

    cues: list[Cue]
    warnings: list[TooFast] = field(default_factory=list)


@dataclass(frozen=True)
class _Word:
    """One word of the narration: when the voice reaches it, and what a cue cut before it costs."""

    text: str
    start: float  # seconds in the video
    after: float  # when the voice is past it: the next word's start, or its phrase's end
    phrase: SpokenPhrase
    first: bool  # the first word of its phrase
    cut: float  # the cost of a cue starting here (0 at a phrase's start)


def _words(phrases: Sequence[SpokenPhrase], language: str) -> list[_Word]:
    words: list[_Word] = []
    for phrase in phrases:
        text = phrase.text
        offsets = [m.start() for m in re.finditer(r"\S+", text)]
        known = {offset for offset, _ in phrase.known}
        for k, offset in enumerate(offsets):
            word = text[offset:].split(" ", 1)[0]
            after = phrase.time_at(offsets[k + 1]) if k + 1 < len(offsets) else phrase.seconds
            if k == 0:
                cut = 0.0
            else:
                then = text[offsets[k + 1] :].split(" ", 1)[0] if k + 1 < len(offsets) else ""
                cut = MID_PHRASE_CUT + 2 * break_score(words[-1].text, word, language, then)
                cut += 0.0 if offset in known else GUESSED_TIME
            words.append(_Word(word, phrase.start + phrase.time_at(offset), phrase.start + after, phrase, k == 0, cut))
    return words


@dataclass(frozen=True)
class _Choice:
    cost: float
    cue: Cue
    missing: float  # seconds of reading time it lacks
    speech: float  # seconds of speech it shows
    pause: float  # seconds it stays after its speech (negative: it ends before its last word)
    phrase: SpokenPhrase  # the phrase of its first words


def _window(words: Sequence[_Word], i: int, j: int, end: float, gap: float, language: str) -> _Choice | None:
    """Words i..j-1 (of one scene and voice) as one cue, or None when they do not fit one."""
    group = words[i:j]
    first, last = group[0], group[-1]
    text = " ".join(w.text for w in group)
    found = layout(text, language)
    start, speech_end = first.start, last.after
    if len(group) > 1 and (found is None or speech_end - start > MAX_SECONDS):
        return None
    lines = found[0] if found else tuple(lines_of(text, language))
    upper = min(start + MAX_SECONDS, end)
    next_start = words[j].start if j < len(words) else None
    if next_start is not None:
        upper = min(upper, next_start - gap)
    chars = reading_chars("\n".join(lines))
    need = max(MIN_SECONDS, chars / MAX_CPS)
    want = max(speech_end + LINGER, start + need)
    if next_start is not None and next_start - gap - want < CHAIN:
        want = next_start - gap  # chained: no flicker of an empty screen
    stop = min(want, upper)
    if stop <= start:  # words closer than the gap (not from real speech): keep a sliver
        stop = start + max((next_start if next_start is not None else end) - start, 0.002) / 2
    if next_start is not None:  # the gap holds between the times as written, to the millisecond
        stop = min(stop, round(round(next_start, 3) - gap, 3))  # rounded as the next cue's start is
    cue = Cue(round(start, 3), round(max(stop, start + 0.001), 3), "\n".join(lines))
    missing = max(0.0, need - (cue.end - cue.start))  # as a viewer gets it: to the millisecond
    merges = sum(1 for w in group[1:] if w.first)
    part = not first.first or (j < len(words) and not words[j].first)  # of a phrase cut in cues
    cost = (
        MISSING_COST * missing
        + MERGE_COST * merges
        + LAYOUT_COST * (found[1] if found else FORBIDDEN)
        + first.cut
        + (FRAGMENT_COST * max(0, FRAGMENT - len(text)) if part else 0.0)
    )
    return _Choice(cost, cue, missing, speech_end - start, stop - speech_end, first.phrase)


def plan_cues(phrases: Sequence[SpokenPhrase], end: float, language: str = "", gap: float = MIN_GAP) -> CuePlan:
    """The final cues of a video whose narration is `phrases` (in order) and which lasts `end`
    seconds, and the captions that stay too fast to read (see the module's rules).

    A cue is a run of words of one scene and one voice: a phrase, a part of one, or a few merged.
    They are chosen by a dynamic programme over the words: the plan lacks the least reading time,
    then cuts phrases least (and at their best breaks, where the time is measured), then merges
    them least.
    """
    words = _words(phrases, language)
    n = len(words)
    voice = [(w.phrase.scene, w.phrase.speaker) for w in words]
    run_end = [n] * n  # a cue never takes words of another scene or voice
    for k in range(n - 2, -1, -1):
        run_end[k] = run_end[k + 1] if voice[k] == voice[k + 1] else k + 1
    cost = [0.0] + [math.inf] * n  # of the best cues for words[:j]
    last: list[tuple[int, _Choice] | None] = [None] * (n + 1)  # its last cue, and where it starts
    for i in range(n):
        length = -1
        for j in range(i + 1, run_end[i] + 1):
            length += len(words[j - 1].text) + 1
            if length > MAX_LINES * CAPTION_LINE + 1 and j > i + 1:
                break
            choice = _window(words, i, j, end, gap, language)
            if choice is not None and cost[i] + choice.cost < cost[j]:
                cost[j], last[j] = cost[i] + choice.cost, (i, choice)
    chosen: list[_Choice] = []
    j = n
    while (step := last[j]) is not None:
        j, choice = step
        chosen.insert(0, choice)
    return CuePlan([c.cue for c in chosen], _warnings(chosen))


def _warnings(chosen: Sequence[_Choice]) -> list[TooFast]:
    """One warning per scene and voice whose cues stay too fast, with a rate that fixes them all
    (speech time taken as proportional to 1 / rate; the pauses do not change)."""
    found: dict[tuple[int, str | None], list[tuple[_Choice, SpokenPhrase]]] = {}
    for choice in chosen:
        if choice.missing > TOLERANCE:
            found.setdefault((choice.phrase.scene, choice.phrase.speaker), []).append((choice, choice.phrase))
    warnings = []
    for (scene, speaker), items in found.items():
        phrase = items[0][1]
        rates = []
        for choice, said in items:
            shown = choice.cue.end - choice.cue.start
            need = shown + choice.missing
            # the speech stretches by rate / new rate, the pause stays: speech * r / r' + pause >= need
            rates.append(said.rate * choice.speech / max(need - choice.pause, 1e-6))
        worst = max(items, key=lambda item: cps(item[0].cue))[0].cue
        warnings.append(
            TooFast(
                scene=scene,
                where=phrase.where or f"scenes[{scene}]",
                speaker=speaker,
                rate=phrase.rate,
                count=len(items),
                worst_cps=math.ceil(cps(worst) * 10 - 1e-6) / 10,  # 20.04 is "20.1": over the limit
                shortest=math.floor(min(c.cue.end - c.cue.start for c, _ in items) * 100 + 1e-6) / 100,
                text=worst.text,
                suggested_rate=int(min(rates) // 5 * 5),
            )
        )
    return warnings


def wrap(text: str, width: int = CAPTION_LINE, language: str = "") -> str:
    """A cue's lines joined by line breaks: the planner's own breaks when `text` has them, else at
    most two lines of `width` broken at the best place (see render/caption_lines.py)."""
    return "\n".join(lines_of(text, language, width))


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
