"""A batch on a Dask cluster (`render batch --cluster tcp://host:8786`, or $RENDER_CLUSTER).

Per video, tasks with real dependencies: speech → plan → one task per scene (+ the thumbnail)
→ assembly (the ordinary pipeline, which then finds every clip cached). Every task reads and
writes the content-addressed cache on shared storage (`--cache-dir`, the same path on every
machine), so tasks return keys and paths, never video bytes. A task whose worker dies is
retried on another (`retries=`). Before anything runs, every worker's toolkit and library
versions must match the client's. Workers run one task at a time (`--nthreads 1`): Manim's
configuration is global to a process.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import logging
import time
from collections.abc import Callable
from concurrent.futures import CancelledError
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contract.errors import EnvironmentProblem, InputError, ToolkitError
from render.cache import Cache, digest

if TYPE_CHECKING:
    from render.loader import LoadedScript
    from render.pipeline import RenderOptions, RenderResult
    from render.planning import PlannedScene

RETRIES = 2  # a task whose worker died runs again elsewhere, twice at most
CONNECT_TIMEOUT = "10s"
_PACKAGES = ("contract", "scenes", "render", "upload", "records")


def version_digest() -> str:
    """Toolkit source, library and tool versions: what must match between the client and every worker."""
    from render.tool_versions import versions

    sources = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    for package in _PACKAGES:
        for file in sorted((root / package).rglob("*.py")):
            sources.update(file.relative_to(root).as_posix().encode())
            sources.update(file.read_bytes())
    return digest("cluster-versions", versions(), sources.hexdigest())


def connect(address: str) -> Any:
    """A Dask client for `address`, after checking that every worker runs the same versions (exit 1 if not)."""
    dask = _distributed()  # importing it sets up its loggers: quieten them after
    # our own message says what went wrong with the scheduler; Dask's would add tracebacks
    for name in ("distributed", "distributed.client"):  # Dask's config gives each its own level
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        client = dask.Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as error:
        raise EnvironmentProblem(
            f"cannot reach the render cluster's scheduler at {address}: {error}",
            hint="start it with `dask scheduler` (see docs/cluster.md), or render locally without --cluster "
            "(and without $RENDER_CLUSTER)",
        ) from None
    try:
        check_versions(client)
    except BaseException:
        client.close()
        raise
    return client


WAIT_FOR_WORKERS = 30.0  # seconds


def _distributed() -> Any:
    # Dask's API is untyped; reached through Any so strict mypy checks the rest
    return importlib.import_module("distributed")


def check_versions(client: Any) -> None:
    """Run the version digest on every worker; refuse a cluster whose workers differ from this machine."""
    try:  # workers started with the scheduler may still be connecting
        client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS)
    except TimeoutError:
        raise EnvironmentProblem(
            f"the render cluster has no workers (waited {WAIT_FOR_WORKERS:g} s)",
            hint="start some with `dask worker ...`",
        ) from None
    workers = client.run(version_digest)
    if not workers:
        raise EnvironmentProblem("the render cluster has no workers", hint="start some with `dask worker ...`")
    mine = version_digest()
    wrong = sorted(address for address, theirs in workers.items() if theirs != mine)
    if wrong:
        raise EnvironmentProblem(
            f"{len(wrong)} of {len(workers)} cluster worker(s) run another toolkit or library version: "
            + ", ".join(wrong),
            hint="install the same toolkit commit and `pip install` the same versions on every machine "
            "(see docs/cluster.md), then restart the workers",
        )


# --- the tasks (run on the workers) -------------------------------------------------------------


def _quiet(_line: str) -> None:
    pass


def speech_task(loaded: LoadedScript, cache_dir: str) -> dict[str, str]:
    """Every phrase of the video synthesised into the shared cache; phrase id → WAV path."""
    from render.speech import prepare_speech

    _, wavs, _ = prepare_speech(loaded, Cache(Path(cache_dir)), _quiet)
    return {text: str(path) for text, path in wavs.items()}


def plan_task(loaded: LoadedScript, preview: bool, assembler: str, wavs: dict[str, str]) -> list[PlannedScene]:
    """The video's timed scene jobs (from the speech's real lengths)."""
    from render.narration import wav_seconds
    from render.planning import ASSEMBLERS, effective_video, plan_scenes

    paths = {text: Path(path) for text, path in wavs.items()}
    seconds = {text: wav_seconds(path) for text, path in paths.items()}
    video = effective_video(loaded.script, preview)
    return plan_scenes(loaded, video, seconds, ASSEMBLERS[assembler].scene_crf, paths)


def scene_task(planned: list[PlannedScene], index: int, cache_dir: str) -> tuple[str, str, float]:
    """One scene's clip, from the shared cache or rendered in this worker: (key, path, seconds rendering)."""
    from scenes import render_scene

    item = planned[index]
    cache = Cache(Path(cache_dir))
    hit = cache.get("scene", item.key, ".mp4")
    if hit:
        return item.key, str(hit), 0.0
    started = time.perf_counter()
    target = cache.temp_path("scene", item.key, ".mp4")
    try:
        render_scene(item.job, target)
        path = cache.put("scene", item.key, ".mp4", target)
    finally:
        target.unlink(missing_ok=True)
    return item.key, str(path), time.perf_counter() - started


