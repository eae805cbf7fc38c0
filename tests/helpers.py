"""What tests use to look at outputs the way a viewer would: ffprobe, frames, audio."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent


def ffprobe(path: Path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", "-show_format", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


def stream(info: dict, kind: str) -> dict:
    return next(s for s in info["streams"] if s["codec_type"] == kind)


def frame_at(path: Path, seconds: float) -> np.ndarray:
    """The decoded RGB frame shown at `seconds` (H x W x 3, uint8)."""
    info = stream(ffprobe(path), "video")
    width, height = int(info["width"]), int(info["height"])
    raw = subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-ss",
            f"{seconds:.3f}",
            "-i",
            str(path),
            "-frames:v",
            "1",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(height, width, 3)


def colour_share(frame: np.ndarray, hex_colour: str, tolerance: int = 40) -> float:
    """Fraction of pixels within `tolerance` (per channel) of a colour."""
    target = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    close = np.all(np.abs(frame.astype(int) - target) <= tolerance, axis=2)
    return float(close.mean())


def audio_samples(path: Path, rate: int = 16000) -> np.ndarray:
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:a:0", "-ac", "1", "-ar", str(rate), "-f", "s16le", "-"],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0


def loud_windows(samples: np.ndarray, rate: int = 16000, window: float = 0.02, threshold: float = 0.02) -> np.ndarray:
    """Boolean per `window` seconds: is there sound?"""
    n = int(window * rate)
    frames = samples[: samples.size // n * n].reshape(-1, n)
    return np.sqrt((frames**2).mean(axis=1)) > threshold


def top_atoms(path: Path) -> list[str]:
    """The order of an MP4's top-level boxes (faststart puts moov before mdat)."""
    names = []
    with path.open("rb") as f:
        while True:
            header = f.read(8)
            if len(header) < 8:
                break
            size = int.from_bytes(header[:4], "big")
            names.append(header[4:].decode("latin-1"))
            if size == 1:
                size = int.from_bytes(f.read(8), "big")
                f.seek(size - 16, 1)
            elif size == 0:
                break
            else:
                f.seek(size - 8, 1)
    return names


def make_project(root: Path) -> Path:
    """A throwaway project folder holding the assets tests' scripts refer to."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'test-project'\n")
    shutil.copytree(REPO / "assets", root / "assets")
    (root / "scripts").mkdir()
    return root


def scene_job(scene: Any, size: tuple[int, int], fps: int, frame_count: int, cues: list[float], **fields: Any) -> Any:
    """The job of one scene rendered on its own (first in its script, no transitions, default brand)."""
    from contract.job import SceneJob
    from contract.script import Brand

    width, height = size
    return SceneJob(
        index=0,
        field_path="scenes[0]",
        scene=scene,
        brand=Brand(),
        width=width,
        height=height,
        fps=fps,
        frame_count=frame_count,
        cues=cues,
        transition_seconds=0.0,
        **fields,
    )


_SYNTHESISE = """
import hashlib, json, sys
from pathlib import Path
from render.engines import engine_for, synthesize_trimmed
from render.narration import read_wav
work, engine_name, language, voice_id, rate, texts = sys.argv[1:]
work = Path(work); work.mkdir(parents=True, exist_ok=True)
engine = engine_for(engine_name)
voice = engine.choose_voice(language, voice_id or None, int(rate))
items = [(text, work / f"{i}.wav") for i, text in enumerate(json.loads(texts))]
synthesize_trimmed(engine, voice, items, work)
out = []
for _, path in items:
    samples, sample_rate = read_wav(path)
    out.append([sample_rate, int(samples.size), hashlib.sha256(samples.tobytes()).hexdigest()])
print(json.dumps(out))
"""


def synthesise_elsewhere(
    work: Path, engine: str, language: str, voice_id: str | None, rate: int, texts: list[str]
) -> list[list[Any]]:
    """Speak `texts` in a fresh Python process: [sample rate, samples, sha256 of the samples] each."""
    import sys

    command = [
        sys.executable,
        "-c",
        _SYNTHESISE,
        str(work),
        engine,
        language,
        voice_id or "",
        str(rate),
        json.dumps(texts),
    ]
    out = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300, check=True).stdout
    result: list[list[Any]] = json.loads(out.strip().splitlines()[-1])
    return result
