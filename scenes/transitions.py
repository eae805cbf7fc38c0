"""How a clip enters and leaves: ``cut``, ``fade`` or ``slide``, each over `transition_seconds`.

Clips are joined with hard cuts, so a transition is the outgoing clip's exit plus
the incoming clip's enter. An entrance returns the events it adds to the clip's
timeline (and puts the brand's decorations on screen); an exit plays over the
clip's last frames, the very last one showing the plain background (and the legal band or
corner logo, which stay on screen throughout).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from manim import LEFT, ORIGIN, RIGHT, Animation, FadeIn, FadeOut, Group, Mobject, rate_functions
from manim.animation.animation import prepare_animation

from scenes.beats import Event
from scenes.layout import Frame

if TYPE_CHECKING:
    from contract.job import SceneJob
    from scenes.base import BrandScene


@dataclass(frozen=True)
class Span:
    """Where the transitions sit in a clip of `total` frames."""

    enter_frames: int  # 0: no entrance animation
    exit_start: int  # == total: no exit animation
    total: int

    @classmethod
    def of(cls, job: SceneJob) -> Span:
        total = job.frame_count
        trans = round(job.transition_seconds * job.fps) if job.transition_seconds > 0 else 0
        trans = min(trans, total // 3)  # at most a third of the clip
        exit_start = total - trans if job.exit != "cut" and trans else total
        enter_frames = min(trans, exit_start) if job.enter != "cut" else 0
        return cls(enter_frames, exit_start, total)


def move(mob: Mobject, target: np.ndarray, rate: Callable[[float], float]) -> Animation:
    """An animation moving `mob` (the camera frame) to `target` with the given easing."""
    anim = prepare_animation(mob.animate.move_to(target))  # type: ignore[arg-type]
    anim.rate_func = rate
    return anim


def _enter_cut(scene: BrandScene, decor: Group, frames: int) -> list[Event]:
    scene.add(decor)
    return []


def _enter_fade(scene: BrandScene, decor: Group, frames: int) -> list[Event]:
    # the opening picture fades in from the plain background; elements appear at their cues anyway
    return [Event(0, frames, lambda: [FadeIn(decor)], [decor])]


def _enter_slide(scene: BrandScene, decor: Group, frames: int) -> list[Event]:
    scene.add(decor)
    frame_mob = scene.frame_mob
    frame_mob.move_to(LEFT * Frame(scene.job.width, scene.job.height).width)
    return [Event(0, frames, lambda: [move(frame_mob, ORIGIN, rate_functions.ease_out_cubic)])]


def _exit_fade(scene: BrandScene, frames: int) -> None:
    # the legal band and corner logo stay: between two scenes that show them they never blink
    shown = [m for m in scene.mobjects if m is not scene.frame_mob and m not in scene.fixed]
    if shown:
        scene.play_frames([(FadeOut(Group(*shown)), 0.0, frames / scene.job.fps)], frames)


def _exit_slide(scene: BrandScene, frames: int) -> None:
    frame_mob = scene.frame_mob
    anim = move(
        frame_mob, RIGHT * Frame(scene.job.width, scene.job.height).width, rate_functions.ease_in_cubic
    )  # content leaves left
    scene.play_frames([(anim, 0.0, frames / scene.job.fps)], frames)
    scene.remove(*[m for m in scene.mobjects if m is not frame_mob])


# name -> (scene, decorations, frames) -> events; name -> (scene, frames) -> None
ENTRANCES: dict[str, Callable[[BrandScene, Group, int], list[Event]]] = {
    "cut": _enter_cut,
    "fade": _enter_fade,
    "slide": _enter_slide,
}
EXITS: dict[str, Callable[[BrandScene, int], None]] = {"fade": _exit_fade, "slide": _exit_slide}


def enter(scene: BrandScene, decor: Group, span: Span) -> list[Event]:
    """Put the opening picture on screen, or the events bringing it in, for the job's entrance."""
    name = scene.job.enter if span.enter_frames else "cut"
    return ENTRANCES[name](scene, decor, span.enter_frames)


def leave(scene: BrandScene, span: Span) -> None:
    """Play the job's exit over the clip's last frames (the last one is the plain background)."""
    if span.exit_start < span.total:
        frames = max(1, span.total - span.exit_start - 1)
        scene.hold_until(span.exit_start)
        EXITS[scene.job.exit](scene, frames)
