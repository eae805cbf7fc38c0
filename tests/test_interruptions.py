"""Interruptions and concurrent runs: kill a real render at several points, then run it again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from render.cache import file_sha256
from tests.helpers import REPO, ffprobe, make_project, stream

pytestmark = pytest.mark.e2e

SCRIPT = """\
title: Interruptions
voice: {engine: silent}
video: {resolution: 480p, fps: 12}
brand: {logo: ../assets/logos/banque-du-val.svg}
scenes:
  - {type: title, title: Un, subtitle: premier, narration: "One two three four five six seven eight."}
  - type: bullets
    title: Deux
    items: [alpha, beta, gamma]
    narration: ["Intro words here.", "Alpha is first.", "Beta is second.", "Gamma is third."]
  - {type: quote, text: Trois, author: Quelqu'un, narration: "Some words to say for a while now."}
  - {type: closing, title: Quatre, url: www.example.org, narration: "Goodbye and thanks for watching."}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "project")
    (root / "scripts" / "film.yaml").write_text(SCRIPT, encoding="utf-8")
    return root


def _command(project: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "render",
        "--jobs",
        "2",
        "--out",
        str(project / "build"),
        "--cache-dir",
        str(project / "cache"),
        str(project / "scripts" / "film.yaml"),
    ]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def _start(project: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        _command(project),
        cwd=project,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _wait_for_line(proc: subprocess.Popen[str], needle: str, count: int = 1, timeout: float = 120) -> None:
    assert proc.stderr is not None
    seen = 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            raise AssertionError(f"render ended before {needle!r}")
        if needle in line:
            seen += 1
            if seen >= count:
                return
    raise AssertionError(f"no {needle!r} within {timeout}s")


def _leftover_processes(project: Path) -> list[str]:
    marker = str(project)
    found = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        try:
            if proc.info["pid"] != os.getpid() and marker in " ".join(proc.info["cmdline"] or []):
                found.append(" ".join(proc.info["cmdline"]))
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return found


def _assert_cache_entries_intact(cache: Path) -> None:
    for record in cache.glob("*/*/*.json"):
        meta = json.loads(record.read_text())
        data = [p for p in record.parent.glob(record.stem + ".*") if p.suffix != ".json"]
        assert len(data) == 1, f"record without data: {record}"
        assert data[0].stat().st_size == meta["bytes"] and file_sha256(data[0]) == meta["sha256"]


def _assert_outputs_complete_or_absent(build: Path) -> None:
    folder = build / "film"
    if not folder.exists():
        return
    manifest_file = folder / "manifest.json"
    files = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    if not manifest_file.exists():
        assert files == [], f"outputs without a manifest: {files}"
        return
    manifest = json.loads(manifest_file.read_text())
    outputs = manifest["outputs"]
    for entry in [outputs["video"], outputs["thumbnail"], *outputs["captions"]]:
        assert file_sha256(folder / entry["file"]) == entry["sha256"]


def _assert_rerun_completes(project: Path) -> None:
    run = subprocess.run(_command(project), cwd=project, env=_env(), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    video = project / "build" / "film" / "film.mp4"
    info = ffprobe(video)
    manifest = json.loads((project / "build" / "film" / "manifest.json").read_text())
    assert abs(float(info["format"]["duration"]) - manifest["duration"]) < 0.5
    assert stream(info, "video")["height"] == 480
    assert not list((project / "build").glob(".film.staging-*"))
    _assert_cache_entries_intact(project / "cache")


# (signal, the log line after which it is sent, how many of them)
POINTS = [
    (signal.SIGINT, "scenes:", 1),  # while scenes render
    (signal.SIGTERM, "rendered in", 1),  # one scene done, others running
    (signal.SIGKILL, "rendered in", 2),  # half the scenes done
    (signal.SIGKILL, "rendered in", 4),  # all scenes done: assembling
    (signal.SIGINT, "rendered in", 4),
]


@pytest.mark.parametrize(
    ("sig", "after", "count"),
    POINTS,
    ids=[f"{s.name}-after-{n}x-{a.strip(':').replace(' ', '-')}" for s, a, n in POINTS],
)
def test_interrupted_render_leaves_nothing_broken_and_resumes(
    project: Path, sig: signal.Signals, after: str, count: int
) -> None:
    proc = _start(project)
    try:
        _wait_for_line(proc, after, count)
        if sig == signal.SIGINT:
            os.killpg(proc.pid, sig)  # Ctrl-C reaches the whole foreground group
        else:
            proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    if sig == signal.SIGKILL:
        assert proc.returncode == -9
    else:
        assert proc.returncode in (130, 0), stderr  # 0: it had just finished
        assert "Traceback" not in stderr
    deadline = time.monotonic() + 10
    while _leftover_processes(project) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _leftover_processes(project) == []
    _assert_outputs_complete_or_absent(project / "build")
    _assert_cache_entries_intact(project / "cache")
    _assert_rerun_completes(project)


def test_two_renders_of_the_same_script_at_once(project: Path) -> None:
    first, second = _start(project), _start(project)
    results = [p.communicate(timeout=300) for p in (first, second)]
    assert (first.returncode, second.returncode) == (0, 0), results
    _assert_outputs_complete_or_absent(project / "build")
    assert (project / "build" / "film" / "manifest.json").exists()
    _assert_cache_entries_intact(project / "cache")
    info = ffprobe(project / "build" / "film" / "film.mp4")
    assert {s["codec_type"] for s in info["streams"]} == {"video", "audio"}
