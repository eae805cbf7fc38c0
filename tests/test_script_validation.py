"""Good and bad scripts as data: every bad one gives exactly its expected messages.

`tests/data/scripts/invalid/<name>.yaml` must fail with exactly the lines in
`<name>.expected` (paths as the CLI prints them when run from the repository root
with relative paths); `tests/data/scripts/valid/*.yaml` and `scripts/*.yaml` must
load. Cases that git cannot hold (a symbolic link leaving the project, an
unreadable file, a binary or oversized file) are built here in a temporary project.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from contract.errors import ScriptError
from contract.script import Script
from render.loader import MAX_SCRIPT_BYTES, LoadedScript, load_script

REPO = Path(__file__).resolve().parent.parent
INVALID = Path("tests/data/scripts/invalid")
VALID = Path("tests/data/scripts/valid")
INVALID_CASES = sorted(p.stem for p in (REPO / INVALID).glob("*.yaml"))
VALID_CASES = sorted(p.name for p in (REPO / VALID).glob("*.yaml"))
EXAMPLES = sorted(p.name for p in (REPO / "scripts").glob("*.yaml"))
PNG = (REPO / "assets/logos/banque-du-val.png").read_bytes()
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture(autouse=True)
def _from_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # The expected messages hold paths relative to the repository root.
    monkeypatch.chdir(REPO)


def expected(name: str) -> list[str]:
    return (REPO / INVALID / f"{name}.expected").read_text(encoding="utf-8").splitlines()


def problems_of(path: Path | str) -> list[str]:
    with pytest.raises(ScriptError) as info:
        load_script(path)
    return [str(problem) for problem in info.value.problems]


# --- the stored corpus -------------------------------------------------------------------


def test_corpus_is_complete() -> None:
    expectations = sorted(p.stem for p in (REPO / INVALID).glob("*.expected"))
    assert expectations == INVALID_CASES, "each invalid script needs its .expected file and vice versa"
    assert len(INVALID_CASES) >= 30
    assert len(VALID_CASES) >= 3


@pytest.mark.parametrize("name", INVALID_CASES)
def test_invalid_script_gives_exactly_its_messages(name: str) -> None:
    lines = expected(name)
    assert lines, f"{name}.expected is empty"
    assert problems_of(INVALID / f"{name}.yaml") == lines


@pytest.mark.parametrize("name", INVALID_CASES)
def test_expected_messages_are_well_formed(name: str) -> None:
    lines = expected(name)
    assert len(set(lines)) == len(lines), "one message per problem, no repeats"
    for line in lines:
        head, _, message = line.partition(" ")
        file, row, col = head.rsplit(":", 2)
        assert file.startswith(str(INVALID)) and row.isdigit() and col.isdigit(), line
        assert ": " in message, f"no `field.path: message` in {line!r}"
        # what is wrong, then what to do: every message has a hint after ';' or '('
        assert ";" in message or "(" in message, f"no hint in {line!r}"


def test_all_problems_of_a_file_are_reported_together() -> None:
    kinds = [line.split(" ", 2)[1] for line in expected("many-problems")]
    # model errors, missing files, an unknown icon and a past date, all in one run
    assert kinds == [
        "video.fps:",
        "brand.primary:",
        "scenes[0].titel:",
        "scenes[1].file:",
        "scenes[2].items[0].icon:",
        "music.file:",
        "publish:",
        "publish.publish_at:",
    ]


@pytest.mark.parametrize("name", VALID_CASES)
def test_valid_script_loads(name: str) -> None:
    loaded = load_script(VALID / name)
    assert isinstance(loaded, LoadedScript)
    assert isinstance(loaded.script, Script)
    for path in loaded.files.values():
        assert path.is_absolute() and path.is_file()


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_script_loads(name: str) -> None:
    loaded = load_script(Path("scripts") / name)
    assert loaded.script.scenes


def test_valid_details() -> None:
    brand = load_script(VALID / "brand-file.yaml").brand
    assert brand.secondary == "#FFAA00"
    assert brand.font_file == str(REPO / "assets/fonts/NotoSerifDisplay-Bold.ttf")
    assert brand.logo == str(REPO / "assets/logos/banque-du-val.png")
    lenient = load_script(VALID / "yaml-leniencies.yaml").script
    assert lenient.title == "Leniencies"
    assert lenient.video.aspect == "9:16"
    assert [e.date for e in lenient.scenes[0].events] == ["1901", "2026-01-15"]
    assert load_script(VALID / "vertical.yaml").script.video.size == (720, 1280)


# --- cases built at test time ------------------------------------------------------------


SCRIPT = """\
title: Notre mission
voice: {engine: silent}
scenes:
  - type: image
    file: assets/picture.png
    duration: 3
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder (marked by pyproject.toml) with a picture, and a folder outside it."""
    root = tmp_path / "project"
    (root / "assets").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'videos'\n", encoding="utf-8")
    (root / "assets/picture.png").write_bytes(PNG)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside/secret.png").write_bytes(PNG)
    (tmp_path / "outside/brand.yaml").write_text('primary: "#000000"\n', encoding="utf-8")
    return root


def test_generated_project_is_valid(project: Path) -> None:
    (project / "ok.yaml").write_text(SCRIPT, encoding="utf-8")
    assert load_script(project / "ok.yaml").files["scenes[0].file"] == (project / "assets/picture.png").resolve()


def test_symbolic_link_out_of_the_project(project: Path) -> None:
    (project / "assets/picture.png").unlink()
    (project / "assets/picture.png").symlink_to(project.parent / "outside/secret.png")
    (project / "linked.yaml").write_text(SCRIPT, encoding="utf-8")
    secret = (project.parent / "outside/secret.png").resolve()
    assert problems_of(project / "linked.yaml") == [
        f"{project}/linked.yaml:5:11 scenes[0].file: 'assets/picture.png' "
        f"is a symbolic link to {secret}, "
        f"outside the project folder ({project}/); copy the file itself into the project "
        "(for example under assets/)"
    ]


def test_symbolic_link_folder_out_of_the_project(project: Path) -> None:
    (project / "shared").symlink_to(project.parent / "outside", target_is_directory=True)
    (project / "linked.yaml").write_text(
        SCRIPT.replace("assets/picture.png", "shared/secret.png") + "brand: shared/brand.yaml\n",
        encoding="utf-8",
    )
    outside = (project.parent / "outside").resolve()
    assert problems_of(project / "linked.yaml") == [
        f"{project}/linked.yaml:5:11 scenes[0].file: 'shared/secret.png' is a symbolic link to "
        f"{outside}/secret.png, outside the project folder ({project}/); copy the file itself into "
        "the project (for example under assets/)",
        f"{project}/linked.yaml:7:8 brand: 'shared/brand.yaml' "
        f"is a symbolic link to {outside}/brand.yaml, "
        f"outside the project folder ({project}/); copy the file itself into the project "
        "(for example under assets/)",
    ]


def test_path_climbing_out_of_the_project(project: Path) -> None:
    (project / "up.yaml").write_text(SCRIPT.replace("assets/picture.png", "../outside/secret.png"), encoding="utf-8")
    assert problems_of(project / "up.yaml") == [
        f"{project}/up.yaml:5:11 scenes[0].file: '../outside/secret.png' is outside the project "
        f"folder ({project}/); copy the file into the project (for example under assets/) "
        "and use that path"
    ]


def test_binary_file(project: Path) -> None:
    (project / "picture.yaml").write_bytes(PNG)
    assert problems_of(project / "picture.yaml") == [
        f"{project}/picture.yaml:1:1 (file): this is a binary file, not a YAML script; give the path of a .yaml file"
    ]


def test_oversized_file(project: Path) -> None:
    big = SCRIPT + "# padding\n" * (MAX_SCRIPT_BYTES // 10)
    (project / "big.yaml").write_text(big, encoding="utf-8")
    size = len(big.encode())
    assert size > MAX_SCRIPT_BYTES
    assert problems_of(project / "big.yaml") == [
        f"{project}/big.yaml:1:1 (file): the script file is {size:,} bytes; the limit is "
        f"{MAX_SCRIPT_BYTES:,} bytes: is it the right file?"
    ]


def test_deep_nesting_beyond_the_parser(project: Path) -> None:
    (project / "deep.yaml").write_text("title: x\nscenes: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    assert problems_of(project / "deep.yaml") == [
        f"{project}/deep.yaml:1:1 (yaml): the script is nested too deeply "
        "(brackets inside brackets?); "
        "write it out plainly"
    ]


def test_empty_picture(project: Path) -> None:
    (project / "assets/picture.png").write_bytes(b"")
    (project / "empty.yaml").write_text(SCRIPT, encoding="utf-8")
    assert problems_of(project / "empty.yaml") == [
        f"{project}/empty.yaml:5:11 scenes[0].file: 'assets/picture.png' is empty (0 bytes); export the file again"
    ]


def test_missing_script_file() -> None:
    assert problems_of(INVALID / "no-such-script.yaml") == [
        f"{INVALID}/no-such-script.yaml:1:1 (file): no such script file; check the name and the folder"
    ]


def test_folder_given_as_script() -> None:
    assert problems_of(INVALID / "files") == [
        f"{INVALID}/files:1:1 (file): this is a folder, not a script file; give the path of a .yaml file"
    ]


@pytest.mark.skipif(IS_ROOT, reason="root reads files whatever their mode; see the *_as_root variants")
def test_unreadable_picture(project: Path) -> None:
    (project / "assets/picture.png").chmod(0)
    (project / "locked.yaml").write_text(SCRIPT, encoding="utf-8")
    try:
        assert problems_of(project / "locked.yaml") == [
            f"{project}/locked.yaml:5:11 scenes[0].file: "
            "cannot read 'assets/picture.png' (permission denied); "
            "check its permissions (chmod a+r)"
        ]
    finally:
        (project / "assets/picture.png").chmod(0o644)


@pytest.mark.skipif(IS_ROOT, reason="root reads files whatever their mode; see the *_as_root variants")
def test_unreadable_script(project: Path) -> None:
    (project / "locked.yaml").write_text(SCRIPT, encoding="utf-8")
    (project / "locked.yaml").chmod(0)
    try:
        assert problems_of(project / "locked.yaml") == [
            f"{project}/locked.yaml:1:1 (file): cannot read this script file (permission denied); "
            "check its permissions (chmod a+r)"
        ]
    finally:
        (project / "locked.yaml").chmod(0o644)


def test_unreadable_picture_as_root(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod 000 does not stop root: simulate the refusal where the loader asks for it.
    import render.file_checks

    real_access = os.access
    picture = (project / "assets/picture.png").resolve()
    monkeypatch.setattr(
        render.file_checks.os,
        "access",
        lambda path, mode: False if Path(path) == picture else real_access(path, mode),
    )
    (project / "locked.yaml").write_text(SCRIPT, encoding="utf-8")
    assert problems_of(project / "locked.yaml") == [
        f"{project}/locked.yaml:5:11 scenes[0].file: "
        "cannot read 'assets/picture.png' (permission denied); check its permissions (chmod a+r)"
    ]


def test_unreadable_script_as_root(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = project / "locked.yaml"
    locked.write_text(SCRIPT, encoding="utf-8")
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self == locked:
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert problems_of(locked) == [
        f"{project}/locked.yaml:1:1 (file): cannot read this script file (permission denied); "
        "check its permissions (chmod a+r)"
    ]


# --- the CLI: exit code 2, no traceback, nothing written ----------------------------------


def run_cli(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RENDER_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "render", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def cli_lines(problems: list[str]) -> list[str]:
    lines = [f"ERROR {line}" for line in problems]
    if len(problems) > 1:
        lines.append(
            f"{len(problems)} problems; fix them and run again (`render --check FILE` checks without rendering)"
        )
    return lines


@pytest.mark.parametrize(
    "name",
    [
        "many-problems",
        "yaml-syntax",
        "python-tag",
        "billion-laughs",
        "not-utf8",
        "broken-brand-file",
        "unknown-icon",
    ],
)
def test_cli_check(name: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("--check", str(INVALID / f"{name}.yaml"), "--out", str(out), tmp_path=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == cli_lines(expected(name))
    assert result.stdout == ""
    assert not out.exists() and not (tmp_path / "cache").exists()


def test_cli_render_refuses_before_writing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    scripts = [
        str(INVALID / "many-problems.yaml"),
        str(INVALID / "tabs.yaml"),
        "scripts/notre-mission.yaml",
    ]
    result = run_cli(*scripts, "--out", str(out), tmp_path=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    # every file's problems in one run, the valid script not rendered
    assert result.stderr.splitlines() == cli_lines(expected("many-problems") + expected("tabs"))
    assert not out.exists() and not (tmp_path / "cache").exists()


def test_cli_generated_binary(project: Path, tmp_path: Path) -> None:
    (project / "picture.yaml").write_bytes(PNG)
    out = tmp_path / "out"
    result = run_cli("--check", str(project / "picture.yaml"), "--out", str(out), tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"ERROR {project}/picture.yaml:1:1 (file): this is a binary file, not a YAML script; "
        "give the path of a .yaml file"
    ]
    assert not out.exists()


def test_cli_valid_scripts(tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = [str(VALID / name) for name in VALID_CASES] + [f"scripts/{name}" for name in EXAMPLES]
    result = run_cli("--check", *files, "--out", str(out), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) == len(files)
    assert not out.exists()


# --- problems as data; cases git cannot hold ----------------------------------------------


def test_problems_are_data_printed_in_one_place() -> None:
    from contract.problems import Problem, format_path, parse_path

    with pytest.raises(ScriptError) as info:
        load_script(INVALID / "many-problems.yaml")
    first = info.value.problems[0]
    assert isinstance(first, Problem)
    assert (first.file, first.line, first.column, first.field) == (
        str(INVALID / "many-problems.yaml"),
        4,
        14,
        "video.fps",
    )
    assert str(first) == expected("many-problems")[0]
    assert info.value.lines() == expected("many-problems")
    assert str(Problem("a.yaml", 3, 5, "scenes[0].title", "too long", "shorten it")) == (
        "a.yaml:3:5 scenes[0].title: too long; shorten it"
    )
    for path in [("scenes", 2, "items", 0, "text"), ("lexicon", "Dr."), ("video", "fps")]:
        assert parse_path(format_path(path)) == path


def test_a_scene_error_is_located_from_its_field_path_not_its_message() -> None:
    from contract.scene_errors import SceneInputError, TextDoesNotFit, UnknownIcon

    loaded = load_script(VALID / "every-scene-type.yaml")
    located = loaded.locate(TextDoesNotFit("scenes[1].items[1].text", "text too long"))
    assert isinstance(located, ScriptError)
    assert located.lines() == [f"{VALID}/every-scene-type.yaml:15:15 scenes[1].items[1].text: text too long"]
    icon = loaded.locate(UnknownIcon("nope", [], "scenes[1].items[2].icon"))
    assert str(icon.problems[0]).startswith(
        f"{VALID}/every-scene-type.yaml:19:15 scenes[1].items[2].icon: unknown icon"
    )  # type: ignore[attr-defined]
    # the message is not read: a path-like start of a plain error is not taken for a field
    plain = SceneInputError(None, "scenes[0].title: looks like a path")
    assert loaded.locate(plain) is plain


def test_fifo_given_as_a_picture_or_a_script(project: Path) -> None:
    os.mkfifo(project / "assets/pipe.png")
    (project / "pipe.yaml").write_text(SCRIPT.replace("picture.png", "pipe.png"), encoding="utf-8")
    assert problems_of(project / "pipe.yaml") == [
        f"{project}/pipe.yaml:5:11 scenes[0].file: 'assets/pipe.png' is a named pipe (FIFO), not a file; "
        "give the path of the picture (PNG, JPEG or SVG)"
    ]
    os.mkfifo(project / "script.yaml")  # reading it would block for ever
    assert problems_of(project / "script.yaml") == [
        f"{project}/script.yaml:1:1 (file): this is a named pipe (FIFO), not a script file; "
        "give the path of a .yaml file"
    ]


def test_numbers_are_strict_and_exponents_get_a_hint() -> None:
    from pydantic import ValidationError

    base = {"title": "x", "scenes": [{"type": "title", "title": "x", "duration": 3}]}
    for video in ({"fps": True}, {"fps": "30"}, {"fps": 30.5}):
        with pytest.raises(ValidationError):
            Script.model_validate({**base, "video": video})
    assert Script.model_validate({**base, "video": {"fps": 24}}).video.fps == 24
    assert Script.model_validate({**base, "music": {"file": "m.mp3", "volume": 1}}).music.volume == 1  # type: ignore[union-attr]


def test_no_value_error_prefix_reaches_any_reader() -> None:
    from pydantic import ValidationError

    from contract.script import Publish

    with pytest.raises(ValidationError) as info:
        Publish.model_validate({"title": "a <b>", "tags": ["x,y"], "publish_at": "2030-01-01T09:00:00"})
    messages = [error["msg"] for error in info.value.errors()]
    assert len(messages) == 3
    assert not any(m.startswith("Value error") for m in messages), messages


# --- French punctuation, cut sentences, colour names (issue 15) ---------------------------


BENCH = sorted(p.name for p in (REPO / "bench").glob("*.yaml") if not p.name.startswith("."))


@pytest.mark.parametrize("name", BENCH)
def test_bench_script_loads(name: str) -> None:
    assert load_script(Path("bench") / name).script.scenes


def test_colour_names_are_normalised() -> None:
    from contract.script import Brand, parse_colour

    assert Brand(primary="teal").primary == "#008080"
    assert parse_colour("Dark Green") == "#006400"
    assert parse_colour("#0a0") == "#00AA00"
    assert parse_colour(" #00703c ") == "#00703C"
    brand = load_script(VALID / "french-punctuation.yaml").brand
    assert (brand.primary, brand.secondary, brand.background) == ("#008080", "#FFD700", "#FFFFFF")


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("vert", "'vert' is French; write green or \"#008000\""),
        ("Rouge", "'Rouge' is French; write red or \"#FF0000\""),
        ("gris foncé", "'gris foncé' is French; write darkgray or \"#A9A9A9\""),
        ("marron", "'marron' is French; write brown or \"#A52A2A\""),
        ("gren", "did you mean green (#008000)?"),
    ],
)
def test_colour_hints(written: str, hint: str) -> None:
    from pydantic import ValidationError

    from contract.script import Brand

    with pytest.raises(ValidationError) as info:
        Brand(primary=written)
    assert hint in info.value.errors()[0]["msg"]


def test_orange_and_violet_are_css_names() -> None:
    from contract.script import parse_colour

    assert (parse_colour("orange"), parse_colour("violet")) == ("#FFA500", "#EE82EE")


def test_schema_accepts_colour_names() -> None:
    import re

    from contract.script import Brand

    pattern = Brand.model_json_schema()["properties"]["primary"]["pattern"]
    assert all(re.match(pattern, value) for value in ("teal", "#00703C", "#0a0", "dark green"))


def _yaml_message(text: str) -> str:
    from render.script_yaml import _yaml_problem

    with pytest.raises(yaml.MarkedYAMLError) as info:
        yaml.compose(text, Loader=yaml.SafeLoader)
    return _yaml_problem(info.value, text)[2]


@pytest.mark.parametrize(
    ("text", "corrected"),
    [
        ("title: 'L'agence'\n", 'title: "L\'agence"'),
        ("items:\n  - 'L'agence'\n", '- "L\'agence"'),
        ("x: {text: 'L'agence', icon: house}\n", 'x: {text: "L\'agence", icon: house}'),
        ("title: 'C''est l'agence' # note\n", "title: \"C'est l'agence\" # note"),
        ('title: "Le "meilleur" taux"\n', "title: 'Le \"meilleur\" taux'"),
        ('narration: "Bonjour" dit Claire.\n', "narration: '\"Bonjour\" dit Claire.'"),
        ("narration: Notre mission : vous aider.\n", 'narration: "Notre mission : vous aider."'),
        ("  - text: Nous : vous  # ok\n", '- text: "Nous : vous"  # ok'),
        ("x: {text: Nous : vous, icon: house}\n", 'x: {text: "Nous : vous", icon: house}'),
    ],
)
def test_french_punctuation_messages_show_the_line_written_right(text: str, corrected: str) -> None:
    message = _yaml_message(text)
    assert message.endswith(f"write it as: {corrected}"), message
    assert "double quotes" in message or "single quotes" in message


def test_correct_flow_lists_are_not_flagged(tmp_path: Path) -> None:
    script = tmp_path / "ok.yaml"
    script.write_text(
        "title: T\nvoice: {engine: silent}\nscenes:\n"
        "  - type: bullets\n    items: [Écouter, Financer, Conseiller]\n"
        "    narration: [Trois priorités, Écouter, Financer, Conseiller]\n"
        "  - type: title\n    title: T\n    narration: [Bonjour !, Nous sommes là.]\n",
        encoding="utf-8",
    )
    assert load_script(script).script.scenes


def test_a_french_script_without_a_rate_is_spoken_slower_so_its_captions_can_be_read() -> None:
    from contract.script import DEFAULT_RATE, Script

    def rate(language: str, **voice: object) -> int:
        scene = {"type": "title", "title": "Bonjour", "narration": "Bonjour."}
        return Script.model_validate({"title": "t", "language": language, "voice": voice, "scenes": [scene]}).voice.rate

    assert rate("fr") == rate("fr-FR") == rate("fr-CA") == 150
    assert rate("en") == rate("es") == DEFAULT_RATE == 165
    assert rate("fr", rate=170) == 170  # a rate written is kept
