"""Text a viewer cannot read is bad input: every colour pair the scenes draw text with meets WCAG 2.x.

Ratios are checked against known WCAG values; each kind of pair, through the real CLI, gives
exactly its message (`file:line:col brand.<colour>: contrast R:1 ... is below M:1 (try #HEX)`)
and exit 2, with nothing written; the suggested colour passes, keeps the hue and is the nearest
that does; the shipped brands, examples and defaults pass. Nothing here renders.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from contract.script import Brand
from render.cli import group
from render.contrast_checks import ratio_text, shown_features, shown_pairs, suggestion
from render.loader import load_script
from scenes.contrast import (
    LARGE_MIN,
    NORMAL_MIN,
    caption_colours,
    contrast_ratio,
    distance,
    from_oklch,
    is_large,
    nearest_passing,
    oklab,
    quote_mark_colour,
    text_pairs,
)
from scenes.legal import band_colours
from scenes.roles import ROLES
from tests.helpers import REPO

_SCRIPT = Path(sys.executable).parent / "render"  # the installed command, as a user runs it
RENDER = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "render"]
EXAMPLES = sorted((REPO / "scripts").glob("*.yaml"))
BRAND_FILES = sorted((REPO / "assets" / "brand").glob("*.yaml"))


def check(script: Path) -> tuple[int, list[str]]:
    """`render --check SCRIPT` in this process: (exit code, the ERROR lines without their prefix)."""
    result = CliRunner().invoke(group, ["--check", str(script)], prog_name="render", catch_exceptions=False)
    lines = [line.removeprefix("ERROR ") for line in result.stderr.splitlines() if line.startswith("ERROR ")]
    return result.exit_code, lines


def write(folder: Path, text: str, name: str = "script.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the measure ---------------------------------------------------------------------------


def test_ratios_are_wcag_ones() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21.0)  # the order does not matter
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.005)  # just fails AA
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.005)  # the lightest grey that passes
    assert contrast_ratio("#0000FF", "#FFFFFF") == pytest.approx(8.59, abs=0.01)
    assert contrast_ratio("#F2A900", "#FFFFFF") == pytest.approx(2.01, abs=0.01)  # the default secondary
    assert contrast_ratio("#123456", "#123456") == pytest.approx(1.0)


def test_ratios_print_rounded_down_so_a_failure_never_reads_as_the_minimum() -> None:
    assert ratio_text(contrast_ratio("#777777", "#FFFFFF")) == "4.4"
    assert ratio_text(2.0) == "2.0" and ratio_text(2.99) == "2.9" and ratio_text(17.23) == "17.2"


def test_size_classes_follow_wcag_large_text_at_the_frames_scale() -> None:
    # 18.66 CSS px bold / 24 CSS px regular, the frame's short side seen as 360 CSS px
    assert is_large(56, bold=True) and not is_large(54, bold=True)
    assert is_large(72, bold=False) and not is_large(71, bold=False)
    large = {role for role, (px, bold) in ROLES.items() if is_large(px, bold)}
    assert large == {"display", "heading", "subheading", "number"}  # titles and numbers; items, captions are not
    pairs = {pair.name: pair for pair in text_pairs(Brand())}
    assert pairs["headings"].minimum == LARGE_MIN and pairs["the statistic's number"].minimum == LARGE_MIN
    assert pairs["body text"].minimum == NORMAL_MIN and pairs["burned-in captions"].minimum == NORMAL_MIN
    assert pairs["the closing scene's web address"].minimum == NORMAL_MIN  # 46 px bold: not large


def test_the_table_is_one_list_of_named_pairs() -> None:
    pairs = text_pairs(Brand())
    assert len({pair.name for pair in pairs}) == len(pairs)
    assert [pair.name for pair in pairs if pair.shown_when is None] == ["body text", "headings"]
    captions = next(pair for pair in pairs if pair.name == "burned-in captions")
    assert (captions.text, captions.ground) == caption_colours(Brand()) == ("#FFFFFF", "#1B1B1B")


# --- what passes ---------------------------------------------------------------------------


def test_the_default_brand_passes_every_pair() -> None:
    failing = [(p.name, round(p.ratio, 2)) for p in text_pairs(Brand()) if not p.passes]
    assert failing == []


@pytest.mark.parametrize("brand_file", BRAND_FILES, ids=[p.stem for p in BRAND_FILES])
def test_each_shipped_brand_passes_every_pair(brand_file: Path) -> None:
    import yaml

    brand = Brand.model_validate(yaml.safe_load(brand_file.read_text(encoding="utf-8")))
    assert [p.name for p in text_pairs(brand) if not p.passes] == []


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_each_example_passes_every_pair_even_those_it_does_not_show(script: Path) -> None:
    loaded = load_script(script)  # raises on any problem, contrast included
    assert [p.name for p in text_pairs(loaded.brand) if not p.passes] == []


def test_the_quote_mark_is_a_darker_shade_of_an_amber_secondary() -> None:
    brand = Brand()
    mark = quote_mark_colour(brand)
    assert contrast_ratio(brand.secondary, brand.background) < LARGE_MIN  # amber on white: 2.0:1
    assert contrast_ratio(mark, brand.background) >= LARGE_MIN
    assert oklab(mark)[0] < oklab(brand.secondary)[0] and _hue_gap(mark, brand.secondary) < 0.05
    kept = Brand(secondary="#8A2BE2")  # a secondary that reads is drawn as it is
    assert quote_mark_colour(kept) == "#8A2BE2"


@pytest.mark.parametrize(
    ("background", "text"),
    [
        ("#FFFFFF", "#1B1B1B"),
        ("#FFFFFF", "#FFFFFF"),
        ("#777777", "#7A7A7A"),
        ("#101820", "#F2A900"),
        ("#000000", "#000000"),
    ],
)
def test_the_legal_band_and_the_quote_mark_pass_by_construction(background: str, text: str) -> None:
    brand = Brand(background=background, text=text, secondary=text)
    pairs = {pair.name: pair for pair in text_pairs(brand)}
    assert pairs["the legal band"].passes and pairs["the quote mark"].passes
    assert band_colours(background, text).contrast >= NORMAL_MIN


# --- the suggestion ----------------------------------------------------------------------


def _hue_gap(a: str, b: str) -> float:
    """The difference of two colours' OKLab hue angles, in radians."""
    (_, a1, b1), (_, a2, b2) = oklab(a), oklab(b)
    gap = abs(math.atan2(b1, a1) - math.atan2(b2, a2))
    return min(gap, 2 * math.pi - gap)


