"""The audit trail (issue item 4): renders, approvals and uploads in one tamper-evident chain.

`render audit --verify` names the first entry edited with raw SQL, removed or re-hashed; several
processes appending at once lose and reorder nothing; a render whose records database cannot
be opened is refused before any work. On SQLite and on PostgreSQL (`db_url`).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from records import audit
from records import ledger as ledger_rows
from records.store import open_store
from render.audit_trail import record_render
from tests.fake_youtube import make_build
from tests.helpers import REPO, make_project
from tests.records_tools import render_cli, trail, upload_cli

SCRIPT = """\
title: Court métrage
language: fr
voice: {engine: silent}
video: {resolution: 480p, fps: 10}
scenes:
  - {type: title, title: Bonjour, narration: Un petit film pour tester.}
publish: {privacy: unlisted, require_approval: true}
"""


pytestmark = pytest.mark.usefixtures("no_real_login")  # never the user's own logins


def chain_of(url: str, count: int) -> None:
    with open_store(url) as store:
        for n in range(count):
            audit.append(store, "render", {"n": n}, script_sha256="a" * 64, video_sha256="b" * 64)


def raw_sql(url: str, statement: str, **values: object) -> None:
    """Change the database behind the toolkit's back, as anyone with write access to it could."""
    with open_store(url) as store, store.engine.begin() as connection:
        connection.execute(text(statement), values)


# -- what is recorded ------------------------------------------------------------------------------


def test_a_publish_leaves_render_approval_and_upload_entries_from_script_to_video_id(
    youtube, token, tmp_path, db_url, monkeypatch
):
    build = make_build(tmp_path, require_approval=True)
    monkeypatch.setenv("RENDER_USER", "renderer")
    with open_store(db_url) as store:
        record_render(store, build, rendered=True)
    monkeypatch.setenv("RENDER_USER", "checker")
    assert render_cli("approve", build, "--by", "Marie Dupont", "--role", "compliance").exit_code == 0
    monkeypatch.setenv("RENDER_USER", "publisher")
    assert upload_cli(youtube, token, build).exit_code == 0
    assert upload_cli(youtube, token, build).exit_code == 0  # unchanged: nothing new to record

    render, approval, upload = trail(db_url)
    (video_id,) = youtube.videos
    manifest = json.loads((build / "manifest.json").read_text())
    video_sha = manifest["outputs"]["video"]["sha256"]
    assert [e.kind for e in (render, approval, upload)] == ["render", "approval", "upload"]
    assert [e.actor for e in (render, approval, upload)] == ["renderer", "checker", "publisher"]
    assert {e.video_sha256 for e in (render, approval, upload)} == {video_sha}
    assert {e.script_sha256 for e in (render, approval, upload)} == {"0" * 64}
    assert render.data["require_approval"] is True and render.data["folder"].endswith("build/mission")
    assert upload.data["video_id"] == video_id and upload.data["privacy"] == "private"
    assert upload.data["channel_id"] == youtube.videos[video_id]["snippet"]["channelId"]
    assert upload.data["approvals"] == [approval.seq]
    assert render.at < approval.at < upload.at and all(e.at.endswith("Z") for e in (render, approval, upload))
    assert approval.prev_hash == render.hash and upload.prev_hash == approval.hash

    shown = render_cli("audit", build)
    assert shown.exit_code == 0, shown.output
    lines = [line for line in shown.stdout.splitlines() if line.startswith("#")]
    assert [line.split()[2] for line in lines] == ["render", "approval", "upload"]
    assert f"uploaded: https://youtu.be/{video_id} (video {video_id})" in lines[2]
    assert "approved by Marie Dupont (compliance)" in lines[1] and "ALTERED" not in shown.stdout


def test_audit_of_a_script_version(tmp_path, db_url):
    project = make_project(tmp_path / "p")
    script = project / "scripts" / "court.yaml"
    script.write_text(SCRIPT, encoding="utf-8")
    sha = hashlib.sha256(script.read_bytes()).hexdigest()
    with open_store(db_url) as store:
        audit.append(store, "render", {"folder": "p/build/court"}, script_sha256=sha, video_sha256="c" * 64)
        audit.append(store, "render", {"folder": "p/build/other"}, script_sha256="d" * 64, video_sha256="e" * 64)
    shown = render_cli("audit", "--script", script)
    assert shown.exit_code == 0, shown.output
    assert f"script sha256 {sha}" in shown.stdout and "1 audit entry" in shown.stdout
    assert "p/build/court" in shown.stdout and "p/build/other" not in shown.stdout


