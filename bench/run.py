"""Benchmark: naive baseline vs. this project cold, warm, and after a one-scene edit.

Runs everything in one process tree and one run (so the ratios compare like with
like on a noisy machine). Each step is a subprocess whose whole process tree is
sampled for memory. The last line printed is one JSON object.

    python bench/run.py [--script bench/bench.yaml] [--skip-naive] [--skip-batch | --batch-only]

The batch step (issue 14): 6 renders (3 tiny scripts × 2 aspects) through `render batch` on the
local pool, then on a Dask LocalCluster of 2 workers (and of 1, for docs/cluster.md), each with
an empty cache; the cluster's start and warm-up are not timed, its connection and version check are.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def tree_rss(process: psutil.Process) -> int:
    total = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for member in members:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += member.memory_info().rss
    return total


def timed(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Run a command; return (seconds, peak resident memory of its whole process tree)."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        handle = psutil.Process(proc.pid)
        while not done.is_set():
            peak = max(peak, tree_rss(handle))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode != 0:
        sys.stderr.write(output)
        raise SystemExit(f"benchmark step failed: {' '.join(command)}")
    for line in output.strip().splitlines()[-3:]:
        print(f"    {line}", file=sys.stderr)
    return seconds, peak


def edit_one_scene(script: Path) -> str:
    """Change one sentence of the middle narrated scene (a dialogue: its first line); say which."""
    import yaml

    data = yaml.safe_load(script.read_text(encoding="utf-8"))
    narrated = [i for i, scene in enumerate(data["scenes"]) if _narrations(scene)]
    if not narrated:
        raise SystemExit("the benchmark needs a script with narration")
    index = narrated[len(narrated) // 2]
    holder, key = _narrations(data["scenes"][index])[0]
    value = holder[key]
    extra = " Merci." if str(data.get("language", "en")).lower().startswith("fr") else " Thank you."
    holder[key] = [value[0] + extra, *value[1:]] if isinstance(value, list) else value + extra
    script.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return f"scenes[{index}]" + (".lines[0]" if key == "say" else "")


def _narrations(scene: dict) -> list[tuple[dict, str]]:
    """Where a scene's spoken text sits: the scene itself, else its items or events, or a dialogue's lines."""
    if scene.get("narration"):
        return [(scene, "narration")]
    found = []
    for entry in scene.get("items", []) + scene.get("events", []):
        if isinstance(entry, dict) and entry.get("narration"):
            found.append((entry, "narration"))
    for line in scene.get("lines", []):  # a dialogue: the edit appends a sentence to one line's `say`
        if isinstance(line, dict) and line.get("say"):
            found.append((line, "say"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--script", type=Path, default=ROOT / "bench" / "bench.yaml")
    parser.add_argument("--skip-naive", action="store_true", help="skip the (slow) naive baseline")
    parser.add_argument("--skip-batch", action="store_true", help="skip the batch step (local pool vs cluster)")
    parser.add_argument("--batch-only", action="store_true", help="run only the batch step")
    args = parser.parse_args()
    if args.batch_only:
        print(json.dumps({"batch": batch_bench(), "machine": _machine()}, ensure_ascii=False))
        return

    work = Path(tempfile.mkdtemp(prefix="bench-", dir=ROOT / "build" if (ROOT / "build").is_dir() else None))
    try:
        # the script is copied next to the original so its relative paths still resolve
        script = args.script.resolve().parent / f"bench-work-{os.getpid()}.yaml"
        shutil.copyfile(args.script, script)
        env = {**os.environ, "RENDER_CACHE_DIR": str(work / "cache")}
        render = [PYTHON, "-m", "render", "--out", str(work / "out"), str(script)]
        results: dict[str, float] = {}
        peaks: dict[str, int] = {}

        if not args.skip_naive:
            print("naive baseline: one process, no cache, MoviePy's default write_videofile", file=sys.stderr)
            results["naive"], peaks["naive"] = timed(
                [PYTHON, str(ROOT / "bench" / "naive.py"), str(script), str(work / "naive.mp4")],
                {**env, "RENDER_CACHE_DIR": str(work / "naive-cache")},
            )
        print("cold: empty cache", file=sys.stderr)
        results["cold"], peaks["cold"] = timed(render, env)
        print("warm: nothing changed", file=sys.stderr)
        results["warm"], peaks["warm"] = timed(render, env)
        edited = edit_one_scene(script)
        print(f"edit: the narration of {edited} changed", file=sys.stderr)
        results["edit"], peaks["edit"] = timed(render, env)

        manifest = json.loads((work / "out" / script.stem / "manifest.json").read_text())
        video = float(manifest["duration"])
        cold_profile = manifest["timings"]
        scenes = {f"{s['index']}:{s['type']}": s["rendered_seconds"] for s in manifest["scenes"]}
    finally:
        script.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)

    report = {
        "script": str(args.script),
        "edited_scene": edited,
        "video_seconds": round(video, 2),
        "seconds": {k: round(v, 2) for k, v in results.items()},
        "ratios": {
            "cold_over_video": round(results["cold"] / video, 3),
            "warm_seconds": round(results["warm"], 2),
            "edit_over_video": round(results["edit"] / video, 3),
            **({"naive_over_cold": round(results["naive"] / results["cold"], 2)} if "naive" in results else {}),
            **({"naive_over_video": round(results["naive"] / video, 3)} if "naive" in results else {}),
        },
        "peak_memory_mib": {k: round(v / 2**20) for k, v in peaks.items()},
        "last_render_profile_seconds": cold_profile,
        "last_render_scene_seconds": scenes,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"{round(psutil.virtual_memory().total / 2**30)} GiB, {_cpu_model()}, "
        f"Python {platform.python_version()}",
    }
    if not args.skip_batch:
        report["batch"] = batch_bench()
    print(json.dumps(report, ensure_ascii=False))


# --- the batch step: `render batch` on the local pool, then on a 2-worker Dask LocalCluster -------

BATCH_SCRIPT = (
    "title: {title}\nvoice: {{engine: pyttsx3}}\nvideo: {{resolution: 480p, fps: 15}}\n"
    "scenes:\n  - type: title\n    title: {title}\n    narration: Hello there, this is {title}.\n"
    "  - type: bullets\n    title: Points\n    items: [one, two, three]\n    narration: Three short points.\n"
)
BATCH_OVERHEAD_LIMIT = 0.30  # issue 14: the cluster's overhead over the local pool


def batch_bench() -> dict[str, object]:
    """6 renders (3 scripts × 2 aspects), each run with an empty cache: local pool, cluster of 2, cluster of 1."""
    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        for title in ("One", "Two", "Three"):
            (work / f"{title.lower()}.yaml").write_text(BATCH_SCRIPT.format(title=title), encoding="utf-8")
        (work / "batch.yaml").write_text("scripts: ['*.yaml']\naspects: ['16:9', '9:16']\n", encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in ("RENDER_CACHE_DIR", "RENDER_CLUSTER")}
        seconds: dict[str, float] = {}
        print("batch: 3 scripts × 2 aspects, local pool, empty cache", file=sys.stderr)
        seconds["local"], _ = timed(_batch_command(work, "local"), env)
        for workers in (2, 1):
            with _warm_cluster(workers) as address:
                print(f"batch: the same on a LocalCluster of {workers} worker(s), empty cache", file=sys.stderr)
                seconds[f"cluster_{workers}"], _ = timed(
                    [*_batch_command(work, f"c{workers}"), "--cluster", address], env
                )
        videos = _batch_videos(work / "out-local")
        durations = [
            json.loads(m.read_text())["duration"] for m in sorted((work / "out-local").glob("*/manifest.json"))
        ]
        # the cluster's scene clips must be the local pool's, byte for byte (same keys, same sha256)
        clips = {side: _batch_files(work / f"cache-{side}", "scene/*/*.mp4") for side in ("local", "c2", "c1")}
        same = {
            "clips": clips["c2"] == clips["local"] == clips["c1"],
            "videos": _batch_videos(work / "out-c2") == videos == _batch_videos(work / "out-c1"),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    overhead = seconds["cluster_2"] / seconds["local"] - 1
    return {
        "renders": len(videos),
        "video_seconds": round(sum(float(d) for d in durations), 1),
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
        "renders_per_hour": {k: round(len(videos) * 3600 / v) for k, v in seconds.items()},
        "cluster_2_overhead": round(overhead, 3),
        "overhead_ok": overhead <= BATCH_OVERHEAD_LIMIT,
        "identical_to_local": same,
    }


def _batch_command(work: Path, side: str) -> list[str]:
    return [
        PYTHON, "-m", "render", "batch", str(work / "batch.yaml"),
        "--cache-dir", str(work / f"cache-{side}"), "--out", str(work / f"out-{side}"),
    ]  # fmt: skip


def _batch_videos(out: Path) -> dict[str, str]:
    return _batch_files(out, "*/*.mp4")


def _batch_files(folder: Path, pattern: str) -> dict[str, str]:
    import hashlib

    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob(pattern))}


@contextlib.contextmanager
def _warm_cluster(workers: int) -> Iterator[str]:
    """A LocalCluster on 127.0.0.1 (one single-threaded process per worker), its workers' imports done."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        client.wait_for_workers(workers, timeout=120)
        client.run(_warm_up)
        yield cluster.scheduler_address


def _warm_up() -> None:
    import render.cluster
    import render.pipeline
    import scenes

    render.cluster.version_digest()
    del render, scenes


def _machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, "
        f"{round(psutil.virtual_memory().total / 2**30)} GiB, {_cpu_model()}, Python {platform.python_version()}"
    )


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
        match = re.search(r"model name\s*:\s*(.+)", text)
        return match.group(1).strip() if match else platform.processor()
    except OSError:
        return platform.processor()


if __name__ == "__main__":
    main()