@pytest.mark.parametrize(
    ("colour", "ground", "minimum"),
    [
        ("#777777", "#FFFFFF", NORMAL_MIN),
        ("#F2A900", "#FFFFFF", NORMAL_MIN),
        ("#F2A900", "#FFFFFF", LARGE_MIN),
        ("#66CC99", "#FFFFFF", LARGE_MIN),
        ("#1B1B1B", "#222222", NORMAL_MIN),  # text too close to a dark background: lighter
        ("#3355AA", "#10204A", NORMAL_MIN),
        ("#E4572E", "#FAF7F0", NORMAL_MIN),
    ],
)
def test_the_suggestion_passes_keeps_the_hue_and_is_the_nearest(colour: str, ground: str, minimum: float) -> None:
    def passes(c: str) -> bool:
        return contrast_ratio(c, ground) >= minimum

    found = nearest_passing(colour, passes)
    assert found is not None and passes(found) and not passes(colour)
    lightness, a, b = oklab(colour)
    chroma, hue = math.hypot(a, b), math.atan2(b, a)
    if chroma > 0.03:
        assert _hue_gap(found, colour) < 0.06
    # no shade of the same hue nearer the original passes, lighter or darker (in steps of 0.001 in L)
    near = distance(found, colour)
    for k in range(-1000, 1001):
        shade = from_oklch(lightness + k / 1000, chroma, hue)
        assert not passes(shade) or distance(shade, colour) >= near - 0.003, shade


