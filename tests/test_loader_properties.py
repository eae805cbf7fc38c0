"""Property: whatever bytes a script holds, the loader answers with a model or clean messages.

Generated scripts (random mappings, lists and scalars, often shaped like a real
script) and mutations of the example scripts (a key deleted, a value's type
changed, unicode inserted, the file cut at a random byte...) go through
`load_script`. The only allowed outcomes are a `LoadedScript` or a `ScriptError`
whose lines all read `file:line:col path: message`; any other exception fails.
"""

from __future__ import annotations

import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from contract.errors import ScriptError
from contract.problems import Problem
from contract.script import SCENE_TYPES, Script
from render.loader import load_script

REPO = Path(__file__).resolve().parent.parent
VALID = "tests/data/scripts/valid"
# Seeds keep their folder so their relative paths (../assets/...) still resolve in the copy.
SEEDS = [f"scripts/{p.name}" for p in sorted((REPO / "scripts").glob("*.yaml"))] + [
    f"{VALID}/{p.name}" for p in sorted((REPO / VALID).glob("*.yaml"))
]
LINE = re.compile(r"^.+:\d+:\d+ \S.*: .+$", re.DOTALL)

# how many examples, and whether they are random, comes from the profile (tests/conftest.py)
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's scripts and assets in a folder marked by pyproject.toml."""
    root = tmp_path_factory.mktemp("project")
    (root / "pyproject.toml").write_text("[project]\nname = 'videos'\n", encoding="utf-8")
    shutil.copytree(REPO / "assets", root / "assets")
    shutil.copytree(REPO / "scripts", root / "scripts")
    shutil.copytree(REPO / VALID, root / VALID)
    return root


def check(path: Path) -> str:
    """Load `path`; fail on anything but a model or a clean ScriptError."""
    try:
        loaded = load_script(path)
    except ScriptError as error:
        assert error.problems, "a ScriptError must say what is wrong"
        lines = [str(problem) for problem in error.problems]
        assert len(set(lines)) == len(lines), lines
        for problem, line in zip(error.problems, lines, strict=True):
            assert isinstance(problem, Problem) and problem.line >= 1 and problem.column >= 1, problem
            assert LINE.match(line), line
            assert line.isprintable(), repr(line)
            line.encode("utf-8")  # printable on any UTF-8 terminal
        return "error"
    assert isinstance(loaded.script, Script)
    assert loaded.script.scenes
    return "ok"


def write_and_check(project: Path, seed_folder: str, content: bytes) -> str:
    target = project / seed_folder / "case.yaml"
    target.write_bytes(content)
    outcome = check(target)
    event(outcome)  # --hypothesis-show-statistics shows how many were valid
    return outcome


# --- generated scripts --------------------------------------------------------------------

FIELD_NAMES = sorted(
    {
        "title",
        "language",
        "voice",
        "engine",
        "id",
        "rate",
        "brand",
        "video",
        "resolution",
        "fps",
        "aspect",
        "music",
        "file",
        "volume",
        "lexicon",
        "scenes",
        "publish",
        "type",
        "narration",
        "duration",
        "transition",
        "subtitle",
        "items",
        "text",
        "icon",
        "value",
        "prefix",
        "suffix",
        "label",
        "author",
        "caption",
        "events",
        "date",
        "left",
        "right",
        "heading",
        "url",
        "primary",
        "secondary",
        "background",
        "font",
        "font_file",
        "logo",
        "description",
        "tags",
        "category",
        "privacy",
        "publish_at",
        "playlist",
        "made_for_kids",
        "thumbnail",
        "captions",
    }
)
WORDS = [
    *SCENE_TYPES,
    "silent",
    "pyttsx3",
    "fr",
    "en-GB",
    "1080p",
    "480p",
    "9:16",
    "16:9",
    "fade",
    "private",
    "public",
    "#00703C",
    "#fff",
    "handshake",
    "comments",
    "no-such-icon",
    "../assets/images/campagne.jpg",
    "../assets/images/agence.svg",
    "../assets/music/theme.mp3",
    "../assets/logos/banque-du-val.png",
    "../assets/brand/banque-du-val.yaml",
    "../../etc/passwd",
    "/etc/hostname",
    ".",
    "..",
    "",
    " ",
    "~",
    "null",
    "yes",
    "<b>",
    "x" * 300,
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(WORDS),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([UTC, None])),
)
keys = st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=12))
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=25,
)


