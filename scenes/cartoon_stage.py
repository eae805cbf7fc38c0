"""A cartoon scene's stage: setting, characters acting to the real audio, props, camera move.

Built from the :class:`~contract.job.SceneJob` alone (no Manim): who is on screen and where
(:mod:`scenes.cartoon.placement`), what each one does per frame (their own phrases' loudness
moves their mouth; cues at the voice's time; listeners nod), composited by
:class:`scenes.cartoon.Compositor`. :class:`CartoonFrames` hands frame *i* to the camera.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from contract.scene_types.cast import character_placement, prop_placement
from contract.scene_types.dialogue import DialogueScene
from contract.scene_types.presenter import PresenterScene
from scenes.cartoon import (
    Acting,
    Box,
    CharacterTrack,
    Compositor,
    Cue,
    Layout,
    Palette,
    Phrase,
    PropPlacement,
    RasterCache,
    backdrop_layout,
    dialogue_layout,
    make_character,
    mouth_track,
    plan_acting,
    presenter_layout,
    setting_layers,
)

if TYPE_CHECKING:
    from contract.job import SceneJob

Pixels = NDArray[np.uint8]
Rect = tuple[int, int, int, int]
NOD_AFTER = 0.5  # a listener nods this long after a line starts...
NOD_GAP = 2.5  # ...at most this often
PUSH_IN = 1.05  # the camera's zoom at the end of a push-in
PAN = (1.04, 0.01)  # zoom, and the horizontal drift each way (fraction of the width)


@dataclass(frozen=True)
class Stage:
    """Everything on screen that is not Manim: the compositor and where the content goes (px)."""

    compositor: Compositor
    layout: Layout
    names: tuple[str, ...]
    camera: str


def _cache() -> RasterCache:
    import os

    folder = os.environ.get("RENDER_CACHE_DIR")
    return RasterCache(Path(folder) / "cartoon" if folder else None)


def _layout(job: SceneJob, count: int, stage: int) -> Layout:
    if isinstance(job.scene, DialogueScene):
        return dialogue_layout(job.width, job.height, count, stage=stage)
    if count == 0:  # a setting behind a slide, nobody on it
        return backdrop_layout(job.width, job.height, stage)
    ref = job.scene.character
    position = character_placement(ref).position if ref is not None else "left"
    scene = job.scene
    # a presenter may have no panel; any other scene type always shows its own content
    has_content = bool(scene.title or scene.items) if isinstance(scene, PresenterScene) else True
    return presenter_layout(job.width, job.height, position if has_content else "center", stage)


def _cues_for(job: SceneJob, name: str, first: str | None) -> list[Cue]:
    """This character's cues: its own narration's, its lines' expressions, and nods while others speak."""
    cues = [Cue(c.time, c.name) for c in job.acting if (c.speaker or first) == name]
    lines = getattr(job.scene, "lines", None) or []
    starts = _line_starts(job)
    for line, start in zip(lines, starts, strict=False):
        if line.who == name and line.expression:
            cues.append(Cue(max(start - 0.1, 0.0), line.expression))
    last = -1e9
    for phrase in job.phrases:
        if (phrase.speaker or first) != name and phrase.seconds > 1.2 and phrase.start - last >= NOD_GAP:
            last = phrase.start
            cues.append(Cue(phrase.start + NOD_AFTER, "nod"))
    return cues


def _line_starts(job: SceneJob) -> list[float]:
    # a line's first phrase starts at its cue (cue 0 is the setting)
    return list(job.cues[1:])


def _mouth(job: SceneJob, name: str, first: str | None) -> tuple[str, ...] | None:
    own = [Phrase(Path(p.wav), p.start) for p in job.phrases if (p.speaker or first) == name]
    return mouth_track(own, job.fps, job.frame_count) if own else None


