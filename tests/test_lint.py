"""`render lint`: good scripts give no finding, bad ones exactly their findings, at their places.

`tests/data/scripts/lint/bad/<name>.yaml` must give exactly the lines of `<name>.expected` (as
`render lint` prints them from the repository root); `tests/data/scripts/lint/good/*.yaml` give
none. The corpus uses `voice: {engine: silent}`, so its speech lengths are the rate's estimate on
every machine; the example scripts are also linted with speech synthesised for real.
"""

from __future__ import annotations

import json
import re
import wave
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from contract.errors import EnvironmentProblem, ScriptError
from contract.problems import parse_path
from render.cli import group
from render.lint import ACROSS_VARIANTS, RULES, estimate_speech, lint_report, lint_script, measure_speech
from render.loader import load_script
from tests.helpers import REPO

LINT = Path("tests/data/scripts/lint")
GOOD = sorted(p.name for p in (REPO / LINT / "good").glob("*.yaml"))
BAD = sorted(p.stem for p in (REPO / LINT / "bad").glob("*.yaml"))
EXAMPLES = sorted(p.name for p in (REPO / "scripts").glob("*.yaml"))
LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<column>\d+) (?P<field>\S+): (?P<message>.+) \((?P<hint>.+)\)$")


@pytest.fixture(autouse=True)
def _from_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # the expected lines hold paths relative to the repository root
    monkeypatch.chdir(REPO)


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(group, ["lint", *args], prog_name="render", catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def expected(name: str) -> list[str]:
    return (REPO / LINT / "bad" / f"{name}.expected").read_text(encoding="utf-8").splitlines()


def bad(name: str) -> str:
    return str(LINT / "bad" / f"{name}.yaml")


# --- the corpus ---------------------------------------------------------------------------


def test_corpus_is_complete_and_covers_every_rule() -> None:
    expectations = sorted(p.stem for p in (REPO / LINT / "bad").glob("*.expected"))
    assert expectations == BAD, "each bad script needs its .expected file and vice versa"
    assert len(GOOD) >= 2
    rules = {f.rule for name in BAD for f in lint_script(load_script(bad(name)))}
    assert rules == set(RULES) - ACROSS_VARIANTS  # those: tests/test_languages.py (two variants)


@pytest.mark.parametrize("name", GOOD)
def test_good_script_gives_no_finding(name: str) -> None:
    report = lint_report(load_script(LINT / "good" / name))
    assert [str(f) for f in report.findings] == []
    assert not report.speech.measured  # the silent engine: estimated, no cache touched


@pytest.mark.parametrize("name", BAD)
def test_bad_script_gives_exactly_its_findings(name: str) -> None:
    lines = expected(name)
    assert lines, f"{name}.expected is empty"
    assert [str(f) for f in lint_script(load_script(bad(name)))] == lines


@pytest.mark.parametrize("name", BAD)
def test_each_finding_points_at_its_node_and_names_its_scene(name: str) -> None:
    loaded = load_script(bad(name))
    for finding in lint_script(loaded):
        path = parse_path(finding.field)
        assert loaded.document.position(path, key=path == ("scenes",)) == (finding.line, finding.column)
        assert finding.scene == (path[1] if path[:1] == ("scenes",) and len(path) > 1 else None), finding
        assert finding.rule in RULES and finding.hint
        assert LINE.match(str(finding)), str(finding)


def test_positions_in_the_corpus() -> None:
    # a few positions spelled out, so a shifted column cannot hide in a regenerated .expected
    findings = {(f.rule, f.field): (f.line, f.column) for f in lint_script(load_script(bad("wording")))}
    assert findings[("wording", "scenes[1].items[1]")] == (13, 28)  # `Votre mot  de passe` in a flow list
    numbers = lint_script(load_script(bad("numbers")))
    assert [(f.field, f.line, f.column, f.scene) for f in numbers][:1] == [("scenes[0].narration", 10, 16, 0)]
    duration = lint_script(load_script(bad("too-long")))
    assert [(f.field, f.line, f.column, f.scene) for f in duration] == [("scenes", 5, 1, None)]  # the `scenes:` key


# --- the example scripts -------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_scripts_lint_clean_with_estimated_speech(name: str) -> None:
    loaded = load_script(REPO / "scripts" / name)
    report = lint_report(loaded, estimate_speech(loaded.script))
    assert [str(f) for f in report.findings] == []


def test_example_scripts_with_real_speech_are_near_clean(tmp_path: Path) -> None:
    # espeak-ng's French is quick: a dialogue line or two sits just over 20 characters a second
    for name in EXAMPLES:
        report = lint_report(load_script(REPO / "scripts" / name), cache_dir=tmp_path)
        assert report.speech.measured and report.speech.how == "speech measured with pyttsx3"
        assert {f.rule for f in report.findings} <= {"caption-speed"}, [str(f) for f in report.findings]
        assert len(report.findings) <= 3, [str(f) for f in report.findings]
        assert 30 < report.duration < 100


# --- speech lengths ------------------------------------------------------------------------


def fast_script(tmp_path: Path, engine: str = "pyttsx3") -> Path:
    script = tmp_path / "vite.yaml"
    script.write_text(
        f"title: Vite\nlanguage: fr\nvoice: {{engine: {engine}, rate: 420}}\nscenes:\n  - type: title\n"
        "    title: Vite\n    narration: Une phrase dite bien trop vite pour que personne puisse lire ses "
        "sous-titres.\n",
        encoding="utf-8",
    )
    return script


def test_measured_speech_says_so_and_suggests_a_rate(tmp_path: Path) -> None:
    findings = lint_report(load_script(fast_script(tmp_path)), cache_dir=tmp_path / "cache").findings
    assert [f.rule for f in findings] == ["caption-speed"]
    assert "speech measured with pyttsx3" in findings[0].message
    rate = int(re.search(r"`voice\.rate: (\d+)`", findings[0].hint or "")[1])  # type: ignore[index]
    assert 60 <= rate < 420
    assert (tmp_path / "cache").is_dir()  # the phrases are kept for the render


def test_speech_falls_back_to_the_rate_when_it_cannot_be_synthesised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise EnvironmentProblem("espeak-ng is not installed")

    monkeypatch.setattr("render.speech.prepare_speech", broken)
    loaded = load_script(fast_script(tmp_path))
    speech = measure_speech(loaded, tmp_path / "cache")
    assert not speech.measured
    reason = "could not synthesise speech (espeak-ng is not installed)"
    assert speech.how == f"speech estimated from the voice rate: {reason}"
    findings = lint_script(loaded, speech)
    assert [f.rule for f in findings] == ["caption-speed"] and speech.how in findings[0].message


def test_recordings_are_measured(tmp_path: Path) -> None:
    # a long sentence recorded in 0.3 s: its caption cannot be read, and no rate setting helps
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    for name, seconds in (("vite.wav", 0.3), ("merci.wav", 0.3)):
        t = np.arange(int(seconds * 22050)) / 22050
        with wave.open(str(tmp_path / name), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(22050)
            out.writeframes((8000 * np.sin(2 * np.pi * 220 * t)).astype("<i2").tobytes())
    script = tmp_path / "voix.yaml"
    script.write_text(
        "title: Voix\nlanguage: fr\nvoice: {engine: recorded}\nscenes:\n  - type: title\n    title: Voix\n"
        "    narration:\n      - {text: Une phrase bien trop longue pour une prise de son aussi courte que celle-ci."
        ", audio: vite.wav}\n      - {text: Merci., audio: merci.wav}\n",
        encoding="utf-8",
    )
    report = lint_report(load_script(script), cache_dir=tmp_path / "cache")
    assert report.speech.how == "speech measured from the recordings"
    assert [(f.rule, f.field, f.hint) for f in report.findings] == [
        ("caption-speed", "scenes[0].narration[0].text", "record it more slowly, or say less")
    ]


def test_estimate_flag_does_not_synthesise(tmp_path: Path) -> None:
    code, out, _ = invoke("--estimate", "--cache-dir", str(tmp_path / "cache"), str(fast_script(tmp_path)))
    assert code == 0
    assert "speech estimated from the voice rate: --estimate" in out
    assert not (tmp_path / "cache").exists()


# --- the command ---------------------------------------------------------------------------


def test_output_is_one_line_a_finding_then_the_summary() -> None:
    code, out, err = invoke(bad("numbers"))
    assert code == 0, err  # findings only warn
    lines = out.splitlines()
    assert lines == [*expected("numbers"), "5 findings in 1 script"]
    for line in lines[:-1]:
        assert LINE.match(line), line


def test_findings_are_sorted_by_file_and_line_across_scripts() -> None:
    code, out, _ = invoke(bad("wording"), str(LINT / "good" / "english-cast.yaml"), bad("numbers"))
    assert code == 0
    lines = out.splitlines()
    assert lines == [*expected("numbers"), *expected("wording"), "12 findings in 3 scripts"]


def test_no_findings() -> None:
    code, out, _ = invoke(*(str(LINT / "good" / name) for name in GOOD))
    assert (code, out) == (0, f"no findings in {len(GOOD)} scripts\n")


def test_strict_exits_2_on_any_finding() -> None:
    code, out, err = invoke("--strict", bad("over-target"))
    assert code == 2
    assert out.splitlines() == [*expected("over-target"), "1 finding in 1 script"]
    assert "1 finding in 1 script (--strict)" in err
    code, _, _ = invoke("--strict", str(LINT / "good" / GOOD[0]))
    assert code == 0


def test_json_output() -> None:
    code, out, _ = invoke("--json", bad("static"), str(LINT / "good" / GOOD[0]))
    assert code == 0
    document = json.loads(out)
    assert document["summary"] == "2 findings in 2 scripts"
    assert [f["rule"] for f in document["findings"]] == ["static", "static"]
    first = document["findings"][0]
    assert set(first) == {"file", "line", "column", "field", "message", "hint", "rule", "scene"}
    assert (first["field"], first["line"], first["column"], first["scene"]) == ("scenes[0].duration", 8, 15, 0)
    assert [s["findings"] for s in document["scripts"]] == [2, 0]  # in the order given
    assert all(s["speech_measured"] is False and s["duration"] > 0 for s in document["scripts"])


def test_an_invalid_script_gets_the_messages_of_check() -> None:
    invalid = "tests/data/scripts/invalid/many-problems.yaml"
    code, out, err = invoke(invalid)
    result = CliRunner().invoke(group, ["check", invalid], prog_name="render", catch_exceptions=False)
    assert (code, result.exit_code) == (2, 2)
    assert err == result.stderr and out == ""
    with pytest.raises(ScriptError):
        load_script(invalid)


def test_check_stays_a_validity_check() -> None:
    # a script lint finds much in is still valid
    result = CliRunner().invoke(group, ["check", bad("wording")], prog_name="render", catch_exceptions=False)
    assert result.exit_code == 0 and "ok (2 scenes)" in result.stdout


def test_no_script_is_bad_input() -> None:
    code, _, err = invoke()
    assert code == 2 and "no script given" in err


# --- the model fields ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("target_duration: 0", "target_duration: must be between 1 and 43200 seconds (got 0)"),
        ('target_duration: "60"', "target_duration: must be a number"),
        ('lint: {avoid: [""]}', "lint.avoid[0]: must not be empty"),
        ("lint: {prefer: {TAEG: }}", "lint.prefer.TAEG:"),
        ("lint: {avoids: [x]}", "lint.avoids: unknown field 'avoids' (did you mean 'avoid'?)"),
    ],
)
def test_lint_fields_are_checked(tmp_path: Path, line: str, message: str) -> None:
    script = tmp_path / "x.yaml"
    script.write_text(f"title: T\n{line}\nscenes:\n  - type: title\n    title: T\n    duration: 2\n", encoding="utf-8")
    with pytest.raises(ScriptError) as info:
        load_script(script)
    assert any(message in str(p) for p in info.value.problems), [str(p) for p in info.value.problems]