@st.composite
def scenes(draw: st.DrawFn) -> dict[str, Any]:
    scene = draw(st.dictionaries(st.sampled_from(FIELD_NAMES), values, max_size=5))
    scene["type"] = draw(st.sampled_from([*SCENE_TYPES, "bullet", "video"]))
    if draw(st.booleans()):
        scene["duration"] = draw(st.one_of(st.integers(-2, 700), st.floats(), st.text(max_size=4)))
    return scene


words = st.text(min_size=1, max_size=30).filter(str.strip)
seconds = st.floats(0.5, 20)
good_scenes = st.one_of(
    st.fixed_dictionaries({"type": st.just("title"), "title": words, "duration": seconds}),
    st.fixed_dictionaries(
        {
            "type": st.just("bullets"),
            "items": st.lists(words, min_size=1, max_size=8),
            "narration": words,
        }
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("statistic"),
            "value": st.integers(0, 10**6),
            "label": words,
            "duration": seconds,
        }
    ),
    st.fixed_dictionaries({"type": st.just("quote"), "text": words, "narration": st.lists(words, min_size=1)}),
    st.fixed_dictionaries({"type": st.just("closing"), "title": words, "url": words, "duration": seconds}),
)


@st.composite
def script_like(draw: st.DrawFn) -> Any:
    """Mostly the shape of a script, with random fields and values inside; sometimes a valid one."""
    if draw(st.integers(0, 3)) == 0:
        extra = draw(st.dictionaries(st.sampled_from(FIELD_NAMES), values, max_size=1))
        return {
            "title": draw(words),
            "voice": {"engine": "silent"},
            **extra,
            "scenes": draw(st.lists(good_scenes, min_size=1, max_size=4)),
        }
    data = draw(st.dictionaries(keys, values, max_size=6))
    if draw(st.integers(0, 4)):
        data["title"] = draw(st.one_of(st.text(max_size=20), values))
        data["scenes"] = draw(st.lists(scenes(), min_size=0, max_size=4))
        if draw(st.booleans()):
            data["voice"] = {"engine": "silent"}
    return data if draw(st.integers(0, 9)) else draw(values)


def dump(data: Any) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


@SETTINGS
@given(data=script_like(), folder=st.sampled_from(["scripts", VALID]))
def test_generated_scripts(project: Path, data: Any, folder: str) -> None:
    write_and_check(project, folder, dump(data))


# YAML's special characters and constructs, and escapes for a lone surrogate and a NUL
YAMLISH = st.sampled_from(
    [
        *":-[]{},&*!|>'\"#%@` \t\n?",
        "\n  ",
        "\n- ",
        ": ",
        "---\n",
        "<<: ",
        "&a ",
        "*a",
        "!!python/object:os.system ",
        '"\\ud800"',
        '"\\0"',
        "title: ",
        "scenes:\n  - type: ",
    ]
)


@SETTINGS
@given(text=st.lists(st.one_of(YAMLISH, st.text(max_size=8), st.sampled_from(FIELD_NAMES)), max_size=60))
def test_yamlish_text(project: Path, text: list[str]) -> None:
    write_and_check(project, "scripts", "".join(text).encode("utf-8", "surrogatepass"))


@SETTINGS
@given(content=st.binary(max_size=300))
def test_random_bytes(project: Path, content: bytes) -> None:
    write_and_check(project, "scripts", content)


# --- mutations of the example scripts -----------------------------------------------------


