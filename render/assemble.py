"""The final cut: the soundtrack mixed with MoviePy, scene clips joined without re-encoding.

Scene clips are encoded once, at final quality and with identical settings, by
the scene library; joining them is a stream copy (ffmpeg's concat demuxer), so
the picture is encoded exactly once and an unchanged scene costs nothing. The
soundtrack (narration phrases at their planned times, music looped and ducked
under the voice) is assembled by MoviePy and muxed in as AAC.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

from contract.errors import EnvironmentProblem, RenderFailure
from scenes.encoding import ffmpeg_exe

AUDIO_RATE = 44100  # 2 × espeak-ng's 22050 Hz
DUCK = 0.35  # music gain while the voice speaks
DUCK_RAMP = 0.3  # seconds to fade the music down/up around speech


@cache
def ffprobe_exe() -> str | None:
    return shutil.which("ffprobe")


@cache
def ffmpeg_version() -> str:
    out = subprocess.run([ffmpeg_exe(), "-version"], capture_output=True, text=True, check=False).stdout
    return out.split("\n", 1)[0].replace("ffmpeg version ", "").split(" ")[0] if out else "unknown"


def run_ffmpeg(args: Sequence[str], what: str) -> None:
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = (result.stderr or "").strip().splitlines()[-3:]
        if any("No space left" in line for line in tail):
            raise EnvironmentProblem(f"{what}: the disk is full", hint="free some space, or pass --out on another disk")
        raise RenderFailure(f"{what} failed: {' / '.join(tail) or 'ffmpeg exit ' + str(result.returncode)}")


def speech_envelope(spans: Sequence[tuple[float, float]], total: float, rate: int = 100) -> np.ndarray:
    """Music gain sampled at `rate` Hz: 1 in silence, DUCK during speech, ramped."""
    n = int(total * rate) + 2
    speaking = np.zeros(n, dtype=bool)
    for start, end in spans:
        speaking[max(0, int((start - DUCK_RAMP) * rate)) : min(n, int((end + DUCK_RAMP) * rate) + 1)] = True
    gain = np.where(speaking, DUCK, 1.0)
    width = max(1, int(DUCK_RAMP * rate))
    kernel = np.ones(width) / width
    return np.convolve(np.pad(gain, (width, width), mode="edge"), kernel, mode="same")[width:-width]


def decode_audio(path: Path, rate: int = AUDIO_RATE) -> np.ndarray:
    """Any audio file → float32 stereo samples at `rate` (one ffmpeg decode)."""
    result = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-nostdin", "-i", str(path), "-f", "f32le", "-ac", "2", "-ar", str(rate), "-"],
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise RenderFailure(f"cannot decode {path.name}: {result.stderr.decode(errors='replace').strip()[-200:]}")
    return np.frombuffer(result.stdout, dtype="<f4").reshape(-1, 2)


def _speech_samples(path: Path, rate: int) -> np.ndarray:
    """Our phrase WAVs (mono int16) as float stereo at `rate`, resampled by interpolation."""
    from render.narration import read_wav

    mono, source_rate = read_wav(path)
    mono = mono.astype(np.float32) / 32768.0
    if source_rate != rate:
        n = round(mono.size * rate / source_rate)
        mono = np.interp(np.arange(n) * (source_rate / rate), np.arange(mono.size), mono).astype(np.float32)
    return np.repeat(mono[:, None], 2, axis=1)


def mix_soundtrack(
    phrases: Sequence[tuple[Path, float]], total: float, out: Path, music: tuple[Path, float] | None = None
) -> None:
    """Write the soundtrack (AAC in .m4a) of exactly `total` seconds, assembled with MoviePy.

    Phrases are placed at their planned start times; music loops under them, ducked
    while the voice speaks and faded out at the end.
    """
    from moviepy import AudioArrayClip, AudioClip, CompositeAudioClip, afx

    layers: list[AudioClip] = [
        # a silent bed fixes the length and the channel count
        AudioClip(lambda t: np.zeros((np.size(t), 2)), duration=total, fps=AUDIO_RATE)
    ]
    spans = []
    for path, start in phrases:
        clip = AudioArrayClip(_speech_samples(path, AUDIO_RATE), fps=AUDIO_RATE)
        end = min(start + clip.duration, total)
        spans.append((start, end))
        layers.append(clip.with_start(start).with_end(end))
    if music is not None:
        music_path, volume = music
        track = AudioArrayClip(decode_audio(music_path), fps=AUDIO_RATE)
        track = track.with_effects([afx.AudioLoop(duration=total), afx.AudioFadeOut(min(2.0, total / 4))])
        envelope = speech_envelope(spans, total)

        def ducked(get_frame, t):  # type: ignore[no-untyped-def]
            gain = volume * np.interp(np.asarray(t) * 100, np.arange(envelope.size), envelope)
            frame = get_frame(t)
            return frame * (gain[:, None] if np.ndim(gain) else gain)

        layers.append(track.transform(ducked, keep_duration=True).with_duration(total))
    mix = CompositeAudioClip(layers).with_duration(total)
    mix.write_audiofile(
        str(out),
        fps=AUDIO_RATE,
        nbytes=2,
        buffersize=AUDIO_RATE * 5,
        codec="aac",
        bitrate="160k",
        ffmpeg_params=["-ac", "2", "-aac_coder", "fast"],
        logger=None,
    )


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


def _concat_escape(path: Path) -> str:
    return str(path.resolve()).replace("'", "'\\''")


def extract_frame(clip: Path, seconds: float, out: Path, max_width: int = 1280) -> None:
    """A PNG of the clip at `seconds`, scaled down to at most `max_width` pixels wide."""
    run_ffmpeg(
        [
            "-ss",
            f"{max(seconds, 0):.3f}",
            "-i",
            str(clip),
            "-frames:v",
            "1",
            "-vf",
            f"scale='min({max_width},iw)':-2",
            "-f",
            "image2",
            "-c:v",
            "png",
            str(out),
        ],
        "making the thumbnail",
    )


def probe(path: Path) -> dict:
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
    return json.loads(out)
