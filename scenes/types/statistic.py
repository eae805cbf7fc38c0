"""statistic: a big number that counts up from 0, with its label below.

cues: [number, label]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from manim import DOWN, ORIGIN, UP, Animation, VGroup, rate_functions

from contract.script import StatisticScene
from scenes.base import Beat, Kit, TimedAnimation, place
from scenes.fonts import Measure
from scenes.layout import build_text, em_of, wrap
from scenes.numbers import NNBSP, decimals_of, format_number, is_wordy
from scenes.registry import register

if TYPE_CHECKING:
    from manim import Text

COUNT_SECONDS = 1.8
FADE_IN = 5.0  # the number is fully opaque after 1/5 of the count
NBSP = "\u00a0"


class CountUp(Animation):
    """Rebuilds the number's text as it counts (only when the shown string changes)."""

    def __init__(self, holder: VGroup, make: Callable[[float], Any], value: float, **kwargs: Any) -> None:
        self._make = make
        self._value = value
        self._shown: str | None = None
        self._beginning = False
        super().__init__(holder, introducer=True, rate_func=rate_functions.ease_out_cubic, **kwargs)

    def begin(self) -> None:
        # Manim fixes the list of moving mobjects right after begin(): keep the holder empty
        # until then, so every text swapped in later is drawn through the holder and no
        # stale child stays in that list.
        self._beginning = True
        self.mobject.submobjects = []
        super().begin()
        self._beginning = False

    def interpolate_mobject(self, alpha: float) -> None:
        if self._beginning:
            return
        current = self._value * self.rate_func(alpha)
        mob, label = self._make(current)
        mob.set_opacity(min(1.0, alpha * FADE_IN))  # the number fades in as it starts counting
        if label != self._shown:
            self._shown = label
            self.mobject.submobjects = [mob]

    def finish(self) -> None:
        super().finish()
        mob, label = self._make(self._value)
        mob.set_opacity(1.0)
        self._shown = label
        self.mobject.submobjects = [mob]

    def create_starting_mobject(self) -> Any:
        return VGroup()  # the holder is empty until the first frame; nothing to copy


def with_affixes(prefix: str, number: str, suffix: str, language: str) -> str:
    """Join prefix, number and suffix with the spacing the language expects.

    The script model strips surrounding spaces, so spacing is decided here: French puts
    a narrow no-break space before %, currency signs and words ("4,5 %", "12 500 €");
    English joins symbols ("+12%", "$5", "3.5M") and spaces whole words ("12 clients").
    """
    french = language.lower().startswith("fr")
    # a space the script wrote at the junction ("€ ", " %") is kept, as a no-break space
    spaced_prefix, spaced_suffix = prefix[-1:].isspace(), suffix[:1].isspace()
    prefix, suffix = prefix.strip(), suffix.strip()
    if prefix:
        last = prefix.split(" ")[-1]
        if spaced_prefix or (last[-1:].isalpha() and (len(last) > 1 or french)):
            prefix += " " if not french else NBSP
    if suffix:
        first = suffix.split(" ")[0]
        if french and (first[0] in "%€$£¥‰" or first[0].isalpha()):
            suffix = NNBSP + suffix
        elif spaced_suffix or (first[0].isalpha() and len(first) > 1):
            suffix = (NBSP if french else " ") + suffix
    return prefix + number + suffix


class _Affixes(NamedTuple):
    """The prefix and suffix split into symbols kept on the number and words set apart."""

    prefix: str
    suffix: str
    word_prefix: str
    word_suffix: str


def _split_affixes(prefix: str, suffix: str) -> _Affixes:
    # words ("plus de", "projets") go on their own line at a smaller size; symbols
    # ("+", "€", "%", "M€") stay attached to the counting number
    word_prefix, word_suffix = "", ""
    if is_wordy(prefix):
        word_prefix, prefix = prefix.strip(), ""
    if is_wordy(suffix):
        word_suffix, suffix = suffix.strip(), ""
    return _Affixes(prefix, suffix, word_prefix, word_suffix)


def _affix_words(kit: Kit, affixes: _Affixes, width: float, height: float) -> tuple[Text | None, Text | None]:
    """The words drawn above the number (from the prefix) and below it (from the suffix)."""
    colour = kit.brand.primary
    above = below = None
    if affixes.word_prefix:
        above = kit.text(
            affixes.word_prefix, "prefix", "subheading", width, height, colour=colour, align="center", bold=False
        )
    if affixes.word_suffix:
        below = kit.text(affixes.word_suffix, "suffix", "subheading", width, height, colour=colour, align="center")
    return above, below


def _stack_on_number(kit: Kit, final: Text, above: Text | None, below: Text | None) -> list[Any]:
    """The number at the centre with its words just above and below it, top to bottom."""
    final.move_to(ORIGIN)
    parts: list[Any] = []
    if above is not None:
        above.next_to(final, UP, buff=kit.px(20))
        parts.append(above)
    parts.append(final)
    if below is not None:
        below.next_to(final, DOWN, buff=kit.px(26))
        parts.append(below)
    return parts


@register(StatisticScene)
def build(kit: Kit, scene: StatisticScene) -> list[Beat]:
    box, cues, brand = kit.content, kit.job.cues, kit.brand
    decimals = decimals_of(scene.value)
    affixes = _split_affixes(scene.prefix or "", scene.suffix or "")

    def shown(value: float) -> str:
        number = format_number(value, decimals, kit.language)
        return with_affixes(affixes.prefix, number, affixes.suffix, kit.language)

    width = box.width
    above, below = _affix_words(kit, affixes, width, box.height * 0.14)
    used = sum(m.height + kit.px(16) for m in (above, below) if m is not None)
    final = kit.text(
        shown(scene.value),
        "value",
        "number",
        width,
        box.height * 0.42 - used * 0.5,
        colour=brand.primary,
        align="center",
    )
    em = em_of(final)
    bar = kit.accent_bar(width=kit.px(180))
    label = kit.text(scene.label, "label", "body", width * 0.9, box.height * 0.34, align="center")
    parts = _stack_on_number(kit, final, above, below)
    bar.next_to(parts[-1], DOWN, buff=kit.px(40))
    label.next_to(bar, DOWN, buff=kit.px(40))
    block = VGroup(*parts, bar, label)
    place(block, x=box.x, y=box.y)
    anchor = final.get_center()
    font = kit.font_for("number")
    measure = Measure(font, bold=True)
    final_text = shown(scene.value)
    cache: dict[str, Any] = {final_text: final}

    def make(value: float) -> tuple[Any, str]:
        text = shown(value)
        if text not in cache:
            lines = wrap(text, measure, em, width, split_words=True) or [text]
            mob = build_text(lines, font, brand.primary, em, bold=True, align="center")
            if mob.width > width:
                mob.scale_to_fit_width(width)
            mob.move_to(anchor)
            if last[0] != final_text:  # keep memory flat: the final text and the latest one
                cache.pop(last[0], None)
            last[0] = text
            cache[text] = mob
        return cache[text], text

    last = [""]
    holder = VGroup()

    words = [m for m in (above, below) if m is not None]
    # the accent bar and the number's words ("plus de", "minutes") open the scene; the number
    # counts up between them from the first frame
    kit.open_with(bar, *words)

    def count() -> list[TimedAnimation]:
        return [(CountUp(holder, make, scene.value), 0.0, 1.0)]

    beats = [
        # the number opens the scene: it counts from the first frame, not from its cue
        Beat(0.0, [final], count, seconds=COUNT_SECONDS, name="number"),
        kit.rise_in(cues[1], label, "label"),
    ]
    return beats
