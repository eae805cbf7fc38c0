"""Property test: any text either fits its box (every glyph inside) or is refused by name."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from contract.scene_errors import TextCannotBeDrawn, TextDoesNotFit
from scenes.fonts import FontSpec
from scenes.layout import TextBox, fit_text

WORDS = st.sampled_from(
    [
        "banque",
        "région",
        "l’épargne",
        "«",
        "»",
        "Crédit",
        "12 500",
        "€",
        "%",
        ":",
        "!",
        "?",
        "—",
        "www.banqueduval.example/nos-priorites",
        "anticonstitutionnellement",
        "TOOKAM",
        "œuvre",
        "ça",
        "Qu'est-ce",
        "2026",
        "e-mail",
        "…",
    ]
)
TEXTS = st.lists(WORDS, min_size=1, max_size=60).map(" ".join) | st.text(
    alphabet=st.characters(categories=("L", "N", "P", "Zs")), min_size=1, max_size=200
).filter(str.strip)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # examples: the profile (conftest)
@given(
    text=TEXTS,
    width=st.floats(2.0, 12.0),
    height=st.floats(0.6, 6.0),
    align=st.sampled_from(["left", "center"]),
    bold=st.booleans(),
)
# the cases random runs found (or could have): a right-to-left letter alone, which Pango drew
# off Manim's canvas; invisible characters, which leave no glyph; clusters (lam-alef, a
# Devanagari conjunct) drawn as one glyph; a character no installed font has
@example(text="𐠀", width=2.0, height=0.6, align="left", bold=False)
@example(text="𐠀", width=2.0, height=0.6, align="center", bold=True)
@example(text="\u200b\u200b", width=2.0, height=0.6, align="left", bold=False)
@example(text="a\u200bb \u00adc", width=2.0, height=0.6, align="center", bold=False)
@example(text="شلام لا سلام لا سلام لا سلام לא שלום", width=2.0, height=2.0, align="center", bold=False)
@example(text="नमस्ते दुनिया नमस्ते दुनिया", width=2.0, height=2.0, align="center", bold=True)
@example(text="漢字 ᚠ", width=2.0, height=0.6, align="left", bold=False)
def test_text_fits_its_box_or_is_refused_by_name(
    text: str, width: float, height: float, align: str, bold: bool
) -> None:
    box = TextBox(width, height, 0.5, 0.18)
    try:
        mob = fit_text(text, FontSpec("Noto Sans"), "#1B1B1B", box, "scenes[0].title", bold=bold, align=align)  # type: ignore[arg-type]
    except (TextDoesNotFit, TextCannotBeDrawn) as error:
        assert str(error).startswith("scenes[0].title: ")
        return
    assert mob.width <= width * 1.001 + 1e-6
    assert mob.height <= height * 1.001 + 1e-6
    assert mob.has_points() or any(m.has_points() for m in mob.get_family())  # something is drawn


@pytest.mark.parametrize("text", ["a", "Notre mission", "« Une banque utile »"])
def test_short_text_always_fits(text: str) -> None:
    mob = fit_text(text, FontSpec("Noto Sans"), "#000000", TextBox(6.0, 1.0, 0.5, 0.18), "x")
    assert 0 < mob.width <= 6.0 and 0 < mob.height <= 1.0
