"""Mouth, blinks and idle motion, planned from real espeak-ng speech (no Manim)."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from scenes.cartoon.lipsync import Phrase, mouth_track
from scenes.cartoon.motion import Acting, Cue, blink_frames, plan_acting
from scenes.cartoon.names import UnknownName

FPS = 15
PAUSE = 1.0  # seconds of silence around the speech


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """A real espeak-ng phrase (22050 Hz 16-bit mono) with a second of silence before and after."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (tools/install-system-deps.sh)")
    folder = tmp_path_factory.mktemp("speech")
    raw = folder / "raw.wav"
    subprocess.run(
        ["espeak-ng", "-v", "fr", "-s", "160", "-w", str(raw), "Bonjour, je suis Claire, votre conseillère."],
        check=True,
    )
    with wave.open(str(raw), "rb") as w:
        rate, samples = w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), "<i2")
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 300)
    samples = samples[loud[0] : loud[-1] + 1]  # trimmed, as render/narration.py does
    silence = np.zeros(int(PAUSE * rate), np.int16)
    path = folder / "phrase.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.concatenate([silence, samples, silence]).astype("<i2").tobytes())
    return path, samples.size / rate


def test_mouth_is_closed_in_silence_and_moves_during_speech(speech: tuple[Path, float]) -> None:
    path, seconds = speech
    count = round((2 * PAUSE + seconds) * FPS)
    track = mouth_track([Phrase(path)], FPS, count)
    assert len(track) == count
    before = track[: round(0.9 * PAUSE * FPS)]
    after = track[round((PAUSE + seconds + 0.1) * FPS) :]
    during = track[round(PAUSE * FPS) + 1 : round((PAUSE + seconds) * FPS) - 1]
    assert set(before) == {"closed"} and set(after) == {"closed"}
    assert {"half", "open"} <= set(during)
    assert sum(s != "closed" for s in during) > 0.5 * len(during)


def test_mouth_does_not_flicker(speech: tuple[Path, float]) -> None:
    path, seconds = speech
    track = mouth_track([Phrase(path)], 30, round((2 * PAUSE + seconds) * 30))
    runs, length = [], 1
    for a, b in itertools.pairwise(track):
        if a == b:
            length += 1
        else:
            runs.append((a, length))
            length = 1
    assert len(runs) > 6  # it moves...
    assert all(n >= 2 for _, n in runs)  # ...and every state holds at least 2 frames at 30 fps


def test_phrase_start_shifts_the_track(speech: tuple[Path, float]) -> None:
    path, seconds = speech
    count = round((2 * PAUSE + seconds + 1) * FPS)
    shifted = mouth_track([Phrase(path, start=1.0)], FPS, count)
    assert set(shifted[: round(1.9 * FPS)]) == {"closed"}
    assert mouth_track([Phrase(path)], FPS, count)[:-FPS] == shifted[FPS:]


def test_a_blink_happens_in_six_seconds_and_is_reproducible() -> None:
    for seed in ("claire", "paul", "scene-3/claire", ""):
        blinks = blink_frames(seed, 30, 180)
        assert blinks, seed
        assert all(0 <= f < 180 for f in blinks)
        assert blinks == blink_frames(seed, 30, 180)
    assert blink_frames("claire", 30, 600) != blink_frames("paul", 30, 600)


def test_acting_is_deterministic_and_never_frozen(speech: tuple[Path, float]) -> None:
    path, seconds = speech
    count = round((2 * PAUSE + seconds) * FPS)
    mouth = mouth_track([Phrase(path)], FPS, count)
    acting = Acting(FPS, count, mouth, (Cue(0.5, "wave"), Cue(1.5, "happy"), Cue(2.5, "nod")), seed="claire")
    frames = plan_acting(acting)
    assert frames == plan_acting(acting)
    assert len(frames) == count
    # idle motion: even where nothing else happens, the character moves
    assert len({(f.dx, f.dy) for f in frames[-FPS:]}) > 1
    # the wave shows from its cue, in two alternating positions, then ends
    waving = [f.pose for f in frames[round(0.5 * FPS) : round(2.0 * FPS)]]
    assert {p.gesture for p in waving} == {"wave"} and {p.phase for p in waving} == {0, 1}
    assert frames[round(2.3 * FPS)].pose.gesture is None
    assert frames[round(1.2 * FPS)].pose.expression == "neutral"
    assert frames[round(1.6 * FPS)].pose.expression == "happy"
    assert [f.pose.mouth for f in frames] == list(mouth)


def test_listener_keeps_mouth_closed_and_nods() -> None:
    frames = plan_acting(Acting(30, 90, None, (Cue(1.0, "nod"),), seed="paul", flip=True))
    assert {f.pose.mouth for f in frames} == {"closed"}
    assert all(f.pose.flip for f in frames)
    nodding = [f.dy for f in frames[30:57]]
    assert max(nodding) - min(nodding) > 0.01  # the head dips


def test_unknown_cue_names_the_closest() -> None:
    with pytest.raises(UnknownName) as error:
        plan_acting(Acting(30, 10, None, (Cue(0.1, "wav"),)))
    assert "wave" in str(error.value)
