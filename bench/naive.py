"""The naive baseline for the benchmark: what a straightforward Manim + MoviePy script does.

Same speech engine, same scenes and timing as `render`, but every scene is
rendered one after another in this one process, nothing is cached, and the final
cut is written by MoviePy's `write_videofile` with its default settings.

    python bench/naive.py SCRIPT.yaml OUT.mp4
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from moviepy import AudioFileClip, CompositeAudioClip, VideoFileClip, afx, concatenate_videoclips

from render.cache import Cache
from render.loader import load_script
from render.narration import wav_seconds
from render.pipeline import plan_scenes, prepare_speech
from scenes import render_scene


def main(script_path: str, out: str) -> None:
    loaded = load_script(script_path)
    video = loaded.script.video
    with tempfile.TemporaryDirectory() as tmp:
        cache = Cache(Path(tmp) / "cache", enabled=False)
        _, wavs, _ = prepare_speech(loaded, cache, print)
        seconds = {text: wav_seconds(path) for text, path in wavs.items()}
        planned = plan_scenes(loaded, video, seconds)
        clips, voice = [], []
        offset = 0.0
        for item in planned:
            target = Path(tmp) / f"scene-{item.job.index}.mp4"
            render_scene(item.job, target)
            clips.append(VideoFileClip(str(target)))
            voice += [AudioFileClip(str(wavs[p.text])).with_start(offset + p.start) for p in item.timing.phrases]
            offset += item.job.duration
        final = concatenate_videoclips(clips)
        layers = voice
        if loaded.script.music:
            music = AudioFileClip(str(loaded.files["music.file"]))
            layers = [
                music.with_effects(
                    [afx.AudioLoop(duration=final.duration), afx.MultiplyVolume(loaded.script.music.volume)]
                ),
                *voice,
            ]
        final = final.with_audio(CompositeAudioClip(layers).with_duration(final.duration))
        final.write_videofile(out, fps=video.fps, logger=None)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
