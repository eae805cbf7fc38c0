"""Make theme.mp3: a calm, royalty-free background loop (our own, CC0).

Run: python assets/music/make_theme.py  (needs numpy and ffmpeg)
Four bars of soft pads over C–Am–F–G with a light plucked arpeggio, 96 bpm.
"""

import subprocess
import sys
from pathlib import Path

import numpy as np

RATE = 44100
BPM = 96
BEAT = 60 / BPM
CHORDS = [(60, 64, 67), (57, 60, 64), (53, 57, 60), (55, 59, 62)]  # C, Am, F, G (MIDI)


def tone(freq: float, seconds: float, kind: str) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    if kind == "pad":
        wave = sum(np.sin(2 * np.pi * freq * m * t) / m**1.5 for m in (1, 2, 3))
        env = np.minimum(1, t / 0.6) * np.minimum(1, (seconds - t) / 0.8)
        return 0.08 * wave * env
    wave = np.sin(2 * np.pi * freq * t) + 0.3 * np.sin(2 * np.pi * 2 * freq * t)
    return 0.12 * wave * np.exp(-t * 5)


def midi(n: int) -> float:
    return 440.0 * 2 ** ((n - 69) / 12)


def main(out: Path) -> None:
    bar = 4 * BEAT
    total = np.zeros(int(len(CHORDS) * 2 * bar * RATE) + RATE)
    for repeat in range(2):
        for c, chord in enumerate(CHORDS):
            start = int((repeat * len(CHORDS) + c) * bar * RATE)
            for note in chord:
                pad = tone(midi(note - 12), bar, "pad")
                total[start : start + pad.size] += pad
            for step in range(8):
                note = chord[step % 3] + (12 if step >= 4 else 0)
                pluck = tone(midi(note), BEAT, "pluck")
                at = start + int(step * BEAT / 2 * RATE)
                total[at : at + pluck.size] += pluck
    total = total[: int(len(CHORDS) * 2 * bar * RATE)]
    total /= np.abs(total).max() / 0.7
    stereo = np.stack([total, np.roll(total, 200)], axis=1)
    pcm = (stereo * 32767).astype("<i2").tobytes()
    subprocess.run(
        [
            "ffmpeg",
            "-y",
            "-loglevel",
            "error",
            "-f",
            "s16le",
            "-ar",
            str(RATE),
            "-ac",
            "2",
            "-i",
            "-",
            "-c:a",
            "libmp3lame",
            "-b:a",
            "128k",
            str(out),
        ],
        input=pcm,
        check=True,
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("theme.mp3"))
