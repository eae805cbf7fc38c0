"""The records database (issue item 5): found without configuration, migrated on open, and the
publication ledger moved into it from `publish-ledger.json` without losing anything.

On SQLite and on PostgreSQL (`db_url`) where a test is about the database itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from records.location import FILE, FOLDER, default_path, folder_key, resolve_url
from records.store import HEAD_REVISION, _head, open_store
from records.tables import metadata
from tests.fake_youtube import make_build
from tests.records_tools import trail, upload_cli

LEDGER = "publish-ledger.json"


pytestmark = pytest.mark.usefixtures("no_real_login")  # never the user's own logins


def ledger_file(build: Path) -> dict:
    return json.loads((build / LEDGER).read_text())


def database_rows(url: str, build: Path) -> list[dict]:
    from records import ledger

    with open_store(url) as store:
        rows, _ = ledger.load(store, folder_key(build))
    return [json.loads(row.data) for row in rows]


# -- where the database is -----------------------------------------------------------------------


def test_the_database_is_found_in_the_project_without_configuration(tmp_path, monkeypatch):
    monkeypatch.delenv("RENDER_AUDIT_DB")
    project = tmp_path / "banque"
    (project / "build" / "mission").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    expected = project / FOLDER / FILE
    assert default_path(project / "build" / "mission", elsewhere) == expected
    assert default_path(elsewhere, project / "scripts") == expected  # the next place that is in a project
    assert default_path(elsewhere) == elsewhere / FOLDER / FILE  # no project anywhere: the last place itself
    assert resolve_url(None, project / "build").database == str(expected)
    with open_store(None, project / "build" / "mission"):
        assert expected.is_file()
    # and a build folder anywhere in the project finds it again, by its .render folder too
    (project / "pyproject.toml").unlink()
    assert default_path(project / "build" / "mission") == expected
    assert folder_key(project / "build" / "mission") == "banque/build/mission"


def test_the_environment_and_the_option_choose_another_database(tmp_path, monkeypatch):
    monkeypatch.setenv("RENDER_AUDIT_DB", f"sqlite:///{tmp_path / 'env.sqlite'}")
    assert resolve_url(None).database == str(tmp_path / "env.sqlite")
    assert resolve_url(f"sqlite:///{tmp_path / 'option.sqlite'}").database == str(tmp_path / "option.sqlite")
    url = resolve_url("postgresql://alice:secret@db.example/records")
    assert url.drivername == "postgresql+psycopg" and url.username == "alice"


# -- migrations ----------------------------------------------------------------------------------------


def test_opening_migrates_a_new_database_and_the_tables_match_the_model(db_url):
    with open_store(db_url) as store, store.engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) >= {"audit_entries", "ledger_entries", "ledger_files"}
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert revision == HEAD_REVISION
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []  # the query model is the migrated schema


def test_the_known_head_is_alembics_newest_migration():
    # a database at HEAD_REVISION is opened without alembic: a new migration must move it too
    assert _head() == HEAD_REVISION


def test_a_database_from_a_newer_toolkit_is_refused(db_url):
    with open_store(db_url) as store, store.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(Exception, match="toolkit does not know") as caught:
        open_store(db_url)
    assert getattr(caught.value, "exit_code", None) == 1


# -- the ledger moved into the database -------------------------------------------------------------


def test_the_ledger_lives_in_the_database_and_survives_losing_the_file(youtube, token, tmp_path, db_url):
    build = make_build(tmp_path)
    assert upload_cli(youtube, token, build).exit_code == 0
    (row,) = database_rows(db_url, build)
    (copy,) = ledger_file(build)["entries"]
    assert row == copy and row["video_id"] in youtube.videos
    (build / LEDGER).unlink()  # a clean checkout, a wiped build folder
    again = upload_cli(youtube, token, build)
    assert again.exit_code == 0, again.stderr
    assert "unchanged" in again.stdout and len(youtube.videos) == 1  # no duplicate video
    assert ledger_file(build)["entries"][0]["video_id"] == row["video_id"]  # written again from the database


def test_a_json_ledger_from_before_the_database_is_imported_once(youtube, token, tmp_path, db_url):
    first = make_build(tmp_path / "old")  # published by an old toolkit: no database saw it
    assert upload_cli(youtube, token, first, "--db", f"sqlite:///{tmp_path / 'elsewhere.sqlite'}").exit_code == 0
    (entry,) = ledger_file(first)["entries"]
    legacy = {k: v for k, v in entry.items() if k != "uid"}
    build = make_build(tmp_path)
    (build / LEDGER).write_text(json.dumps({"format": 1, "entries": [legacy]}))
    requests = len(youtube.requests)

    result = upload_cli(youtube, token, build)
    assert result.exit_code == 0, result.stderr
    assert "unchanged" in result.stdout and len(youtube.videos) == 1
    assert [(r.method, r.path) for r in youtube.requests[requests:]] == [("GET", "/youtube/v3/videos")]
    (imported,) = database_rows(db_url, build)
    assert imported["video_id"] == entry["video_id"] and imported["uid"].startswith("legacy-")
    assert ledger_file(build)["entries"][0]["uid"] == imported["uid"]
    # the import recorded the publish in the audit trail: it happened before the trail existed
    assert [e.data["action"] for e in trail(db_url, kind="upload") if e.data["folder"] == folder_key(build)] == [
        "unchanged"
    ]
    upload_cli(youtube, token, build)
    assert len(database_rows(db_url, build)) == 1  # imported once, not again


def test_an_edited_ledger_file_is_imported_without_dropping_the_database_entries(youtube, token, tmp_path, db_url):
    build = make_build(tmp_path)
    assert upload_cli(youtube, token, build).exit_code == 0
    assert upload_cli(youtube, token, build, "--force-new").exit_code == 0
    first, second = ledger_file(build)["entries"]
    (build / LEDGER).write_text(json.dumps({"format": 1, "entries": [{**first, "privacy": "edited"}]}))
    dry = upload_cli(youtube, token, build, "--dry-run")
    assert dry.exit_code == 0
    assert [r["privacy"] for r in database_rows(db_url, build)] == ["private", "private"]  # a dry run imports nothing
    assert upload_cli(youtube, token, build).exit_code == 0
    rows = database_rows(db_url, build)
    assert [r["uid"] for r in rows] == [first["uid"], second["uid"]]  # the second is kept though the file lost it
    assert rows[0]["privacy"] == "edited" and len(youtube.videos) == 2


def test_a_dry_run_does_not_write_the_ledger(youtube, tmp_path, db_url):
    build = make_build(tmp_path)
    assert upload_cli(youtube, None, build, "--dry-run").exit_code == 0
    assert database_rows(db_url, build) == [] and not (build / LEDGER).exists()
