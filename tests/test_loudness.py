"""Broadcast loudness: the final mix at -14 LUFS and under -1 dBTP by default (or the script's
`audio:` target), as ffmpeg's `ebur128` measures the rendered file; the manifest records it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from render.loudness import integrated_loudness, limited, measure_file
from render.pipeline import RenderOptions, render_script
from tests.helpers import make_project

RATE = 44100


def _tone(seconds: float, level: float, frequency: float = 440.0) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    mono = (level * np.sin(2 * np.pi * frequency * t)).astype(np.float32)
    return np.repeat(mono[:, None], 2, axis=1)


def _as_wav(samples: np.ndarray, path: Path) -> Path:
    raw = path.with_suffix(".f32")
    samples.astype("<f4").tofile(raw)
    command = ["ffmpeg", "-v", "error", "-y", "-f", "f32le", "-ar", str(RATE), "-ac", "2", "-i", str(raw), str(path)]
    subprocess.run(command, check=True)
    return path


def test_our_measure_agrees_with_ffmpeg_ebur128(tmp_path: Path) -> None:
    # a tone with a pause and a quieter part: both gates matter
    sound = np.concatenate([_tone(3.0, 0.3), np.zeros((RATE, 2), np.float32), _tone(2.0, 0.05, 1000.0)])
    ours = integrated_loudness(sound, RATE)
    theirs, _ = measure_file(_as_wav(sound, tmp_path / "tone.wav"))
    assert abs(ours - theirs) <= 0.15, (ours, theirs)


def test_the_limiter_turns_peaks_down_and_leaves_the_rest() -> None:
    sound = _tone(1.0, 0.2)
    sound[RATE // 2 : RATE // 2 + 200] *= 5.0  # a burst at 1.0 full scale
    out = limited(sound, RATE, -6.0)
    assert np.abs(out).max() <= 10 ** (-6 / 20) + 1e-6
    assert np.allclose(out[: RATE // 4], sound[: RATE // 4])  # far from the burst: untouched
    quiet = _tone(0.5, 0.1)
    assert limited(quiet, RATE, -6.0) is quiet


SCRIPT = """\
title: Niveau
language: fr
voice: {rate: 170}
music: {file: ../assets/music/theme.mp3, volume: 0.15}
video: {resolution: 480p, fps: 15}
{audio}
scenes:
  - type: title
    title: Le bon niveau
    narration: Bonjour ! Cette vidéo doit sonner aussi fort que les autres vidéos.
  - type: bullets
    title: Deux règles
    items: [Le volume, Les crêtes]
    narration:
      - Deux règles.
      - D'abord, un volume comme les autres.
      - Ensuite, jamais de crête trop forte.
"""


@pytest.mark.render
@pytest.mark.parametrize(
    ("audio", "loudness", "peak"), [("", -14.0, -1.0), ("audio: {loudness: -16, true_peak: -1.5}", -16.0, -1.5)]
)
def test_the_rendered_video_meets_its_loudness_target(tmp_path: Path, audio: str, loudness: float, peak: float) -> None:
    root = make_project(tmp_path / "p")
    script = root / "scripts" / "niveau.yaml"
    script.write_text(SCRIPT.replace("{audio}", audio), encoding="utf-8")
    options = RenderOptions(out_dir=root / "build", preview=True, cache_dir=root / "cache", log=lambda _: None)
    folder = render_script(script, options).folder
    integrated, true_peak = measure_file(folder / "niveau.mp4")
    assert abs(integrated - loudness) <= 1.0, integrated
    assert true_peak <= peak, true_peak
    recorded = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["loudness"]
    assert recorded == {
        "integrated_lufs": integrated,
        "true_peak_dbtp": true_peak,
        "target_lufs": loudness,
        "target_true_peak_dbtp": peak,
    }
