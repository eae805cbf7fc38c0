"""The `render` command group: its subcommands, and the first version's flags that users rely on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from render.cli import group
from tests.helpers import REPO

EXAMPLE = REPO / "scripts" / "notre-mission.yaml"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(group, list(args), prog_name="render", catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_check_subcommand_and_flag_agree() -> None:
    code, out, _ = invoke("check", str(EXAMPLE))
    flag_code, flag_out, _ = invoke("--check", str(EXAMPLE))
    assert (code, flag_code) == (0, 0)
    assert out == flag_out and "ok (6 scenes)" in out


def test_build_with_check_flag_is_the_same_as_check() -> None:
    code, out, _ = invoke("build", "--check", str(EXAMPLE))
    assert code == 0 and "ok (6 scenes)" in out


def test_bad_script_is_exit_2_with_position_from_both_spellings(tmp_path: Path) -> None:
    script = tmp_path / "bad.yaml"
    script.write_text("title: Oups\nscenes:\n  - type: title\n    duration: 2\n", encoding="utf-8")
    for args in (("check", str(script)), ("--check", str(script)), (str(script),)):
        code, _, err = invoke(*args)
        assert code == 2, args
        assert f"{script}:3:" in err and "title" in err and "Traceback" not in err


def test_schema_subcommand_and_flag_print_the_same_schema() -> None:
    code, out, _ = invoke("schema")
    flag_code, flag_out, _ = invoke("--schema")
    assert (code, flag_code) == (0, 0) and out == flag_out
    schema = json.loads(out)
    assert schema["title"] == "Script" and "scenes" in schema["properties"]


def test_voices_subcommand_and_flag() -> None:
    code, out, _ = invoke("voices", "fr")
    flag_code, flag_out, _ = invoke("--voices", "fr")
    assert (code, flag_code) == (0, 0) and out == flag_out
    assert "default for fr: roa/fr" in out and "gmw/en" not in out


def test_cache_subcommands_and_flags(tmp_path: Path) -> None:
    from render.cache import Cache

    store = Cache(tmp_path / "cache")
    built = store.temp_path("scene", "k", ".mp4")
    built.write_bytes(b"x" * 2048)
    store.put("scene", "ab" * 32, ".mp4", built)
    code, out, _ = invoke("cache", "info", "--cache-dir", str(store.root))
    assert code == 0 and "1 entries" in out
    code, out, _ = invoke("--cache-info", "--cache-dir", str(store.root))
    assert code == 0 and "1 entries" in out
    code, out, _ = invoke("cache", "prune", "--keep", "0", "--cache-dir", str(store.root))
    assert code == 0 and "pruned 1 entries" in out and "0 entries" in out
    code, _, err = invoke("cache", "prune", "--keep", "lots", "--cache-dir", str(store.root))
    assert code == 2 and "is not a size" in err


def test_no_script_is_bad_input() -> None:
    code, _, err = invoke("check")
    assert code == 2 and "no script given" in err
    code, _, err = invoke("build")
    assert code == 2 and "no script given" in err


def test_help_lists_the_subcommands() -> None:
    code, out, _ = invoke("--help")
    assert code == 0
    for name in ("build", "check", "schema", "voices", "cache"):
        assert f"  {name}" in out


def test_a_non_ascii_script_path_under_the_c_locale_is_reported_not_crashed(tmp_path: Path) -> None:
    folder = tmp_path / "vidéos"
    folder.mkdir()
    script = folder / "été.yaml"
    script.write_text("title: Été\nscenes:\n  - type: title\n    duration: 2\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "render", "check", str(script)],
        capture_output=True,
        cwd=REPO,
        env={**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""},
        timeout=120,
    )
    err = run.stderr.decode("ascii", "replace")
    assert run.returncode == 2, err
    assert "UnicodeEncodeError" not in err and "Traceback" not in err
    assert ":3:" in err and "title" in err


@pytest.mark.parametrize("name", ["build", "check", "schema"])
def test_a_script_named_like_a_subcommand_is_still_a_script(tmp_path: Path, name: str) -> None:
    # `render check.yaml --check` validates the script check.yaml; it is not the `check` subcommand
    script = tmp_path / f"{name}.yaml"
    script.write_text(
        "title: Bonjour\nscenes:\n  - type: title\n    title: Bonjour\n    duration: 2\n", encoding="utf-8"
    )
    code, out, err = invoke(str(script), "--check")
    assert code == 0, err
    assert f"{script}: ok (1 scenes)" in out
