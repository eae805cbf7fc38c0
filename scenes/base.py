"""The Manim scene every type shares: brand look, frame-exact cue scheduling, transitions.

A scene type (see :mod:`scenes.registry`) only builds mobjects and says, for each
element, at which cue it appears and how (:class:`Beat`). :class:`BrandScene`
turns that into Manim plays on a timeline counted in *frames*, so nothing
drifts: an element's animation starts on the frame of its cue, is clipped so it
never runs past the next cue or into the exit transition, and static stretches
are Manim "frozen frame" waits (rendered once, repeated by the encoder pipe).

The pieces live by concern, and this module re-exports the names scene types use:
:mod:`scenes.beats` (Beat, Ticker, scheduling), :mod:`scenes.kit` (Kit),
:mod:`scenes.drawing` (place, pill, heading_beat, ROLES), :mod:`scenes.pictures`,
:mod:`scenes.camera` (BrandCamera, FastImage), :mod:`scenes.transitions`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

from manim import Animation, Group, ManimColor, Mobject, MovingCameraScene
from manim.animation.animation import prepare_animation

from scenes.beats import Beat, Event, Ticker, TimedAnimation, TimedGroup, schedule, segments
from scenes.camera import BrandCamera, FastImage
from scenes.drawing import ROLES, heading_beat, pill, place
from scenes.kit import Kit, TextOptions
from scenes.pictures import rasterize_svg, read_bitmap
from scenes.transitions import Span, enter, leave

if TYPE_CHECKING:
    from contract.job import SceneJob

__all__ = [
    "ROLES",
    "Beat",
    "BrandCamera",
    "BrandScene",
    "FastImage",
    "Kit",
    "TextOptions",
    "Ticker",
    "TimedAnimation",
    "TimedGroup",
    "heading_beat",
    "pill",
    "place",
    "rasterize_svg",
    "read_bitmap",
]


class BrandScene(MovingCameraScene):
    """One scene clip: builds the type's beats, then plays them on a frame-exact schedule."""

    def __init__(self, job: SceneJob, build: Callable[[Kit], list[Beat]], **kwargs: Any) -> None:
        self.job = job
        self._build = build
        self.tickers: list[Ticker] = []
        self.fixed: list[Mobject] = []  # kept through the exit fade (the legal band, the corner logo)
        super().__init__(**kwargs)

    # --- the frame counter -------------------------------------------------------------

    @property
    def frames_done(self) -> int:
        return int(self.renderer.file_writer.pipe.frames)  # type: ignore[union-attr]

    def hold_until(self, frame: int) -> None:
        """Show the current picture until `frame` (a frozen frame unless something updates)."""
        fps = self.job.fps
        while True:
            n = frame - self.frames_done
            if n <= 0:
                return
            if self.tickers:
                for ticker in self.tickers:
                    ticker.apply(self.frames_done / fps)
                n = min([n] + [t.every for t in self.tickers])
            if self._updating():  # every frame rendered: np.arange(0, run_time, 1/fps) frames
                self.wait(max(n - 0.5, 1.0) / fps, frozen_frame=False)
            else:
                self.wait((n + 0.5) / fps, frozen_frame=True)
            if not self.tickers:
                return

    def _updating(self) -> bool:
        """Whether a wait must render every frame (a time-based updater is on screen)."""
        return bool(self.updaters) or any(m.has_time_based_updater() for m in self.get_mobject_family_members())

    def play_frames(self, timed: Sequence[tuple[Animation, float, float]], frames: int) -> None:
        """Play animations with start/end in seconds from now, for exactly `frames` frames."""
        fps = self.job.fps
        updaters = []
        for ticker in self.tickers:  # keep slow motions going while other things animate

            def update(mob: Mobject, dt: float, ticker: Ticker = ticker) -> None:
                ticker.apply(self.renderer.time)

            ticker.mobject.add_updater(update)
            updaters.append((ticker.mobject, update))
        try:
            self.play(TimedGroup(timed, run_time=max(frames - 0.5, 1.0) / fps))
        finally:
            for mob, update in updaters:
                mob.remove_updater(update)

    # --- construct ---------------------------------------------------------------------

    @property
    def frame_mob(self) -> Mobject:
        """The camera's frame (moved by slide transitions)."""
        return cast(BrandCamera, self.camera).frame

    def construct(self) -> None:
        job = self.job
        cast(BrandCamera, self.camera).background_color = ManimColor(job.brand.background)
        kit = Kit(job, self)
        beats = self._build(kit)
        # the opening picture (decorations, headings, the first element...) comes in with the
        # entrance, so no scene starts on an empty slide
        decor = Group(kit.decorations(), *kit.opening)
        self.fixed = list(kit.fixed)
        self.add(*self.fixed)
        span = Span.of(job)
        events = enter(self, decor, span) + schedule(beats, job.fps, span.exit_start)
        events.sort(key=lambda e: e.start)  # stable: at equal frames the entrance comes first
        self._play_events(events)
        leave(self, span)
        self.hold_until(span.total)

    def _play_events(self, events: list[Event]) -> None:
        for segment in segments(events):
            first = segment[0]
            self.hold_until(first.start)
            if first.length == 0:  # nothing to animate: it simply appears
                self.add(*first.mobjects)
                if first.then:
                    first.then()
                continue
            timed = self._timed(segment)
            if timed:
                self.play_frames(timed, max(e.start + e.length for e in segment) - first.start)
            for event in segment:
                if event.then:
                    event.then()

    def _timed(self, segment: list[Event]) -> list[tuple[Animation, float, float]]:
        """The segment's animations with start/end in seconds from its first frame."""
        fps, origin = self.job.fps, segment[0].start
        timed: list[tuple[Animation, float, float]] = []
        for event in segment:
            if event.length == 0:  # no time to animate, inside a running segment: show it when it begins
                self.add(*event.mobjects)
                continue
            offset = (event.start - origin) / fps
            span = event.length / fps
            for item in event.animate():
                anim, a, b = item if isinstance(item, tuple) else (item, 0.0, 1.0)
                timed.append((prepare_animation(anim), offset + a * span, offset + b * span))
        return timed
