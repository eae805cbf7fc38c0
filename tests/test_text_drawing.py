"""Texts Pango draws from a fallback font render; texts no font can draw are refused by field name.

The case behind these tests: a brand font without a character ("𐠀", Cypriot, only in
Noto Sans Cypriot here) crashed the render with Manim's "rendered fewer glyph(s)".
The character was drawn, but its right-to-left line was right-aligned past Manim's
canvas; invisible characters and clusters tripped the same glyph count.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from contract.errors import ExitCode
from contract.job import SceneJob
from contract.scene_errors import TextCannotBeDrawn
from contract.script import Brand, TitleScene
from scenes import fonts
from scenes.fonts import FontSpec, text_drawing_problem
from scenes.layout import TextBox, fit_text

CYPRIOT_A = "\U00010800"  # 𐠀: in Noto Sans Cypriot, not in Noto Sans; a right-to-left letter


def _installed_font_has(char: str) -> bool:
    out = subprocess.run(["fc-list", f":charset={ord(char):x}", "family"], capture_output=True, text=True)
    return bool(out.stdout.strip())


needs_fontconfig = pytest.mark.skipif(not shutil.which("fc-match"), reason="fontconfig's fc-match is needed")
needs_cypriot = pytest.mark.skipif(
    not (shutil.which("fc-list") and _installed_font_has(CYPRIOT_A)), reason="needs Noto Sans Cypriot (fonts-noto-core)"
)
no_cjk = pytest.mark.skipif(
    not shutil.which("fc-list") or _installed_font_has("漢"), reason="a CJK font is installed here"
)


# --- the function the checker and the renderer share (no Manim) -------------------------


@needs_fontconfig
@pytest.mark.parametrize(
    "text",
    [
        "Notre mission : « être utile »",
        CYPRIOT_A,  # only in a fallback font
        f"Bonjour {CYPRIOT_A}",
        "שלום עולם",  # Hebrew, right to left
        "नमस्ते",  # Devanagari clusters
        "a\u200bb",  # an invisible character between visible ones
        "ligne 1\r\nligne 2\tfin",
        "",  # nothing is shown: not a drawing problem
    ],
)
def test_drawable_text_has_no_problem(text: str) -> None:
    assert text_drawing_problem(text, "Noto Sans") is None


@needs_fontconfig
@no_cjk
def test_a_character_no_font_has_is_named_with_the_package_that_has_it() -> None:
    problem = text_drawing_problem("Notre 漢字", "Noto Sans")
    assert problem is not None
    assert "'漢' (U+6F22" in problem and "'字' (U+5B57" in problem
    assert "no installed font has them" in problem and "Noto Sans" in problem
    assert "fonts-noto-cjk" in problem
    assert "Notre" not in problem and "'N'" not in problem  # only the undrawable characters


def test_invisible_only_and_control_characters_are_problems() -> None:
    invisible = text_drawing_problem("\u200b\u200b", "Noto Sans")
    assert invisible is not None and "only invisible characters" in invisible and "U+200B" in invisible
    control = text_drawing_problem("a\x00b", "Noto Sans")
    assert control is not None and "U+0000" in control


@needs_fontconfig
def test_unassigned_code_points_get_no_package_suggestion() -> None:
    problem = text_drawing_problem("\u0378", "Noto Sans")  # unassigned in the Greek block
    assert problem is not None and "U+0378" in problem and "Debian package" not in problem


def test_a_character_only_a_colour_font_has_names_that_font(monkeypatch: pytest.MonkeyPatch) -> None:
    # fontconfig's answer replaced: the brand font, then a colour emoji font (bitmaps Manim cannot draw)
    fallback = (
        fonts._coverage("Noto Sans", True, "20-7e a0-17f"),
        fonts._coverage("Noto Color Emoji", False, "23 2a 30-39 1f600-1f64f"),
    )
    monkeypatch.setattr(fonts, "_fallback_fonts", lambda family, file: fallback)
    fonts._drawing_problem.cache_clear()
    try:
        problem = text_drawing_problem("Merci 🙂", "Noto Sans")
        assert problem is not None
        assert "'🙂' (U+1F642" in problem and "only Noto Color Emoji has it" in problem
        assert text_drawing_problem("Merci 2026 #1", "Noto Sans") is None  # found in the brand font first
    finally:
        fonts._drawing_problem.cache_clear()


def test_a_brand_font_file_is_asked_first() -> None:
    font_file = Path(__file__).resolve().parents[1] / "assets" / "fonts" / "NotoSerifDisplay-Bold.ttf"
    assert text_drawing_problem("Être utile", "Noto Serif Display", str(font_file)) is None


# --- the renderer side: never a crash -----------------------------------------------------


def _fit(text: str, width: float = 3.0, height: float = 2.0, align: str = "left"):  # type: ignore[no-untyped-def]
    return fit_text(
        text, FontSpec("Noto Sans"), "#000000", TextBox(width, height, 0.5, 0.18), "scenes[0].title", align=align
    )  # type: ignore[arg-type]


@needs_cypriot
@pytest.mark.parametrize("align", ["left", "center"])
def test_a_fallback_only_right_to_left_letter_is_drawn(align: str) -> None:
    mob = _fit(CYPRIOT_A, align=align)
    assert mob.glyphs_match and len(mob.submobjects) == 1
    glyph = mob.submobjects[0]
    assert glyph.has_points() and glyph.width > 0.1 and glyph.height > 0.1


def test_invisible_only_text_is_refused_by_field_name() -> None:
    with pytest.raises(TextCannotBeDrawn) as caught:
        _fit("\u200b\u200b")
    assert str(caught.value).startswith("scenes[0].title: nothing to show: only invisible characters")
    assert caught.value.exit_code == ExitCode.BAD_INPUT and caught.value.field_path == "scenes[0].title"


@no_cjk
def test_undrawable_text_is_refused_while_rendering_with_the_checkers_message() -> None:
    with pytest.raises(TextCannotBeDrawn) as caught:
        _fit("Notre 漢字")
    assert str(caught.value) == "scenes[0].title: " + str(text_drawing_problem("Notre 漢字", "Noto Sans"))


def _line_centres(mob, lines: list[str]) -> list[float]:  # type: ignore[no-untyped-def]
    """The centre x of each line's glyphs (lines told apart as build_text does)."""
    from scenes.glyphs import GlyphText
    from scenes.layout import _line_groups

    def alone(text: str) -> GlyphText:  # a line drawn alone, to count its glyphs
        return GlyphText(text, font="Noto Sans", disable_ligatures=True, warn_missing_font=False)

    return [group.get_center()[0] for group in _line_groups(mob, lines, alone)]


