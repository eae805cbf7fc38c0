"""Camera moves and the fast paths under them: a push-in is deterministic and zooms as planned, and
redoing only what changed (resampling, laying Manim's panel) gives the pixels of a full redo."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from contract.job import SceneJob
from contract.scene_types import PresenterScene
from scenes.cartoon.overlay import Overlay
from scenes.cartoon_stage import PUSH_IN, CartoonFrames, Stage, apply_view, build_stage, camera_view
from tests.helpers import scene_job

WIDTH, HEIGHT, FPS, COUNT = 426, 240, 10, 24


def _push_in_job(camera: str = "push-in") -> SceneJob:
    scene = PresenterScene(
        type="presenter",
        setting="office",
        character={"name": "claire", "position": "right"},
        title="Bonjour !",
        camera=camera,
        narration="Bonjour ! [wave] Voici notre banque.",
        duration=COUNT / FPS,
    )
    return scene_job(scene, (WIDTH, HEIGHT), FPS, COUNT, cues=[0.0])


def _setting_only(stage: Stage) -> np.ndarray:
    """Where only the setting shows: not the character (nor where it moves), not the panel."""
    mask = np.ones((HEIGHT, WIDTH), bool)
    char = stage.layout.characters[0]
    mask[max(char.y - 10, 0) :, max(char.x - 10, 0) : char.x + char.w + 10] = False
    content = stage.layout.content
    if content is not None:
        mask[max(content.y - 6, 0) : content.y + content.h + 6, max(content.x - 6, 0) : content.x + content.w + 6] = (
            False
        )
    return mask


def _stage_frames(job: SceneJob) -> list[np.ndarray]:
    source = CartoonFrames(build_stage(job), job.frame_count)
    return [source.get(i)[0].copy() for i in range(job.frame_count)]


def test_a_push_in_redrawn_where_it_changed_matches_a_full_resample() -> None:
    job = _push_in_job()
    stage = build_stage(job)
    raw = [f.copy() for f in stage.compositor.frames(copy=True)]
    fast = _stage_frames(job)
    for i, frame in enumerate(fast):
        view = camera_view(stage, i, job.frame_count)
        assert view is not None
        full = apply_view(raw[i], view)
        assert np.abs(frame.astype(int) - full).max() <= 2, f"frame {i}"
    again = _stage_frames(job)
    assert all(np.array_equal(a, b) for a, b in zip(again, fast, strict=True))


def test_a_push_in_ends_closer_than_it_starts() -> None:
    job = _push_in_job()
    stage = build_stage(job)
    first, last = camera_view(stage, 0, COUNT), camera_view(stage, COUNT - 1, COUNT)
    assert first is not None and last is not None
    assert first[0] == 1.0 and last[0] == PUSH_IN
    frames = _stage_frames(job)
    # the last frame is the first one seen PUSH_IN times closer (the setting does not move; the character does)
    mask = _setting_only(stage)
    zoomed = apply_view(frames[0], last).astype(int)
    closer = np.abs(frames[-1].astype(int) - zoomed)[mask].mean()
    unmoved = np.abs(frames[-1].astype(int) - frames[0])[mask].mean()
    assert closer < 1.0 < unmoved, (closer, unmoved)


def test_the_overlay_laid_where_it_shows_is_the_premultiplied_over() -> None:
    rng = np.random.default_rng(3)
    back = rng.integers(0, 256, (70, 90, 4), dtype=np.uint8)
    back[..., 3] = 255
    overlay = np.zeros((70, 90, 4), np.uint8)
    overlay[10:60, 20:80] = (200, 100, 50, 255)  # an opaque card
    alpha = rng.integers(0, 256, (70, 90), dtype=np.uint8)
    edge = np.zeros((70, 90), bool)
    edge[5:12, :] = True  # a partly transparent band across it
    overlay[edge, 3] = alpha[edge]
    overlay[edge, :3] = (alpha[edge, None] * np.array([0.9, 0.5, 0.1])).astype(np.uint8)
    inverse = 255 - overlay[..., 3:4].astype(int)
    expected = np.minimum((back[..., :3] * inverse + 127) // 255 + overlay[..., :3], 255)
    for rect in ((0, 0, 90, 70), (15, 3, 47, 33), (60, 50, 90, 70)):
        out = back.copy()
        Overlay(overlay).lay(out, back, rect)
        x0, y0, x1, y1 = rect
        assert np.array_equal(out[y0:y1, x0:x1, :3], expected[y0:y1, x0:x1])
        outside = np.ones((70, 90), bool)
        outside[y0:y1, x0:x1] = False
        assert np.array_equal(out[outside], back[outside])


def _decoded(path: Path) -> np.ndarray:
    from scenes.encoding import ffmpeg_exe

    raw = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, HEIGHT, WIDTH, 3)


@pytest.mark.render
def test_a_rendered_push_in_is_the_same_on_every_run_and_zooms_in(tmp_path: Path) -> None:
    from scenes import render_scene

    job = _push_in_job()
    render_scene(job, tmp_path / "a.mp4")
    render_scene(job, tmp_path / "b.mp4")
    a, b = _decoded(tmp_path / "a.mp4"), _decoded(tmp_path / "b.mp4")
    assert len(a) == COUNT and np.array_equal(a, b)
    # the setting above the character (left of the panel-free side) grows about the character's centre
    stage = build_stage(job)
    last = camera_view(stage, COUNT - 1, COUNT)
    assert last is not None
    first_rgba = np.concatenate([a[0], np.full((HEIGHT, WIDTH, 1), 255, np.uint8)], axis=2)
    zoomed = apply_view(first_rgba, last)[..., :3].astype(int)
    mask = _setting_only(stage)
    closer = np.abs(a[-1].astype(int) - zoomed)[mask].mean()
    unmoved = np.abs(a[-1].astype(int) - a[0])[mask].mean()
    assert closer < 0.5 * unmoved, (closer, unmoved)
