"""One script, several languages: `languages: [fr, en]`, texts as `{fr: …, en: …}`, a video per language."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import srt

from contract.errors import ScriptError
from render.commands.build import variant_durations
from render.loader import load_script, load_variants
from render.pipeline import RenderOptions, render_loaded
from scenes.numbers import NNBSP, decimals_of, format_number
from tests.helpers import make_project

TWO_LANGUAGES = """\
languages: [fr, en]
title: {fr: Notre mission, en: Our mission}
video: {resolution: 480p, fps: 15}
lexicon: {fr: {TOOKAM: tou kame}, en: {TOOKAM: too calm}}
publish:
  title: {fr: Notre mission, en: Our mission}
  description: {fr: Une banque utile., en: A useful bank.}
  tags: [{fr: banque, en: bank}, {all: TOOKAM}]
scenes:
  - type: statistic
    value: 12500.5
    label: {fr: clients satisfaits, en: happy customers}
    narration: {fr: "Bonjour à tous.", en: "Hello everyone."}
  - type: bullets
    title: {fr: Nos priorités, en: Our priorities}
    items:
      - {text: {fr: Écouter, en: Listen}, icon: ear-listen}
      - {text: {all: TOOKAM}, icon: comments}
    narration: {fr: ["Deux priorités.", "Écouter."], en: ["Two priorities.", "Listen."]}
"""

CAST = """\
languages: [fr, en]
title: {fr: Bonjour, en: Hello}
voice: {id: roa/fr, rate: 150}
cast:
  claire: {style: toon-head, clothes: primary, look: {hair: bun}, voice: {rate: 155}}
  karim: {style: notionists, voice: {id: {fr: roa/fr, en: gmw/en}}}
  paul: {style: notionists, voice: {id: {fr: roa/fr}, rate: 170}}
scenes:
  - type: dialogue
    characters: [karim, claire]
    lines:
      - {who: karim, say: {fr: "Bonjour Claire.", en: "Hello Claire."}}
      - {who: claire, say: {fr: "Bonjour Karim !", en: "Hello Karim!"}}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("project"))


def write(project: Path, name: str, text: str) -> Path:
    script = project / "scripts" / f"{name}.yaml"
    script.write_text(text, encoding="utf-8")
    return script


def run_render(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "render", *args], capture_output=True, text=True, cwd=project)


# --- loading: no render ---------------------------------------------------------------------


def test_each_variant_is_a_one_language_script(project: Path) -> None:
    fr, en = load_variants(write(project, "duo", TWO_LANGUAGES))
    assert (fr.name, fr.variant, fr.script.language) == ("duo-fr", "fr", "fr")
    assert (en.name, en.variant, en.script.language) == ("duo-en", "en", "en")
    assert en.script.title == "Our mission"
    assert en.script.scenes[1].title == "Our priorities"  # type: ignore[union-attr]
    assert [i.text for i in en.script.scenes[1].items] == ["Listen", "TOOKAM"]  # type: ignore[union-attr]
    assert [i.text for i in fr.script.scenes[1].items] == ["Écouter", "TOOKAM"]  # type: ignore[union-attr]
    assert en.script.lexicon == {"TOOKAM": "too calm"}
    assert fr.script.lexicon == {"TOOKAM": "tou kame"}
    assert en.script.publish_settings.tags == ["bank", "TOOKAM"]
    assert en.script.publish_settings.description == "A useful bank."
    assert fr.script.voice.rate == 150 and en.script.voice.rate == 165  # each language's own default


def test_positions_follow_the_localised_text(project: Path) -> None:
    _, en = load_variants(write(project, "duo", TWO_LANGUAGES))
    # the English title of scene 2 sits on line 15, after `en: `
    line, column = en.document.position(("scenes", 1, "title"))
    assert line == 15
    assert TWO_LANGUAGES.splitlines()[14][column - 1 :].startswith("Our priorities")


def test_numbers_are_formatted_for_each_variant(project: Path) -> None:
    shown = {}
    for variant in load_variants(write(project, "duo", TWO_LANGUAGES)):
        value = variant.script.scenes[0].value  # type: ignore[union-attr]
        shown[variant.variant] = format_number(value, decimals_of(value), variant.script.language)
    assert shown == {"fr": f"12{NNBSP}500,5", "en": "12,500.5"}
    assert format_number(3.5, 1, "fr") == "3,5" and format_number(3.5, 1, "en") == "3.5"


def test_a_missing_translation_names_field_language_and_place(project: Path) -> None:
    text = TWO_LANGUAGES.replace("title: {fr: Nos priorités, en: Our priorities}", "title: {fr: Nos priorités}")
    with pytest.raises(ScriptError) as caught:
        load_variants(write(project, "missing", text))
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (15, "scenes[1].title")
    assert problem.message == 'no "en" text'
    assert problem.hint == "add en: … or {all: …}"


