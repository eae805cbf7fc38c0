"""Scene planning: measured speech → timed scene jobs with complete cache keys, and the soundtrack's plan."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from contract.job import SceneJob
from contract.script import Script, Video
from render.cache import digest, file_sha256
from render.cartoon_plan import cartoon_fields
from render.loader import LoadedScript
from render.soundtrack import Music, PlacedPhrase, SoundtrackPlan
from render.timing import SceneTiming, scene_beats, time_scene
from render.tool_versions import versions

PREVIEW = {"resolution": "480p", "fps": 15}
FINAL_CRF = 18  # visually lossless for flat explainer graphics
FINAL_PRESET = "veryfast"
INTERMEDIATE_CRF = 8  # scene clips that MoviePy re-encodes: near-lossless, so its encode is the one that counts


@dataclass(frozen=True)
class Assembler:
    """How the final cut is made, and so at which quality the scene clips are encoded."""

    name: str
    scene_crf: int
    description: str


ASSEMBLERS = {
    "copy": Assembler(
        "copy",
        FINAL_CRF,
        "scene clips are encoded once at final quality and joined "
        "without re-encoding (fast; an unchanged scene costs nothing)",
    ),
    "moviepy": Assembler(
        "moviepy",
        INTERMEDIATE_CRF,
        "MoviePy concatenates near-lossless scene clips and encodes the picture once at final quality (slower)",
    ),
}


@dataclass
class PlannedScene:
    job: SceneJob
    key: str
    timing: SceneTiming
    start_frame: int


def effective_video(script: Script, preview: bool) -> Video:
    return script.video.model_copy(update=PREVIEW) if preview else script.video


def plan_scenes(
    loaded: LoadedScript,
    video: Video,
    seconds: dict[str, float],
    scene_crf: int = FINAL_CRF,
    wavs: dict[str, Path] | None = None,
) -> list[PlannedScene]:
    from scenes import code_fingerprint

    script = loaded.script
    width, height = video.size
    planned: list[PlannedScene] = []
    frame = 0
    fingerprint = code_fingerprint()
    tool_versions = versions()
    for i, scene in enumerate(script.scenes):
        beats = scene_beats(scene)
        timing = time_scene(scene, beats, seconds, video.fps, scene.duration)
        following = script.scenes[i + 1].transition if i + 1 < len(script.scenes) else "fade"
        image = loaded.files.get(f"scenes[{i}].file")
        job = SceneJob(
            index=i,
            field_path=f"scenes[{i}]",
            scene=scene,
            brand=loaded.brand,
            image_file=str(image) if image else None,
            width=width,
            height=height,
            fps=video.fps,
            frame_count=timing.frame_count,
            cues=timing.cues,
            enter=scene.transition,
            exit=following,
            language=script.language,
            crf=scene_crf,
            preset=FINAL_PRESET,
            **cartoon_fields(script, scene, timing, wavs),  # characters: mouths follow these recordings
        )
        inputs = [p for p in (image, loaded.brand.font_file, loaded.brand.logo) if p]
        key = digest(
            "scene",
            job.model_dump(mode="json"),
            [file_sha256(Path(p)) for p in inputs],
            fingerprint,
            tool_versions["manim"],
            tool_versions["ffmpeg"],
        )
        planned.append(PlannedScene(job=job, key=key, timing=timing, start_frame=frame))
        frame += timing.frame_count
    return planned


def placed_phrases(planned: list[PlannedScene], fps: int) -> list[tuple[str, float, float]]:
    """(text, start in the video, seconds) of every phrase, in order."""
    placed: list[tuple[str, float, float]] = []
    for item in planned:
        offset = item.start_frame / fps
        placed += [(p.text, round(offset + p.start, 4), p.seconds) for p in item.timing.phrases]
    return placed


def plan_soundtrack(
    loaded: LoadedScript,
    planned: list[PlannedScene],
    fps: int,
    wavs: dict[str, Path],
    speech_keys: dict[str, str],
) -> SoundtrackPlan:
    """What the mix depends on: every phrase at its time, the music, the scene boundaries."""
    script = loaded.script
    total = sum(p.timing.frame_count for p in planned) / fps
    phrases = tuple(
        PlacedPhrase(wavs[p.key], round(item.start_frame / fps + p.start, 4), p.seconds, speech_keys[p.key])
        for item in planned
        for p in item.timing.phrases
    )
    music = None
    if script.music:
        file = loaded.files["music.file"]
        music = Music(file, script.music.volume, file_sha256(file))
    cuts = tuple(p.start_frame / fps for p in planned)
    level = script.audio
    return SoundtrackPlan(phrases, total, music, cuts, versions()["moviepy"], level.loudness, level.true_peak)


def thumbnail_time(planned: list[PlannedScene]) -> tuple[int, float]:
    """Which scene and when: the title scene once written in, else the first scene."""
    for k, item in enumerate(planned):
        if item.job.scene.type == "title":
            t = min(item.timing.cues[-1] + 1.2, item.job.duration - 0.6)
            return k, max(t, 0.0)
    first = planned[0]
    return 0, max(min(first.timing.cues[-1] + 1.2, first.job.duration - 0.6), 0.0)
