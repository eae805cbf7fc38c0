"""quote: a big quote mark from the first frame, the quote written in, the author fading in.

cues: [text, author]
"""

from __future__ import annotations

from manim import DOWN, LEFT, FadeIn, Text, VGroup, Write

from contract.script import QuoteScene
from scenes.base import Beat, Kit, TimedAnimation, place
from scenes.contrast import quote_mark_colour
from scenes.layout import lighten
from scenes.registry import register

_MARKS = "«»“”„‟\"'‹›‘’ \u00a0\u202f"


def strip_quote_marks(text: str) -> str:
    """The quote without the marks around it (the scene draws its own big mark)."""
    inner = text.strip()
    if inner[:1] in "«“„\"‹'‘" and inner[-1:] in "»”\"›'’“":
        inner = inner[1:-1].strip(_MARKS)
    return inner or text


@register(QuoteScene)
def build(kit: Kit, scene: QuoteScene) -> list[Beat]:
    box, cues, brand = kit.content, kit.job.cues, kit.brand
    mark_size = kit.px(300)
    opening = "«" if kit.is_french else "“"
    mark = Text(
        opening,
        font=kit.font_for("display").family,
        font_size=mark_size * 72,
        color=quote_mark_colour(brand),  # secondary, darkened when it would not stand out (scenes.contrast)
        weight="BOLD",
        warn_missing_font=False,
    )
    lighten(mark)
    indent = min(mark.width + kit.px(30), box.width * 0.18)
    if mark.width > indent - kit.px(30):
        mark.scale_to_fit_width(indent - kit.px(30))

    author = None
    if scene.author and scene.author.strip():
        author = kit.text(
            "— " + scene.author.strip(),
            "author",
            "caption",
            box.width - indent,
            box.height * 0.16,
            colour=brand.primary,
            align="right",
            bold=True,
        )
    text_h = box.height - (author.height + kit.px(50) if author else 0)
    text = kit.text(
        strip_quote_marks(scene.text),
        "text",
        "body",
        box.width - indent,
        text_h * 0.95,
        size=kit.role_size("body", 70 / 54),
        italic=True,
    )
    # a short quote is centred in the box with its mark, not pushed against the left margin
    left = max(box.left + indent, box.x - (indent + text.width) / 2 + indent)
    place(text, left=left)
    parts = [text]
    if author:
        # right-aligned under the text (or under the column when the text is short)
        right = max(text.get_right()[0], left + author.width)
        author.next_to(text, DOWN, buff=kit.px(50))
        place(author, right=right)
        parts.append(author)
    block = VGroup(*parts)
    place(block, y=box.y)
    # the mark hangs at the top left of the text; it opens the scene
    place(mark, right=left - kit.px(30), top=text.get_top()[1] + kit.px(10))
    kit.open_with(mark)

    def write() -> list[TimedAnimation]:
        return [(Write(text), 0.0, 1.0)]

    beats = [
        Beat(
            0.0,  # the quote opens the scene: written in from the first frame, not from its cue
            [text],
            write,
            seconds=min(3.0, 1.0 + 0.025 * len(scene.text)),
            name="text",
        )
    ]
    if author is not None:
        beats.append(
            Beat(
                cues[1],
                [author],
                lambda: [FadeIn(author, shift=LEFT * kit.px(30))],
                seconds=0.8,
                name="author",
            )
        )
    return beats
