"""Composited cartoon frames: characters stay in their boxes, settings wear the brand, frames repeat."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scenes.cartoon.colour import Palette, parse_hex
from scenes.cartoon.compositor import Box, CharacterTrack, Compositor, PropPlacement, frame_runs
from scenes.cartoon.motion import Acting, CharacterFrame, Cue, plan_acting
from scenes.cartoon.placement import dialogue_layout, presenter_layout
from scenes.cartoon.raster import RasterCache
from scenes.cartoon.settings import setting_layers
from scenes.cartoon.styles import Pose, make_character

BRAND = Palette(primary="#123C8C", secondary="#E4572E", background="#FAF7F0", text="#222222")
SHAPES = {"16:9": (256, 144), "9:16": (144, 256), "1:1": (192, 192)}
CACHE = RasterCache()  # one per module: the pictures are the same across tests


def _wave_frames(count: int, seed: str) -> tuple[CharacterFrame, ...]:
    mouth = ["closed", "half", "open", "open", "half", "closed"] * (count // 6 + 1)
    return plan_acting(Acting(15, count, mouth[:count], (Cue(0.0, "wave"), Cue(0.4, "celebrate")), seed=seed))


def _changed(frame: np.ndarray, backdrop: np.ndarray) -> np.ndarray:
    changed: np.ndarray = np.any(frame != backdrop, axis=2)
    return changed


@pytest.mark.parametrize("aspect", SHAPES)
@pytest.mark.parametrize(("setting", "style"), [("agency", "toon-head"), ("plain", "notionists")])
def test_character_pixels_stay_inside_box_and_frame(aspect: str, setting: str, style: str) -> None:
    width, height = SHAPES[aspect]
    layers = setting_layers(setting, BRAND, width, height, CACHE)
    character = make_character("claire", style, clothes="primary", palette=BRAND)
    layout = presenter_layout(width, height, "left", layers.stage if layers.front else None)
    box = layout.characters[0]
    assert box.x >= 0 and box.x + box.w <= width and box.y >= 0 and box.y + box.h <= height
    frames = _wave_frames(12, "claire")
    empty = next(Compositor(layers, [], cache=CACHE).frames())
    for frame in Compositor(layers, [CharacterTrack(character, box, frames)], cache=CACHE).frames():
        assert frame.shape == (height, width, 3) and frame.dtype == np.uint8
        ys, xs = np.nonzero(_changed(frame, empty))
        assert ys.size > 0.05 * box.w * box.h  # the character shows
        assert box.x <= xs.min() and xs.max() < box.x + box.w
        assert box.y <= ys.min() and ys.max() < box.y + box.h
    if layout.content is not None:  # and never where the text goes
        c = layout.content
        assert not (c.x < box.x + box.w and box.x < c.x + c.w and c.y < box.y + box.h and box.y < c.y + c.h)


@pytest.mark.parametrize("aspect", SHAPES)
def test_dialogue_boxes_fit_the_frame(aspect: str) -> None:
    width, height = SHAPES[aspect]
    for count in (2, 3):
        layout = dialogue_layout(width, height, count)
        assert len(layout.characters) == count
        for box in layout.characters:
            assert box.x >= 0 and box.x + box.w <= width and box.y >= 0 and box.y + box.h <= height
        assert layout.facing_left[0] is False and layout.facing_left[-1] is True


@pytest.mark.parametrize("setting", ["agency", "home", "office", "workshop", "street", "countryside", "plain"])
def test_setting_colours_come_from_the_brand(setting: str) -> None:
    for width, height in SHAPES.values():
        layers = setting_layers(setting, BRAND, width, height, CACHE)
        frame = next(Compositor(layers, [], cache=CACHE).frames())
        colours = {tuple(int(v) for v in c) for c in frame.reshape(-1, 3)[::3]}
        primary, secondary = parse_hex(BRAND.primary), parse_hex(BRAND.secondary)

        def near(rgb: tuple[int, ...], target: tuple[int, int, int]) -> bool:
            return all(abs(a - b) <= 2 for a, b in zip(rgb, target, strict=True))

        assert any(near(c, primary) or near(c, secondary) for c in colours), setting
        other = setting_layers(setting, Palette("#8C1238", "#2E9BE4", "#F0F7FA", "#222222"), width, height, CACHE)
        assert not np.array_equal(layers.back.rgba, other.back.rgba)  # another brand, another picture


def test_same_inputs_give_identical_frames_and_unchanged_frames_repeat() -> None:
    width, height = SHAPES["16:9"]

    def render() -> list[np.ndarray]:
        cache = RasterCache()
        layers = setting_layers("home", BRAND, width, height, cache)
        layout = dialogue_layout(width, height, 2)
        speaker, listener = make_character("claire", "toon-head"), make_character("paul", "notionists")
        mouth = ["closed"] * 5 + ["half", "open", "open", "half"] * 4 + ["closed"] * 15
        tracks = [
            CharacterTrack(speaker, layout.characters[0], plan_acting(Acting(15, 36, mouth, seed="claire"))),
            CharacterTrack(
                listener,
                layout.characters[1],
                plan_acting(Acting(15, 36, None, (Cue(1, "nod"),), seed="paul", flip=True)),
            ),
        ]
        props = [PropPlacement("potted-plant", Box(100, 60, 40, 40))]
        return list(Compositor(layers, tracks, props, cache).frames())

    first, second = render(), render()
    assert len(first) == 36
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))
    assert len({f.tobytes() for f in first}) > 5  # it is animated...
    runs = list(frame_runs(iter(first)))
    assert sum(n for _, n in runs) == 36 and len(runs) < 36  # ...and repeats what did not change


def test_dirty_rectangles_give_the_same_pixels_as_full_redraws() -> None:
    width, height = SHAPES["1:1"]
    layers = setting_layers("office", BRAND, width, height, CACHE)
    box = presenter_layout(width, height, "right", layers.stage).characters[0]
    character = make_character("paul", "notionists")
    frames = _wave_frames(20, "paul")
    track = CharacterTrack(character, box, frames)
    streamed = list(Compositor(layers, [track], cache=CACHE).frames())
    for index in (3, 9, 17):  # each frame drawn alone, from nothing
        alone = next(Compositor(layers, [CharacterTrack(character, box, [frames[index]])], cache=CACHE).frames())
        assert np.array_equal(streamed[index], alone)


def test_pictures_are_cached_on_disk_by_content(tmp_path: Path) -> None:
    character = make_character("claire", "toon-head")
    layers = setting_layers("plain", BRAND, 128, 128, RasterCache(tmp_path))
    track = CharacterTrack(character, Box(10, 20, 100, 108), [CharacterFrame(Pose(mouth="open"))])
    first_cache = RasterCache(tmp_path)
    first = next(Compositor(layers, [track], cache=first_cache).frames())
    assert first_cache.rasterised == 1
    again = RasterCache(tmp_path)
    second = next(Compositor(layers, [track], cache=again).frames())
    assert again.rasterised == 0 and np.array_equal(first, second)
    other = RasterCache(tmp_path)
    next(
        Compositor(
            layers, [CharacterTrack(character, track.box, [CharacterFrame(Pose(mouth="half"))])], cache=other
        ).frames()
    )
    assert other.rasterised == 1  # another state is another picture


def test_rgba_frames_for_the_encoder() -> None:
    layers = setting_layers("street", BRAND, 160, 90, CACHE)
    frame = next(Compositor(layers, [], cache=CACHE, channels=4).frames())
    assert frame.shape == (90, 160, 4) and (frame[..., 3] == 255).all()
