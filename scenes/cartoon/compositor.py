"""Frames from a setting, characters and props, composited with numpy: fast enough for 1080p30.

The setting (with its props) is drawn once; each character state is rasterised
once per picture size (and per whole-degree rotation, when one is used) and
blended per frame as premultiplied RGBA with integer offsets. Only what changed
is redrawn (dirty rectangles: a moving mouth repaints the mouth, not the frame),
and a frame equal to the previous one is yielded again as the same object, so
an encoder can send it once (``FramePipe.write(frame, repeat)``; see
:func:`frame_runs`).

A character's picture is clipped to its box: its pixels never leave the box or
the frame. A bust's picture is cut at its bottom edge, so its bottom `sink` is
kept below the box's bottom edge, where no bob or tilt can show the cut.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from .motion import CharacterFrame
from .overlay import OPAQUE, TILE, tile_bands
from .props import prop_sprite
from .raster import Pixels, RasterCache, Sprite, content_key
from .settings import SettingLayers
from .styles import Character, character_svg, style_info

Rect = tuple[int, int, int, int]  # x0, y0, x1, y1 (x1, y1 excluded)


@dataclass(frozen=True)
class Box:
    """A rectangle of the frame in pixels."""

    x: int
    y: int
    w: int
    h: int

    def rect(self) -> Rect:
        return (self.x, self.y, self.x + self.w, self.y + self.h)


@dataclass(frozen=True)
class CharacterTrack:
    """One character on screen: who, where, and what it does in each frame."""

    character: Character
    box: Box
    frames: Sequence[CharacterFrame]  # one per video frame (the last one holds if shorter)
    sink: float = 0.05  # fraction of the picture kept below the box's bottom edge
    headroom: float = 0.04  # fraction left free above, for hops


@dataclass(frozen=True)
class PropPlacement:
    """A prop standing at the bottom centre of `box`, as large as fits (drawn into the backdrop)."""

    name: str
    box: Box


def _intersect(a: Rect, b: Rect) -> Rect | None:
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    return (x0, y0, x1, y1) if x0 < x1 and y0 < y1 else None


def _union(a: Rect, b: Rect) -> Rect:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


@dataclass(frozen=True)
class _Layer:
    """A sprite ready to blend: colour (premultiplied, C channels) and its alpha (views of the sprite)."""

    colour: Pixels
    alpha: Pixels  # H×W×1
    bands: list[list[tuple[int, int, int]]]  # opaque and mixed runs per band of TILE rows


@dataclass(frozen=True)
class _Item:
    """A sprite placed in the frame: its visible rectangle (clipped) and where its crop starts."""

    key: str
    rect: Rect | None  # clipped to the box and the frame; None if nothing shows
    origin: tuple[int, int]  # frame position of the crop's top-left pixel


class Compositor:
    """Composites frames; see the module docstring. `channels` is 3 (RGB) or 4 (RGBA, opaque)."""

    def __init__(
        self,
        setting: SettingLayers,
        tracks: Sequence[CharacterTrack],
        props: Sequence[PropPlacement] = (),
        cache: RasterCache | None = None,
        channels: int = 3,
    ) -> None:
        if channels not in (3, 4):
            raise ValueError("channels must be 3 (RGB) or 4 (RGBA)")
        self.cache = cache or RasterCache()
        self.tracks = tuple(tracks)
        self.channels = channels
        self.width, self.height = setting.back.size
        self.frame_rect: Rect = (0, 0, self.width, self.height)
        self._layers: dict[str, _Layer] = {}
        self._sprites: dict[str, Sprite] = {}
        self._diffs: dict[tuple[str, str], Rect | None] = {}
        self.painted = 0  # frames drawn (the others were repeats of the previous frame)
        self.dirty: list[Rect] = [self.frame_rect]  # what the last frame drawn repainted
        self.base = np.zeros((self.height, self.width, channels), np.uint8)
        self.base[..., :] = 255
        self._blend_sprite(self.base, setting.back, (0, 0), self.frame_rect)
        for prop in props:
            size = min(prop.box.w, prop.box.h)
            sprite = prop_sprite(prop.name, size, self.cache)
            at = (prop.box.x + (prop.box.w - size) // 2, prop.box.y + prop.box.h - size)
            self._blend_sprite(self.base, sprite, at, self.frame_rect)
        self.front = setting.front
        if self.front is not None:
            self._layer(self.front)

    @property
    def frame_count(self) -> int:
        return max((len(t.frames) for t in self.tracks), default=1)

    # -- sprites ---------------------------------------------------------------------------
    def _layer(self, sprite: Sprite) -> _Layer:
        layer = self._layers.get(sprite.key)
        if layer is None:
            colour = np.ascontiguousarray(sprite.rgba if self.channels == 4 else sprite.rgba[..., :3])
            layer = self._layers[sprite.key] = _Layer(colour, sprite.rgba[..., 3:4], tile_bands(sprite.rgba))
            self._sprites[sprite.key] = sprite
        return layer

    def _character_sprite(self, track: CharacterTrack, frame: CharacterFrame) -> tuple[Sprite, int]:
        fill = style_info(track.character.style).fill
        side = round(min(track.box.w, track.box.h / (1 - track.sink + track.headroom)) * fill * frame.scale)
        svg = character_svg(track.character, frame.pose)
        if frame.rotation:  # about the bottom centre, where the body leaves the picture
            size = svg[svg.index('viewBox="') + 9 :].split('"')[0].split()[2]
            body = svg.index("<g clip-path=")
            end = svg.rindex("</svg>")
            turn = f'<g transform="rotate({frame.rotation} {float(size) / 2} {size})">'
            svg = f"{svg[:body]}{turn}{svg[body:end]}</g></svg>"
        return self.cache.get(content_key("character", svg, side), svg, side, side), side

    def _place(self, track: CharacterTrack, frame: CharacterFrame) -> _Item:
        sprite, side = self._character_sprite(track, frame)
        self._layer(sprite)
        box = track.box
        left = box.x + (box.w - side) // 2 + round(frame.dx * side)
        top = box.y + box.h - side + round(track.sink * side) + round(frame.dy * side)
        origin = (left + sprite.left, top + sprite.top)
        visible = (origin[0], origin[1], origin[0] + sprite.width, origin[1] + sprite.height)
        clip = _intersect(box.rect(), self.frame_rect)
        rect = _intersect(visible, clip) if clip and sprite.width else None
        return _Item(sprite.key, rect, origin)

    # -- blending --------------------------------------------------------------------------
    def _blend_sprite(self, target: Pixels, sprite: Sprite, at: tuple[int, int], clip: Rect) -> None:
        origin = (at[0] + sprite.left, at[1] + sprite.top)
        rect = _intersect((origin[0], origin[1], origin[0] + sprite.width, origin[1] + sprite.height), clip)
        if rect is not None:
            self._blend(target, self._layer(sprite), origin, rect)

    @staticmethod
    def _blend(target: Pixels, layer: _Layer, origin: tuple[int, int], rect: Rect) -> None:
        """Blend `layer` (its top-left at `origin`) over `target` within `rect`: copy where it is opaque,
        skip where it is empty, blend where it is partly transparent (the same pixels as blending all)."""
        x0, y0, x1, y1 = rect
        ox, oy = origin
        sx0, sy0, sx1, sy1 = x0 - ox, y0 - oy, x1 - ox, y1 - oy  # in the sprite
        bands = layer.bands
        for band in range(max(sy0 // TILE, 0), min(-(-sy1 // TILE), len(bands))):
            top, bottom = max(band * TILE, sy0), min(band * TILE + TILE, sy1)
            for left, right, kind in bands[band]:
                a, b = max(left, sx0), min(right, sx1)
                if a >= b:
                    continue
                if kind == OPAQUE:
                    target[oy + top : oy + bottom, ox + a : ox + b] = layer.colour[top:bottom, a:b]
                else:
                    Compositor._mix(target, layer, origin, (a, top, b, bottom))

    @staticmethod
    def _mix(target: Pixels, layer: _Layer, origin: tuple[int, int], part: Rect) -> None:
        a, top, b, bottom = part  # in the sprite
        src = layer.colour[top:bottom, a:b]
        inv = 255 - layer.alpha[top:bottom, a:b]  # only the mixed tiles: no uint16 copy of the sprite is kept
        dst = target[origin[1] + top : origin[1] + bottom, origin[0] + a : origin[0] + b]
        # premultiplied "over": dst * (255 - a) / 255 + src, with /255 as (x + 255) >> 8: exact at
        # a = 0 and a = 255, at most 1 off between, never above 255 (src <= a); 5 passes, no clamp
        mixed = np.multiply(dst, inv, dtype=np.uint16)
        mixed += 255
        mixed >>= 8
        mixed += src
        dst[...] = mixed

    def _diff(self, a: str, b: str) -> Rect | None:
        """Where two pictures of the same size and crop differ (relative to the crop), or None if not comparable."""
        pair = (a, b) if a < b else (b, a)
        if pair not in self._diffs:
            sa, sb = self._sprites[a], self._sprites[b]
            result: Rect | None = None
            if sa.rgba.shape == sb.rgba.shape and (sa.left, sa.top) == (sb.left, sb.top):
                changed = np.any(sa.rgba != sb.rgba, axis=2)
                rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
                result = (
                    (0, 0, 0, 0)
                    if rows.size == 0
                    else (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)
                )
            self._diffs[pair] = result
        return self._diffs[pair]

    def _dirty(self, old: _Item, new: _Item) -> list[Rect]:
        if old == new:
            return []
        if old.origin == new.origin and old.rect == new.rect and new.rect is not None:
            local = self._diff(old.key, new.key)
            if local is not None:  # same place, same size: repaint only what differs (a mouth, the eyes)
                ox, oy = new.origin
                rect = _intersect((ox + local[0], oy + local[1], ox + local[2], oy + local[3]), new.rect)
                return [rect] if rect else []
        rects = [r for r in (old.rect, new.rect) if r is not None]
        if len(rects) == 2 and _intersect(rects[0], rects[1]):
            return [_union(rects[0], rects[1])]
        return rects

    def _paint(self, frame: Pixels, rect: Rect, items: Sequence[_Item]) -> None:
        x0, y0, x1, y1 = rect
        frame[y0:y1, x0:x1] = self.base[y0:y1, x0:x1]
        for item in items:
            if item.rect is not None:
                part = _intersect(item.rect, rect)
                if part is not None:
                    self._blend(frame, self._layers[item.key], item.origin, part)
        if self.front is not None:
            self._blend_sprite(frame, self.front, (0, 0), rect)

    # -- frames ----------------------------------------------------------------------------
    def frames(self, copy: bool = True) -> Iterator[Pixels]:
        """Every frame, H×W×channels uint8. An unchanged frame is the previous object again.

        With copy=False one buffer is reused (faster): use each frame before asking for the next.
        """
        canvas = self.base.copy()
        previous: list[_Item] | None = None
        current: Pixels = canvas
        for index in range(self.frame_count):
            items = [self._place(t, t.frames[min(index, len(t.frames) - 1)]) for t in self.tracks]
            if previous is None:
                self._paint(canvas, self.frame_rect, items)
                dirty: list[Rect] = [self.frame_rect]
            elif items == previous:
                yield current
                continue
            else:
                dirty = []
                for old, new in zip(previous, items, strict=True):
                    dirty += self._dirty(old, new)
                for rect in dirty:
                    self._paint(canvas, rect, items)
            previous = items
            self.dirty = dirty
            self.painted += 1
            current = canvas.copy() if copy else canvas
            if copy:
                current.setflags(write=False)
            yield current


def composite_frames(
    setting: SettingLayers,
    tracks: Sequence[CharacterTrack],
    props: Sequence[PropPlacement] = (),
    cache: RasterCache | None = None,
) -> Iterator[Pixels]:
    """RGB frames (H×W×3 uint8) of `tracks` acting in `setting`; see :class:`Compositor`."""
    return Compositor(setting, tracks, props, cache).frames()


def frame_runs(frames: Iterator[Pixels]) -> Iterator[tuple[Pixels, int]]:
    """(frame, how many times in a row) from a frame iterator that repeats unchanged frames by identity."""
    run: Pixels | None = None
    count = 0
    for frame in frames:
        if frame is run:
            count += 1
            continue
        if run is not None:
            yield run, count
        run, count = frame, 1
    if run is not None:
        yield run, count
