"""The soundtrack: MoviePy places phrases at their times and ducks the music under the voice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from render.cache import Cache, file_sha256
from render.narration import write_wav
from render.soundtrack import (
    AUDIO_RATE,
    DUCK,
    Music,
    PlacedPhrase,
    SoundtrackPlan,
    _stretches,
    decode_audio,
    mix_soundtrack,
    soundtrack_clip,
    speech_envelope,
)
from tests.helpers import REPO, audio_samples, ffprobe, stream


def _tone(path: Path, seconds: float, freq: float) -> None:
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency={freq}:duration={seconds}",
            "-c:a",
            "libmp3lame",
            str(path),
        ],
        check=True,
    )


def _rms(samples: np.ndarray, start: float, end: float, rate: int = 16000) -> float:
    part = samples[int(start * rate) : int(end * rate)]
    return float(np.sqrt((part**2).mean()))


def test_envelope_dips_during_speech_and_ramps() -> None:
    env = speech_envelope([(2.0, 3.0)], 6.0)
    assert env[100] == pytest.approx(1.0)  # 1 s: before speech
    assert env[250] == pytest.approx(DUCK)  # 2.5 s: speaking
    assert env[500] == pytest.approx(1.0)  # 5 s: after
    assert DUCK < env[170] < 1.0 or DUCK < env[180] < 1.0  # a ramp, not a step


def test_music_is_ducked_under_the_voice_and_phrases_land_on_time(tmp_path: Path) -> None:
    music = tmp_path / "music.mp3"
    _tone(music, 3.0, 220)  # shorter than the video: it must loop
    voice = tmp_path / "phrase.wav"
    t = np.arange(int(1.0 * 22050)) / 22050
    write_wav(voice, (np.sin(2 * np.pi * 1000 * t) * 8000).astype(np.int16))
    out = tmp_path / "mix.m4a"
    mix_soundtrack([(voice, 4.0)], 8.0, out, (music, 0.5))
    info = ffprobe(out)
    assert stream(info, "audio")["codec_name"] == "aac"
    assert abs(float(info["format"]["duration"]) - 8.0) < 0.1
    samples = audio_samples(out)
    music_alone = _rms(samples, 1.0, 2.5)
    looped = _rms(samples, 3.2, 3.6)  # after the 3 s file ended
    assert looped > 0.5 * music_alone

    # during the phrase, the 220 Hz music is ducked: isolate it with an FFT band
    def band(start: float, end: float, freq: float) -> float:
        part = samples[int(start * 16000) : int(end * 16000)]
        spectrum = np.abs(np.fft.rfft(part * np.hanning(part.size)))
        freqs = np.fft.rfftfreq(part.size, 1 / 16000)
        return float(spectrum[(freqs > freq - 20) & (freqs < freq + 20)].max())

    ratio = band(4.4, 4.8, 220) / band(1.4, 1.8, 220)
    assert ratio == pytest.approx(DUCK, abs=0.1)
    assert band(4.4, 4.8, 1000) > 5 * band(1.4, 1.8, 1000)  # the phrase plays at 4 s, not before
    onset = np.flatnonzero(np.abs(samples[int(3.8 * 16000) : int(4.3 * 16000)]) > 0.2)
    assert onset.size and abs(3.8 + onset[0] / 16000 - 4.0) < 0.05


def _plan(tmp_path: Path, texts: list[tuple[str, float, float]], total: float, music: Path) -> SoundtrackPlan:
    """Phrases (name, start, tone frequency), each a 0.8 s tone, cut at every second phrase."""
    phrases = []
    for name, start, freq in texts:
        wav = tmp_path / f"{name}.wav"
        t = np.arange(int(0.8 * 22050)) / 22050
        write_wav(wav, (np.sin(2 * np.pi * freq * t) * 8000).astype(np.int16))
        phrases.append(PlacedPhrase(wav, start, 0.8, f"{name}-{freq}"))
    cuts = tuple(start - 0.1 for _, start, _ in texts[::2])
    return SoundtrackPlan(tuple(phrases), total, Music(music, 0.5, file_sha256(music)), cuts, "test")


def test_the_mix_in_stretches_is_the_one_pass_mix_and_an_edit_remixes_only_what_changed(tmp_path: Path) -> None:
    music = tmp_path / "music.mp3"
    _tone(music, 3.0, 220)
    texts = [("a", 0.5, 500.0), ("b", 1.9, 600.0), ("c", 4.2, 700.0), ("d", 5.6, 800.0), ("e", 8.0, 900.0)]
    plan = _plan(tmp_path, texts, 10.0, music)
    assert len(plan.stretches()) == 4  # cut before a, c and e; the first one starts at 0

    # what MoviePy's own write_audiofile would compute, in one pass over the composite
    one_pass = soundtrack_clip(plan).to_soundarray(fps=AUDIO_RATE, quantize=True, nbytes=2, buffersize=50000)
    cache = Cache(tmp_path / "cache")
    joined = np.concatenate(list(_stretches(plan, cache, None)))
    assert joined.shape == one_pass.shape and np.array_equal(joined, one_pass)

    # change the phrase at 5.6 s: stretches well before it come from the cache, the result is a fresh mix
    edited = _plan(tmp_path, [*texts[:3], ("d", 5.6, 850.0), texts[4]], 10.0, music)
    before = {plan.stretch_key(*s) for s in plan.stretches()}
    after = {edited.stretch_key(*s) for s in edited.stretches()}
    assert len(before & after) == 3  # only [4.1, 7.9), around the changed phrase, is mixed again
    fresh = soundtrack_clip(edited).to_soundarray(fps=AUDIO_RATE, quantize=True, nbytes=2, buffersize=50000)
    assert np.array_equal(np.concatenate(list(_stretches(edited, cache, None))), fresh)
    assert len(list((cache.root / "mixpart").glob("*/*.pcm"))) == 5


def test_a_music_file_holding_an_hour_is_decoded_only_as_far_as_the_video_needs(tmp_path: Path) -> None:
    music = tmp_path / "hour.flac"  # 650 KB of FLAC, 1.3 GB once decoded at 44.1 kHz stereo
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "3600", str(music)],
        check=True,
    )
    assert decode_audio(music, seconds=3.0).shape[0] <= 3.01 * AUDIO_RATE
    code = (
        "import resource, sys; from pathlib import Path\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from render.soundtrack import mix_soundtrack\n"
        "mix_soundtrack([], 2.0, Path(sys.argv[2]), (Path(sys.argv[1]), 0.5))\n"
    )
    out = tmp_path / "mix.m4a"
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code, str(music), str(out)], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-500:]
    assert abs(float(ffprobe(out)["format"]["duration"]) - 2.0) < 0.1
