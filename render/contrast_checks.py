"""The contrast check: every colour pair a script's scenes draw text with must be readable (WCAG 2.x).

The pairs come from the one table, :func:`scenes.contrast.text_pairs`; a script is held to
those it shows (body text and headings always; a scene type's own pairs when it has such a
scene; the legal band, burned-in captions, a closing address when there are some). A pair
below 4.5:1 (3:1 for large text) is bad input, reported once per brand colour at the place
that colour is written (or at `brand:` / the top of the file when it is not written), with the
nearest colour of the same hue that makes every pair of that colour pass:

    scripts/x.yaml:8:9 brand.text: contrast 1.9:1 on background #FFFFFF is below 4.5:1 (try #767676);
    used for body text and burned-in captions: write text: "#767676"
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from contract.problems import Problem, format_path
from contract.scene_types.base import type_name
from contract.scene_types.presenter import PresenterScene
from contract.script import Brand, ClosingScene, QuoteScene, Script, StatisticScene
from render.file_checks import BrandSource
from scenes.contrast import BrandColour, TextPair, nearest_passing, text_pairs
from scenes.numbers import is_wordy


def shown_features(script: Script) -> set[str]:
    """What the script puts on screen, in the terms of :attr:`TextPair.shown_when`."""
    shown: set[str] = set()
    for scene in script.scenes:
        shown.add(type_name(type(scene)))
        if scene.legal_mentions():
            shown.add("legal")
        if isinstance(scene, ClosingScene) and (scene.url or "").strip():
            shown.add("closing.url")
        if isinstance(scene, QuoteScene) and (scene.author or "").strip():
            shown.add("quote.author")
        if isinstance(scene, StatisticScene):
            if is_wordy(scene.prefix or ""):
                shown.add("statistic.prefix")
            if is_wordy(scene.suffix or ""):
                shown.add("statistic.suffix")
        if isinstance(scene, PresenterScene) and scene.items:
            shown.add("bullets")  # its panel is a list, drawn by the bullets scene
    if script.captions.burn:
        shown.add("captions")
    return shown


def shown_pairs(brand: Brand, shown: set[str]) -> list[TextPair]:
    """The pairs of :func:`text_pairs` that a script showing `shown` puts on screen."""
    return [pair for pair in text_pairs(brand) if pair.shown_when is None or pair.shown_when in shown]


def check_contrast(script: Script, brand: Brand, source: BrandSource) -> list[Problem]:
    """One problem for each brand colour that some pair the script shows fails with."""
    shown = shown_features(script)
    pairs = shown_pairs(brand, shown)
    failing: dict[BrandColour, list[TextPair]] = {}
    for pair in pairs:
        if not pair.passes:
            failing.setdefault(pair.field, []).append(pair)
    problems = [_problem(field, found, brand, shown, source) for field, found in failing.items()]
    return sorted(problems, key=lambda problem: problem.position)


def suggestion(field: BrandColour, brand: Brand, shown: set[str]) -> str | None:
    """The colour nearest `brand.<field>` (same hue) with which every pair of that colour passes.

    The pairs that pass already must still pass (a primary made darker for its headings must
    not spoil the comparison's tinted cards, say).
    """
    before = {pair.name: pair.passes for pair in shown_pairs(brand, shown)}

    def passes(colour: str) -> bool:
        after = shown_pairs(brand.model_copy(update={field: colour}), shown)
        return all(pair.passes for pair in after if pair.field == field or before[pair.name])

    return nearest_passing(getattr(brand, field), passes)


def ratio_text(ratio: float) -> str:
    """4.48 -> "4.4", 2.0 -> "2.0": rounded down, so a failing ratio never prints as its minimum."""
    return f"{math.floor(ratio * 10 + 1e-9) / 10:.1f}"


def minimum_text(minimum: float) -> str:
    """4.5 -> "4.5", 3.0 -> "3", as WCAG writes them."""
    return f"{minimum:g}"


def _problem(
    field: BrandColour, failing: Sequence[TextPair], brand: Brand, shown: set[str], source: BrandSource
) -> Problem:
    worst = min(failing, key=lambda pair: pair.ratio / pair.minimum)
    better = suggestion(field, brand, shown)
    advice = f"try {better}" if better else "no shade of this colour passes: change the other one"
    message = (
        f"contrast {ratio_text(worst.ratio)}:1 {worst.against} {worst.other} "
        f"is below {minimum_text(worst.minimum)}:1 ({advice})"
    )
    names = [pair.name for pair in failing]
    uses = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    hint = f"used for {uses}" + (f': write {field}: "{better}"' if better else "")
    path = (*source.prefix, field)
    written = source.doc.values.get(path)
    line, column = written or source.doc.position(source.prefix, key=True)
    return Problem(str(source.doc.file), line, column, format_path(("brand", field)), message, hint)
