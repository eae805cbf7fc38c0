"""The camera every scene renders with: Manim's moving camera with a fast path for pictures."""

from __future__ import annotations

from typing import Any

import numpy as np
from manim import ImageMobject
from manim.camera.moving_camera import MovingCamera


class FastImage(ImageMobject):
    """A bitmap drawn by :class:`BrandCamera`'s fast path (plain resize + blend, no perspective)."""


class BrandCamera(MovingCamera):
    """Manim's camera, with a fast path for upright bitmaps.

    Manim draws every ImageMobject with a full-frame perspective transform and a
    full-frame alpha composite (~60 ms a frame at 1080p). An upright picture only
    needs its box resized and blended: ~10x cheaper, which makes a slow zoom
    affordable.
    """

    def display_image_mobject(self, image_mobject: Any, pixel_array: np.ndarray) -> None:
        if not isinstance(image_mobject, FastImage):
            return super().display_image_mobject(image_mobject, pixel_array)
        from PIL import Image

        corners = self.points_to_subpixel_coords(image_mobject, image_mobject.points)  # UL, UR, DL, DR
        (x0, y0), top_right, bottom_left = corners[0], corners[1], corners[2]
        if abs(top_right[1] - y0) > 0.01 or abs(bottom_left[0] - x0) > 0.01:  # rotated: general path
            return super().display_image_mobject(image_mobject, pixel_array)
        x1, y1 = corners[3]
        if x1 - x0 < 0.5 or y1 - y0 < 0.5:
            return None
        height, width = pixel_array.shape[:2]
        ix0, iy0 = max(int(np.floor(x0)), 0), max(int(np.floor(y0)), 0)
        ix1, iy1 = min(int(np.ceil(x1)), width), min(int(np.ceil(y1)), height)
        if ix1 <= ix0 or iy1 <= iy0:
            return None
        picture, opaque = self._source(image_mobject)
        sw, sh = picture.size
        sx, sy = sw / (x1 - x0), sh / (y1 - y0)
        box = (
            max((ix0 - x0) * sx, 0.0),
            max((iy0 - y0) * sy, 0.0),
            min((ix1 - x0) * sx, float(sw)),
            min((iy1 - y0) * sy, float(sh)),
        )
        patch = np.asarray(picture.resize((ix1 - ix0, iy1 - iy0), Image.Resampling.BILINEAR, box=box))
        region = pixel_array[iy0:iy1, ix0:ix1]
        if opaque:
            region[:, :, :3] = patch
            return None
        a = patch[:, :, 3:4].astype(np.uint16)
        region[:, :, :3] = ((patch[:, :, :3] * a + region[:, :, :3] * (255 - a) + 127) // 255).astype(np.uint8)
        return None

    def _source(self, image_mobject: Any) -> tuple[Any, bool]:
        """The mobject's pixels as a PIL image (RGB when fully opaque), cached per pixel array.

        Manim's image animations (fades) assign a new array on every frame, so the
        cache is keyed on the array object itself.
        """
        import weakref

        from PIL import Image

        source = image_mobject.get_pixel_array()
        cached = getattr(self, "_fast_source", None)
        if cached is not None and cached[0]() is source:
            return cached[1], cached[2]
        opaque = bool(source[:, :, 3].min() == 255)
        picture = Image.fromarray(np.ascontiguousarray(source[:, :, :3] if opaque else source))
        self._fast_source = (weakref.ref(source), picture, opaque)
        return picture, opaque