def paths_in(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside `data` (the root excluded)."""
    found: list[tuple[Any, ...]] = []
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else []
    for key, child in items:
        found.append((*prefix, key))
        found.extend(paths_in(child, (*prefix, key)))
    return found


def parent_of(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


def retyped(value: Any) -> Any:
    """The same content as another type: text as a number, a list as text, and so on."""
    if isinstance(value, bool):
        return "maybe"
    if isinstance(value, int | float):
        return [value] if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return 12
    if isinstance(value, list):
        return " ".join(map(str, value))
    if isinstance(value, dict):
        return list(value)
    if isinstance(value, datetime | date):
        return "soon"
    return {}


@st.composite
def mutated_data(draw: st.DrawFn) -> tuple[str, bytes]:
    """A seed script parsed, changed in one to three places, dumped again."""
    seed = draw(st.sampled_from(SEEDS))
    data = yaml.safe_load((REPO / seed).read_text(encoding="utf-8"))
    for _ in range(draw(st.integers(1, 3))):
        paths = paths_in(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, last = parent_of(data, path), path[-1]
        old = parent[last]
        action = draw(st.sampled_from(["delete", "replace", "retype", "unicode", "rename"]))
        if action == "delete":
            del parent[last]
        elif action == "replace":
            parent[last] = draw(values)
        elif action == "retype":
            parent[last] = retyped(old)
        elif action == "unicode" and isinstance(old, str):
            at = draw(st.integers(0, len(old)))
            parent[last] = old[:at] + draw(st.text(min_size=1, max_size=5)) + old[at:]
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(keys)] = parent.pop(last)
    return seed.rsplit("/", 1)[0], dump(data)


@SETTINGS
@given(case=mutated_data())
def test_mutated_scripts(project: Path, case: tuple[str, bytes]) -> None:
    folder, content = case
    write_and_check(project, folder, content)


@st.composite
def mutated_text(draw: st.DrawFn) -> tuple[str, bytes]:
    """A seed script's bytes cut, spliced or re-indented."""
    seed = draw(st.sampled_from(SEEDS))
    raw = (REPO / seed).read_bytes()
    for _ in range(draw(st.integers(1, 3))):
        action = draw(
            st.sampled_from(
                [
                    "truncate",
                    "insert-text",
                    "insert-bytes",
                    "delete-line",
                    "duplicate-line",
                    "indent",
                    "special",
                ]
            )
        )
        at = draw(st.integers(0, len(raw)))
        lines = raw.split(b"\n")
        line = draw(st.integers(0, max(len(lines) - 1, 0)))
        if action == "truncate":
            raw = raw[:at]
        elif action == "insert-text":
            raw = raw[:at] + draw(st.text(min_size=1, max_size=8)).encode("utf-8") + raw[at:]
        elif action == "insert-bytes":
            raw = raw[:at] + draw(st.binary(min_size=1, max_size=4)) + raw[at:]
        elif action == "delete-line" and lines:
            del lines[line]
            raw = b"\n".join(lines)
        elif action == "duplicate-line" and lines:
            lines.insert(line, lines[line])
            raw = b"\n".join(lines)
        elif action == "indent" and lines:
            lines[line] = draw(st.sampled_from([b" ", b"  ", b"\t", b"- "])) + lines[line]
            raw = b"\n".join(lines)
        elif action == "special":
            raw = raw[:at] + draw(YAMLISH).encode("utf-8", "surrogatepass") + raw[at + 1 :]
    return seed.rsplit("/", 1)[0], raw


@SETTINGS
@given(case=mutated_text())
def test_mutated_text(project: Path, case: tuple[str, bytes]) -> None:
    folder, content = case
    write_and_check(project, folder, content)


def test_seeds_load_in_the_copy(project: Path) -> None:
    # the mutations start from valid scripts: make sure the copy keeps them valid
    for seed in SEEDS:
        assert check(project / seed) == "ok", seed


def test_dates_and_numbers_round_trip() -> None:
    # the strategies above rely on these being dumpable
    assert dump({"d": date(2020, 1, 1), "t": datetime(2020, 1, 1, tzinfo=UTC), "n": float("nan")})
