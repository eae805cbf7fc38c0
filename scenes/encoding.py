"""The H.264 settings every scene clip shares, and the frame pipe into ffmpeg.

Clips are joined later with ffmpeg's concat demuxer and *stream copy*, which
only works when every clip has the same codec parameters: profile, level,
pixel format, frame rate and track timescale. :func:`x264_args` is the one
place they are decided; use it for any other clip that joins the same video.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
from fractions import Fraction
from functools import cache, lru_cache
from pathlib import Path
from typing import IO, Any

from contract.errors import EnvironmentProblem
from contract.scene_errors import SceneRenderFailure


@cache
def ffmpeg_exe() -> str:
    """The ffmpeg on PATH, else the one imageio-ffmpeg ships (a Manim dependency)."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except Exception:  # any failure means "no ffmpeg"
        raise EnvironmentProblem("ffmpeg is not installed", hint="install it: sudo apt-get install ffmpeg") from None


def _level(width: int, height: int, fps: int) -> str:
    """An H.264 level that holds this size and rate (fixed per video, so clips match)."""
    macroblocks = ((width + 15) // 16) * ((height + 15) // 16)
    rate = macroblocks * fps
    for level, max_fs, max_mbps in (
        ("3.1", 3600, 108000),
        ("4.0", 8192, 245760),
        ("4.2", 8704, 522240),
        ("5.1", 36864, 983040),
        ("5.2", 36864, 2073600),
        ("6.2", 139264, 16711680),
    ):
        if macroblocks <= max_fs and rate <= max_mbps:
            return level
    return "6.2"


# Same input, same bytes, on any machine (issue 14): x264's bitstream depends on its thread count,
# which is 1.5 × the cores unless fixed; and its MB-tree reads memory it never wrote (past the end
# of a row of macroblocks when the width is not a multiple of 8 of them: 854 px, 480 px), whose
# contents depend on the process's malloc history (Dask workers set MALLOC_TRIM_THRESHOLD_, so
# their clips differed from local ones). glibc's MALLOC_PERTURB_ fills every allocation with one
# byte, which makes those reads constant. `mbtree=0` would avoid them too, but costs ~50 % in size.
X264_THREADS = 3
ENCODER_ENV = {"MALLOC_PERTURB_": "85"}


def encoder_env(width: int | None = None) -> dict[str, str]:
    """The environment for an ffmpeg that encodes with x264 (see ENCODER_ENV) pictures `width`
    wide (None: unknown). A width of whole groups of 8 macroblocks (1920 px) needs nothing, and
    is spared the cost: perturbed, every buffer x264 allocates is written, ~70 MB more per encoder."""
    if width is not None and ((width + 15) // 16) % 8 == 0:
        return dict(os.environ)
    return {**os.environ, **ENCODER_ENV}


def x264_args(width: int, height: int, fps: int, preset: str, crf: int) -> list[str]:
    """Output options for a clip: H.264 High, yuv420p, closed GOP of 2 s, fixed timescale and threads."""
    return [
        "-an",
        "-c:v",
        "libx264",
        "-preset",
        preset,
        "-crf",
        str(crf),
        "-pix_fmt",
        "yuv420p",
        "-profile:v",
        "high",
        "-level:v",
        _level(width, height, fps),
        "-g",
        str(2 * fps),
        "-keyint_min",
        str(fps),
        "-sc_threshold",
        "0",
        "-r",
        str(fps),
        "-video_track_timescale",
        str(timescale(fps)),
        "-threads",
        str(X264_THREADS),
        "-movflags",
        "+faststart",
    ]


def timescale(fps: int) -> int:
    """The mp4 track timescale: a multiple of the frame rate (90 kHz when it divides)."""
    return 90000 if 90000 % fps == 0 else fps * 1000


@lru_cache(maxsize=4)
def _ffmpeg_version(exe: str) -> tuple[int, int]:
    try:
        out = subprocess.run([exe, "-hide_banner", "-version"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return (0, 0)
    match = re.search(r"version\s+n?(\d+)\.(\d+)", out)
    return (int(match.group(1)), int(match.group(2))) if match else (99, 0)  # git builds: recent


class FramePipe:
    """One ffmpeg process that encodes RGBA frames from stdin into `out_path`.

    Exactly `frame_count` frames come out: extra frames are dropped, and
    :meth:`close` holds the last frame (or a background frame) up to the count.

    Frames travel as raw RGBA. With PyAV available (a Manim dependency) they are
    wrapped in NUT packets carrying their frame number, and a repeated frame
    (a Manim "frozen frame" wait) is sent once: ffmpeg converts it to YUV once
    and repeats it for the encoder (``-fps_mode cfr``), which saves most of the
    cost of static stretches. Without PyAV every frame is written as plain
    rawvideo.

    A writer thread feeds ffmpeg, so that the next frame is drawn while ffmpeg takes in the
    last one (a frame is 8 MB at 1080p; the pipe holds 64 KB). At most two frames wait.
    """

    def __init__(
        self,
        out_path: Path,
        width: int,
        height: int,
        fps: int,
        frame_count: int,
        preset: str,
        crf: int,
        background_rgba: bytes,
    ) -> None:
        self.out_path = out_path
        self.width, self.height, self.fps = width, height, fps
        self.frame_count = frame_count
        self.frames = 0  # frames the clip has so far (sent or held)
        self.closed = False
        self._started = False
        self._last: Any = None
        self._last_pts = -1
        self._background = background_rgba
        self._log: IO[bytes] | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._preset, self._crf = preset, crf
        self._mux: Any = None
        self._stream: Any = None
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=2)
        self._writer: threading.Thread | None = None
        self._failure: BaseException | None = None  # the writer thread's, raised on the next write
        try:
            import av  # noqa: F401

            self._use_nut = True
        except ImportError:  # pragma: no cover - PyAV comes with Manim
            self._use_nut = False

    def _start(self) -> subprocess.Popen[bytes]:
        self._started = True
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()/abort()
        exe = ffmpeg_exe()
        if self._use_nut:
            source = ["-f", "nut", "-i", "pipe:0"]
            major, minor = _ffmpeg_version(exe)
            cfr = ["-fps_mode", "cfr"] if (major, minor) >= (5, 1) else ["-vsync", "cfr"]
        else:
            source = [
                "-f",
                "rawvideo",
                "-pix_fmt",
                "rgba",
                "-s",
                f"{self.width}x{self.height}",
                "-framerate",
                str(self.fps),
                "-i",
                "pipe:0",
            ]
            cfr = []
        cmd = [
            exe,
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            *source,
            *x264_args(self.width, self.height, self.fps, self._preset, self._crf),
            *cfr,
            "-frames:v",
            str(self.frame_count),
            "-f",
            "mp4",
            str(self.out_path),
        ]
        self._proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._log, env=encoder_env(self.width)
        )
        if self._use_nut:
            import av

            assert self._proc.stdin is not None
            self._mux = av.open(self._proc.stdin, mode="w", format="nut")
            stream = self._mux.add_stream("rawvideo", rate=self.fps)
            stream.width, stream.height, stream.pix_fmt = self.width, self.height, "rgba"
            stream.time_base = Fraction(1, self.fps)
            self._stream = stream
        return self._proc

    def _send(self, frame: Any, pts: int) -> None:
        """Queue one frame (copied: Manim draws the next one into the same memory) for the writer."""
        if self._proc is None:
            self._start()
            writer = threading.Thread(target=self._feed, name="frame-writer", daemon=True)
            try:
                writer.start()
                self._writer = writer
            except RuntimeError:  # no thread to be had (a tight memory limit): frames are written here
                self._writer = None
        self._raise_failure()
        if self._use_nut:
            import av

            packet = av.Packet(frame)  # the copy
            packet.stream = self._stream
            packet.time_base = Fraction(1, self.fps)
            packet.pts = packet.dts = pts
            packet.duration = 1
            self._put(packet)
        else:
            self._put(bytes(frame))
        self._last_pts = pts

    def _put(self, item: Any) -> None:
        if self._writer is None:  # written here, in order, as the thread would
            self._queue.put(item)
            self._queue.put(None)
            self._feed()
            self._raise_failure()
            return
        while True:  # a writer that failed stops taking frames: do not wait for it forever
            try:
                self._queue.put(item, timeout=0.5)
                return
            except queue.Full:
                self._raise_failure()

    def _feed(self) -> None:
        """The writer thread: frames to ffmpeg in order, until None (close) or a failure."""
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        try:
            while (item := self._queue.get()) is not None:
                if self._use_nut:
                    self._mux.mux(item)
                else:
                    proc.stdin.write(item)
        except BaseException as error:  # handed to the drawing thread
            self._failure = error
            with contextlib.suppress(queue.Empty):  # unblock a put() waiting on a full queue
                while True:
                    self._queue.get_nowait()

    def _raise_failure(self) -> None:
        error = self._failure
        if error is None:
            return
        if isinstance(error, BrokenPipeError | OSError):
            raise SceneRenderFailure(f"ffmpeg stopped while encoding {self.out_path.name}: {self._stderr()}") from error
        raise SceneRenderFailure(f"encoding {self.out_path.name} failed: {error}") from error

    def _stop_writer(self) -> None:
        """Let the writer send what is queued, then end it."""
        writer, self._writer = self._writer, None
        if writer is not None:
            if self._failure is None:
                self._put(None)
            writer.join()
        self._raise_failure()

    def write(self, frame: Any, repeat: int = 1) -> None:
        """Append `frame` (RGBA bytes of one picture) `repeat` times."""
        n = min(repeat, self.frame_count - self.frames)
        if n <= 0:
            return
        if self._use_nut:
            self._send(frame, self.frames)  # the repeats are filled in by ffmpeg
        else:
            for k in range(n):
                self._send(frame, self.frames + k)
        self.frames += n
        self._last = frame

    def close(self) -> None:
        """Hold the last frame up to `frame_count`, finish the file, and check ffmpeg succeeded."""
        if self.closed:
            return
        if self._last is None:
            self.write(self._background * (self.width * self.height), self.frame_count)
        elif self.frames < self.frame_count:
            self.write(self._last, self.frame_count - self.frames)
        if self._use_nut and self._last_pts < self.frame_count - 1:
            self._send(self._last, self.frame_count - 1)  # so ffmpeg fills up to the very last frame
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        try:
            self._stop_writer()
        except SceneRenderFailure:
            self.abort()
            raise
        try:
            if self._mux is not None:
                self._mux.close()
                self._mux = None
            proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        code = proc.wait()
        self._proc = None
        self.closed = True
        if code != 0:
            message = self._stderr()
            self._close_log()
            raise SceneRenderFailure(f"ffmpeg failed (exit {code}) encoding {self.out_path.name}: {message}")
        self._close_log()

    def abort(self) -> None:
        """Kill ffmpeg and remove the partial file."""
        proc, self._proc = self._proc, None
        self.closed = True
        if proc is not None:
            with contextlib.suppress(OSError):
                proc.kill()
        writer, self._writer = self._writer, None
        if writer is not None:  # the killed ffmpeg breaks its pipe: the writer stops
            self._failure = self._failure or BrokenPipeError()
            with contextlib.suppress(queue.Full):
                self._queue.put_nowait(None)
            writer.join(timeout=10)
        self._mux = None  # not closed: that would write a trailer into a dead pipe
        if proc is not None:
            with contextlib.suppress(OSError, ValueError):
                if proc.stdin:
                    proc.stdin.close()
            with contextlib.suppress(subprocess.SubprocessError):
                proc.wait(timeout=10)
        self._close_log()
        if self._started:  # only a file this pipe's ffmpeg wrote
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.out_path)

    def _stderr(self) -> str:
        if self._log is None:
            return ""
        try:
            self._log.seek(0)
            text = self._log.read().decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""
        return text[-2000:] or "(no message)"

    def _close_log(self) -> None:
        if self._log is not None:
            with contextlib.suppress(OSError):
                self._log.close()
            self._log = None
