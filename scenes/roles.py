"""Text roles: each kind of text's size and weight, kept free of Manim so `--check` can read them.

The contrast check (:mod:`scenes.contrast`) decides from these sizes which texts are "large"
in WCAG's sense; the scenes draw with the same table (:mod:`scenes.drawing` re-exports it).
"""

from __future__ import annotations

# Text roles: (size in px at 1080 on the short side, bold)
ROLES: dict[str, tuple[float, bool]] = {
    "display": (100, True),  # the title scene's title, the closing call to action
    "heading": (78, True),  # a scene's title
    "subheading": (56, True),  # column headings, dates
    "subtitle": (56, False),  # the title scene's and closing scene's subtitle
    "body": (54, False),  # items, quote text, labels
    "caption": (46, False),  # captions, authors
    "number": (250, True),  # the statistic
}
