"""`render_scene`: one SceneJob -> one H.264 clip, frames piped straight into ffmpeg.

Manim's own file writer (partial movies, caching, concatenation) is bypassed: a
:class:`SceneFileWriter` subclass receives each rendered frame and writes it to
an ffmpeg process (:class:`scenes.encoding.FramePipe`), which pads or truncates
to the job's exact frame count.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from manim import config
from manim.scene.scene_file_writer import SceneFileWriter

import scenes.types  # noqa: F401 - the built-in scene types register their builders
from contract.errors import ToolkitError
from contract.scene_errors import SceneRenderFailure
from scenes.base import BrandScene
from scenes.cartoon_camera import CartoonCamera, CartoonRenderer
from scenes.cartoon_scene import build_on_stage
from scenes.cues import check_cues
from scenes.encoding import FramePipe
from scenes.registry import builder_for


class PipeWriter(SceneFileWriter):
    """Sends frames to a :class:`FramePipe` instead of writing partial movie files."""

    pipe: FramePipe  # set on a per-job subclass

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)

    def begin_animation(self, allow_write: bool = False, *, animation_index: int = 0, file_path: Any = None) -> None:
        pass

    def end_animation(self, allow_write: bool = False) -> None:
        pass

    def add_partial_movie_file(self, hash_animation: str | None) -> None:
        pass

    def is_already_cached(self, hash_invocation: str) -> bool:
        return False

    def write_frame(self, pixels: Any, *, repeat: int = 1) -> None:
        frame = np.ascontiguousarray(pixels, dtype=np.uint8)
        self.pipe.write(frame.data.cast("B"), repeat)

    def finish(self) -> None:
        self.pipe.close()

    def save_image(self, pixels: Any) -> None:
        pass

    def abort_encode_jobs(self, reraise_encoder_failures: bool = False) -> None:
        self.pipe.abort()

    def print_file_ready_message(self, file_path: Any) -> None:
        pass


_MEDIA_PREFIX = "scenes-manim-"


def _sweep_stale_media_dirs() -> None:
    """Remove scratch folders left by renders whose process was killed (named by PID)."""
    root = Path(tempfile.gettempdir())
    try:
        folders = list(root.glob(f"{_MEDIA_PREFIX}*-*"))
    except OSError:
        return
    for folder in folders:
        pid_text = folder.name[len(_MEDIA_PREFIX) :].split("-", 1)[0]
        if not pid_text.isdigit():
            continue
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:  # alive but not ours, or no permission: leave it
            continue


def _configure(job: Any, media_dir: str) -> None:
    """Manim's global config for this job (a worker may render several jobs in turn)."""
    configure_frame(job.width, job.height, job.fps, job.brand.background, media_dir)


def configure_frame(width: int, height: int, fps: int, background: str, media_dir: str) -> None:
    """Manim's global config for frames of width × height px (8 units high), drawn by this process."""
    config.pixel_width = width
    config.pixel_height = height
    config.frame_rate = fps
    config.frame_height = 8.0
    config.frame_width = 8.0 * width / height
    config.background_color = background
    config.background_opacity = 1.0
    config.disable_caching = True
    config.verbosity = "WARNING"
    config.progress_bar = "none"
    config.media_dir = media_dir  # Manim's scratch files (text SVGs); removed after the job
    config.save_last_frame = False
    config.format = "mp4"
    config.transparent = False
    config.dry_run = False
    config.preview = False
    config.from_animation_number = 0
    config.upto_animation_number = -1
    logging.getLogger("manim").setLevel(logging.WARNING)


def _rgba(hex_colour: str) -> bytes:
    h = hex_colour.lstrip("#")
    return bytes([int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), 255])


def render_scene(job: Any, out_path: Path) -> None:
    """Render `job.scene` to an H.264 mp4 at `out_path` with exactly `job.frame_count` frames.

    On any failure ffmpeg is stopped, the partial file removed, and the error
    re-raised (toolkit errors as they are, anything else as SceneRenderFailure).
    """
    out_path = Path(out_path)
    build = builder_for(type(job.scene))
    check_cues(job)
    _sweep_stale_media_dirs()
    media_dir = tempfile.mkdtemp(prefix=f"{_MEDIA_PREFIX}{os.getpid()}-")
    _configure(job, media_dir)
    pipe = FramePipe(
        out_path,
        job.width,
        job.height,
        job.fps,
        job.frame_count,
        job.preset,
        job.crf,
        _rgba(job.brand.background),
    )
    writer = type("JobPipeWriter", (PipeWriter,), {"pipe": pipe})
    try:
        # the cartoon classes behave as Manim's own until a scene installs a stage (scenes.cartoon_camera)
        renderer = CartoonRenderer(file_writer_class=writer, camera_class=CartoonCamera)
        if job.scene.on_stage():  # characters or a setting: the cartoon stage under the scene's content
            scene = BrandScene(job, lambda kit: build_on_stage(kit, build, job.scene), renderer=renderer)
        else:
            scene = BrandScene(job, lambda kit: build(kit, job.scene), renderer=renderer)
        scene.render()
        pipe.close()  # no-op when Manim already finished the writer
        if pipe.frames != job.frame_count:  # pragma: no cover - close() pads and write() truncates
            raise SceneRenderFailure(f"wrote {pipe.frames} frames, expected {job.frame_count}")
    except ToolkitError:
        pipe.abort()
        raise
    except BaseException as error:
        pipe.abort()
        if isinstance(error, KeyboardInterrupt | SystemExit | MemoryError):
            raise
        raise SceneRenderFailure(
            f"{job.field_path} ({job.scene.type}): rendering failed: {type(error).__name__}: {error}"
        ) from error
    finally:
        shutil.rmtree(media_dir, ignore_errors=True)
