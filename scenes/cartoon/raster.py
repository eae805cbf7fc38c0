"""SVG to premultiplied RGBA pixels, once: cached by a hash of what the picture depends on.

Pictures are rasterised by cairosvg straight into a cairo surface, whose pixels are
already premultiplied (what the compositor blends with), then cropped to their
visible part. A picture is kept in memory (bounded LRU) and, when a cache folder
is given, on disk as ``<sha256>.npy`` written atomically, so a second render of
the same cast, setting or prop rasterises nothing.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

RASTER_VERSION = "1"  # bump when rasterising changes, so cached pictures are not reused

Pixels = NDArray[np.uint8]


@dataclass(frozen=True)
class Sprite:
    """A picture of `size` (w, h), kept as its visible crop `rgba` at (left, top) inside it.

    `rgba` is premultiplied, H×W×4 uint8; an empty picture has a 0×0 crop.
    """

    key: str
    size: tuple[int, int]
    left: int
    top: int
    rgba: Pixels

    @property
    def width(self) -> int:
        return int(self.rgba.shape[1])

    @property
    def height(self) -> int:
        return int(self.rgba.shape[0])


def content_key(*parts: object) -> str:
    """sha256 of the parts' text: the cache key of a picture made from them."""
    digest = hashlib.sha256(RASTER_VERSION.encode())
    for part in parts:
        digest.update(b"\x00" + str(part).encode("utf-8"))
    return digest.hexdigest()


def rasterise(svg: str, width: int, height: int) -> Pixels:
    """Draw `svg` scaled to width×height: premultiplied RGBA, H×W×4 uint8."""
    from cairosvg.parser import Tree
    from cairosvg.surface import PNGSurface

    tree = Tree(bytestring=svg.encode("utf-8"))
    surface = PNGSurface(tree, None, 96, output_width=width, output_height=height)
    cairo_surface = surface.cairo
    cairo_surface.flush()
    stride = cairo_surface.get_stride()
    buffer = np.frombuffer(cairo_surface.get_data(), dtype=np.uint8)
    argb = buffer.reshape(cairo_surface.get_height(), stride)[:, : cairo_surface.get_width() * 4]
    argb = argb.reshape(cairo_surface.get_height(), cairo_surface.get_width(), 4)
    rgba = argb[..., [2, 1, 0, 3]] if np.little_endian else argb[..., [1, 2, 3, 0]]  # cairo ARGB32 is native-endian
    out = np.ascontiguousarray(rgba[:height, :width])
    surface.finish()
    return out


def _crop(key: str, rgba: Pixels) -> Sprite:
    height, width = rgba.shape[:2]
    alpha = rgba[..., 3]
    rows, cols = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
    if rows.size == 0:
        return Sprite(key, (width, height), 0, 0, np.zeros((0, 0, 4), np.uint8))
    top, bottom, left, right = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    crop = np.ascontiguousarray(rgba[top:bottom, left:right])
    crop.setflags(write=False)
    return Sprite(key, (width, height), left, top, crop)


class RasterCache:
    """Sprites by content key: memory first (at most `max_items`), then `folder` if given."""

    def __init__(self, folder: Path | None = None, max_items: int = 256) -> None:
        self.folder = folder
        self.max_items = max_items
        self._memory: OrderedDict[str, Sprite] = OrderedDict()
        self.rasterised = 0  # pictures drawn by this cache (not found in memory or on disk)

    def get(self, key: str, svg: str | None, width: int, height: int) -> Sprite:
        """The sprite for `key`; draws `svg` at width×height only if it is nowhere cached."""
        found = self._memory.get(key)
        if found is not None:
            self._memory.move_to_end(key)
            return found
        sprite = self._load(key, width, height)
        if sprite is None:
            if svg is None:
                raise KeyError(key)
            sprite = _crop(key, rasterise(svg, width, height))
            self.rasterised += 1
            self._store(sprite)
        self._memory[key] = sprite
        while len(self._memory) > self.max_items:
            self._memory.popitem(last=False)
        return sprite

    def _path(self, key: str) -> Path | None:
        return None if self.folder is None else self.folder / key[:2] / f"{key}.npy"

    def _load(self, key: str, width: int, height: int) -> Sprite | None:
        path = self._path(key)
        if path is None or not path.exists():
            return None
        try:
            data = np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            return None  # unreadable: draw it again
        header = data[:4].astype(np.int64) if data.ndim == 1 else None
        if header is None or data.dtype != np.int32:
            return None
        left, top, h, w = (int(v) for v in header)
        pixels = data[4:].view(np.uint8)
        if pixels.size - h * w * 4 not in range(4) or left + w > width or top + h > height:
            return None  # not the picture we expect: draw it again
        rgba = pixels[: h * w * 4].reshape(h, w, 4).copy()
        rgba.setflags(write=False)
        return Sprite(key, (width, height), left, top, rgba)

    def _store(self, sprite: Sprite) -> None:
        path = self._path(sprite.key)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        # int32 header (left, top, h, w) then the pixels viewed as int32: one flat array, no pickle
        flat = np.ascontiguousarray(sprite.rgba).reshape(-1)
        pad = (-flat.size) % 4
        body = np.concatenate([flat, np.zeros(pad, np.uint8)]).view(np.int32)
        data = np.concatenate([np.array([sprite.left, sprite.top, sprite.height, sprite.width], np.int32), body])
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                np.save(out, data, allow_pickle=False)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
