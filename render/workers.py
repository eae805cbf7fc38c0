"""The worker pool: scene clips (and the thumbnail) rendered in parallel processes, forked after
Manim is imported.

Longest scenes go first, the one-frame thumbnail last. A worker dies with its parent (even on
kill -9) and leaves Ctrl-C to the parent, which stops the pool and removes unfinished clips. A
worker killed by a signal (the out-of-memory killer...) is reported by scene and signal, not as
a broken pool.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from contract.errors import EnvironmentProblem
from render.cache import Cache
from render.planning import PlannedScene, PlannedThumbnail

Log = Callable[[str], None]


def _worker_init() -> None:
    # Die with the parent (even on kill -9), and leave Ctrl-C to the parent.
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _warm_worker_init() -> None:
    _worker_init()
    try:
        import scenes

        scenes.preload()  # Manim's import, on this worker's core while the parent loads and plans
    except Exception:  # the scene's own import then raises it, with its scene named
        pass


def _nothing() -> None:
    pass


_early: ProcessPoolExecutor | None = None  # workers forked by start_workers_early, not yet used


def start_workers_early(jobs: int) -> None:
    """Fork `jobs` scene workers now, before any script is loaded.

    Each imports Manim (0.7 s) on its own core while this process loads, speaks and plans, so an
    edit that renders one scene does not wait for that import. The next render that needs
    workers takes them; :func:`stop_early_workers` ends them if none did (all up to date).
    """
    global _early
    if _early is not None:
        return
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=context, initializer=_warm_worker_init)
    pool.submit(_nothing)  # with "fork", every worker starts at the first submit
    _early = pool


def stop_early_workers() -> None:
    global _early
    pool, _early = _early, None
    if pool is not None:
        _stop_pool(pool)


def _new_pool(workers: int) -> ProcessPoolExecutor:
    """The workers forked early if there are any, else `workers` forked now (after Manim's import)."""
    global _early
    pool, _early = _early, None
    if pool is not None:
        return pool
    import scenes

    scenes.preload()  # import Manim once, before forking the workers
    context = multiprocessing.get_context("fork")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_init)


def _pid_file(target: Path) -> Path:
    return target.with_name(target.name + ".pid")


def _render_in_worker(job_json: str, target: str) -> float:
    from contract.job import SceneJob
    from scenes import render_scene

    # which process renders which scene: if it dies, the parent can say which scene it was
    _pid_file(Path(target)).write_text(str(os.getpid()))
    started = time.perf_counter()
    render_scene(SceneJob.model_validate_json(job_json), Path(target))
    return time.perf_counter() - started


def _draw_thumbnail_in_worker(job_json: str, target: str) -> float:
    from contract.job import ThumbnailJob
    from scenes import render_thumbnail

    _pid_file(Path(target)).write_text(str(os.getpid()))
    started = time.perf_counter()
    render_thumbnail(ThumbnailJob.model_validate_json(job_json), Path(target))
    return time.perf_counter() - started


@dataclass
class Rendered:
    """What the workers made (or the cache had): every scene's clip, and the thumbnail."""

    clips: list[Path]
    seconds: dict[int, float]  # scene index -> seconds it took (only the scenes rendered now)
    thumbnail: Path
    thumbnail_seconds: float | None = None  # None: it came from the cache


def render_scenes(
    planned: list[PlannedScene],
    thumbnail: PlannedThumbnail,
    cache: Cache,
    jobs: int,
    log: Log,
    progress: Callable[[int, int], None] | None = None,
    forked: Callable[[], None] | None = None,
) -> Rendered:
    """Every scene's clip and the thumbnail, from the cache or rendered now, longest first, in parallel.

    `forked` is called once no more worker will be forked (at once if none is needed): work
    started after that (the soundtrack) does not leak its open pipes into the workers.
    """
    batch = _Batch(cache, log, progress, len(planned))
    todo: list[PlannedScene] = []
    for item in planned:
        hit = cache.get("scene", item.key, ".mp4")
        if hit:
            batch.clips[item.job.index] = hit
        else:
            todo.append(item)
    batch.thumbnail = cache.get("thumbnail", thumbnail.key, ".png")
    picture = None if batch.thumbnail else thumbnail
    if todo or picture:
        batch.render(todo, jobs, forked, picture)
    elif forked:
        forked()
    assert batch.thumbnail is not None  # from the cache, or drawn (else render() raised)
    clips = [batch.clips[p.job.index] for p in planned]
    return Rendered(clips, batch.seconds, batch.thumbnail, batch.thumbnail_seconds)


def render_into_cache(
    todo: list[PlannedScene],
    cache: Cache,
    jobs: int,
    log: Log,
    progress: Callable[[int, int], None] | None = None,
    describe: Callable[[PlannedScene], str] | None = None,
) -> int:
    """Scenes of several videos (a batch) through one pool into the cache, so every core stays busy
    across videos; each video's own render then finds its clips cached. Returns how many were rendered."""
    missing = {p.key: p for p in todo if not cache.get("scene", p.key, ".mp4")}  # one render per key
    if missing:
        _Batch(cache, log, progress, len(missing), describe=describe).render(list(missing.values()), jobs, None)
    return len(missing)