@pytest.mark.parametrize(
    "text",
    [
        "a\u200bb c\u00add e\u2060f ghijk lmnop",  # invisible characters among visible ones
        "שלום עולם ונהדר מאוד, ארוך וגם יפה",  # right-to-left lines
    ],
)
def test_centred_lines_with_invisible_or_right_to_left_characters(text: str) -> None:
    from scenes.layout import lines_of

    mob = _fit(text, width=1.6, align="center")
    lines = lines_of(mob)
    assert mob.glyphs_match and len(mob.submobjects) == len("\n".join(lines)) and len(lines) > 1
    centres = _line_centres(mob, lines)
    assert len(centres) == len(lines)
    assert all(abs(x - mob.get_center()[0]) < 0.02 for x in centres), centres


def test_clusters_drawn_as_fewer_glyphs_still_fit_and_are_centred() -> None:
    from scenes.layout import lines_of

    mob = _fit("لا سلام لا سلام لا سلام नमस्ते नमस्ते", width=1.6, align="center")
    lines = lines_of(mob)
    assert not mob.glyphs_match and len(lines) > 1  # Pango drew clusters: fewer glyphs than letters
    assert mob.width <= 1.6 * 1.001 and mob.height <= 2.0 * 1.001
    centres = _line_centres(mob, lines)
    assert len(centres) == len(lines)
    assert all(abs(x - mob.get_center()[0]) < 0.02 for x in centres), centres


# --- a real render ---------------------------------------------------------------------------


@pytest.mark.render
@needs_cypriot
@pytest.mark.skipif(not shutil.which("ffmpeg"), reason="ffmpeg is needed")
def test_title_of_a_fallback_only_letter_renders_with_ink_where_the_title_is(tmp_path: Path) -> None:
    from scenes import render_scene
    from tests.test_scenes import decode

    brand = Brand(font="Noto Sans")  # the case: no logo, Noto Sans lacks 𐠀
    job = SceneJob(
        index=0,
        field_path="scenes[0]",
        scene=TitleScene(type="title", title=CYPRIOT_A, narration="x"),
        brand=brand,
        width=320,
        height=180,
        fps=10,
        frame_count=12,
        cues=[0.0, 0.5],
        crf=18,
        preset="veryfast",
        enter="cut",
        exit="cut",
    )
    out = tmp_path / "title.mp4"
    render_scene(job, out)
    last = decode(out, 320, 180)[-1]
    primary = np.array([int(brand.primary[i : i + 2], 16) for i in (1, 3, 5)])
    ink = np.abs(last - primary).max(axis=-1) <= 60  # the title is drawn in the brand's primary colour
    ink[150:, :] = False  # the brand stripe in the bottom margin is not the title
    ys, xs = np.nonzero(ink)
    assert ink.sum() > 40, "the title left (almost) no ink"
    # a glyph-sized blot in the middle of the frame, where the title is centred
    assert abs(xs.mean() - 160) < 12 and 50 < ys.mean() < 110
    assert 8 < xs.max() - xs.min() < 60 and 8 < ys.max() - ys.min() < 60


@pytest.mark.render
@no_cjk
@pytest.mark.skipif(not shutil.which("ffmpeg"), reason="ffmpeg is needed")
def test_render_refuses_undrawable_title_as_bad_input_with_its_field_path(tmp_path: Path) -> None:
    from scenes import render_scene

    job = SceneJob(
        index=2,
        field_path="scenes[2]",
        scene=TitleScene(type="title", title="Notre 漢字", subtitle="\u200b", narration="x"),
        brand=Brand(font="Noto Sans"),
        width=320,
        height=180,
        fps=10,
        frame_count=5,
        cues=[0.0, 0.2],
    )
    out = tmp_path / "title.mp4"
    with pytest.raises(TextCannotBeDrawn) as caught:
        render_scene(job, out)
    error = caught.value
    assert error.exit_code == ExitCode.BAD_INPUT and not out.exists()
    assert error.field_path in ("scenes[2].title", "scenes[2].subtitle")  # whichever the builder fits first
    assert str(error).startswith(error.field_path + ": ")
