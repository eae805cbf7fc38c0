"""Milliseconds per composited cartoon frame at 480p and 1080p (16:9): `python bench/cartoon_frames.py`.

A presenter at the agency speaking for 6 s at 30 fps (a synthetic speech-like mouth track, a wave
and a nod), plus a two-character dialogue at home. Reports the cold first pass (rasterising every
state) and a warm pass (pictures cached), and how many frames were repeats. One JSON line each.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scenes.cartoon import (
    Acting,
    CharacterTrack,
    Compositor,
    Cue,
    Palette,
    RasterCache,
    dialogue_layout,
    make_character,
    plan_acting,
    presenter_layout,
    setting_layers,
)

FPS, SECONDS = 30, 6
PALETTE = Palette("#00703C", "#F2A900", "#FFFFFF", "#1B1B1B")


def _mouth(count: int) -> list[str]:
    # syllables of ~0.2 s with a pause every 1.5 s: what a real track looks like
    states = []
    for i in range(count):
        t = i / FPS
        if t % 1.5 > 1.2:
            states.append("closed")
        else:
            states.append(("half", "open", "open", "half", "closed", "half")[int(t * 30) % 6])
    return states


def _tracks(kind: str, width: int, height: int, stage: int) -> list[CharacterTrack]:
    count = FPS * SECONDS
    claire = make_character("claire", "toon-head", look={"hair": "bun", "rearHair": "longWavy"})
    speaking = plan_acting(Acting(FPS, count, _mouth(count), (Cue(0.5, "wave"), Cue(3.0, "nod")), seed="claire"))
    if kind == "presenter":
        return [CharacterTrack(claire, presenter_layout(width, height, "left", stage).characters[0], speaking)]
    paul = make_character("paul", "notionists", clothes="secondary", palette=PALETTE)
    listening = plan_acting(Acting(FPS, count, None, (Cue(2.0, "nod"),), seed="paul", flip=True))
    boxes = dialogue_layout(width, height, 2).characters
    return [CharacterTrack(claire, boxes[0], speaking), CharacterTrack(paul, boxes[1], listening)]


def run(kind: str, setting: str, width: int, height: int) -> dict[str, object]:
    cache = RasterCache()
    result: dict[str, object] = {"scene": kind, "setting": setting, "size": f"{width}x{height}"}
    for label in ("cold", "warm"):
        start = time.perf_counter()
        layers = setting_layers(setting, PALETTE, width, height, cache)
        tracks = _tracks(kind, width, height, layers.stage)
        compositor = Compositor(layers, tracks, cache=cache, channels=4)  # RGBA, what FramePipe takes
        count = sum(1 for _ in compositor.frames(copy=False))
        elapsed = time.perf_counter() - start
        result[f"{label}_ms_per_frame"] = round(1000 * elapsed / count, 2)
        result["painted_frames"] = compositor.painted
    result["frames"] = FPS * SECONDS
    return result


if __name__ == "__main__":
    for width, height in ((854, 480), (1920, 1080)):
        for kind, setting in (("presenter", "agency"), ("dialogue", "home")):
            print(json.dumps(run(kind, setting, width, height)), flush=True)
