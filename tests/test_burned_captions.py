"""Burned-in captions (`captions: {burn: true}`): the sidecar cues drawn into the picture on a
box, inside the safe area, higher in 9:16, above a legal band; sidecar files still written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import srt

from contract.script import Brand
from render.burn import CaptionLook, caption_look, to_ass
from render.captions import Cue
from render.pipeline import RenderOptions, render_script
from tests.helpers import frame_at, make_project

SCRIPT = """\
title: Sous-titres
language: fr
video: {resolution: 480p, fps: 15, aspect: "ASPECT"}
brand: {text: "#1B1B1B", background: "#FFFFFF"}
captions: {burn: BURN}
scenes:
  - type: title
    title: Notre banque
    narration: Bonjour ! Voici pourquoi notre banque existe, et ce qui compte vraiment pour nous.
  - type: statistic
    value: 3.5
    suffix: " %"
    label: taux annuel
    legal: {text: "Offre soumise à conditions.", spoken: false}
    narration: Un taux de trois virgule cinq pour cent, pour nos clients fidèles.
"""
BOX = "#1B1B1B"  # the captions box is drawn in the brand's text colour


def _render(tmp_path: Path, aspect: str, burn: bool = True) -> tuple[Path, list[srt.Subtitle]]:
    root = make_project(tmp_path / f"p{aspect.replace(':', '-')}{burn}")
    script = root / "scripts" / "soustitres.yaml"
    script.write_text(SCRIPT.replace("ASPECT", aspect).replace("BURN", str(burn).lower()), encoding="utf-8")
    options = RenderOptions(out_dir=root / "build", cache_dir=root / "cache", log=lambda _: None)
    folder = render_script(script, options).folder
    cues = list(srt.parse((folder / "soustitres.fr.srt").read_text(encoding="utf-8")))
    return folder / "soustitres.mp4", cues


def _box(frame: np.ndarray) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom) of the caption box: runs of the box colour wider than any letter."""
    target = np.array([int(BOX[i : i + 2], 16) for i in (1, 3, 5)])
    dark = np.all(np.abs(frame.astype(int) - target) <= 24, axis=2).astype(int)
    run = 20  # pixels: a text stroke is a few pixels wide, the box far wider
    sums = np.cumsum(np.pad(dark, ((0, 0), (1, 0))), axis=1)
    solid = (sums[:, run:] - sums[:, :-run]) == run  # solid[y, x]: dark from x to x + run - 1
    rows = np.where(solid.any(axis=1))[0]
    if rows.size < 8:
        return None
    cols = np.where(solid[rows].any(axis=0))[0]
    return int(cols.min()), int(rows.min()), int(cols.max()) + run - 1, int(rows.max())


def _middle(cue: srt.Subtitle) -> float:
    return (cue.start.total_seconds() + cue.end.total_seconds()) / 2


@pytest.mark.render
@pytest.mark.parametrize("aspect", ["16:9", "9:16"])
def test_captions_are_drawn_inside_the_safe_area(tmp_path: Path, aspect: str) -> None:
    video, cues = _render(tmp_path, aspect)
    assert len(cues) >= 2  # the sidecar captions are still written
    first = frame_at(video, 0.2)
    assert _box(first) is None  # before the first words: no caption
    for cue in cues:
        frame = frame_at(video, _middle(cue))
        height, width, _ = frame.shape
        box = _box(frame)
        assert box is not None, f"no caption box at {_middle(cue):.2f} s"
        left, top, right, bottom = box
        inside = frame[top : bottom + 1, left : right + 1].astype(int)
        light = np.all(inside >= 200, axis=2).mean()
        assert light > 0.02, light  # words in the background colour on the box
        if aspect == "16:9":
            assert left >= 0.06 * width and right <= 0.94 * width
            assert bottom <= 0.94 * height and top >= 0.5 * height
        else:  # clear of the Shorts player: its buttons on the right, its title at the bottom
            assert left >= 0.06 * width and right <= 0.85 * width
            assert bottom <= 0.76 * height and top >= 0.4 * height
    # the statistic's legal band stays readable: the caption sits above it
    last = frame_at(video, _middle(cues[-1]))
    band = np.where(np.all(np.abs(last.astype(int) - 0xED) <= 12, axis=2).mean(axis=1) > 0.5)[0]
    assert band.size, "no legal band found"
    box = _box(last)
    assert box is not None and box[3] < band.min()


@pytest.mark.render
def test_without_burn_the_picture_has_no_captions(tmp_path: Path) -> None:
    video, cues = _render(tmp_path, "16:9", burn=False)
    assert cues
    assert all(_box(frame_at(video, _middle(cue))) is None for cue in cues)


def _look(**changes: object) -> CaptionLook:
    look = caption_look(1920, 1080, Brand(), [Cue(0.0, 1.0, "Bonjour")])
    return CaptionLook(**{**look.__dict__, **changes})  # type: ignore[arg-type]


def test_ass_events_keep_the_words_as_written() -> None:
    cues = [Cue(0.5, 2.25, "Un {tarif} à 3,5 % \\ sans frais"), Cue(3.0, 4.0, "Fin.")]
    ass = to_ass(cues, _look())
    texts = [line for line in ass.splitlines() if line.startswith("Dialogue: 1,")]
    assert len(texts) == 2
    assert texts[0].startswith("Dialogue: 1,0:00:00.50,0:00:02.25,Caption")
    # braces would open override blocks and a backslash a tag: they are escaped
    assert "\\{tarif\\}" in texts[0] and "\\ sans" not in texts[0]
    boxes = [line for line in ass.splitlines() if line.startswith("Dialogue: 0,")]
    assert len(boxes) == 2 and all("\\p1}m " in line for line in boxes)


def test_long_lines_shrink_the_type_to_fit_between_the_margins() -> None:
    short = caption_look(1080, 1920, Brand(), [Cue(0.0, 1.0, "Oui")])
    long = caption_look(1080, 1920, Brand(), [Cue(0.0, 1.0, "W" * 42)])
    assert long.size < short.size
    room = 1080 - long.margin_left - long.margin_right
    assert long.size * 42 * 0.8 <= room  # 'W' is wide: the line still fits


def test_a_brand_font_file_is_the_captions_font() -> None:
    from scenes.fonts import font_family

    file = Path(__file__).resolve().parent.parent / "assets" / "fonts" / "NotoSerifDisplay-Bold.ttf"
    look = caption_look(1920, 1080, Brand(font="Noto Serif Display", font_file=str(file)), [Cue(0, 1, "Bonjour")])
    assert look.font_file == str(file)
    assert look.family == font_family(str(file))
    assert f"Style: Caption,{look.family}," in to_ass([Cue(0, 1, "Bonjour")], look)