def test_narration_beats_missing_in_one_language(project: Path) -> None:
    text = TWO_LANGUAGES.replace(', en: ["Two priorities.", "Listen."]', "")
    with pytest.raises(ScriptError) as caught:
        load_variants(write(project, "beats", text))
    assert [(p.field, p.message) for p in caught.value.problems] == [("scenes[1].narration", 'no "en" text')]


def test_a_language_not_declared_is_named(project: Path) -> None:
    text = TWO_LANGUAGES.replace(
        "{fr: Notre mission, en: Our mission}\nvideo", "{fr: Notre mission, en: Our mission, de: Mission}\nvideo"
    )
    with pytest.raises(ScriptError) as caught:
        load_variants(write(project, "german", text))
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (2, "title.de")
    assert problem.message == '"de" is not one of `languages` (fr, en)'


def test_language_and_languages_must_agree(project: Path) -> None:
    with pytest.raises(ScriptError) as caught:
        load_variants(write(project, "both", "language: en\n" + TWO_LANGUAGES))
    (problem,) = caught.value.problems
    assert problem.field == "language"
    assert "starts with fr" in problem.message
    same = load_variants(write(project, "same", "language: fr\n" + TWO_LANGUAGES))
    assert [v.variant for v in same] == ["fr", "en"]


def test_bad_languages_list(project: Path) -> None:
    with pytest.raises(ScriptError) as caught:
        load_variants(write(project, "bad", TWO_LANGUAGES.replace("[fr, en]", "[fr, fr, 12]")))
    assert {p.field for p in caught.value.problems} >= {"languages[1]", "languages[2]"}


def test_an_unknown_lang_is_refused(project: Path) -> None:
    from contract.errors import InputError

    with pytest.raises(InputError, match="no de version"):
        load_variants(write(project, "duo", TWO_LANGUAGES), languages=("de",))
    assert [v.variant for v in load_variants(project / "scripts" / "duo.yaml", languages=("en",))] == ["en"]


def test_a_flat_lexicon_is_the_originals(project: Path) -> None:
    text = TWO_LANGUAGES.replace("{fr: {TOOKAM: tou kame}, en: {TOOKAM: too calm}}", "{TOOKAM: tou kame}")
    fr, en = load_variants(write(project, "flat", text))
    assert (fr.script.lexicon, en.script.lexicon) == ({"TOOKAM": "tou kame"}, {})
    text = TWO_LANGUAGES.replace(", en: {TOOKAM: too calm}}", "}")
    fr, en = load_variants(write(project, "french-words", text))
    assert (fr.script.lexicon, en.script.lexicon) == ({"TOOKAM": "tou kame"}, {})


def test_characters_keep_their_look_and_take_the_variants_voice(project: Path) -> None:
    fr, en = load_variants(write(project, "cast", CAST))
    assert fr.script.cast["claire"].look == en.script.cast["claire"].look
    assert fr.script.cast["claire"].clothes == en.script.cast["claire"].clothes
    assert fr.script.voice.id == "roa/fr"
    assert en.script.voice.id is None  # a plain id is the original's voice: English chooses its own
    assert en.script.cast["claire"].voice is not None and en.script.cast["claire"].voice.rate == 155
    assert en.script.cast["karim"].voice is not None and en.script.cast["karim"].voice.id == "gmw/en"
    paul = en.script.cast["paul"].voice
    assert paul is not None and (paul.id, paul.rate) == (None, 170)  # no English id given: the best English voice
    assert [line.say for line in en.script.scenes[0].lines] == ["Hello Claire.", "Hello Karim!"]  # type: ignore[union-attr]


def test_a_one_language_script_is_unchanged(project: Path) -> None:
    text = (
        "title: Bonjour\nlanguage: fr\nlexicon: {TOOKAM: tou kam}\n"
        "scenes:\n  - type: title\n    title: Bonjour\n    narration: Bonjour.\n"
    )
    script = write(project, "solo", text)
    (loaded,) = load_variants(script)
    assert (loaded.name, loaded.variant, loaded.languages) == ("solo", None, ())
    assert loaded.script.model_dump() == load_script(script).script.model_dump()
    assert loaded.script.lexicon == {"TOOKAM": "tou kam"}


def test_duration_lines_compare_with_the_original(project: Path) -> None:
    fr, en = load_variants(write(project, "duo", TWO_LANGUAGES))
    assert variant_durations([(fr, 10.0), (en, 11.5)]) == [
        "duo-fr: 10.0 s (original)",
        "duo-en: 11.5 s (+15 % against fr)",
    ]


