"""Errors raised by the scene library.

Each one derives from the toolkit's small hierarchy (:mod:`contract.errors`), so the
CLI maps it to the right exit code: a text that cannot fit or an unknown icon is
the script's fault (exit 2); a renderer or encoder crash is not (exit 1). The
script's faults carry their field path as data (:class:`FieldError`), so the
pipeline can point at the script's line without reading the message back.
"""

from __future__ import annotations

from contract.errors import InputError, RenderFailure
from contract.problems import FieldPath, parse_path


class FieldError(InputError):
    """A problem with one field of a scene: `field_path` ("scenes[2].title") and `detail` (what is wrong)."""

    def __init__(self, field_path: str | None, detail: str, hint: str | None = None) -> None:
        super().__init__(f"{field_path}: {detail}" if field_path else detail, hint)
        self.field_path = field_path
        self.detail = detail

    @property
    def path(self) -> FieldPath:
        """`field_path` as a path (empty when the field is not known)."""
        return parse_path(self.field_path) if self.field_path else ()


class TextDoesNotFit(FieldError):
    """A text is too long for its place even at the smallest readable size."""

    def __init__(self, field_path: str, message: str, hint: str | None = None) -> None:
        super().__init__(field_path, message, hint)


class TextCannotBeDrawn(FieldError):
    """A text has characters no installed font can draw (or only invisible ones)."""

    def __init__(self, field_path: str, message: str, hint: str | None = None) -> None:
        super().__init__(field_path, message, hint)


class UnknownIcon(FieldError):
    """An icon name that is not in the bundled icon set.

    `detail` has no field path (the caller knows where the name came from);
    `suggestions` lists the closest known names, best first.
    """

    def __init__(self, name: str, suggestions: list[str], field_path: str | None = None) -> None:
        message = f"unknown icon {name!r}"
        if suggestions:
            message += "; closest: " + ", ".join(suggestions)
        else:
            message += "; see https://fontawesome.com/search?o=r&m=free for the names"
        super().__init__(field_path, message)
        self.name = name
        self.suggestions = suggestions


class SceneInputError(FieldError):
    """Some other problem with a scene's input (a missing or unreadable picture...)."""

    def __init__(self, field_path: str | None, detail: str, hint: str | None = None) -> None:
        super().__init__(field_path, detail, hint)


class SceneRenderFailure(RenderFailure):
    """Manim or ffmpeg failed while rendering a scene clip (not the script's fault)."""
