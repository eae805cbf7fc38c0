"""The scene types: one module per type, each a model decorated with ``@scene_type``.

The import order below is the order in which messages and the schema list the types.
"""

# isort: skip_file

from contract.scene_types.base import (
    NOT_SHOWN,
    SCENE_TYPES,
    Entry,
    LEGAL_CHARS_PER_SECOND,
    FileName,
    Legal,
    LegalMention,
    Narration,
    NonEmptyText,
    SceneBase,
    SceneField,
    Strict,
    legal_list,
    refuse,
    scene_type,
    unregister_scene_type,
    uses_scene_types,
)
from contract.scene_types.title import TitleScene
from contract.scene_types.bullets import BulletItem, BulletsScene
from contract.scene_types.statistic import Affix, StatisticScene, yaml_float_spelling
from contract.scene_types.quote import QuoteScene
from contract.scene_types.image import ImageScene
from contract.scene_types.timeline import TimelineEvent, TimelineScene
from contract.scene_types.comparison import Column, ComparisonScene
from contract.scene_types.closing import ClosingScene
from contract.scene_types.presenter import PresenterScene
from contract.scene_types.dialogue import DialogueLine, DialogueScene

__all__ = [
    "LEGAL_CHARS_PER_SECOND",
    "NOT_SHOWN",
    "SCENE_TYPES",
    "Affix",
    "BulletItem",
    "BulletsScene",
    "ClosingScene",
    "Column",
    "ComparisonScene",
    "DialogueLine",
    "DialogueScene",
    "Entry",
    "FileName",
    "ImageScene",
    "Legal",
    "LegalMention",
    "Narration",
    "NonEmptyText",
    "PresenterScene",
    "QuoteScene",
    "SceneBase",
    "SceneField",
    "StatisticScene",
    "Strict",
    "TimelineEvent",
    "TimelineScene",
    "TitleScene",
    "legal_list",
    "refuse",
    "scene_type",
    "unregister_scene_type",
    "uses_scene_types",
    "yaml_float_spelling",
]
