"""What a cartoon scene's job carries: its cast, its phrases' recordings and the narration cues."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from contract.job import JobCue, JobPhrase
from contract.scene_types.cast import CastLook
from contract.script import SceneBase, Script
from render.timing import SceneTiming


def cartoon_fields(
    script: Script, scene: SceneBase, timing: SceneTiming, wavs: dict[str, Path] | None
) -> dict[str, Any]:
    """The SceneJob fields for a scene with characters (none for a plain slide)."""
    names = scene.cast_names()
    if not names:
        return {}
    cast = {n: CastLook.model_validate(script.cast[n].model_dump(exclude={"voice"})) for n in names if n in script.cast}
    phrases = [
        JobPhrase(wav=str(Path(wavs[p.key]).resolve()), start=p.start, seconds=p.seconds, speaker=p.speaker)
        for p in timing.phrases
        if wavs is not None and p.key in wavs
    ]
    acting = [JobCue(time=c.time, name=c.name, speaker=c.speaker) for c in timing.acting]
    return {"cast": cast, "phrases": phrases, "acting": acting}
