"""The versions of every tool whose output lands in a render: part of cache keys and manifests."""

from __future__ import annotations

import functools
import sys
from importlib import metadata


@functools.cache
def versions() -> dict[str, str]:
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "absent"

    from render.assemble import ffmpeg_version
    from render.engines.espeak import espeak_version

    return {
        "toolkit": version("explainer-toolkit"),
        "manim": version("manim"),
        "moviepy": version("moviepy"),
        "pyttsx3": version("pyttsx3"),
        "espeak-ng": espeak_version(),
        "ffmpeg": ffmpeg_version(),
        "python": sys.version.split()[0],
    }