def test_the_suggestion_keeps_every_pair_of_that_colour_passing() -> None:
    # a primary that passes as a heading (3:1) but not behind the closing's 46 px address (4.5:1)
    brand = Brand(primary="#2E9E5B")
    shown = {"closing", "closing.url", "comparison", "timeline", "bullets"}
    better = suggestion("primary", brand, shown)
    assert better is not None
    assert all(pair.passes for pair in shown_pairs(brand.model_copy(update={"primary": better}), shown))
    tightest = min(pair.ratio for pair in shown_pairs(brand.model_copy(update={"primary": better}), shown))
    assert NORMAL_MIN <= tightest < NORMAL_MIN + 0.15  # no darker than the tinted cards need


def test_grey_on_grey_finds_black_or_white() -> None:
    assert nearest_passing("#777777", lambda c: contrast_ratio(c, "#777777") >= NORMAL_MIN) in {"#000000", "#060606"}
    assert nearest_passing("#FFFFFF", lambda c: contrast_ratio(c, "#FFFFFF") >= NORMAL_MIN) == "#767676"


# --- the check, through the CLI ---------------------------------------------------------

TITLE = "  - {type: title, title: Bonjour, duration: 2}\n"


def _script(brand: str, scenes: str = TITLE, top: str = "") -> str:
    return f"title: Test\n{top}brand:\n{brand}scenes:\n{scenes}"