# --- through the real CLI ----------------------------------------------------------------------


@pytest.mark.render
def test_render_writes_a_video_per_language(project: Path, tmp_path: Path) -> None:
    script = write(project, "duo", TWO_LANGUAGES)
    out = tmp_path / "out"
    run = run_render(project, "--out", str(out), "--cache-dir", str(tmp_path / "cache"), str(script))
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["duo-en", "duo-fr"]
    spoken = {"fr": "Bonjour à tous.", "en": "Hello everyone."}
    for lang in ("fr", "en"):
        folder = out / f"duo-{lang}"
        for name in (
            f"duo-{lang}.mp4",
            f"duo-{lang}.{lang}.srt",
            f"duo-{lang}.{lang}.vtt",
            f"duo-{lang}.thumbnail.png",
        ):
            assert (folder / name).is_file(), name
        manifest = json.loads((folder / "manifest.json").read_text())
        assert (manifest["name"], manifest["language"]) == (f"duo-{lang}", lang)
        assert manifest["voice"]["language"] == lang
        assert manifest["voice"]["id"].endswith(f"/{lang}")
        cues = list(srt.parse((folder / f"duo-{lang}.{lang}.srt").read_text(encoding="utf-8")))
        assert cues[0].content.replace("\n", " ") == spoken[lang]
        assert f"Language: {lang}" in (folder / f"duo-{lang}.{lang}.vtt").read_text(encoding="utf-8")
    output = run.stdout + run.stderr
    assert "duo-fr: " in output and "(original)" in output
    assert "% against fr)" in output


@pytest.mark.render
def test_lang_renders_one_language_only(project: Path, tmp_path: Path) -> None:
    script = write(project, "duo", TWO_LANGUAGES)
    out = tmp_path / "out"
    run = run_render(project, "--lang", "en", "--out", str(out), "--cache-dir", str(tmp_path / "cache"), str(script))
    assert run.returncode == 0, run.stderr
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == ["duo-en"]


@pytest.mark.render
def test_a_scene_drawn_the_same_in_every_language_is_rendered_once(project: Path, tmp_path: Path) -> None:
    text = (
        "languages: [fr, en]\ntitle: {fr: Bonjour, en: Hello}\nvideo: {resolution: 480p, fps: 15}\n"
        "voice: {engine: silent}\nscenes:\n"
        "  - {type: title, title: {all: TOOKAM}, duration: 1}\n"
        "  - {type: statistic, value: 3.5, suffix: '%', label: {all: TOOKAM}, duration: 1}\n"
    )
    options = RenderOptions(out_dir=tmp_path / "out", jobs=1, cache_dir=tmp_path / "cache", log=lambda _: None)
    fr, en = (render_loaded(variant, options) for variant in load_variants(write(project, "shared", text)))
    assert (fr.scenes_rendered, fr.scenes_cached) == (2, 0)
    assert (en.scenes_rendered, en.scenes_cached) == (1, 1)  # the statistic shows 3,5 % and 3.5%: its own clip


def test_cli_missing_translation_exits_2_and_writes_nothing(project: Path, tmp_path: Path) -> None:
    text = TWO_LANGUAGES.replace("title: {fr: Nos priorités, en: Our priorities}", "title: {fr: Nos priorités}")
    script = write(project, "missing", text)
    out = tmp_path / "out"
    run = run_render(project, "--out", str(out), str(script))
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert 'missing.yaml:15:12 scenes[1].title: no "en" text; add en: … or {all: …}' in run.stderr
    assert not out.exists()


# --- translation files (.po) ---------------------------------------------------------------------

FRENCH_ONLY = """\
languages: [fr, en]
title: Notre mission
video: {resolution: 480p, fps: 15}
voice: {engine: silent}
publish: {title: Notre mission, tags: [banque, {all: TOOKAM}]}
scenes:
  - type: bullets
    title: {fr: Nos priorités, en: Our priorities}
    items:
      - {text: Écouter, icon: ear-listen}
      - {text: "2026", icon: comments}
    narration: ["Deux priorités.", "Écouter."]
"""


