"""The render pipeline: script → speech → timing → scene clips → final cut → outputs.

Each stage talks to the next through data (phrases with measured seconds, timed
`SceneJob`s, cached files) and the result is recorded in `manifest.json`.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import json
import multiprocessing
import os
import re
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from contract.errors import EnvironmentProblem, InputError, RenderFailure, ToolkitError
from contract.script import Script, Video
from render import assemble
from render.cache import Cache, atomic_move, atomic_write_bytes, default_cache_dir, digest, file_sha256
from render.captions import Cue, to_srt, to_vtt
from render.loader import LoadedScript, load_script
from render.narration import (
    SAMPLE_RATE,
    VoiceChoice,
    engine_for,
    spoken_form,
    synthesize_trimmed,
    wav_seconds,
)
from render.timing import SceneTiming, all_phrases, scene_beats, time_scene

NARRATION_VERSION = "2"  # bump when phrase synthesis/trimming changes
MIX_VERSION = "1"
PREVIEW = {"resolution": "480p", "fps": 15}
FINAL_CRF = 18  # visually lossless for flat explainer graphics
FINAL_PRESET = "veryfast"
INTERMEDIATE_CRF = 8  # scene clips that MoviePy re-encodes: near-lossless, so its encode is the one that counts


@dataclass(frozen=True)
class Assembler:
    """How the final cut is made, and so at which quality the scene clips are encoded."""

    name: str
    scene_crf: int
    description: str


ASSEMBLERS = {
    "copy": Assembler(
        "copy",
        FINAL_CRF,
        "scene clips are encoded once at final quality and joined "
        "without re-encoding (fast; an unchanged scene costs nothing)",
    ),
    "moviepy": Assembler(
        "moviepy",
        INTERMEDIATE_CRF,
        "MoviePy concatenates near-lossless scene clips and encodes the picture once at final quality (slower)",
    ),
}

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


@dataclass
class PlannedScene:
    job: Any  # contract.job.SceneJob
    key: str
    timing: SceneTiming
    start_frame: int


@functools.cache
def versions() -> dict[str, str]:
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "absent"

    from render.narration import espeak_version

    return {
        "toolkit": version("explainer-toolkit"),
        "manim": version("manim"),
        "moviepy": version("moviepy"),
        "pyttsx3": version("pyttsx3"),
        "espeak-ng": espeak_version(),
        "ffmpeg": assemble.ffmpeg_version(),
        "python": sys.version.split()[0],
    }


def effective_video(script: Script, preview: bool) -> Video:
    return script.video.model_copy(update=PREVIEW) if preview else script.video


# --- speech ------------------------------------------------------------------------------


def prepare_speech(loaded: LoadedScript, cache: Cache, log: Log) -> tuple[VoiceChoice, dict[str, Path], dict[str, str]]:
    """Synthesise every phrase not yet cached. Returns the voice, phrase → WAV, phrase → key."""
    script = loaded.script
    engine = engine_for(script.voice.engine)
    voice = engine.choose_voice(script.language, script.voice.id, script.voice.rate)
    wavs: dict[str, Path] = {}
    keys: dict[str, str] = {}
    missing: list[tuple[str, str, str]] = []  # (written, spoken, key)
    for text in dict.fromkeys(all_phrases(script)):
        spoken = spoken_form(text, script.lexicon)
        key = digest(
            "speech",
            NARRATION_VERSION,
            voice.engine,
            voice.voice_id,
            voice.language,
            voice.rate,
            voice.engine_version,
            versions()["pyttsx3"],
            spoken,
        )
        keys[text] = key
        hit = cache.get("speech", key, ".wav")
        if hit:
            wavs[text] = hit
        else:
            missing.append((text, spoken, key))
    if missing:
        log(f"  speech: {len(missing)} new phrase(s) with {voice.engine} voice {voice.voice_id}")
        work = cache.temp_path("speech", "batch", "")
        work.mkdir(parents=True, exist_ok=True)
        try:
            targets = [(spoken, work / f"{i}.wav") for i, (_, spoken, _) in enumerate(missing)]
            synthesize_trimmed(engine, voice, targets, work)
            for (text, _, key), (_, built) in zip(missing, targets, strict=True):
                wavs[text] = cache.put("speech", key, ".wav", built) if cache.enabled else _keep(built, cache)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return voice, wavs, keys


def _keep(built: Path, cache: Cache) -> Path:
    """With the cache disabled, keep the file somewhere that outlives the batch folder."""
    target = cache.temp_path("speech", built.stem, ".wav")
    shutil.move(built, target)
    return target


# --- planning ----------------------------------------------------------------------------


def plan_scenes(
    loaded: LoadedScript, video: Video, seconds: dict[str, float], scene_crf: int = FINAL_CRF
) -> list[PlannedScene]:
    from contract.job import SceneJob
    from scenes import code_fingerprint

    script = loaded.script
    width, height = video.size
    planned: list[PlannedScene] = []
    frame = 0
    fingerprint = code_fingerprint()
    tool_versions = versions()
    for i, scene in enumerate(script.scenes):
        beats = scene_beats(scene)
        timing = time_scene(scene, beats, seconds, video.fps, scene.duration)
        following = script.scenes[i + 1].transition if i + 1 < len(script.scenes) else "fade"
        image = loaded.files.get(f"scenes[{i}].file")
        job = SceneJob(
            index=i,
            field_path=f"scenes[{i}]",
            scene=scene,
            brand=loaded.brand,
            image_file=str(image) if image else None,
            width=width,
            height=height,
            fps=video.fps,
            frame_count=timing.frame_count,
            cues=timing.cues,
            enter=scene.transition,
            exit=following,
            language=script.language,
            crf=scene_crf,
            preset=FINAL_PRESET,
        )
        inputs = [p for p in (image, loaded.brand.font_file, loaded.brand.logo) if p]
        key = digest(
            "scene",
            job.model_dump(mode="json"),
            [file_sha256(Path(p)) for p in inputs],
            fingerprint,
            tool_versions["manim"],
            tool_versions["ffmpeg"],
        )
        planned.append(PlannedScene(job=job, key=key, timing=timing, start_frame=frame))
        frame += timing.frame_count
    return planned


# --- scene rendering (parallel) -----------------------------------------------------------


def _worker_init() -> None:
    # Die with the parent (even on kill -9), and leave Ctrl-C to the parent.
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _render_in_worker(job_json: str, target: str) -> float:
    from contract.job import SceneJob
    from scenes import render_scene

    started = time.perf_counter()
    render_scene(SceneJob.model_validate_json(job_json), Path(target))
    return time.perf_counter() - started


def render_scenes(
    planned: list[PlannedScene],
    cache: Cache,
    jobs: int,
    log: Log,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[Path], dict[int, float]]:
    """Every scene's clip, from the cache or rendered now, longest first, in parallel."""
    clips: dict[int, Path] = {}
    todo: list[PlannedScene] = []
    for item in planned:
        hit = cache.get("scene", item.key, ".mp4")
        if hit:
            clips[item.job.index] = hit
        else:
            todo.append(item)
    seconds: dict[int, float] = {}
    if todo:
        workers = max(1, min(jobs, len(todo)))
        log(f"  scenes: {len(planned) - len(todo)} cached, rendering {len(todo)} with {workers} worker(s)")
        if progress:
            progress(0, len(todo))
        todo.sort(key=lambda p: -p.timing.frame_count)
        import scenes

        scenes.preload()  # import Manim once, before forking the workers

        context = multiprocessing.get_context("fork")
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_init)
        futures: dict[Future[float], tuple[PlannedScene, Path]] = {}
        try:
            for item in todo:
                target = cache.temp_path("scene", item.key, ".mp4")
                futures[pool.submit(_render_in_worker, item.job.model_dump_json(), str(target))] = (item, target)
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    item, target = futures[future]
                    seconds[item.job.index] = future.result()
                    clips[item.job.index] = cache.put("scene", item.key, ".mp4", target) if cache.enabled else target
                    log(
                        f"  scene {item.job.index + 1}/{len(planned)} ({item.job.scene.type}) "
                        f"rendered in {seconds[item.job.index]:.1f} s"
                    )
                    if progress:
                        progress(len(seconds), len(todo))
        except BaseException:
            _stop_pool(pool)
            for _, target in futures.values():
                target.unlink(missing_ok=True)
            raise
        pool.shutdown(wait=True)
    return [clips[p.job.index] for p in planned], seconds


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel queued scenes and kill running workers now (they would finish otherwise)."""
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(OSError, AttributeError):
            process.kill()
    for process in processes:
        process.join(timeout=5)


# --- outputs -----------------------------------------------------------------------------


class Background:
    """Run a function in a daemon thread: an interrupted render exits without waiting for it."""

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        self._result: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(function, *args), daemon=True)
        self._thread.start()

    def _run(self, function: Callable[..., Any], *args: Any) -> None:
        try:
            self._result = function(*args)
        except BaseException as error:  # handed to the caller of result()
            self._error = error

    def result(self) -> Any:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._result


def _soundtrack(
    cache: Cache,
    key: str,
    phrases: list[tuple[Path, float]],
    duration: float,
    music: tuple[Path, float] | None,
    clock: dict[str, float],
) -> Path:
    """The mixed soundtrack, from the cache or made now."""
    tick = time.perf_counter()
    found = cache.get("mix", key, ".m4a")
    if found is None:
        built = cache.temp_path("mix", key, ".m4a")
        try:
            assemble.mix_soundtrack(phrases, duration, built, music)
        except BaseException:
            built.unlink(missing_ok=True)
            raise
        found = cache.put("mix", key, ".m4a", built) if cache.enabled else built
    clock["soundtrack"] = time.perf_counter() - tick
    return found


def _thumbnail_time(planned: list[PlannedScene]) -> tuple[int, float]:
    """Which scene and when: the title scene once written in, else the first scene."""
    for k, item in enumerate(planned):
        if item.job.scene.type == "title":
            t = min(item.timing.cues[-1] + 1.2, item.job.duration - 0.6)
            return k, max(t, 0.0)
    first = planned[0]
    return 0, max(min(first.timing.cues[-1] + 1.2, first.job.duration - 0.6), 0.0)


def check_environment(loaded: LoadedScript) -> None:
    """Raise (exit 1) when the machine lacks something the script needs (a font...)."""
    if loaded.environment:
        raise EnvironmentProblem("\n".join(loaded.environment))


def render_loaded(loaded: LoadedScript, options: RenderOptions) -> RenderResult:
    check_environment(loaded)
    log = options.log
    started = time.perf_counter()
    clock: dict[str, float] = {}
    script = loaded.script
    name = loaded.name
    video = effective_video(script, options.preview)
    cache = Cache(options.cache_dir or default_cache_dir(), enabled=options.use_cache)
    out_root = options.out_dir
    folder = out_root / name
    _prepare_output_folder(out_root)

    tick = time.perf_counter()
    voice, wavs, speech_keys = prepare_speech(loaded, cache, log)
    seconds = {text: wav_seconds(path) for text, path in wavs.items()}
    clock["speech"] = time.perf_counter() - tick

    assembler = ASSEMBLERS[options.assembler]
    planned = plan_scenes(loaded, video, seconds, assembler.scene_crf)
    total_frames = sum(p.timing.frame_count for p in planned)
    duration = total_frames / video.fps
    placed: list[tuple[str, float, float]] = []  # (text, global start, seconds)
    for item in planned:
        offset = item.start_frame / video.fps
        placed += [(p.text, round(offset + p.start, 4), p.seconds) for p in item.timing.phrases]
    music = (loaded.files["music.file"], script.music.volume) if script.music else None
    mix_key = digest(
        "mix",
        MIX_VERSION,
        [(speech_keys[t], s) for t, s, _ in placed],
        duration,
        (file_sha256(music[0]), music[1]) if music else None,
        versions()["moviepy"],
    )
    render_key = digest(
        "render",
        assembler.name,
        [p.key for p in planned],
        mix_key,
        script.language,
        script.publish_settings.model_dump(mode="json"),
        loaded.raw.decode("utf-8", "replace"),
    )

    # the lock lives with the cache, so a render stopped by bad input leaves nothing in the output folder
    lock_file = cache.root / "locks" / f"{digest(str(out_root.resolve()), name)[:24]}.lock"
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_file))
    try:
        lock.acquire(timeout=0.1)
    except Timeout:
        log(f"  waiting for another render of {name} to finish")
        lock.acquire()
    try:
        _remove_stale_staging(out_root, name)
        current = _up_to_date(folder, name, render_key)
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
        # the soundtrack only needs the plan: mix it while the workers render the scenes
        soundtrack_job = Background(
            _soundtrack, cache, mix_key, [(wavs[t], s) for t, s, _ in placed], duration, music, clock
        )
        try:
            clips, scene_seconds = render_scenes(planned, cache, options.jobs, log, options.progress)
        except InputError as error:
            raise locate(error, loaded) from None
        clock["scenes"] = time.perf_counter() - tick
        soundtrack = soundtrack_job.result()

        _write_outputs(
            loaded,
            options,
            video,
            voice,
            assembler,
            planned,
            placed,
            clips,
            soundtrack,
            wavs,
            cache,
            render_key,
            duration,
            scene_seconds,
            clock,
            started,
        )
        rendered = len(scene_seconds)
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
        lock.release()


def _write_outputs(
    loaded: LoadedScript,
    options: RenderOptions,
    video: Video,
    voice: VoiceChoice,
    assembler: Assembler,
    planned: list[PlannedScene],
    placed: list[tuple[str, float, float]],
    clips: list[Path],
    soundtrack: Path,
    wavs: dict[str, Path],
    cache: Cache,
    render_key: str,
    duration: float,
    scene_seconds: dict[int, float],
    clock: dict[str, float],
    started: float,
) -> None:
    """Assemble the final cut, captions, thumbnail and manifest in a staging folder, then move
    each into `OUT/<name>/` atomically, the manifest last (it vouches for the others)."""
    name, lang = loaded.name, loaded.script.language
    out_root = options.out_dir
    folder = out_root / name
    staging = out_root / f".{name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    created_root = not out_root.exists()
    staging.mkdir(parents=True)
    written = False
    try:
        tick = time.perf_counter()
        outputs = {
            "video": staging / f"{name}.mp4",
            "srt": staging / f"{name}.{lang}.srt",
            "vtt": staging / f"{name}.{lang}.vtt",
            "thumbnail": staging / f"{name}.thumbnail.png",
        }
        if assembler.name == "moviepy":
            assemble.moviepy_cut(
                clips,
                [p.timing.frame_count for p in planned],
                video.fps,
                soundtrack,
                outputs["video"],
                FINAL_CRF,
                FINAL_PRESET,
                max(1, options.jobs),
            )
        else:
            assemble.join_and_mux(clips, soundtrack, outputs["video"], staging)
        cues = [Cue(start, start + secs, text) for text, start, secs in placed]
        outputs["srt"].write_text(to_srt(cues), encoding="utf-8")
        outputs["vtt"].write_text(to_vtt(cues, lang), encoding="utf-8")
        scene_k, at = _thumbnail_time(planned)
        assemble.extract_frame(clips[scene_k], at, outputs["thumbnail"])
        clock["assembly"] = time.perf_counter() - tick
        clock["total"] = time.perf_counter() - started

        manifest = _manifest(
            loaded,
            video,
            voice,
            planned,
            placed,
            outputs,
            render_key,
            duration,
            scene_seconds,
            clock,
            options.preview,
            clips,
        )
        manifest_file = staging / "manifest.json"
        manifest_file.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        folder.mkdir(parents=True, exist_ok=True)
        for path in outputs.values():
            atomic_move(path, folder / path.name)
        atomic_move(manifest_file, folder / "manifest.json")
        written = True
    except OSError as error:
        if error.errno == 28:
            raise EnvironmentProblem(
                f"the disk is full while writing {folder}", hint="free some space or pass --out on another disk"
            ) from None
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created_root and not written:  # leave no empty folder behind a failed first render
            with contextlib.suppress(OSError):
                folder.rmdir()
            with contextlib.suppress(OSError):
                out_root.rmdir()
        if not cache.enabled:  # --no-cache: nothing of this run is kept but the outputs
            for path in [*clips, soundtrack, *wavs.values()]:
                path.unlink(missing_ok=True)


def _prepare_output_folder(out_root: Path) -> None:
    """Say plainly, before any work, why the output folder cannot be written.

    Nothing is created here: a render that fails on bad input leaves no folder behind.
    """
    existing = out_root
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    try:
        if not existing.is_dir():
            raise NotADirectoryError(20, "Not a directory")
        probe = existing / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        reason = "the disk is full" if error.errno == 28 else (error.strerror or str(error))
        raise EnvironmentProblem(
            f"cannot write to the output folder {out_root}: {reason}",
            hint="choose another folder with --out, or fix its permissions or free space",
        ) from None


_FIELD_PATH = re.compile(r"^((?:[A-Za-z_]+|\[\d+\])(?:\.[A-Za-z_]+|\[\d+\])*): ")


def locate(error: InputError, loaded: LoadedScript) -> InputError:
    """Give a scene's error (`scenes[2].title: ...`) the script's file:line:col."""
    match = _FIELD_PATH.match(error.message)
    if match is None:
        return error
    path: list[str | int] = []
    for name, index in re.findall(r"([A-Za-z_]+)|\[(\d+)\]", match.group(1)):
        path.append(int(index) if index else name)
    where = loaded.document.where(tuple(path))
    return InputError(f"{where} {error.message}", error.hint)


def _remove_stale_staging(out_root: Path, name: str) -> None:
    """Staging folders left by a render that was killed (we hold the lock: none is live)."""
    if not out_root.is_dir():
        return
    for leftover in out_root.glob(f".{name}.staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _up_to_date(folder: Path, name: str, render_key: str) -> float | None:
    """The video's duration if the folder holds intact outputs of exactly this render."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("render_key") != render_key:
            return None
        outputs = manifest["outputs"]
        for entry in [outputs["video"], outputs["thumbnail"], *outputs["captions"]]:
            path = folder / entry["file"]
            if path.stat().st_size != entry["bytes"] or file_sha256(path) != entry["sha256"]:
                return None
        return float(manifest["duration"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _entry(path: Path, final_name: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"file": final_name or path.name, "sha256": file_sha256(path), "bytes": path.stat().st_size, **extra}


def _manifest(
    loaded: LoadedScript,
    video: Video,
    voice: VoiceChoice,
    planned: list[PlannedScene],
    placed: list[tuple[str, float, float]],
    outputs: dict[str, Path],
    render_key: str,
    duration: float,
    scene_seconds: dict[int, float],
    clock: dict[str, float],
    preview: bool,
    clips: list[Path],
) -> dict[str, Any]:
    script = loaded.script
    publish = script.publish_settings.model_dump(mode="json")
    publish["title"] = publish["title"] or script.title[:100]
    thumb = loaded.files.get("publish.thumbnail")
    publish["thumbnail"] = str(thumb) if thumb else None
    width, height = video.size
    lang = script.language
    return {
        "format": 1,
        "name": loaded.name,
        "title": script.title,
        "language": lang,
        "duration": round(duration, 3),
        "render_key": render_key,
        "preview": preview,
        "script": {"path": str(loaded.file.resolve()), "sha256": file_sha256(loaded.file)},
        "video": {
            "width": width,
            "height": height,
            "fps": video.fps,
            "aspect": video.aspect,
            "resolution": video.resolution,
        },
        "voice": {"engine": voice.engine, "id": voice.voice_id, "rate": voice.rate, "language": voice.language},
        "publish": publish,
        "outputs": {
            "video": _entry(outputs["video"]),
            "thumbnail": _entry(outputs["thumbnail"]),
            "captions": [
                _entry(outputs["srt"], language=lang, format="srt"),
                _entry(outputs["vtt"], language=lang, format="vtt"),
            ],
        },
        "scenes": [
            {
                "index": p.job.index,
                "type": p.job.scene.type,
                "key": p.key,
                "clip_sha256": file_sha256(clip),
                "start": round(p.start_frame / video.fps, 4),
                "frames": p.timing.frame_count,
                "duration": round(p.job.duration, 4),
                "cues": p.timing.cues,
                "rendered_seconds": round(scene_seconds[p.job.index], 2) if p.job.index in scene_seconds else None,
                "phrases": [
                    {
                        "text": ph.text,
                        "start": round(p.start_frame / video.fps + ph.start, 4),
                        "seconds": round(ph.seconds, 4),
                    }
                    for ph in p.timing.phrases
                ],
            }
            for p, clip in zip(planned, clips, strict=True)
        ],
        "timings": {k: round(v, 3) for k, v in clock.items()},
        "versions": versions(),
        "audio_sample_rate": SAMPLE_RATE,
    }


def render_script(path: Path | str, options: RenderOptions) -> RenderResult:
    return render_loaded(load_script(path), options)


__all__ = [
    "InputError",
    "RenderFailure",
    "RenderOptions",
    "RenderResult",
    "ToolkitError",
    "atomic_write_bytes",
    "render_loaded",
    "render_script",
]
