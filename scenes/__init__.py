"""The Manim scene library: one SceneJob in, one H.264 clip out (one ThumbnailJob in, one PNG out).

    from scenes import render_scene, render_thumbnail
    render_scene(job, out_path)
    render_thumbnail(thumbnail_job, png_path)

Importing this package is cheap (no Manim): the script checker uses
:mod:`scenes.icons` at ``--check`` time. Manim is imported on the first
:func:`render_scene` call, or by :func:`preload` (call it before forking workers).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contract.job import SceneJob, ThumbnailJob

# Bump when a change alters pictures without touching this package's files
# (e.g. a change of meaning in the job's fields); file edits are caught by code_fingerprint().
CODE_VERSION = "1"

__all__ = ["CODE_VERSION", "code_fingerprint", "preload", "render_scene", "render_thumbnail"]


def render_scene(job: SceneJob, out_path: Path) -> None:
    """Render one scene to `out_path` (see :func:`scenes._render.render_scene`)."""
    from scenes._render import render_scene as _render_scene

    _render_scene(job, out_path)


def render_thumbnail(job: ThumbnailJob, out_path: Path) -> None:
    """Draw the designed thumbnail to `out_path` (see :func:`scenes.thumbnail.render_thumbnail`)."""
    from scenes.thumbnail import render_thumbnail as _render_thumbnail

    _render_thumbnail(job, out_path)


def preload() -> None:
    """Import Manim and the scene types now (before forking render workers)."""
    import scenes._render
    import scenes.thumbnail
    import scenes.types  # noqa: F401


_fingerprint: str | None = None


def code_fingerprint() -> str:
    """sha256 over CODE_VERSION and every source file of this package (for cache keys)."""
    global _fingerprint
    if _fingerprint is None:
        root = Path(__file__).resolve().parent
        digest = hashlib.sha256(f"scenes {CODE_VERSION}\n".encode())
        for path in sorted(root.rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
        _fingerprint = digest.hexdigest()
    return _fingerprint
