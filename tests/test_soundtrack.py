"""The soundtrack: MoviePy places phrases at their times and ducks the music under the voice."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from render.assemble import DUCK, mix_soundtrack, speech_envelope
from render.narration import write_wav
from tests.helpers import audio_samples, ffprobe, stream


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
