"""Scene builders, keyed by their scene model: ``TitleScene`` -> the function drawing it.

A builder receives the :class:`~scenes.base.Kit` and the typed scene, and returns
the scene's beats. Adding a scene type is its model (``contract/scene_types/``) and
one module in :mod:`scenes.types` holding ``@register(TheModel)`` (see docs/extending.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from contract.scene_errors import SceneRenderFailure
from contract.script import SceneBase

if TYPE_CHECKING:
    from scenes.base import Beat, Kit

S = TypeVar("S", bound=SceneBase)
Builder = Callable[["Kit", Any], list["Beat"]]

SCENE_BUILDERS: dict[type[SceneBase], Builder] = {}


def register(model: type[S]) -> Callable[[Callable[[Kit, S], list[Beat]]], Callable[[Kit, S], list[Beat]]]:
    """Decorator: `build(kit, scene)` draws scenes of `model`."""

    def decorate(build: Callable[[Kit, S], list[Beat]]) -> Callable[[Kit, S], list[Beat]]:
        SCENE_BUILDERS[model] = build
        return build

    return decorate


def unregister(model: type[SceneBase]) -> None:
    """Forget the builder of `model` (tests that register their own type clean up with this)."""
    SCENE_BUILDERS.pop(model, None)


def builder_for(model: type[SceneBase]) -> Builder:
    """The builder registered for `model` (the built-in ones register when scenes.types is imported)."""
    try:
        return SCENE_BUILDERS[model]
    except KeyError:
        known = ", ".join(sorted(m.__name__ for m in SCENE_BUILDERS))
        raise SceneRenderFailure(f"no scene builder for {model.__name__} (known: {known})") from None