def test_an_up_to_date_render_records_only_a_missing_entry(tmp_path, db_url):
    build = make_build(tmp_path)
    with open_store(db_url) as store:
        assert record_render(store, build, rendered=False) is not None  # the trail lacked it
        assert record_render(store, build, rendered=False) is None
        assert record_render(store, build, rendered=True) is not None  # a real render always is
    assert [e.data["up_to_date"] for e in trail(db_url)] == [True, False]


# -- tampering -------------------------------------------------------------------------------------


def test_the_whole_chain_verifies(db_url):
    chain_of(db_url, 5)
    result = render_cli("audit", "--verify")
    assert result.exit_code == 0, result.output
    assert "audit trail verified: 5 entries, chain intact" in result.stdout
    (last,) = [e for e in trail(db_url) if e.seq == 5]
    assert f"head hash {last.hash}" in result.stdout


@pytest.mark.parametrize(
    ("tamper", "named"),
    [
        (
            lambda url: raw_sql(url, "UPDATE audit_entries SET data = :d WHERE seq = 3", d='{"n":99}'),
            "audit entry #3 (render, ",
        ),
        (lambda url: raw_sql(url, "UPDATE audit_entries SET actor = 'someone else' WHERE seq = 2"), "audit entry #2 "),
        (lambda url: raw_sql(url, "DELETE FROM audit_entries WHERE seq = 4"), "audit entry #4 is missing"),
        (lambda url: raw_sql(url, "DELETE FROM audit_entries WHERE seq = 1"), "audit entry #1 is missing"),
        (lambda url: raw_sql(url, "UPDATE audit_entries SET hash = :h WHERE seq = 5", h="f" * 64), "audit entry #5 "),
    ],
    ids=["data-edited", "actor-edited", "entry-removed", "first-removed", "hash-edited"],
)
def test_a_tampered_entry_is_named_by_verify(db_url, tamper, named):
    chain_of(db_url, 6)
    tamper(db_url)
    result = render_cli("audit", "--verify")
    assert result.exit_code == 1, result.output
    (error,) = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert named in error and "Traceback" not in result.stderr
    assert "hint: the records database was changed outside the toolkit" in result.stderr


def test_an_entry_rewritten_with_a_matching_hash_breaks_the_link_to_the_next(db_url):
    chain_of(db_url, 4)
    with open_store(db_url) as store:
        third = next(e for e in audit.entries(store) if e.seq == 3)
    forged = audit.AuditEntry(**{**third.__dict__, "data": {"n": 42}, "hash": ""})
    raw_sql(
        db_url,
        "UPDATE audit_entries SET data = :d, hash = :h WHERE seq = 3",
        d=audit.canonical_json(forged.data).decode(),
        h=forged.computed_hash(),
    )
    result = render_cli("audit", "--verify")
    assert result.exit_code == 1
    assert "audit entry #4 (render, " in result.stderr and "does not follow entry #3" in result.stderr


def test_the_listing_marks_an_altered_entry_and_an_altered_approval_stops_counting(youtube, token, tmp_path, db_url):
    build = make_build(tmp_path, require_approval=True)
    assert render_cli("approve", build, "--by", "Marie Dupont").exit_code == 0
    raw_sql(db_url, "UPDATE audit_entries SET data = replace(data, 'Marie Dupont', 'Jean Martin')")
    shown = render_cli("audit", build)
    assert "ALTERED: its hash does not match its content" in shown.stdout
    refused = upload_cli(youtube, token, build)
    assert refused.exit_code == 1 and "it has 0" in refused.stderr
    listed = render_cli("approvals", build)
    assert "does not apply: altered in the records database" in listed.stdout


# -- concurrent writers ----------------------------------------------------------------------------

WRITER = """
import sys, time
from pathlib import Path
from records import audit, ledger
from records.store import open_store

url, name, count, start = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
while not start.exists():
    time.sleep(0.005)
with open_store(url) as store:  # a new database: every writer also races to create it
    for n in range(count):
        kind = ("render", "approval", "upload")[n % 3]
        audit.append(store, kind, {"writer": name, "n": n}, video_sha256=f"{n:064x}")
        if n % 5 == 0:  # and an upload's ledger writes, in between
            row = ledger.Row(f"{name}-{n}", "profile:default", "http://x/", "0" * 64, None, "{}")
            ledger.save(store, f"folder-{name}", [row], "1" * 64)
"""