@dataclass
class _Batch:
    """The scenes of one render that the cache did not have, rendered by a pool of forked workers."""

    cache: Cache
    log: Log
    progress: Callable[[int, int], None] | None
    scene_count: int
    clips: dict[int, Path] = field(default_factory=dict)
    seconds: dict[int, float] = field(default_factory=dict)
    thumbnail: Path | None = None
    thumbnail_seconds: float | None = None
    describe: Callable[[PlannedScene], str] | None = None  # how a scene is named in the log (a batch's)
    done: int = 0

    def render(
        self,
        todo: list[PlannedScene],
        jobs: int,
        forked: Callable[[], None] | None,
        thumbnail: PlannedThumbnail | None = None,
    ) -> None:
        workers = max(1, min(jobs, len(todo) + (thumbnail is not None)))
        also = " and the thumbnail" if thumbnail is not None else ""
        self.log(
            f"  scenes: {self.scene_count - len(todo)} cached, rendering {len(todo)}{also} with {workers} worker(s)"
        )
        self._report(0, len(todo))
        todo.sort(key=lambda p: -p.timing.frame_count)
        pool = _new_pool(workers)
        futures: dict[Future[float], tuple[Work, Path]] = {}
        try:
            for item in todo:
                target = self.cache.temp_path("scene", item.key, ".mp4")
                futures[pool.submit(_render_in_worker, item.job.model_dump_json(), str(target))] = (item, target)
            if thumbnail is not None:  # one frame: last, it fills a worker's gap
                target = self.cache.temp_path("thumbnail", thumbnail.key, ".png")
                job_json = thumbnail.job.model_dump_json()
                futures[pool.submit(_draw_thumbnail_in_worker, job_json, str(target))] = (thumbnail, target)
            # with "fork", the pool starts every worker at the first submit
            processes = dict(getattr(pool, "_processes", None) or {})
            if forked:
                forked()
            self._collect(futures, processes, len(todo))
        except BaseException:
            _stop_pool(pool)
            for _, target in futures.values():
                target.unlink(missing_ok=True)
            raise
        finally:
            for _, target in futures.values():
                _pid_file(target).unlink(missing_ok=True)
        pool.shutdown(wait=True)

    def _collect(
        self,
        futures: dict[Future[float], tuple[Work, Path]],
        processes: dict[int, multiprocessing.process.BaseProcess],
        count: int,
    ) -> None:
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                item, target = futures[future]
                try:
                    seconds = future.result()
                except BrokenProcessPool:
                    raise _worker_died(processes, futures, self.scene_count) from None
                if isinstance(item, PlannedThumbnail):
                    self._adopt_thumbnail(item, target, seconds)
                    continue
                self.seconds[item.job.index] = seconds
                self.clips[item.job.index] = (
                    self.cache.put("scene", item.key, ".mp4", target) if self.cache.enabled else target
                )
                which = self.describe(item) if self.describe else f"{item.job.index + 1}/{self.scene_count}"
                self.log(f"  scene {which} ({item.job.scene.type}) rendered in {seconds:.1f} s")
                self.done += 1
                self._report(self.done, count)

    def _adopt_thumbnail(self, item: PlannedThumbnail, target: Path, seconds: float) -> None:
        self.thumbnail = self.cache.put("thumbnail", item.key, ".png", target) if self.cache.enabled else target
        self.thumbnail_seconds = seconds
        self.log(f"  thumbnail drawn in {seconds:.1f} s")

    def _report(self, done: int, total: int) -> None:
        if self.progress:
            self.progress(done, total)


Work = PlannedScene | PlannedThumbnail  # what one worker task makes


def _worker_died(
    processes: dict[int, multiprocessing.process.BaseProcess],
    futures: dict[Future[float], tuple[Work, Path]],
    scene_count: int,
) -> EnvironmentProblem:
    """Which scene's worker died (or the thumbnail's), and of what."""
    scene_of: dict[int, Work] = {}
    for item, target in futures.values():
        with contextlib.suppress(OSError, ValueError):
            scene_of[int(_pid_file(target).read_text())] = item
    for pid, process in processes.items():
        process.join(timeout=5)
        code = process.exitcode
        if code is None or code == 0:
            continue
        how = f"was killed by {_signal_name(-code)}" if code < 0 else f"exited with status {code}"
        owner = scene_of.get(pid)
        if isinstance(owner, PlannedScene):
            which = f"scene {owner.job.index + 1}/{scene_count} ({owner.job.scene.type})"
        else:
            which = "the thumbnail" if owner else "a scene"
        return EnvironmentProblem(
            f"the worker process rendering {which} {how}",
            hint="the machine may be short of memory (the out-of-memory killer sends SIGKILL); "
            "try again with --jobs 1, or close other programs",
        )
    return EnvironmentProblem(
        "a scene worker process died unexpectedly",
        hint="the machine may be short of memory; try again with --jobs 1",
    )


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel queued scenes and kill running workers now (they would finish otherwise)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(OSError, AttributeError):
            process.kill()
    for process in processes:
        process.join(timeout=5)