def thumbnail_task(loaded: LoadedScript, cache_dir: str) -> str:
    """The video's thumbnail in the shared cache."""
    from render.planning import plan_thumbnail
    from scenes import render_thumbnail

    thumbnail = plan_thumbnail(loaded)
    cache = Cache(Path(cache_dir))
    hit = cache.get("thumbnail", thumbnail.key, ".png")
    if hit:
        return str(hit)
    target = cache.temp_path("thumbnail", thumbnail.key, ".png")
    try:
        render_thumbnail(thumbnail.job, target)
        return str(cache.put("thumbnail", thumbnail.key, ".png", target))
    finally:
        target.unlink(missing_ok=True)


def assemble_task(loaded: LoadedScript, settings: dict[str, Any], *parts: Any) -> RenderResult:
    """The ordinary pipeline: speech and clips are cached by now, so it mixes, writes and assembles."""
    from render.pipeline import RenderOptions, render_loaded

    result = render_loaded(loaded, RenderOptions(**settings, log=_quiet))
    if result.up_to_date:
        return result
    scenes = result_scenes(parts)
    rendered = sum(1 for _, _, seconds in scenes if seconds > 0)  # scene tasks that rendered (not cached)
    return dataclasses.replace(result, scenes_rendered=rendered, scenes_cached=len(scenes) - rendered)


def result_scenes(parts: tuple[Any, ...]) -> list[tuple[str, str, float]]:
    """The scene tasks' results among an assembly's inputs (the thumbnail's is a path)."""
    return [part for part in parts if isinstance(part, tuple)]


# --- the client's side ----------------------------------------------------------------------------


def shared_cache(options: RenderOptions) -> Path:
    """The cache every task shares; refused (exit 2) without one given explicitly, or with --no-cache."""
    if options.cache_dir is None or not options.use_cache:  # the tasks hand their work over through it
        raise InputError(
            "a cluster render needs the cache, on shared storage",
            hint="drop --no-cache; give --cache-dir (or $RENDER_CACHE_DIR), the same folder path on every machine",
        )
    return options.cache_dir.resolve()


def render_on_cluster(
    client: Any,
    variants: list[LoadedScript],
    options: RenderOptions,
    log: Callable[[str], None],
) -> dict[str, RenderResult | BaseException]:
    """Submit every variant's task graph; the result (or the error) per variant name."""
    as_completed = _distributed().as_completed
    cache_dir = str(shared_cache(options))
    settings = {
        "out_dir": options.out_dir.resolve(),
        "preview": options.preview,
        "jobs": 1,
        "cache_dir": Path(cache_dir),
        "assembler": options.assembler,
        "db": options.db,
    }
    finals: dict[Any, str] = {}
    label: dict[Any, str] = {}
    for loaded in variants:
        name = loaded.name
        speech = client.submit(speech_task, loaded, cache_dir, retries=RETRIES, key=f"speech-{name}-{_salt()}")
        plan = client.submit(
            plan_task, loaded, options.preview, options.assembler, speech, retries=RETRIES, key=f"plan-{name}-{_salt()}"
        )
        count = len(loaded.script.scenes)
        parts = [
            client.submit(scene_task, plan, i, cache_dir, retries=RETRIES, key=f"scene-{name}-{i}-{_salt()}")
            for i in range(count)
        ]
        for i, part in enumerate(parts):
            label[part] = f"scene {i + 1}/{count} of {name}"
        parts.append(client.submit(thumbnail_task, loaded, cache_dir, retries=RETRIES, key=f"thumb-{name}-{_salt()}"))
        final = client.submit(assemble_task, loaded, settings, *parts, retries=RETRIES, key=f"video-{name}-{_salt()}")
        finals[final] = name
        label[final] = f"{name}: assembled"
    results: dict[str, RenderResult | BaseException] = {}
    try:
        for future in as_completed(list(label)):
            error = future.exception() if future.status == "error" else None
            if future in finals:
                results[finals[future]] = error if error is not None else future.result()
            if error is None:
                log(f"  {label[future]}")
    except (OSError, TimeoutError, CancelledError) as error:  # cancelled: "scheduler-connection-lost"
        raise EnvironmentProblem(
            f"lost the render cluster's scheduler: {str(error).splitlines()[0]}",
            hint="restart the scheduler and the workers, then run the batch again (finished work is cached)",
        ) from None
    for future, name in finals.items():  # a failed dependency fails its video with that error
        if name not in results:
            results[name] = future.exception() or ToolkitError("the video's tasks did not finish")
    return results


def _salt() -> str:
    # keys unique per run: Dask remembers a finished key's result while a client holds it
    return f"{time.time_ns():x}"