# (brand lines, scenes, extra top-level lines, line:col of the colour, expected message after it)
CASES = {
    "body text": (
        '  text: "#999999"\n',
        TITLE,
        "",
        "3:9",
        "brand.text: contrast 2.8:1 on background #FFFFFF is below 4.5:1 (try #767676); used for body text: "
        'write text: "#767676"',
    ),
    "headings (large: 3:1)": (
        '  primary: "#66CC99"\n',
        TITLE,
        "",
        "3:12",
        "brand.primary: contrast 1.9:1 on background #FFFFFF is below 3:1 (try #3EA777); used for headings: "
        'write primary: "#3EA777"',
    ),
    "captions": (
        '  text: "#999999"\n',
        TITLE,
        "captions: {burn: true}\n",
        "4:9",
        "brand.text: contrast 2.8:1 on background #FFFFFF is below 4.5:1 (try #767676); "
        'used for body text and burned-in captions: write text: "#767676"',
    ),
    "web address on the closing's button": (
        '  primary: "#2E9E5B"\n',
        "  - {type: closing, title: Merci, url: example.com, duration: 2}\n",
        "",
        "3:12",
        "brand.primary: contrast 3.4:1 behind text in background #FFFFFF is below 4.5:1 (try #058847); "
        'used for the closing scene\'s web address: write primary: "#058847"',
    ),
    "numbers on discs": (
        '  primary: "#2E9E5B"\n',
        "  - {type: bullets, items: [Un, Deux], duration: 2}\n",
        "",
        "3:12",
        "brand.primary: contrast 3.4:1 behind text in background #FFFFFF is below 4.5:1 (try #058847); "
        'used for numbers and icons on the list\'s discs: write primary: "#058847"',
    ),
    "a presenter's list": (
        '  primary: "#2E9E5B"\n',
        "  - {type: presenter, character: claire, items: [Un], duration: 2}\n",
        "cast: {claire: {style: toon-head}}\n",
        "4:12",
        "brand.primary: contrast 3.4:1 behind text in background #FFFFFF is below 4.5:1 (try #058847); "
        'used for numbers and icons on the list\'s discs: write primary: "#058847"',
    ),
    "words around a number": (
        '  primary: "#2E9E5B"\n',
        "  - {type: statistic, value: 12, prefix: plus de, suffix: projets, label: Oui, duration: 2}\n",
        "",
        "3:12",
        "brand.primary: contrast 3.4:1 on background #FFFFFF is below 4.5:1 (try #058847); "
        'used for words before the statistic\'s number: write primary: "#058847"',
    ),
    "quote author": (
        '  primary: "#2E9E5B"\n',
        "  - {type: quote, text: Oui, author: Claire, duration: 2}\n",
        "",
        "3:12",
        "brand.primary: contrast 3.4:1 on background #FFFFFF is below 4.5:1 (try #058847); "
        'used for the quote\'s author: write primary: "#058847"',
    ),
    "timeline dates (large)": (
        '  primary: "#66CC99"\n',
        "  - {type: timeline, events: [{date: '1901', text: Oui}, {date: '2024', text: Non}], duration: 2}\n",
        "",
        "3:12",
        "brand.primary: contrast 1.9:1 on background #FFFFFF is below 3:1 (try #3EA777); "
        'used for headings and timeline dates: write primary: "#3EA777"',
    ),
    "column heading on a card tinted with secondary": (
        '  primary: "#0F7A8A"\n  secondary: "#000000"\n',
        "  - {type: comparison, left: {heading: A, items: [a]}, right: {heading: B, items: [b]}, duration: 2}\n",
        "",
        "3:12",
        "brand.primary: contrast 3.6:1 on the right card #DBDBDB is below 4.5:1 (try #006A79); "
        'used for the right column\'s heading: write primary: "#006A79"',
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_kind_of_pair_is_reported_at_its_colour_with_exit_2(case: str, tmp_path: Path) -> None:
    brand, scenes, top, where, message = CASES[case]
    script = write(tmp_path, _script(brand, scenes, top))
    code, lines = check(script)
    assert (code, lines) == (2, [f"{script}:{where} {message}"])
    better = message.split("(try ")[1][:7]
    fixed = write(tmp_path, _script(brand.replace(brand.split('"')[1], better, 1), scenes, top), "fixed.yaml")
    assert check(fixed) == (0, [])  # the suggestion, written in, passes


def test_pairs_of_scenes_the_script_does_not_show_are_not_held_against_it(tmp_path: Path) -> None:
    # #2E9E5B passes as a heading (3.4:1 >= 3:1): only the closing's small address would fail
    script = write(
        tmp_path, _script('  primary: "#2E9E5B"\n', TITLE + "  - {type: closing, title: Merci, duration: 2}\n")
    )
    assert check(script) == (0, [])
    loaded = load_script(script)
    assert "closing.url" not in shown_features(loaded.script)


def test_a_brand_file_is_pointed_at_and_a_colour_not_written_at_the_top_of_it(tmp_path: Path) -> None:
    write(tmp_path, '# our brand\nprimary: "#00703C"\nbackground: "#222222"\n', "brand.yaml")
    script = write(tmp_path, "title: Test\nbrand: brand.yaml\nscenes:\n" + TITLE)
    code, lines = check(script)
    brand_file = tmp_path / "brand.yaml"
    assert code == 2
    assert lines == [
        f"{brand_file}:2:1 brand.text: contrast 1.0:1 on background #222222 is below 4.5:1 (try #898989); "
        'used for body text: write text: "#898989"',
        f"{brand_file}:2:10 brand.primary: contrast 2.5:1 on background #222222 is below 3:1 (try #187B46); "
        'used for headings: write primary: "#187B46"',
    ]


def test_a_colour_not_written_in_an_inline_brand_is_pointed_at_brand(tmp_path: Path) -> None:
    script = write(tmp_path, _script('  background: "#1B1B1B"\n'))
    code, lines = check(script)
    assert code == 2
    assert [line.split(" brand.")[0] for line in lines] == [f"{script}:2:1", f"{script}:2:1"]
    assert lines[0].startswith(f"{script}:2:1 brand.text: contrast 1.0:1 on background #1B1B1B is below 4.5:1")


def test_render_stops_before_any_work_and_writes_nothing(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    script = write(project, _script('  text: "#999999"\n'))
    out, cache = tmp_path / "build", tmp_path / "cache"
    for args in (["--check", str(script)], ["--out", str(out), "--cache-dir", str(cache), str(script)]):
        run = subprocess.run([*RENDER, *args], capture_output=True, text=True, timeout=120)
        assert run.returncode == 2, run.stderr
        assert (
            f"{script}:3:9 brand.text: contrast 2.8:1 on background #FFFFFF is below 4.5:1 (try #767676)" in run.stderr
        )
        assert "Traceback" not in run.stderr
    assert not out.exists() or not any(out.rglob("*"))
    assert sorted(p.name for p in project.iterdir()) == ["script.yaml"]
