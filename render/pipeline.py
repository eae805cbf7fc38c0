"""The render pipeline: script → speech → timing → scene clips → final cut → outputs.

Each stage talks to the next through data (phrases with measured seconds, timed
`SceneJob`s, cached files) and the result is recorded in `manifest.json`. The stages live
in their own modules: `speech` (phrases synthesised and cached), `planning` (timed scene
jobs and the soundtrack's plan), `workers` (the scene worker pool), `soundtrack` (the mix),
`outputs` (final cut, captions, thumbnails, manifest). This module runs them in order.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from contract.errors import EnvironmentProblem, InputError, RenderFailure, ToolkitError
from contract.manifest import build_folder_name
from contract.script import Audio
from render.audit_trail import open_for_render, record_render
from render.burn import BURN_VERSION
from render.cache import Cache, atomic_write_bytes, default_cache_dir, digest
from render.loader import LoadedScript, load_script
from render.narration import wav_seconds
from render.outputs import (
    FinishedParts,
    prepare_output_folder,
    remove_stale_staging,
    up_to_date,
    write_outputs,
)
from render.planning import (
    ASSEMBLERS,
    effective_video,
    plan_captions,
    plan_scenes,
    plan_soundtrack,
    plan_thumbnail,
    thumbnail_advice,
)
from render.soundtrack import SoundtrackJob
from render.speech import prepare_speech
from render.workers import render_scenes

Log = Callable[[str], None]


@dataclass
class RenderOptions:
    out_dir: Path = Path("build")
    preview: bool = False
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    cache_dir: Path | None = None
    use_cache: bool = True
    log: Log = print
    assembler: str = "copy"
    progress: Callable[[int, int], None] | None = None  # (scenes rendered, scenes to render)
    db: str | None = None  # the records database (audit trail); default $RENDER_AUDIT_DB or the project's


@dataclass
class RenderResult:
    name: str
    folder: Path
    video: Path
    duration: float
    up_to_date: bool
    scenes_rendered: int
    scenes_cached: int
    seconds: dict[str, float]
    manifest: Path


def check_environment(loaded: LoadedScript) -> None:
    """Raise (exit 1) when the machine lacks something the script needs (a font...)."""
    if loaded.environment:
        raise EnvironmentProblem("\n".join(str(p) for p in loaded.environment))


def output_folder(out_root: Path, name: str) -> Path:
    """`OUT/<name>`, refusing names that would land anywhere else (`..`, `.x`, control characters)."""
    bad = (
        not name
        or name in {".", ".."}
        or name.startswith(".")
        or "/" in name
        or "\\" in name
        or any(unicodedata.category(c) == "Cc" for c in name)
    )
    if bad:
        raise InputError(
            f"the script's file name gives the output folder name {name!r}, which is not a plain folder name",
            hint="rename the script, e.g. my-film.yaml (no leading dot, no control characters)",
        )
    folder = out_root / name
    root = out_root.resolve()
    if not folder.resolve().is_relative_to(root) or folder.resolve() == root:
        raise InputError(f"the output folder {folder} is outside --out {out_root}", hint="rename the script")
    return folder


def open_cache(options: RenderOptions) -> tuple[Cache, Path | None]:
    """The cache to use, and a private folder to remove afterwards (--no-cache)."""
    root = options.cache_dir or default_cache_dir()
    if not options.use_cache:
        # nothing of this run is kept but the outputs: the cache folder need not even be writable
        private = Path(tempfile.mkdtemp(prefix="render-no-cache-"))
        return Cache(private, enabled=False), private
    cache = Cache(root)
    cache.check_writable()
    cache.remove_dead_temp()
    return cache, None


def render_loaded(loaded: LoadedScript, options: RenderOptions) -> RenderResult:
    check_environment(loaded)
    out_root = options.out_dir
    folder = output_folder(out_root, build_folder_name(loaded.name, options.preview))  # a draft never replaces
    prepare_output_folder(out_root)
    with open_for_render(options.db, out_root, loaded.root) as trail:  # exit 1 now, before any work
        cache, private = open_cache(options)
        try:
            with cache.shared():  # `render --cache-prune` waits until no render is using the cache
                result = _render(loaded, options, cache, folder)
        finally:
            if private is not None:
                shutil.rmtree(private, ignore_errors=True)
        record_render(trail, result.folder, rendered=not result.up_to_date)  # the outputs are written
        return result


def _render(loaded: LoadedScript, options: RenderOptions, cache: Cache, folder: Path) -> RenderResult:
    log = options.log
    started = time.perf_counter()
    clock: dict[str, float] = {}
    script = loaded.script
    name = loaded.name
    video = effective_video(script, options.preview)
    out_root = options.out_dir

    tick = time.perf_counter()
    voice, wavs, speech_keys = prepare_speech(loaded, cache, log)
    seconds = {text: wav_seconds(path) for text, path in wavs.items()}
    clock["speech"] = time.perf_counter() - tick

    assembler = ASSEMBLERS[options.assembler]
    planned = plan_scenes(loaded, video, seconds, assembler.scene_crf, wavs)
    thumbnail = plan_thumbnail(loaded)
    duration = sum(p.timing.frame_count for p in planned) / video.fps
    captions = plan_captions(script, planned, video.fps, seconds)
    for warning in captions.warnings:  # said before the long part, and again for an up-to-date video
        log(f"  warning: {warning}")
    sound = plan_soundtrack(loaded, planned, video.fps, wavs, speech_keys)
    render_key = digest(
        "render",
        assembler.name,
        [p.key for p in planned],
        thumbnail.key,
        sound.key(),
        script.language,
        script.publish_settings.model_dump(mode="json"),
        loaded.raw.decode("utf-8", "replace"),
        BURN_VERSION if script.captions.burn else None,
        [(cue.start, cue.end, cue.text) for cue in captions.cues],  # the captions written (and burned)
    )

    # the lock lives with the cache, so a render stopped by bad input leaves nothing in the output folder
    lock = FileLock(str(cache.lock_path(digest(str(out_root.resolve()), name)[:24])))
    try:
        lock.acquire(timeout=0.1)
    except Timeout:
        log(f"  waiting for another render of {name} to finish")
        lock.acquire()
    try:
        remove_stale_staging(out_root, name)
        current = up_to_date(folder, render_key)
        if current is not None:
            log(f"{name}: up to date ({folder / (name + '.mp4')})")
            return RenderResult(
                name,
                folder,
                folder / f"{name}.mp4",
                current,
                True,
                0,
                len(planned),
                {"total": time.perf_counter() - started},
                folder / "manifest.json",
            )

        tick = time.perf_counter()
        # The soundtrack only needs the plan: mix it while the workers render the scenes. It starts
        # once they are forked: a worker forked later would inherit the pipe to the soundtrack's
        # encoder, which then never sees its input end and waits for the workers to exit.
        jobs: list[SoundtrackJob] = []

        def start_soundtrack() -> None:
            jobs.append(SoundtrackJob(sound, cache, clock))

        try:
            try:
                made = render_scenes(planned, thumbnail, cache, options.jobs, log, options.progress, start_soundtrack)
            except InputError as error:
                raise locate(error, loaded) from None
            clock["scenes"] = time.perf_counter() - tick
            if made.thumbnail_seconds is not None:
                clock["thumbnail"] = made.thumbnail_seconds  # drawn in a worker while the scenes rendered
            soundtrack = jobs[0].result()
            level = jobs[0].level
        except BaseException:
            for job in jobs:
                job.cancel()
            raise

        finished = FinishedParts(
            loaded=loaded,
            out_root=out_root,
            preview=options.preview,
            jobs=options.jobs,
            video=video,
            voice=voice,
            assembler=assembler,
            planned=planned,
            captions=captions,
            clips=made.clips,
            thumbnail=made.thumbnail,
            soundtrack=soundtrack,
            level=level,
            render_key=render_key,
            duration=duration,
            scene_seconds=made.seconds,
            clock=clock,
            started=started,
        )
        manifest = write_outputs(finished)
        rendered = len(made.seconds)
        _warn_about_level(level, loaded.script.audio, log)
        advice = thumbnail_advice(loaded.script)
        if advice:
            log(f"  warning: {advice}")
        if manifest.chapters and manifest.chapters.not_written:  # the manifest says why, once planned
            log(f"  warning: no chapters in the description: {manifest.chapters.not_written}")
        log(
            f"{name}: wrote {folder / (name + '.mp4')} ({duration:.1f} s, {video.size[0]}x{video.size[1]}, "
            f"{video.fps} fps; {rendered} scene(s) rendered, {len(planned) - rendered} cached) "
            f"in {clock['total']:.1f} s"
        )
        return RenderResult(
            name,
            folder,
            folder / f"{name}.mp4",
            duration,
            False,
            rendered,
            len(planned) - rendered,
            clock,
            folder / "manifest.json",
        )
    finally:
        with contextlib.suppress(RuntimeError):
            lock.release()


LEVEL_TOLERANCE = 1.0  # LU around the loudness target (EBU R128's tolerance for live programmes)


def _warn_about_level(level: tuple[float, float] | None, audio: Audio, log: Log) -> None:
    """Say so when the mix missed its loudness target or its true-peak limit (it is still written)."""
    if level is None:  # silence: nothing to level
        return
    integrated, peak = level
    if abs(integrated - audio.loudness) > LEVEL_TOLERANCE:
        log(
            f"  warning: the mix measures {integrated:.1f} LUFS, not {audio.loudness:g} ± {LEVEL_TOLERANCE:g} "
            "(much silence or music-only stretches change it; check `audio.loudness` and the music's `volume`)"
        )
    if peak > audio.true_peak:
        log(f"  warning: the mix peaks at {peak:.1f} dBTP, above `audio.true_peak` {audio.true_peak:g}")


def locate(error: InputError, loaded: LoadedScript) -> InputError:
    """Give a scene's error (`scenes[2].title: ...`) the script's file:line:col."""
    return loaded.locate(error)


def render_script(path: Path | str, options: RenderOptions) -> RenderResult:
    return render_loaded(load_script(path), options)


__all__ = [
    "InputError",
    "RenderFailure",
    "RenderOptions",
    "RenderResult",
    "ToolkitError",
    "atomic_write_bytes",
    "check_environment",
    "plan_scenes",
    "prepare_speech",
    "render_loaded",
    "render_script",
]
