"""dialogue: two or three characters in their setting, speaking in turn.

cues: [setting, line_0, ..., line_{n-1}]

Everything is the cartoon stage (:mod:`scenes.cartoon_scene`): the speaker's mouth follows
their own lines' audio, listeners face the speakers and nod. Manim adds only the brand's marks.
"""

from __future__ import annotations

from contract.scene_types.dialogue import DialogueScene
from scenes.base import Beat, Kit
from scenes.registry import register


@register(DialogueScene)
def build(kit: Kit, scene: DialogueScene) -> list[Beat]:
    return []  # the stage is the whole picture
