"""Acting, planned per frame and deterministic: which picture and what small transform.

Given the mouth track (from :mod:`.lipsync`), the cues at their times and a seed,
:func:`plan_acting` returns one :class:`CharacterFrame` per video frame:

- blinks every 2–6 s (about 150 ms), from a seeded generator: the same seed gives
  the same blinks on every run and machine;
- an idle motion (breathing and a slow sway, phase from the seed) so the character
  never freezes; the compositor rounds it to whole pixels, so frames repeat between
  pixel steps and cost nothing;
- gestures (``wave``, ``point``, ``nod``, ``think``, ``celebrate``) for a moment from
  their cue, expressions (``smile``, ``happy``, ``surprised``, ``concerned``,
  ``neutral``) from their cue until the next one.

Offsets are fractions of the character's picture size (resolution independent);
rotation is in whole degrees and scale in 1 % steps, so the compositor can keep
each transformed picture it draws.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from .names import CUES, EXPRESSIONS, GESTURES, check_name
from .styles import Pose

GESTURE_SECONDS = {"wave": 1.6, "point": 1.8, "nod": 0.9, "think": 2.2, "celebrate": 1.8}
WAVE_SWING_SECONDS = 0.22  # each position of a waving hand
BLINK_SECONDS = 0.15
BLINK_GAP = (2.0, 6.0)


@dataclass(frozen=True)
class Cue:
    """A cue name (see :data:`names.CUES`) at a time in seconds from the clip's start."""

    time: float
    name: str


@dataclass(frozen=True)
class CharacterFrame:
    """What to draw for one character in one frame."""

    pose: Pose
    dx: float = 0.0  # fractions of the picture size; +x right, +y down
    dy: float = 0.0
    rotation: int = 0  # whole degrees, clockwise, about the picture's bottom centre
    scale: float = 1.0  # 1 % steps


@dataclass(frozen=True)
class Acting:
    """Everything one character's track depends on (all of it goes into the cache key)."""

    fps: int
    frame_count: int
    mouth: Sequence[str] | None = None  # per frame; None: a listener, mouth closed
    cues: Sequence[Cue] = ()
    expression: str = "neutral"  # before the first expression cue
    seed: str = ""  # e.g. the character's name and the scene's index
    flip: bool = False  # faces left
    idle: float = 1.0  # idle motion strength (0: still)


def _rng(seed: str, purpose: str) -> random.Random:
    # sha256, not hash(): Python salts str hashes per process
    return random.Random(int.from_bytes(hashlib.sha256(f"{purpose}:{seed}".encode()).digest()[:8], "big"))


def blink_frames(seed: str, fps: int, frame_count: int) -> frozenset[int]:
    """Frames with the eyes closed: a blink every 2–6 s (first within 1–3 s), ~150 ms each."""
    rng = _rng(seed, "blink")
    length = max(1, round(BLINK_SECONDS * fps))
    closed: set[int] = set()
    t = rng.uniform(1.0, 3.0)
    while t * fps < frame_count:
        first = round(t * fps)
        closed.update(range(first, min(frame_count, first + length)))
        if rng.random() < 0.12:  # now and then a double blink, as people do
            closed.update(range(first + 2 * length, min(frame_count, first + 3 * length)))
        t += rng.uniform(*BLINK_GAP)
    return frozenset(closed)


def _idle(t: float, phase: float, strength: float) -> tuple[float, float]:
    breathe = 0.5 - 0.5 * math.cos(2 * math.pi * (t / 3.6 + phase))  # 0..1, a breath every 3.6 s
    sway = math.sin(2 * math.pi * (t / 5.3 + phase * 1.7))
    return 0.004 * sway * strength, 0.006 * breathe * strength


def _gesture_motion(name: str, u: float) -> tuple[float, int]:
    """(extra dy, rotation) for a gesture `u` (0..1) of the way through."""
    if name == "nod":  # two dips
        return 0.014 * abs(math.sin(2 * math.pi * u)), 0
    if name == "think":  # head tilted while thinking, easing in and out
        return 0.0, -3 if 0.1 < u < 0.9 else -1
    if name == "celebrate":  # two small hops
        return -0.03 * abs(math.sin(2 * math.pi * u)) if u < 0.5 else 0.0, 0
    return 0.0, 0


def _hop(name: str, since: float) -> float:
    """A little jump when the expression turns happy or surprised (dy, up is negative)."""
    if name in ("happy", "surprised") and 0 <= since < 0.35:
        return -0.02 * math.sin(math.pi * since / 0.35)
    return 0.0


def plan_acting(acting: Acting) -> tuple[CharacterFrame, ...]:
    """One :class:`CharacterFrame` per frame. Unknown cue or expression names raise UnknownName."""
    check_name("expression", acting.expression, EXPRESSIONS)
    cues = sorted(acting.cues, key=lambda c: c.time)
    for cue in cues:
        check_name("cue", cue.name, CUES)
    if acting.mouth is not None and len(acting.mouth) < acting.frame_count:
        raise ValueError(f"mouth track has {len(acting.mouth)} frames, the clip {acting.frame_count}")
    fps = acting.fps
    blinks = blink_frames(acting.seed, fps, acting.frame_count)
    phase = _rng(acting.seed, "idle").random()
    expression_at: list[tuple[float, str]] = [(-1e9, acting.expression)]
    expression_at += [(c.time, c.name) for c in cues if c.name in EXPRESSIONS]
    gestures = [(c.time, c.name) for c in cues if c.name in GESTURES]
    frames: list[CharacterFrame] = []
    e_index, g_index = 0, -1
    for i in range(acting.frame_count):
        t = i / fps
        while e_index + 1 < len(expression_at) and expression_at[e_index + 1][0] <= t:
            e_index += 1
        while g_index + 1 < len(gestures) and gestures[g_index + 1][0] <= t:
            g_index += 1
        expression_since, expression = expression_at[e_index]
        gesture: str | None = None
        swing_phase, extra_dy, rotation = 0, 0.0, 0
        if g_index >= 0:
            start, name = gestures[g_index]
            u = (t - start) / GESTURE_SECONDS[name]
            if u < 1:
                gesture = None if name == "nod" else name
                swing_phase = int((t - start) / WAVE_SWING_SECONDS) % 2 if name in ("wave", "celebrate") else 0
                extra_dy, rotation = _gesture_motion(name, u)
                if name == "celebrate":
                    expression = "happy"
        idle_dx, idle_dy = _idle(t, phase, acting.idle)
        mouth = "closed" if acting.mouth is None else acting.mouth[i]
        pose = Pose(
            expression=expression,
            eyes="closed" if i in blinks else "open",
            mouth=mouth,
            gesture=gesture,
            phase=swing_phase,
            flip=acting.flip,
        )
        hop = _hop(expression, t - expression_since)
        frames.append(CharacterFrame(pose, idle_dx, idle_dy + extra_dy + hop, -rotation if acting.flip else rotation))
    return tuple(frames)
