"""Speech engines by name (`voice: {engine: NAME}`); see render/engines/base.py."""

from render.engines import espeak, pico, piper, recorded, silent  # noqa: F401 - the built-in engines register themselves
from render.engines.base import ENGINES, SpeechEngine, VoiceChoice, engine_for, speech_engine, synthesize_trimmed

__all__ = ["ENGINES", "SpeechEngine", "VoiceChoice", "engine_for", "speech_engine", "synthesize_trimmed"]
