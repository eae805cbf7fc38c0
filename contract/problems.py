"""A problem in a script or one of its files, as data until it is printed.

Every message the loader gives is a :class:`Problem`; ``str(problem)`` is the one
place that formats it, as ``file:line:col path: message; hint``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FieldPath = tuple[str | int, ...]

_PLAIN_KEY = re.compile(r"[^\W\d][\w-]*|\d+")
_PART = re.compile(r"\.?([^\W\d][\w-]*)|\[(\d+)\]|\[('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\]")


def format_path(path: FieldPath) -> str:
    """('scenes', 2, 'items', 0) -> 'scenes[2].items[0]'; an odd key is quoted: lexicon['Dr.']."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(str(part)):
            text += ("." if text else "") + str(part)
        else:
            text += f"[{str(part)!r}]"
    return text or "(top level)"


def parse_path(text: str) -> FieldPath:
    """The inverse of :func:`format_path` for a field path ('scenes[2].title' -> ('scenes', 2, 'title')).

    Scene code names fields as text (``kit.field("title")``); this turns that name back
    into a path. An unreadable name gives ``()``, the top level.
    """
    parts: list[str | int] = []
    position = 0
    while position < len(text):
        match = _PART.match(text, position)
        if match is None or match.end() == position:
            return ()
        name, index, quoted = match.groups()
        if name is not None:
            parts.append(name)
        elif index is not None:
            parts.append(int(index))
        else:
            parts.append(quoted[1:-1])
        position = match.end()
    return tuple(parts)


def _printable(text: str) -> str:
    """Escape what a terminal would not show faithfully (control characters, lone surrogates)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


@dataclass(frozen=True)
class Problem:
    """What is wrong (`message`), where (`file`, `line`, `column`, `field`), and what to do (`hint`).

    `field` is the field path as printed (``scenes[2].title``), or a label for the
    file itself: ``(file)``, ``(yaml)``, ``(top level)``.
    """

    file: str
    line: int
    column: int
    field: str
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}:{self.column} {self.field}: {self.message}"
        if self.hint:
            text += f"; {self.hint}"
        return _printable(text)

    @property
    def position(self) -> tuple[int, int]:
        return self.line, self.column
