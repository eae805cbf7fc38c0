"""The soundtrack's AAC, encoded stretch by stretch: joined without a seam, re-encoded only where it changed.

Real encoder (FFmpeg's, through PyAV), real MoviePy mix, decoded by the ffmpeg command: the joined .m4a
is compared with the mix it encodes.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from render import assemble
from render.aac import FRAME
from render.cache import Cache, file_sha256
from render.narration import write_wav
from render.soundtrack import AUDIO_RATE, Music, PlacedPhrase, SoundtrackPlan, _stretches, render_soundtrack
from tests.helpers import ffprobe, stream

WINDOW = int(0.05 * AUDIO_RATE)  # 50 ms
X264 = ("-c:v", "libx264", "-pix_fmt", "yuv420p")


def _music(path: Path, seconds: float) -> None:
    """A steady chord with a little noise: every 50 ms window is about as hard to encode as any other."""
    chord = "0.25*sin(2*PI*220*t)+0.2*sin(2*PI*277*t)+0.2*sin(2*PI*330*t)+0.1*(random(0)-0.5)"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"aevalsrc={chord}:s=44100:d={seconds}", str(path)],
        check=True,
    )


def _phrase(path: Path, freq: float, seconds: float = 0.8) -> PlacedPhrase:
    t = np.arange(int(seconds * 22050)) / 22050
    write_wav(path, (np.sin(2 * np.pi * freq * t) * 8000).astype(np.int16))
    return PlacedPhrase(path, 0.0, seconds, f"{path.stem}-{freq}")


def _decoded(path: Path) -> np.ndarray:
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:a:0", "-f", "s16le", "-ac", "2", "-"],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, dtype="<i2").reshape(-1, 2).astype(np.float64)


def _packets(path: Path) -> list[tuple[int, int]]:
    """(pts, duration) of each audio packet, in samples."""
    command = ["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries", "packet=pts,duration"]
    out = subprocess.run([*command, "-of", "csv=p=0", str(path)], capture_output=True, text=True, check=True)
    rows = [line.split(",") for line in out.stdout.split()]
    return [(int(row[0]), int(row[1])) for row in rows]


def _window_errors(decoded: np.ndarray, mix: np.ndarray) -> np.ndarray:
    error = decoded[: len(mix)] - mix
    n = len(error) // WINDOW * WINDOW
    return np.sqrt((error[:n] ** 2).reshape(-1, WINDOW * 2).mean(axis=1))


def test_stretches_joined_are_the_planned_length_with_signalled_priming_and_no_seam(tmp_path: Path) -> None:
    music = tmp_path / "chord.flac"
    _music(music, 12.0)
    # cuts nowhere near a frame boundary, one stretch shorter than the encoder's pre- and post-roll
    plan = SoundtrackPlan((), 11.3, Music(music, 1.0, file_sha256(music)), (2.31, 5.05, 5.07, 7.77, 9.9), "test")
    stretches = plan.stretches()
    assert len(stretches) == 6 and all(first % FRAME == 0 for first, _ in stretches)
    out = tmp_path / "track.m4a"
    assert render_soundtrack(plan, out, Cache(tmp_path / "cache")) == 6
    mix = np.concatenate(list(_stretches(plan, None, None))).astype(np.float64)
    total = plan.samples()
    assert len(mix) == total

    # the exact length, the standard 1024-sample priming, signalled (an edit list skips it)
    audio = stream(ffprobe(out), "audio")
    assert audio["codec_name"] == "aac" and int(audio["sample_rate"]) == AUDIO_RATE
    assert int(audio["duration_ts"]) == total
    packets = _packets(out)
    assert packets[0] == (-FRAME, FRAME)
    assert all(pts == (k - 1) * FRAME for k, (pts, _) in enumerate(packets))
    assert packets[-1][0] + packets[-1][1] == total

    # ffmpeg skips the priming (and keeps the padding of the last frame): sample k is the mix's sample k
    decoded = _decoded(out)
    assert len(decoded) == -(-total // FRAME) * FRAME
    windows = _window_errors(decoded, mix)
    median = float(np.median(windows))
    assert 0 < median < 0.1 * float(np.sqrt((mix**2).mean()))  # a faithful encode, in time with the mix
    for first, _ in stretches[1:]:
        around = decoded[first - WINDOW // 2 : first + WINDOW // 2] - mix[first - WINDOW // 2 : first + WINDOW // 2]
        assert float(np.sqrt((around**2).mean())) <= 1.5 * median, f"a seam at sample {first}"

    # the final cut copies the track as it is: same length, same priming
    clip = tmp_path / "clip.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=black:s=64x64:r=30:d=11.3", *X264, str(clip)],
        check=True,
    )
    final = tmp_path / "final.mp4"
    assemble.join_and_mux([clip], out, final, tmp_path)
    assert int(stream(ffprobe(final), "audio")["duration_ts"]) == total
    assert _packets(final)[0] == (-FRAME, FRAME)
    assert np.array_equal(_decoded(final), decoded)


def _speech_plan(tmp_path: Path, music: Path, freqs: list[float]) -> SoundtrackPlan:
    starts = [0.5, 2.4, 4.3, 6.2, 8.1]
    phrases = []
    for k, (freq, start) in enumerate(zip(freqs, starts, strict=True)):
        tone = _phrase(tmp_path / f"p{k}-{freq}.wav", freq)
        phrases.append(PlacedPhrase(tone.wav, start, tone.seconds, tone.key))
    cuts = tuple(start - 0.2 for start in starts)
    return SoundtrackPlan(tuple(phrases), 10.0, Music(music, 0.4, file_sha256(music)), cuts, "test")


def test_an_edit_encodes_again_only_the_stretches_whose_sound_changed(tmp_path: Path) -> None:
    music = tmp_path / "chord.flac"
    _music(music, 4.0)  # shorter than the video: it loops
    freqs = [500.0, 600.0, 700.0, 800.0, 900.0]
    plan = _speech_plan(tmp_path, music, freqs)
    cache = Cache(tmp_path / "cache")
    assert len(plan.stretches()) == 6
    assert render_soundtrack(plan, tmp_path / "cold.m4a", cache) == 6  # one encoder run per stretch
    assert render_soundtrack(plan, tmp_path / "warm.m4a", cache) == 0
    assert (tmp_path / "warm.m4a").read_bytes() == (tmp_path / "cold.m4a").read_bytes()

    # the phrase of the middle scene changes (same length): only its stretch sounds different
    edited = _speech_plan(tmp_path, music, [500.0, 600.0, 750.0, 800.0, 900.0])
    assert render_soundtrack(edited, tmp_path / "edit.m4a", cache) == 1
    assert len(list((cache.root / "mixenc").glob("*/*.aac"))) == 7
    # and the joined track is exactly what encoding the edited script from scratch gives
    fresh = tmp_path / "fresh.m4a"
    assert render_soundtrack(edited, fresh, Cache(tmp_path / "other-cache")) == 6
    assert np.array_equal(_decoded(tmp_path / "edit.m4a"), _decoded(fresh))
    assert not np.array_equal(_decoded(tmp_path / "edit.m4a"), _decoded(tmp_path / "cold.m4a"))
