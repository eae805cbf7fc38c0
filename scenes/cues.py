"""What each entry of `SceneJob.cues` means: the scene model says (`SceneBase.cues()`).

``cue_names(scene)`` lists the elements in cue order; the list always has this
length, even when an optional field (a title, a subtitle...) is absent; that
entry is then ignored by the renderer.
"""

from __future__ import annotations

from contract.job import SceneJob
from contract.scene_errors import SceneRenderFailure
from contract.script import SceneBase


def cue_names(scene: SceneBase) -> list[str]:
    """The element each cue starts, e.g. ``["title", "items[0]", "items[1]"]`` for bullets."""
    return scene.cues()


def check_cues(job: SceneJob) -> None:
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
