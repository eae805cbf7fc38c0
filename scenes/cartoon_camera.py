"""Manim over a cartoon: the camera's background for each frame is the composited stage.

Manim draws the panel (heading, items, legal band) as usual; what is under it is frame *i*
of :class:`scenes.cartoon_stage.CartoonFrames`. The speed-ups are kept:

- Manim's static image (what does not move during an animation) is rendered once on a
  transparent background and laid over each frame's cartoon;
- a frozen frame (nothing of Manim moves) is rendered once on a transparent background,
  then laid over the cartoon frame by frame; only the rectangles the cartoon repainted (a
  mouth, a blink, a character's step; with a camera move, what they reach) are done again,
  the overlay is laid only where it shows (:class:`scenes.cartoon.overlay.Overlay`), and
  unchanged frames go to the encoder as repeats.

Without a stage installed, both classes behave exactly like their parents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from manim import Mobject
from manim.renderer.cairo_renderer import CairoRenderer
from numpy.typing import NDArray

from scenes.camera import BrandCamera
from scenes.cartoon.overlay import Overlay
from scenes.cartoon_stage import CartoonFrames

Pixels = NDArray[Any]  # uint8 H×W×4; Manim types its pixel arrays loosely


class Layered:
    """Cartoon frame + a Manim overlay, composited into a kept buffer, redone only where needed."""

    def __init__(self, source: CartoonFrames) -> None:
        self.source = source
        self.out: Pixels | None = None
        self._state: tuple[int, int] | None = None  # (overlay id, cartoon version)
        self._overlay: tuple[int, Overlay | None] = (-1, None)

    def _prepared(self, overlay: Pixels | None, overlay_id: int) -> Overlay | None:
        if self._overlay[0] != overlay_id:
            ready = Overlay(overlay) if overlay is not None else None
            self._overlay = (overlay_id, ready if ready is not None and not ready.empty else None)
        return self._overlay[1]

    def compose(self, index: int, overlay: Pixels | None, overlay_id: int) -> tuple[Pixels, bool]:
        """The picture of frame `index` and whether it differs from the previous call's."""
        frame, version = self.source.get(index)
        state = (overlay_id, version)
        if self.out is not None and state == self._state:
            return self.out, False
        changes = self.source.take_changes()
        same_overlay = self._state is not None and self._state[0] == overlay_id
        laid = self._prepared(overlay, overlay_id)
        h, w = frame.shape[:2]
        if self.out is None or self.out.shape != frame.shape or not same_overlay or changes is None:
            if self.out is None or self.out.shape != frame.shape:
                self.out = np.empty_like(frame)
            changes = [(0, 0, w, h)]
        for x0, y0, x1, y1 in changes:  # only where the cartoon changed: the rest of the picture holds
            self.out[y0:y1, x0:x1] = frame[y0:y1, x0:x1]
            if laid is not None:
                laid.lay(self.out, frame, (x0, y0, x1, y1))
        self._state = state
        return self.out, True


class CartoonCamera(BrandCamera):
    """:class:`BrandCamera` whose background is the cartoon frame being rendered (once installed)."""

    layered: Layered | None = None
    frame_index: Callable[[], int] = staticmethod(lambda: 0)  # frames written so far

    def install(self, source: CartoonFrames, frame_index: Callable[[], int]) -> None:
        self.layered = Layered(source)
        self.frame_index = frame_index
        self._overlay_buffer: Pixels | None = None

    def reset(self) -> CartoonCamera:
        if self.layered is None:
            super().reset()
            return self
        frame, _ = self.layered.compose(self.frame_index(), None, 0)
        self.set_pixel_array(frame)
        return self

    def set_frame_to_background(self, background: Any) -> None:
        if self.layered is None:
            super().set_frame_to_background(background)
            return
        frame, _ = self.layered.compose(self.frame_index(), background, self.serial_of(background))
        self.set_pixel_array(frame)

    def serial_of(self, overlay: Any) -> int:
        """A number naming this overlay (ids of freed arrays are reused: never key on them)."""
        known = getattr(self, "_serials", None)
        if known is None or known[0] is not overlay:
            serial = (known[1] if known else 0) + 1
            self._serials = (overlay, serial)
        return int(self._serials[1])

    def overlay(self, mobjects: Iterable[Mobject]) -> Pixels:
        """`mobjects` drawn on a transparent background (premultiplied RGBA), a new array."""
        if getattr(self, "_overlay_buffer", None) is None:
            self._overlay_buffer = np.zeros_like(self.pixel_array)
        buffer = self._overlay_buffer
        assert buffer is not None
        buffer.fill(0)
        kept = self.pixel_array
        self.pixel_array = buffer  # one buffer: Manim caches a Cairo context per array
        try:
            self.capture_mobjects(list(mobjects))
        finally:
            self.pixel_array = kept
        return buffer.copy()


class CartoonRenderer(CairoRenderer):
    """Cairo renderer that lays Manim's static and frozen pictures over the cartoon frame by frame."""

    camera: CartoonCamera

    def play(self, scene: Any, *args: Any, **kwargs: Any) -> None:
        self._scene = scene
        super().play(scene, *args, **kwargs)

    def save_static_frame_data(self, scene: Any, static_mobjects: Iterable[Mobject]) -> Any:
        if self.camera.layered is None:
            return super().save_static_frame_data(scene, static_mobjects)
        mobjects = list(static_mobjects)
        self.static_image = self.camera.overlay(mobjects) if mobjects else None
        return self.static_image

    def freeze_current_frame(self, duration: float) -> None:
        layered = self.camera.layered
        if layered is None:
            super().freeze_current_frame(duration)
            return
        count = int(duration * self.camera.frame_rate)
        scene = self._scene
        overlay = self.camera.overlay([*scene.mobjects, *scene.foreground_mobjects])
        start = self.camera.frame_index()
        pending: Pixels | None = None
        repeat = 0
        for k in range(count):
            picture, changed = layered.compose(start + k, overlay, self.camera.serial_of(overlay))
            if changed and pending is not None:
                self.add_frame(pending, num_frames=repeat)
                repeat = 0
            if changed or pending is None:
                pending = picture.copy()
            repeat += 1
        if pending is not None and repeat:
            self.add_frame(pending, num_frames=repeat)
