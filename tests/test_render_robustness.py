"""Hostile names, broken caches, dead workers (issue 16, items 7, 10, 11, 12, 13): real renders."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from render.cache import Cache
from tests.helpers import REPO, make_project

pytestmark = pytest.mark.e2e

SCRIPT = """\
title: Robuste
voice: {engine: silent}
video: {resolution: 480p, fps: 10}
scenes:
  - {type: title, title: Un, subtitle: premier, narration: "One two three four five six seven eight nine ten."}
"""


def _render(project: Path, script: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "render", "--out", str(project / "build"), *extra, str(script)]
    env = {**os.environ, "PYTHONPATH": str(REPO), "RENDER_CACHE_DIR": str(project / "cache")}
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "project")
    (root / "scripts" / "film.yaml").write_text(SCRIPT, encoding="utf-8")
    return root


def test_a_script_named_dot_dot_writes_nothing_outside_out(project: Path) -> None:
    script = project / "scripts" / "...yaml"  # its stem is ".."
    script.write_text(SCRIPT, encoding="utf-8")
    result = _render(project, script)
    assert result.returncode == 2, result.stderr
    assert "not a plain folder name" in result.stderr
    assert not (project / "manifest.json").exists() and not (project / "build").exists()


def test_a_cache_folder_that_cannot_be_written_is_named_and_no_cache_still_works(project: Path) -> None:
    blocker = project / "not-a-folder"
    blocker.write_text("a file where the cache should be")
    script = project / "scripts" / "film.yaml"
    result = _render(project, script, "--cache-dir", str(blocker / "cache"))
    assert result.returncode == 1, result.stderr
    assert f"cannot write to the cache folder {blocker / 'cache'}" in result.stderr
    assert "--cache-dir" in result.stderr and "unexpected" not in result.stderr

    result = _render(project, script, "--no-cache", "--cache-dir", str(blocker / "cache"))
    assert result.returncode == 0, result.stderr
    assert (project / "build" / "film" / "film.mp4").is_file()


def test_dead_renders_temporary_files_are_removed_and_damaged_entries_rebuilt(project: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    tmp = project / "cache" / "tmp"
    tmp.mkdir(parents=True)
    leftover = tmp / f"mix-0123456789abcdef-{dead.pid}-1.m4a"
    leftover.write_bytes(b"half a soundtrack")
    live = tmp / f"scene-0123456789abcdef-{os.getpid()}-1.mp4"  # this process is alive: keep its file
    live.write_bytes(b"in progress")
    script = project / "scripts" / "film.yaml"
    assert _render(project, script).returncode == 0
    assert not leftover.exists() and live.exists()

    # replace every cached scene clip by a folder: the next render rebuilds them
    for entry in (project / "cache" / "scene").glob("*/*.mp4"):
        entry.unlink()
        entry.mkdir()
    (project / "build").rename(project / "old-build")
    result = _render(project, script)
    assert result.returncode == 0, result.stderr
    key = json.loads((project / "build" / "film" / "manifest.json").read_text())["scenes"][0]["key"]
    assert (project / "cache" / "scene" / key[:2] / f"{key}.mp4").is_file()


def test_a_worker_killed_by_a_signal_is_reported_by_scene_and_signal(project: Path) -> None:
    script = project / "scripts" / "film.yaml"
    command = [sys.executable, "-m", "render", "--jobs", "1", "--out", str(project / "build"), str(script)]
    env = {**os.environ, "PYTHONPATH": str(REPO), "RENDER_CACHE_DIR": str(project / "cache")}
    proc = subprocess.Popen(command, cwd=project, env=env, stderr=subprocess.PIPE, text=True)
    me = psutil.Process(proc.pid)
    deadline = time.monotonic() + 120
    killed = False
    while not killed and time.monotonic() < deadline and proc.poll() is None:
        # the worker: a forked copy of the render process (same command line); ffmpeg children are not
        for child in me.children():
            try:
                if child.cmdline() == me.cmdline() and list((project / "cache" / "tmp").glob("*.pid")):
                    child.kill()  # what the out-of-memory killer does
                    killed = True
            except psutil.NoSuchProcess:
                pass
        time.sleep(0.05)
    _, stderr = proc.communicate(timeout=120)
    assert killed, "no worker was seen"
    assert proc.returncode == 1, stderr
    assert "scene 1/1 (title) was killed by SIGKILL" in stderr
    assert "--jobs 1" in stderr and "BrokenProcessPool" not in stderr


def test_pruning_waits_for_a_render_using_the_cache(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    built = cache.temp_path("scene", "ab" * 32, ".mp4")
    built.write_bytes(b"clip")
    cache.put("scene", "ab" * 32, ".mp4", built)
    done = threading.Event()
    with cache.shared():  # a render holds the cache
        pruner = threading.Thread(target=lambda: (cache.prune(keep_bytes=0), done.set()))
        pruner.start()
        time.sleep(0.5)
        assert not done.is_set()
        assert cache.get("scene", "ab" * 32, ".mp4") is not None  # the render's hit is still there
    pruner.join(timeout=10)
    assert done.is_set() and cache.get("scene", "ab" * 32, ".mp4") is None


def test_a_render_under_a_tight_memory_limit_ends_with_a_clear_failure_not_a_hang(project: Path) -> None:
    # issue 16 item 8: with `ulimit -v 400000` OpenBLAS could not start its threads while Manim
    # was imported; renders hung at 100 % CPU or exited 130 with nobody interrupting them.
    import resource

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (400_000 * 1024, 400_000 * 1024))

    command = [sys.executable, "-m", "render", "--preview", "--out", str(project / "build"), "scripts/film.yaml"]
    env = {**os.environ, "PYTHONPATH": str(REPO), "RENDER_CACHE_DIR": str(project / "cache")}
    run = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, timeout=120, preexec_fn=limit_memory
    )
    assert run.returncode in (0, 1), run.stderr
    if run.returncode == 1:
        assert "out of memory" in run.stderr and "unexpected" not in run.stderr and "Traceback" not in run.stderr
        assert not (project / "build" / "film.preview").exists()


def test_a_non_ascii_script_name_renders_under_the_c_locale(project: Path) -> None:
    # issue 16 item 17: LC_ALL=C PYTHONUTF8=0 made file names lone surrogates, which crashed the render
    script = project / "scripts" / "été.yaml"
    script.write_text(SCRIPT, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "RENDER_CACHE_DIR": str(project / "cache"),
        "LC_ALL": "C",
        "LANG": "C",
        "PYTHONUTF8": "0",
    }
    env.pop("PYTHONIOENCODING", None)
    command = [sys.executable, "-m", "render", "--preview", "--out", str(project / "build"), "scripts/été.yaml"]
    run = subprocess.run(command, cwd=project, env=env, capture_output=True, timeout=300)
    assert run.returncode == 0, run.stderr.decode("utf-8", "replace")
    manifest = json.loads((project / "build" / "été.preview" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["outputs"]["video"]["file"] == "été.mp4"
    assert (project / "build" / "été.preview" / "été.mp4").stat().st_size > 1000


def test_a_full_cache_disk_is_named_and_nothing_is_written(project: Path, tmp_path: Path) -> None:
    # issue 16 item 10: espeak-ng failed in its own thread and the render waited for it
    mountpoint = tmp_path / "tiny-cache"
    mountpoint.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(mountpoint)], check=False)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        (project / "scripts" / "voix.yaml").write_text(SCRIPT.replace("{engine: silent}", "{rate: 170}"), "utf-8")
        command = [sys.executable, "-m", "render", "--out", str(project / "build"), "scripts/voix.yaml"]
        env = {**os.environ, "PYTHONPATH": str(REPO), "RENDER_CACHE_DIR": str(mountpoint / "cache")}
        started = time.monotonic()
        run = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=120)
        assert run.returncode == 1, run.stderr
        assert time.monotonic() - started < 60
        assert "is full" in run.stderr and "--cache-dir" in run.stderr and "Traceback" not in run.stderr
        assert not (project / "build" / "voix").exists()
    finally:
        subprocess.run(["umount", str(mountpoint)], check=False)
