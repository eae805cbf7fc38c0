"""What each entry of `SceneJob.cues` means, per scene type (no Manim import).

``cue_names(scene)`` lists the elements in cue order; the list always has this
length, even when an optional field (a title, a subtitle...) is absent; that
entry is then ignored by the renderer.
"""

from __future__ import annotations

from typing import Any

from contract.scene_errors import SceneRenderFailure

FIXED: dict[str, tuple[str, ...]] = {
    "title": ("title", "subtitle"),
    "statistic": ("number", "label"),
    "quote": ("text", "author"),
    "image": ("picture", "caption"),
    "comparison": ("title", "left", "right"),
    "closing": ("title", "subtitle", "url"),
}


def cue_names(scene: Any) -> list[str]:
    """The element each cue starts, e.g. ``["title", "items[0]", "items[1]"]`` for bullets."""
    kind = scene.type
    if kind == "bullets":
        return ["title"] + [f"items[{k}]" for k in range(len(scene.items))]
    if kind == "timeline":
        return ["title"] + [f"events[{k}]" for k in range(len(scene.events))]
    if kind in FIXED:
        return list(FIXED[kind])
    raise SceneRenderFailure(f"no cue layout for scene type {kind!r}")


def check_cues(job: Any) -> None:
    """Fail early (a pipeline bug, not the user's) when the job's timing is malformed."""
    names = cue_names(job.scene)
    if len(job.cues) != len(names):
        raise SceneRenderFailure(
            f"{job.field_path}: {len(job.cues)} cues given for a {job.scene.type} scene that needs "
            f"{len(names)} ({', '.join(names)})"
        )
    if job.frame_count < 1 or job.fps < 1:
        raise SceneRenderFailure(f"{job.field_path}: frame_count and fps must be positive")
    if any(c != c or c < 0 for c in job.cues):  # NaN or negative
        raise SceneRenderFailure(f"{job.field_path}: cues must be seconds >= 0, got {job.cues}")
