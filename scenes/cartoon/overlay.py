"""A premultiplied RGBA overlay (Manim's panel) laid over opaque frames, fast: only where it shows.

The overlay is cut once into 16-pixel tiles, each empty (nothing drawn: the frame shows as it
is), opaque (the overlay hides the frame: a plain copy) or mixed (edges, text on the setting:
blended). Neighbouring tiles of a kind are merged into runs per band of tiles, so laying the
overlay over a rectangle costs a few dozen numpy operations, and blending is done only where
the overlay is partly transparent. The result is exactly the premultiplied "over" of the
whole overlay (``back * (255 - a) / 255`` rounded, plus the overlay's colour).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

Pixels = NDArray[Any]  # H×W×4 uint8 (Manim types its arrays loosely)
Rect = tuple[int, int, int, int]  # x0, y0, x1, y1 (x1, y1 excluded)
Run = tuple[int, int, int]  # x0, x1 (px), kind
TILE = 16
EMPTY, OPAQUE, MIXED = 0, 1, 2


def _kinds(overlay: Pixels) -> NDArray[np.int8]:
    """Each tile's kind, (rows of tiles) × (columns of tiles)."""
    h, w = overlay.shape[:2]
    th, tw = -(-h // TILE), -(-w // TILE)
    padded = np.zeros((th * TILE, tw * TILE, 4), np.uint8)
    padded[:h, :w] = overlay
    tiles = padded.reshape(th, TILE, tw, TILE, 4)
    drawn = tiles.max(axis=(1, 3, 4)) > 0
    solid = (tiles[..., 3] == 255).all(axis=(1, 3))  # the padding is transparent: never solid
    kinds = np.where(drawn, MIXED, EMPTY).astype(np.int8)
    kinds[solid] = OPAQUE
    return kinds


def _runs(row: NDArray[np.int8], width: int) -> list[Run]:
    """Runs of equal kind along one band of tiles, in pixels, empty runs left out."""
    runs: list[Run] = []
    start = 0
    for k in range(1, len(row) + 1):
        if k == len(row) or row[k] != row[start]:
            if row[start] != EMPTY:
                runs.append((start * TILE, min(k * TILE, width), int(row[start])))
            start = k
    return runs


def tile_bands(rgba: Pixels) -> list[list[Run]]:
    """Per band of 16 rows of a premultiplied RGBA picture: its opaque and mixed runs (empty ones left out)."""
    return [_runs(row, int(rgba.shape[1])) for row in _kinds(rgba)]


class Overlay:
    """`overlay` (premultiplied RGBA, H×W×4 uint8) ready to lay over frames of its size."""

    def __init__(self, overlay: Pixels) -> None:
        self.height, self.width = overlay.shape[:2]
        self.colour = overlay[..., :3]
        self.alpha = overlay[..., 3:4]
        self.bands = tile_bands(overlay)
        self.empty = not any(self.bands)

    def lay(self, target: Pixels, back: Pixels, rect: Rect) -> None:
        """target[rect] = this overlay over `back` (opaque), where target[rect] already holds `back`."""
        x0, y0, x1, y1 = rect
        for band in range(max(y0 // TILE, 0), min(-(-y1 // TILE), len(self.bands))):
            top, bottom = max(band * TILE, y0), min(band * TILE + TILE, y1)
            for left, right, kind in self.bands[band]:
                a, b = max(left, x0), min(right, x1)
                if a >= b:
                    continue
                if kind == OPAQUE:
                    target[top:bottom, a:b, :3] = self.colour[top:bottom, a:b]
                else:
                    self._blend(target, back, (a, top, b, bottom))

    def _blend(self, target: Pixels, back: Pixels, rect: Rect) -> None:
        x0, y0, x1, y1 = rect
        inverse = 255 - self.alpha[y0:y1, x0:x1]
        mixed = np.multiply(back[y0:y1, x0:x1, :3], inverse, dtype=np.uint16)
        mixed += 127
        mixed //= 255
        mixed += self.colour[y0:y1, x0:x1]
        target[y0:y1, x0:x1, :3] = np.minimum(mixed, 255)