def test_concurrent_writers_lose_and_reorder_nothing(db_url, tmp_path):
    writers, each = 4, 30
    start = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, db_url, f"w{i}", str(each), str(start)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(writers)
    ]
    time.sleep(1.0)  # let every interpreter start and wait at the line
    started = time.monotonic()
    start.write_text("go")
    outcomes = [(*p.communicate(timeout=180), p.returncode) for p in processes]
    elapsed = time.monotonic() - started
    assert all(code == 0 for _, _, code in outcomes), outcomes

    found = trail(db_url)
    assert [e.seq for e in found] == list(range(1, writers * each + 1))
    written = sorted((e.data["writer"], e.data["n"]) for e in found)
    assert written == sorted((f"w{i}", n) for i in range(writers) for n in range(each))
    for name in (f"w{i}" for i in range(writers)):  # each writer's own entries in the order it wrote them
        assert [e.data["n"] for e in found if e.data["writer"] == name] == list(range(each))
    result = render_cli("audit", "--verify")
    assert result.exit_code == 0, result.output
    assert f"{writers * each} entries, chain intact" in result.stdout
    with open_store(db_url) as store:
        rows, _ = ledger_rows.load(store, "folder-w0")
    assert [r.uid for r in rows] == [f"w0-{each - 1 - (each - 1) % 5}"]
    print(f"{writers} writers x {each} appends: {len(found)} entries in {elapsed:.1f} s ({db_url.split(':')[0]})")


# -- a records database that cannot be opened --------------------------------------------------------


def test_a_render_whose_records_database_cannot_be_opened_renders_nothing(tmp_path, monkeypatch):
    project = make_project(tmp_path / "p")
    script = project / "scripts" / "court.yaml"
    script.write_text(SCRIPT, encoding="utf-8")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("RENDER_AUDIT_DB", f"sqlite:///{blocker}/audit.sqlite")
    cache = tmp_path / "cache"
    result = render_cli("--out", project / "build", "--cache-dir", cache, script)
    assert result.exit_code == 1, result.output
    assert "nothing was rendered: every render is recorded in the audit trail" in result.stderr
    assert f"cannot create the records database sqlite:///{blocker}/audit.sqlite" in result.stderr
    assert "--db URL" in result.stderr and "Traceback" not in result.stderr
    assert not (project / "build" / "court").exists() and not cache.exists()


def test_an_upload_whose_records_database_cannot_be_opened_sends_nothing(youtube, token, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    build = make_build(tmp_path)
    result = upload_cli(youtube, token, build, "--db", f"sqlite:///{blocker}/audit.sqlite")
    assert result.exit_code == 1, result.output
    assert "cannot create the records database" in result.stderr
    assert youtube.requests == []


@pytest.mark.parametrize("url", ["mysql://u@h/db", "sqlite://", "not a url at all"])
def test_an_unsupported_database_url_is_bad_input(tmp_path, url):
    result = render_cli("audit", "--verify", "--db", url)
    assert result.exit_code == 2, result.output
    assert "sqlite:///PATH" in result.stderr and "postgresql://USER@HOST/DATABASE" in result.stderr


# -- the real thing: render, refused, approved, published --------------------------------------------


@pytest.mark.e2e
def test_render_publish_waits_for_the_approval_then_publishes(youtube, token, tmp_path):
    project = make_project(tmp_path / "p")
    script = project / "scripts" / "court.yaml"
    script.write_text(SCRIPT, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "RENDER_AUDIT_DB"}  # found without configuration
    env.update(PYTHONPATH=str(REPO), RENDER_CACHE_DIR=str(tmp_path / "cache"), RENDER_USER="claire")

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "render", *(str(a) for a in args)]
        return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=300)

    publish = ["--publish", "--api-endpoint", youtube.url, "--token-file", str(token), "--chunk-size", "262144"]
    first = run(*publish, "scripts/court.yaml")
    assert first.returncode == 1, first.stderr
    assert "this video is not approved" in first.stderr and "render approve build/court" in first.stderr
    assert youtube.videos == {} and (project / "build" / "court" / "court.mp4").exists()
    assert (project / ".render" / "audit.sqlite").exists()  # the project's own database, no configuration

    approved = run("approve", "build/court", "--by", "Marie Dupont", "--role", "compliance")
    assert approved.returncode == 0, approved.stderr
    again = run(*publish, "scripts/court.yaml")
    assert again.returncode == 0, again.stderr
    (video_id,) = youtube.videos

    shown = run("audit", "build/court", "--verify")
    assert shown.returncode == 0, shown.stderr
    kinds = [line.split()[2] for line in shown.stdout.splitlines() if line.startswith("#")]
    assert kinds == ["render", "approval", "upload"]  # the second render was up to date: not a new entry
    assert f"https://youtu.be/{video_id}" in shown.stdout and "claire" in shown.stdout
    assert "p/build/court/court.mp4; toolkit " in shown.stdout and ", manim " in shown.stdout  # the tool versions
    assert "3 entries, chain intact" in shown.stdout
