"""Scene types by name: ``"bullets"`` -> a function building the scene's beats.

Adding a type is one module in :mod:`scenes.types` with ``@register("name")``,
one import line in ``scenes/types/__init__.py``, and its cue layout in
:mod:`scenes.cues` (plus the pydantic model in ``contract/script.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from contract.scene_errors import SceneRenderFailure

if TYPE_CHECKING:
    from scenes.base import Beat, Kit

Builder = Callable[["Kit"], list["Beat"]]

SCENE_BUILDERS: dict[str, Builder] = {}


def register(name: str) -> Callable[[Builder], Builder]:
    def decorate(build: Builder) -> Builder:
        SCENE_BUILDERS[name] = build
        return build

    return decorate


def builder_for(name: str) -> Builder:
    import scenes.types  # noqa: F401 - registers the built-in types

    try:
        return SCENE_BUILDERS[name]
    except KeyError:
        raise SceneRenderFailure(
            f"no scene builder for type {name!r} (known: {', '.join(sorted(SCENE_BUILDERS))})"
        ) from None
