"""Cartoon library: characters that talk, illustrated settings and props, composited fast.

No Manim here: everything is planned as data and composited with numpy, so a scene
type (``presenter``, ``dialogue``, ``character:`` on any scene) can put these frames
under or over its own Manim layer, or send them straight to ``encoding.FramePipe``.

    cast = make_character("claire", "toon-head", clothes="primary", palette=palette)
    mouth = mouth_track([Phrase(wav, start=0.4)], fps, frame_count)
    acting = plan_acting(Acting(fps, frame_count, mouth, [Cue(1.2, "wave")], seed="claire/3"))
    layers = setting_layers("agency", palette, width, height, cache)
    layout = presenter_layout(width, height, "left", layers.stage)
    frames = composite_frames(layers, [CharacterTrack(cast, layout.characters[0], acting)], cache=cache)

Importing this package is cheap: DiceBear and cairosvg load on first use.
"""

from __future__ import annotations

from .colour import Palette
from .compositor import Box, CharacterTrack, Compositor, PropPlacement, composite_frames, frame_runs
from .credits import Credits, credits_for
from .lipsync import MouthSettings, Phrase, mouth_states, mouth_track
from .motion import Acting, CharacterFrame, Cue, blink_frames, plan_acting
from .names import CUES, EXPRESSIONS, GESTURES, SETTINGS, UnknownName
from .placement import Layout, backdrop_layout, dialogue_layout, presenter_layout
from .props import find_prop, prop_names
from .raster import RasterCache
from .settings import SettingLayers, setting_layers
from .styles import Character, Pose, StyleInfo, character_svg, make_character, style_info, style_names

__all__ = [
    "CUES",
    "EXPRESSIONS",
    "GESTURES",
    "SETTINGS",
    "Acting",
    "Box",
    "Character",
    "CharacterFrame",
    "CharacterTrack",
    "Compositor",
    "Credits",
    "Cue",
    "Layout",
    "MouthSettings",
    "Palette",
    "Phrase",
    "Pose",
    "PropPlacement",
    "RasterCache",
    "SettingLayers",
    "StyleInfo",
    "UnknownName",
    "backdrop_layout",
    "blink_frames",
    "character_svg",
    "composite_frames",
    "credits_for",
    "dialogue_layout",
    "find_prop",
    "frame_runs",
    "make_character",
    "mouth_states",
    "mouth_track",
    "plan_acting",
    "presenter_layout",
    "prop_names",
    "setting_layers",
    "style_info",
    "style_names",
]
