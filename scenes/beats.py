"""The timing API scene types speak: beats at cues, and how they become frame-exact events.

A scene type returns one :class:`Beat` per element: the cue (seconds) at which it
starts appearing and how it animates. :func:`schedule` turns beats into
:class:`Event`\\ s counted in *frames*: an element's first frame is
``round(cue × fps)``, and its animation is clipped so it never runs past the next
later cue nor into the exit transition. :class:`TimedGroup` plays several
animations with their own start and end times inside one Manim ``play``;
:class:`Ticker` is a slow continuous motion (a zoom) kept going between beats.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from manim import Animation, AnimationGroup, Mobject, rate_functions

TimedAnimation = Animation | tuple[Animation, float, float]


@dataclass
class Beat:
    """One element: appears at `cue` (seconds), animated by `animate()` for about `seconds`.

    `animate` returns animations, or ``(animation, start, end)`` with start/end as
    fractions of the beat's (clipped) run time. `mobjects` are what the element
    leaves on screen; they are simply added if there is no time to animate.
    """

    cue: float
    mobjects: Sequence[Mobject]
    animate: Callable[[], Sequence[TimedAnimation]]
    seconds: float = 0.8
    name: str = ""
    then: Callable[[], None] | None = None  # called once the element is on screen


@dataclass
class Event:
    """A beat placed on the frame timeline: `length` frames of animation from frame `start`."""

    start: int  # frame
    length: int  # frames
    animate: Callable[[], Sequence[TimedAnimation]]
    mobjects: Sequence[Mobject] = field(default_factory=list)
    then: Callable[[], None] | None = None


def schedule(beats: Sequence[Beat], fps: int, exit_start: int) -> list[Event]:
    """The beats as events, each until the next later cue or the exit (frame `exit_start`)."""
    cue_frames = [min(max(round(b.cue * fps), 0), exit_start) for b in beats]
    events: list[Event] = []
    for beat, start in zip(beats, cue_frames, strict=True):
        later = [c for c in cue_frames if c > start]
        until = min(later) if later else exit_start
        length = max(0, min(round(beat.seconds * fps), until - start, exit_start - start))
        events.append(Event(start, length, beat.animate, list(beat.mobjects), beat.then))
    return events


def segments(events: Sequence[Event]) -> list[list[Event]]:
    """Events (sorted by start) grouped into what one Manim play shows.

    An event with no time to animate alone is its own segment; an animated event
    takes along every event starting before the segment's animations end.
    """
    out: list[list[Event]] = []
    i = 0
    while i < len(events):
        first = events[i]
        segment, end, i = [first], first.start + first.length, i + 1
        while first.length and i < len(events) and events[i].start < end:
            segment.append(events[i])
            end = max(end, events[i].start + events[i].length)
            i += 1
        out.append(segment)
    return out


@dataclass
class Ticker:
    """Slow continuous motion (a zoom) applied every `every` frames as a function of time.

    Between ticks the picture is a frozen frame (encoded once); during other
    animations it is applied on every frame.
    """

    mobject: Mobject
    apply: Callable[[float], None]  # seconds from the clip's start
    every: int = 1  # frames between updates while nothing else moves


class TimedGroup(AnimationGroup):
    """Animations with explicit start/end times (seconds) inside one play call."""

    def __init__(self, timed: Sequence[tuple[Animation, float, float]], run_time: float) -> None:
        self._times = [(max(0.0, s), max(s, e)) for _, s, e in timed]
        super().__init__(*[a for a, _, _ in timed], run_time=run_time, rate_func=rate_functions.linear)
        # group time == scene time (not rescaled to the longest child)
        self.max_end_time = run_time

    def build_animations_with_timings(self) -> None:
        n = len(self.animations)
        dtype = [("anim", "O"), ("start", "f8"), ("end", "f8")]
        self.anims_with_timings = np.zeros(n, dtype=dtype)
        self.anims_begun = np.zeros(n, dtype=bool)
        self.anims_finished = np.zeros(n, dtype=bool)
        if n:
            self.anims_with_timings["anim"] = self.animations
            self.anims_with_timings["start"] = [s for s, _ in self._times]
            self.anims_with_timings["end"] = [e for _, e in self._times]