def _props(job: SceneJob, layout: Layout, floor: int) -> list[PropPlacement]:
    refs = [prop_placement(r) for r in getattr(job.scene, "props", None) or []]
    if not refs:
        return []
    h = job.height
    if not isinstance(job.scene, DialogueScene) and layout.characters:
        # beside the presenter, in its own box: never under the panel's text
        box = layout.characters[0]
        size = round(min(box.w * 0.3, h * 0.2))
        spots = {"left": box.x, "right": box.x + box.w - size, "center": box.x + (box.w - size) // 2}
    else:
        size = round(h * 0.16)
        m = round(0.06 * min(job.width, h))
        spots = {"left": m, "right": job.width - m - size, "center": (job.width - size) // 2}
    return [PropPlacement(r.name, Box(spots[r.at], floor - size, size, size)) for r in refs]


def build_stage(job: SceneJob) -> Stage:
    """The stage of a presenter or dialogue scene (or any scene with a character)."""
    palette = Palette.from_brand(job.brand)
    cache = _cache()
    setting = job.scene.setting or "plain"
    layers = setting_layers(setting, palette, job.width, job.height, cache)
    names = job.scene.cast_names()
    layout = _layout(job, len(names), layers.stage)
    first = names[0] if not isinstance(job.scene, DialogueScene) and names else None
    tracks: list[CharacterTrack] = []
    expression = "neutral"
    ref = job.scene.character
    if ref is not None:
        expression = character_placement(ref).expression
    for k, name in enumerate(names):
        look = job.cast.get(name)
        character = make_character(
            name,
            look.style if look else "toon-head",
            clothes=look.clothes if look else "primary",
            skin=look.skin if look else None,
            hair=look.hair if look else None,
            look=look.look if look else None,
            palette=palette,
        )
        acting = Acting(
            job.fps,
            job.frame_count,
            _mouth(job, name, first),
            tuple(_cues_for(job, name, first)),
            expression=expression,
            seed=f"{name}/{job.index}",
            flip=layout.facing_left[k],
        )
        tracks.append(CharacterTrack(character, layout.characters[k], plan_acting(acting)))
    floor = min(layers.stage, job.height - round(0.02 * job.height))
    compositor = Compositor(layers, tracks, _props(job, layout, floor), cache, channels=4)
    return Stage(compositor, layout, tuple(names), str(getattr(job.scene, "camera", "still")))


def _ease(u: float) -> float:
    u = min(max(u, 0.0), 1.0)
    return 0.5 - 0.5 * math.cos(math.pi * u)


def camera_view(stage: Stage, index: int, frame_count: int) -> tuple[float, float, float] | None:
    """(zoom, centre x, centre y) in px for frame `index`, or None for a still camera."""
    w, h = stage.compositor.width, stage.compositor.height
    u = _ease(index / max(frame_count - 1, 1))
    if stage.camera == "push-in":
        box = stage.layout.characters[0] if stage.layout.characters else Box(0, 0, w, h)
        zoom = round(1 + (PUSH_IN - 1) * u, 3)  # whole steps: frames between steps repeat
        return zoom, box.x + box.w / 2, box.y + box.h / 2
    if stage.camera == "pan":
        zoom, drift = PAN
        return zoom, round(w / 2 + (2 * u - 1) * drift * w), h / 2
    return None


def _source_box(view: tuple[float, float, float], w: int, h: int) -> tuple[float, float, float, float]:
    """(x0, y0, width, height) of the part of the frame the camera sees, in px."""
    zoom, cx, cy = view
    cw, ch = w / zoom, h / zoom
    return min(max(cx - cw / 2, 0.0), w - cw), min(max(cy - ch / 2, 0.0), h - ch), cw, ch


def _opaque_image(frame: Pixels) -> Image.Image:
    # opaque RGBA read as RGBX: PIL resamples it as it is, without premultiplying and back
    h, w = frame.shape[:2]
    return Image.frombuffer("RGBX", (w, h), np.ascontiguousarray(frame), "raw", "RGBX", 0, 1)


def apply_view(frame: Pixels, view: tuple[float, float, float]) -> Pixels:
    """The part of `frame` (opaque RGBA) the camera sees, resized back to the whole frame (a new array)."""
    h, w = frame.shape[:2]
    x0, y0, cw, ch = _source_box(view, w, h)
    out = _opaque_image(frame).resize((w, h), Image.Resampling.BILINEAR, box=(x0, y0, x0 + cw, y0 + ch))
    pixels = np.array(out, dtype=np.uint8)
    pixels[..., 3] = 255
    return pixels


VIEW_MARGIN = 3  # output px around a changed area that bilinear resampling can reach


def refresh_view(target: Pixels, frame: Pixels, view: tuple[float, float, float], rect: Rect) -> Rect | None:
    """Resample again, into `target` (:func:`apply_view` of an earlier `frame`), only what `rect` of `frame` reaches.

    Returns the rectangle of `target` redrawn (None if the change is out of view).
    """
    h, w = frame.shape[:2]
    zoom = view[0]
    x0, y0, cw, ch = _source_box(view, w, h)
    sx, sy = cw / w, ch / h
    ox0 = max(math.floor((rect[0] - x0) / sx) - VIEW_MARGIN, 0)
    oy0 = max(math.floor((rect[1] - y0) / sy) - VIEW_MARGIN, 0)
    ox1 = min(math.ceil((rect[2] - x0) / sx) + VIEW_MARGIN, w)
    oy1 = min(math.ceil((rect[3] - y0) / sy) + VIEW_MARGIN, h)
    if ox0 >= ox1 or oy0 >= oy1 or zoom <= 0:
        return None
    box = (x0 + ox0 * sx, y0 + oy0 * sy, x0 + ox1 * sx, y0 + oy1 * sy)
    part = _opaque_image(frame).resize((ox1 - ox0, oy1 - oy0), Image.Resampling.BILINEAR, box=box)
    target[oy0:oy1, ox0:ox1] = np.asarray(part)
    target[oy0:oy1, ox0:ox1, 3] = 255
    return ox0, oy0, ox1, oy1


class CartoonFrames:
    """Frame *i* of the stage, asked in increasing order; `version` changes when the picture does.

    :meth:`take_changes` says where the picture changed since it was last called, so a consumer
    can redo only those rectangles. With a camera move, a frame whose view is that of the frame
    before is resampled only where the stage changed (a mouth, a blink).
    """

    def __init__(self, stage: Stage, frame_count: int) -> None:
        self.stage = stage
        self.frame_count = frame_count
        self._frames: Iterator[Pixels] = stage.compositor.frames(copy=False)
        self.index = -1
        self.version = 0
        self.frame: Pixels = stage.compositor.base
        self._painted = -1
        self._view: tuple[float, float, float] | None = None
        self._changes: list[Rect] | None = None  # since take_changes(); None: everything
        self.moving = stage.camera != "still"

    def get(self, index: int) -> tuple[Pixels, int]:
        compositor = self.stage.compositor
        while self.index < min(index, self.frame_count - 1):
            raw = next(self._frames, None)
            self.index += 1
            if raw is None:
                break
            view = camera_view(self.stage, self.index, self.frame_count)
            painted = compositor.painted != self._painted
            if not painted and view == self._view:
                continue
            rects = list(compositor.dirty) if painted else []
            if view is None:
                self.frame = raw
                self._note(rects)
            elif view != self._view or self.version == 0:
                self.frame = apply_view(raw, view)
                self._changes = None
            else:
                redrawn = (refresh_view(self.frame, raw, view, r) for r in rects)
                self._note([r for r in redrawn if r is not None])
            self._painted, self._view = compositor.painted, view
            self.version += 1
        return self.frame, self.version

    def _note(self, rects: list[Rect]) -> None:
        if self._changes is not None:
            self._changes += rects

    def take_changes(self) -> list[Rect] | None:
        """Where the picture changed since the last call (None: anywhere), and start again."""
        changes, self._changes = self._changes, []
        return changes

    def character_boxes(self) -> Sequence[Box]:
        return self.stage.layout.characters
