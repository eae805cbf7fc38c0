"""The final cut: scene clips joined without re-encoding, the soundtrack muxed in.

Scene clips are encoded once, at final quality and with identical settings, by
the scene library; joining them is a stream copy (ffmpeg's concat demuxer), so
the picture is encoded exactly once and an unchanged scene costs nothing. The
soundtrack (render/soundtrack.py) comes in already encoded (AAC) and is copied.
"""

from __future__ import annotations

import gc
import json
import shutil
import subprocess
import warnings
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from contract.errors import EnvironmentProblem, RenderFailure
from scenes.encoding import encoder_env, ffmpeg_exe


@cache
def ffprobe_exe() -> str | None:
    return shutil.which("ffprobe")


@cache
def ffmpeg_version() -> str:
    out = subprocess.run([ffmpeg_exe(), "-version"], capture_output=True, text=True, check=False).stdout
    return out.split("\n", 1)[0].replace("ffmpeg version ", "").split(" ")[0] if out else "unknown"


def run_ffmpeg(args: Sequence[str], what: str, cwd: Path | None = None) -> None:
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args]
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=cwd, env=encoder_env())
    if result.returncode != 0:
        tail = (result.stderr or "").strip().splitlines()[-3:]
        if any("No space left" in line for line in tail):
            raise EnvironmentProblem(f"{what}: the disk is full", hint="free some space, or pass --out on another disk")
        raise RenderFailure(f"{what} failed: {' / '.join(tail) or 'ffmpeg exit ' + str(result.returncode)}")


def join_and_mux(clips: Sequence[Path], soundtrack: Path, out: Path, work: Path) -> None:
    """Concatenate identical-settings H.264 clips (stream copy) and mux the soundtrack."""
    listing = work / "concat.txt"
    listing.write_text("".join(f"file '{_concat_escape(p)}'\n" for p in clips), encoding="utf-8")
    run_ffmpeg(
        [
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            str(listing),
            "-i",
            str(soundtrack),
            "-map",
            "0:v:0",
            "-map",
            "1:a:0",
            "-c",
            "copy",
            "-movflags",
            "+faststart",
            "-f",
            "mp4",
            str(out),
        ],
        "joining the scenes",
    )


def moviepy_cut(
    clips: Sequence[Path],
    frame_counts: Sequence[int],
    fps: int,
    soundtrack: Path,
    out: Path,
    crf: int,
    preset: str,
    threads: int,
) -> None:
    """The whole cut through MoviePy: clips concatenated, soundtrack set, one encode of the picture.

    The scene clips come in near-lossless (see `ASSEMBLERS`), so this encode is the one that counts.
    """
    from moviepy import VideoFileClip, concatenate_videoclips

    with warnings.catch_warnings():
        # MoviePy 2.2 drops its ffmpeg reader's pipes unclosed when it restarts a reader (the
        # process is gone by then): collect them here, where their warning is expected
        warnings.simplefilter("ignore", ResourceWarning)
        opened = [VideoFileClip(str(path), audio=False) for path in clips]
        try:
            # exact lengths: a container's rounded duration would add or drop a frame at each join
            parts = [clip.with_duration(count / fps) for clip, count in zip(opened, frame_counts, strict=True)]
            cut = concatenate_videoclips(parts)
            # the soundtrack file is muxed as it is (already AAC): no temporary audio file, no second encode
            cut.write_videofile(
                str(out),
                fps=fps,
                codec="libx264",
                preset=preset,
                threads=threads,
                audio=str(soundtrack),
                audio_codec="copy",
                ffmpeg_params=["-crf", str(crf), "-pix_fmt", "yuv420p", "-movflags", "+faststart"],
                logger=None,
            )
        finally:
            for clip in opened:
                clip.close()
            gc.collect()


def _concat_escape(path: Path) -> str:
    return str(path.resolve()).replace("'", "'\\''")


def probe(path: Path) -> dict[str, Any]:
    """ffprobe's JSON for a media file (streams and format)."""
    exe = ffprobe_exe()
    if exe is None:
        raise EnvironmentProblem("ffprobe is not installed", hint="install it: sudo apt-get install ffmpeg")
    out = subprocess.run(
        [exe, "-v", "error", "-print_format", "json", "-show_streams", "-show_format", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    info: dict[str, Any] = json.loads(out)
    return info
