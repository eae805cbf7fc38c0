"""Benchmark: naive baseline vs. this project cold, warm, and after a one-scene edit.

Runs everything in one process tree and one run (so the ratios compare like with
like on a noisy machine). Each step is a subprocess whose whole process tree is
sampled for memory. The last line printed is one JSON object.

    python bench/run.py [--script bench/bench.yaml] [--skip-naive]
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
    args = parser.parse_args()

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
    print(json.dumps(report, ensure_ascii=False))


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
        match = re.search(r"model name\s*:\s*(.+)", text)
        return match.group(1).strip() if match else platform.processor()
    except OSError:
        return platform.processor()


if __name__ == "__main__":
    main()
