"""The scene types: one module per type, each a model decorated with ``@scene_type``.

The import order below is the order in which messages and the schema list the types.
"""

# isort: skip_file

from contract.scene_types.base import (
    NOT_SHOWN,
    SCENE_TYPES,
    Entry,
    FileName,
    Narration,
    NonEmptyText,
    SceneBase,
    SceneField,
    Strict,
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

__all__ = [
    "NOT_SHOWN",
    "SCENE_TYPES",
    "Affix",
    "BulletItem",
    "BulletsScene",
    "ClosingScene",
    "Column",
    "ComparisonScene",
    "Entry",
    "FileName",
    "ImageScene",
    "Narration",
    "NonEmptyText",
    "QuoteScene",
    "SceneBase",
    "SceneField",
    "StatisticScene",
    "Strict",
    "TimelineEvent",
    "TimelineScene",
    "TitleScene",
    "refuse",
    "scene_type",
    "unregister_scene_type",
    "uses_scene_types",
    "yaml_float_spelling",
]
