"""Errors raised by the scene library.

Each one derives from the toolkit's small hierarchy (:mod:`contract.errors`), so the
CLI maps it to the right exit code: a text that cannot fit or an unknown icon is
the script's fault (exit 2); a renderer or encoder crash is not (exit 1).
"""

from __future__ import annotations

from contract.errors import InputError, RenderFailure


class TextDoesNotFit(InputError):
    """A text is too long for its place even at the smallest readable size."""

    def __init__(self, field_path: str, message: str, hint: str | None = None) -> None:
        super().__init__(f"{field_path}: {message}" if field_path else message, hint)
        self.field_path = field_path
        self.detail = message


class UnknownIcon(InputError):
    """An icon name that is not in the bundled icon set.

    `message` has no field path (the caller knows where the name came from);
    `suggestions` lists the closest known names, best first.
    """

    def __init__(self, name: str, suggestions: list[str], field_path: str | None = None) -> None:
        message = f"unknown icon {name!r}"
        if suggestions:
            message += "; closest: " + ", ".join(suggestions)
        else:
            message += "; see https://fontawesome.com/search?o=r&m=free for the names"
        super().__init__(f"{field_path}: {message}" if field_path else message)
        self.name = name
        self.suggestions = suggestions
        self.field_path = field_path


class SceneInputError(InputError):
    """Some other problem with a scene's input (a missing or unreadable picture...)."""


class SceneRenderFailure(RenderFailure):
    """Manim or ffmpeg failed while rendering a scene clip (not the script's fault)."""