def test_po_round_trip(project: Path) -> None:
    import polib

    from render.commands.strings import export_strings

    script = write(project, "pomission", FRENCH_ONLY)
    po_path = script.with_name("pomission.en.po")
    po_path.unlink(missing_ok=True)
    with pytest.raises(ScriptError) as caught:  # a plain French text, no translation: missing
        load_variants(script, languages=("en",))
    assert ("title", 'no "en" text') in [(p.field, p.message) for p in caught.value.problems]
    export_strings(script, "en", update=False)
    po = polib.pofile(str(po_path))
    entries = {e.msgctxt: e for e in po}
    assert "scenes[0].items[1].text" not in entries  # "2026": not language text
    assert "publish.tags[1]" not in entries  # {all: …}
    assert entries["scenes[0].title"].msgstr == "Our priorities"  # the inline translation
    assert entries["title"].occurrences == [("pomission.yaml", "2")]
    english = {
        "title": "Our mission",
        "publish.title": "Our mission",
        "publish.tags[0]": "bank",
        "scenes[0].items[0].text": "Listen",
        "scenes[0].narration[0]": "Two priorities.",
        "scenes[0].narration[1]": "Listen.",
    }
    assert set(english) <= set(entries)
    for context, text in english.items():
        entries[context].msgstr = text
    po.save(str(po_path))
    (en,) = load_variants(script, languages=("en",))
    assert en.script.title == "Our mission"
    assert [i.text for i in en.script.scenes[0].items] == ["Listen", "2026"]  # type: ignore[union-attr]
    assert en.script.scenes[0].narration == ["Two priorities.", "Listen."]
    assert en.script.publish_settings.tags == ["bank", "TOOKAM"]
    # the original changes: the entry is out of date, reported at its line in the .po
    changed = write(project, "pomission", FRENCH_ONLY.replace("title: Notre mission\nvideo", "title: Notre but\nvideo"))
    with pytest.raises(ScriptError) as caught:
        load_variants(changed, languages=("en",))
    (problem,) = caught.value.problems
    assert problem.file.endswith("pomission.en.po") and problem.field == "title"
    assert "the original changed after translation" in problem.message
    with pytest.raises(Exception, match="already exists"):
        export_strings(changed, "en", update=False)
    export_strings(changed, "en", update=True)
    title = next(e for e in polib.pofile(str(po_path)) if e.msgctxt == "title")
    assert (title.msgid, title.msgstr, title.fuzzy, title.previous_msgid) == (
        "Notre but",
        "Our mission",
        True,
        "Notre mission",
    )
    with pytest.raises(ScriptError) as caught:
        load_variants(changed, languages=("en",))
    assert "fuzzy" in caught.value.problems[0].message


def test_a_malformed_po_is_bad_input(project: Path) -> None:
    script = write(project, "pobad", FRENCH_ONLY)
    script.with_name("pobad.en.po").write_text('msgid "a"\nmsgstr "b"\nhello\n', encoding="utf-8")
    with pytest.raises(ScriptError) as caught:
        load_variants(script, languages=("en",))
    assert any(p.file.endswith("pobad.en.po") and p.field == "(po)" for p in caught.value.problems)


def test_lint_warns_when_a_language_drifts(project: Path) -> None:
    from render.lint import estimate_speech, language_drift, lint_report

    long_english = TWO_LANGUAGES.replace(
        'en: "Hello everyone."', 'en: "Hello everyone, and welcome to this long presentation of our whole bank."'
    ).replace("12500.5", "12500.5\n    duration: 1")
    linted = [
        (v, lint_report(v, estimate_speech(v.script))) for v in load_variants(write(project, "drift", long_english))
    ]
    language_drift(linted)
    drift = [f for _, r in linted for f in r.findings if f.rule == "language-drift"]
    assert [(f.field, f.line) for f in drift] == [("languages[1]", 1)]
    assert "against the original (fr" in drift[0].message
    same = [(v, lint_report(v, estimate_speech(v.script))) for v in load_variants(write(project, "duo", TWO_LANGUAGES))]
    language_drift(same)
    assert not [f for _, r in same for f in r.findings if f.rule == "language-drift"]


@pytest.mark.render
def test_a_po_only_language_renders(project: Path, tmp_path: Path) -> None:
    text = (
        "languages: [fr, en]\ntitle: Bonjour\nvideo: {resolution: 480p, fps: 15}\nvoice: {engine: silent}\n"
        "scenes:\n  - {type: title, title: Bonjour, duration: 1}\n"
    )
    script = write(project, "poonly", text)
    script.with_name("poonly.en.po").write_text(
        'msgctxt "title"\nmsgid "Bonjour"\nmsgstr "Hello"\n\n'
        'msgctxt "scenes[0].title"\nmsgid "Bonjour"\nmsgstr "Hello"\n',
        encoding="utf-8",
    )
    (en,) = load_variants(script, languages=("en",))
    options = RenderOptions(out_dir=tmp_path / "out", jobs=1, cache_dir=tmp_path / "cache", log=lambda _: None)
    render_loaded(en, options)
    manifest = json.loads((tmp_path / "out" / "poonly-en" / "manifest.json").read_text())
    assert (manifest["name"], manifest["language"], manifest["title"]) == ("poonly-en", "en", "Hello")
