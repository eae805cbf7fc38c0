"""`render batch`: the batch file's validation, its variants' names, and a tiny batch rendered twice."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from contract.errors import ExitCode, ScriptError
from render.batch import Outcome, batch_exit, load_batch, plan_batch, summary_lines
from render.cli import group
from tests.helpers import REPO

TINY = (
    "title: {title}\nvoice: {{engine: silent}}\nvideo: {{resolution: 480p, fps: 10}}\n"
    "scenes:\n  - type: title\n    title: {title}\n    narration: Hello there.\n"
)
BAD = "title: Bad\nscenes:\n  - type: title\n    titel: x\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(group, list(args), prog_name="render", catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_batch_file_errors_have_positions(tmp_path: Path) -> None:
    batch = write(tmp_path, "batch.yaml", "scripts: [a.yaml]\naspects: ['4:3']\nouts: x\n")
    with pytest.raises(ScriptError) as caught:
        load_batch(batch)
    lines = caught.value.lines()
    assert any(line.startswith(f"{batch}:2:11 aspects[0]:") for line in lines), lines
    assert any(line.startswith(f"{batch}:3:1 outs:") for line in lines), lines


def test_variant_names_globs_and_unquoted_aspects(tmp_path: Path) -> None:
    write(tmp_path, "scripts/b.yaml", TINY.format(title="B"))
    write(tmp_path, "scripts/a.yaml", TINY.format(title="A"))
    batch = write(tmp_path, "batch.yaml", "scripts: ['scripts/*.yaml']\naspects: [16:9, 1:1]\n")
    plan = plan_batch(batch)
    assert plan.out == tmp_path / "build"  # `out:` is relative to the batch file
    assert [v.name for v in plan.variants] == ["a", "a-1x1", "b", "b-1x1"]
    square = plan.variants[1].loaded
    assert square is not None and square.script.video.size == (480, 480)


def test_a_vertical_script_keeps_its_own_name_in_its_own_aspect(tmp_path: Path) -> None:
    write(tmp_path, "v.yaml", TINY.format(title="V").replace("fps: 10", "fps: 10, aspect: '9:16'"))
    batch = write(tmp_path, "batch.yaml", "scripts: [v.yaml]\naspects: ['9:16', '16:9']\n")
    assert [v.name for v in plan_batch(batch).variants] == ["v", "v-16x9"]


def test_missing_scripts_and_clashing_names_are_bad_input(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", TINY.format(title="A"))
    write(tmp_path, "other/a.yaml", TINY.format(title="A again"))
    batch = write(tmp_path, "batch.yaml", "scripts: [a.yaml, 'nothing/*.yaml', other/a.yaml]\n")
    plan = plan_batch(batch)
    assert [str(p) for p in plan.problems] == [
        f"{batch}:1:19 scripts[1]: 'nothing/*.yaml' matches no file; check the pattern"
    ]
    assert plan.variants[0].loaded is not None
    assert plan.variants[1].error is not None and "would both write" in plan.variants[1].error.message


def test_a_language_the_script_lacks_fails_its_entries(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", TINY.format(title="A"))
    batch = write(tmp_path, "batch.yaml", "scripts: [a.yaml]\nlanguages: [fr]\n")
    (variant,) = plan_batch(batch).variants
    assert variant.name == "a-fr" and variant.error is not None and "no fr version" in variant.error.message


def test_a_languages_script_gives_one_variant_per_language_and_aspect(tmp_path: Path) -> None:
    write(
        tmp_path,
        "ml.yaml",
        "title: {en: Hello, fr: Bonjour}\nlanguage: en\nlanguages: [en, fr]\nvoice: {engine: silent}\n"
        "scenes:\n  - type: title\n    title: {en: Hello, fr: Bonjour}\n    narration: {en: Hello., fr: Bonjour.}\n",
    )
    batch = write(tmp_path, "batch.yaml", "scripts: [ml.yaml]\naspects: ['16:9', '1:1']\n")
    assert [v.name for v in plan_batch(batch).variants] == ["ml-en", "ml-en-1x1", "ml-fr", "ml-fr-1x1"]
    only = write(tmp_path, "fr.yaml", "scripts: [ml.yaml]\nlanguages: [fr]\n")
    (french,) = plan_batch(only).variants
    assert french.name == "ml-fr" and french.loaded is not None and french.loaded.script.title == "Bonjour"


def test_an_entry_brand_replaces_the_scripts_and_is_checked_at_the_entry(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", TINY.format(title="A"))
    write(tmp_path, "pyproject.toml", "[project]\nname = 'p'\n")  # the project the brand's files must stay in
    shutil.copytree(REPO / "assets/logos", tmp_path / "assets/logos")
    write(tmp_path, "brands/other.yaml", 'primary: "#0B4F8A"\nlogo: ../assets/logos/banque-du-val.png\n')
    batch = write(
        tmp_path,
        "batch.yaml",
        "entries:\n  - {script: a.yaml, brand: brands/other.yaml, name: a-other}\n"
        "  - {script: a.yaml, brand: brands/none.yaml}\n",
    )
    good, bad = plan_batch(batch).variants
    assert good.name == "a-other" and good.loaded is not None
    assert good.loaded.brand.primary.lower() == "#0b4f8a"
    assert good.loaded.brand.logo == str((tmp_path / "assets/logos/banque-du-val.png").resolve())
    assert isinstance(bad.error, ScriptError) and "relative to the batch file's folder" in str(bad.error)
    assert str(bad.error.problems[0]).startswith(
        f"{batch}:3:29 entries[1].brand: brand file 'brands/none.yaml' not found"
    )


def test_summary_and_exit_codes() -> None:
    done = Outcome("a", Path("build/a/a.mp4"), 3.6, 2.0, "rendered")
    failed = Outcome("b", message="it broke", exit_code=ExitCode.FAILURE)
    bad = Outcome("c", state="bad input", message="c.yaml:1:1 title: missing", exit_code=ExitCode.BAD_INPUT)
    lines = summary_lines([done, failed])
    assert lines[0].split() == ["output", "duration", "seconds", "state"]
    assert lines[1].split() == ["build/a/a.mp4", "3.6", "s", "2.0", "rendered"]
    assert lines[-2:] == ["b: failed:", "  it broke"]
    assert batch_exit([done]) is None
    assert batch_exit([done, failed]).exit_code == ExitCode.FAILURE  # type: ignore[union-attr]
    assert batch_exit([done, failed, bad]).exit_code == ExitCode.BAD_INPUT  # type: ignore[union-attr]


@pytest.mark.render
def test_a_batch_renders_skips_what_is_done_and_goes_on_past_a_bad_script(tmp_path: Path) -> None:
    write(tmp_path, "one.yaml", TINY.format(title="One"))
    write(tmp_path, "bad.yaml", BAD)
    batch = write(tmp_path, "batch.yaml", "scripts: ['*.yaml']\naspects: ['16:9', '9:16']\n")
    cache = str(tmp_path / "cache")
    code, out, err = invoke("batch", str(batch), "--cache-dir", cache, "--jobs", "2")
    assert code == ExitCode.BAD_INPUT, err
    assert "bad.yaml:4:5 scenes[0].titel: unknown field 'titel'" in out
    # the scenes of both aspects went through one pool first; plain progress lines (not a terminal)
    assert "scene 1/1 of one-9x16 (title) rendered" in err and "2 scene(s) of 2 video(s) rendered in one pool" in err
    assert "[3/4] one: " in err and "1 cached" in err
    assert "INFO" not in out + err
    manifest = json.loads((tmp_path / "build/one-9x16/manifest.json").read_text(encoding="utf-8"))
    assert (manifest["name"], manifest["video"]["width"], manifest["video"]["height"]) == ("one-9x16", 480, 854)
    assert (tmp_path / "build/one/one.mp4").is_file()  # the script's own aspect: where `render` puts it

    (tmp_path / "bad.yaml").unlink()
    code, out, err = invoke("batch", str(batch), "--cache-dir", cache)
    assert code == 0, err
    rows = out.splitlines()[1:]
    assert len(rows) == 2 and all(row.endswith("up to date") for row in rows), out
    assert rows[1].startswith(str(tmp_path / "build/one-9x16/one-9x16.mp4"))


# --- on a Dask cluster ----------------------------------------------------------------------------

SPOKEN = (
    "title: {title}\nvoice: {{engine: pyttsx3}}\nvideo: {{resolution: 480p, fps: 15}}\n"
    "scenes:\n  - type: title\n    title: {title}\n    narration: Hello there.\n"
    "  - type: bullets\n    title: Points\n    items: [one, two]\n    narration: Two short points.\n"
)


class FakeClient:
    def __init__(self, digests: dict[str, str]) -> None:
        self.digests = digests

    def run(self, function: object) -> dict[str, str]:
        return self.digests

    def wait_for_workers(self, n_workers: int, timeout: float) -> None:
        if len(self.digests) < n_workers:
            raise TimeoutError


def test_workers_with_other_versions_are_refused() -> None:
    from contract.errors import EnvironmentProblem
    from render.cluster import check_versions, version_digest

    mine = version_digest()
    check_versions(FakeClient({"tcp://a:1": mine, "tcp://b:1": mine}))
    with pytest.raises(EnvironmentProblem, match=r"1 of 2 cluster worker\(s\) run another .*tcp://b:1"):
        check_versions(FakeClient({"tcp://a:1": mine, "tcp://b:1": "0" * 64}))
    with pytest.raises(EnvironmentProblem, match="no workers"):
        check_versions(FakeClient({}))


@pytest.mark.e2e
def test_an_unreachable_scheduler_is_exit_1_with_what_to_do(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", TINY.format(title="A"))
    batch = write(tmp_path, "batch.yaml", "scripts: [a.yaml]\n")
    code, _, err = invoke("batch", str(batch), "--cache-dir", str(tmp_path / "c"), "--cluster", "tcp://127.0.0.1:9")
    assert code == ExitCode.FAILURE
    assert "cannot reach the render cluster's scheduler at tcp://127.0.0.1:9" in err and "dask scheduler" in err


def sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.e2e
def test_a_batch_on_a_local_cluster_matches_a_local_render(tmp_path: Path) -> None:
    from distributed import LocalCluster

    for name in ("one", "two"):
        write(tmp_path, f"{name}.yaml", SPOKEN.format(title=name.title()))
    write(tmp_path, "bad.yaml", BAD)
    batch = write(tmp_path, "batch.yaml", "scripts: ['*.yaml']\naspects: ['16:9', '9:16']\n")
    shared = str(tmp_path / "shared-cache")
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        code, out, err = invoke(
            "batch", str(batch), "--cache-dir", shared, "--out", str(tmp_path / "c"), "--cluster", address
        )
        assert code == ExitCode.BAD_INPUT, out + err
        assert "bad.yaml:4:5 scenes[0].titel: unknown field 'titel'" in out
        rows = [line for line in out.splitlines()[1:] if line.startswith(str(tmp_path))]
        assert len(rows) == 4 and all(row.endswith("rendered") for row in rows), out

        again, out, err = invoke(
            "batch", str(batch), "--cache-dir", shared, "--out", str(tmp_path / "c"), "--cluster", address
        )
        rows = [line for line in out.splitlines()[1:] if line.startswith(str(tmp_path))]
        assert again == ExitCode.BAD_INPUT and all(row.endswith("up to date") for row in rows), out

    code, out, err = invoke(
        "batch", str(batch), "--cache-dir", str(tmp_path / "local-cache"), "--out", str(tmp_path / "l")
    )
    assert code == ExitCode.BAD_INPUT, err
    for name in ("one", "two", "one-9x16", "two-9x16"):
        on_cluster, local = (
            json.loads((tmp_path / side / name / "manifest.json").read_text(encoding="utf-8")) for side in ("c", "l")
        )
        assert on_cluster["render_key"] == local["render_key"]
        assert [s["key"] for s in on_cluster["scenes"]] == [s["key"] for s in local["scenes"]]
        # the same bytes: every clip (encoded in a Dask worker or in the local pool) and the video
        clips = [
            (tmp_path / f"{side}-cache/scene/{s['key'][:2]}/{s['key']}.mp4")
            for side in ("shared", "local")
            for s in local["scenes"]
        ]
        half = len(clips) // 2
        assert [sha256(c) for c in clips[:half]] == [sha256(c) for c in clips[half:]]
        assert sha256(tmp_path / "c" / name / f"{name}.mp4") == sha256(tmp_path / "l" / name / f"{name}.mp4")


@pytest.mark.e2e
def test_a_worker_killed_mid_batch_is_retried_and_the_batch_completes(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from distributed import Client, LocalCluster

    for name in ("one", "two"):
        write(tmp_path, f"{name}.yaml", SPOKEN.format(title=name.title()))
    batch = write(tmp_path, "batch.yaml", "scripts: ['*.yaml']\naspects: ['16:9', '9:16']\n")
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        command = [sys.executable, "-m", "render", "batch", str(batch), "--cache-dir", str(tmp_path / "cache")]
        run = subprocess.Popen(
            [*command, "--cluster", cluster.scheduler_address],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        pids = client.run(os.getpid)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # kill a worker while it renders a scene
            busy = [worker for worker, keys in client.processing().items() if any("scene-" in k for k in keys)]
            if busy:
                os.kill(pids[busy[0]], signal.SIGKILL)
                break
            time.sleep(0.05)
        else:
            pytest.fail("no scene task ever ran")
        out, err = run.communicate(timeout=300)
    assert run.returncode == 0, out + err
    rows = out.splitlines()[1:]
    assert len(rows) == 4 and all(row.endswith("rendered") for row in rows), out


@pytest.mark.e2e
def test_a_scheduler_lost_mid_batch_is_exit_1_with_what_to_do(tmp_path: Path) -> None:
    import signal
    import socket
    import subprocess
    import sys
    import time

    for name in ("one", "two"):
        write(tmp_path, f"{name}.yaml", SPOKEN.format(title=name.title()))
    batch = write(tmp_path, "batch.yaml", "scripts: ['*.yaml']\naspects: ['16:9', '9:16']\n")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    dask = Path(sys.executable).with_name("dask")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen(
        [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], **quiet
    )
    worker = subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--no-dashboard"], cwd=tmp_path, **quiet)
    try:
        command = [sys.executable, "-m", "render", "batch", str(batch), "--cache-dir", str(tmp_path / "cache")]
        run = subprocess.Popen(
            [*command, "--cluster", address], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list((tmp_path / "cache").glob("scene/*/*.mp4")):
            time.sleep(0.1)  # the batch is under way: its first clip is in the cache
        scheduler.send_signal(signal.SIGKILL)
        out, err = run.communicate(timeout=120)
    finally:
        for process in (scheduler, worker):
            process.kill()
            process.wait()
    assert run.returncode == ExitCode.FAILURE, out + err
    assert "ERROR lost the render cluster's scheduler" in err and "run the batch again" in err
    assert "Traceback" not in err


def test_a_cluster_render_needs_a_cache_given_explicitly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RENDER_CACHE_DIR", raising=False)
    write(tmp_path, "a.yaml", TINY.format(title="A"))
    batch = write(tmp_path, "batch.yaml", "scripts: [a.yaml]\n")
    for extra in ((), ("--cache-dir", str(tmp_path / "c"), "--no-cache")):
        code, _, err = invoke("batch", str(batch), *extra, "--cluster", "tcp://127.0.0.1:9")
        assert code == ExitCode.BAD_INPUT and "a cluster render needs the cache, on shared storage" in err
