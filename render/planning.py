"""Scene planning: measured speech → timed scene jobs with complete cache keys, the thumbnail's job,
and the soundtrack's plan."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from contract.job import SceneJob, ThumbnailJob
from contract.scene_types.cast import CastLook
from contract.script import THUMBNAIL_WORDS, Script, Video, Voice, word_count
from contract.speech_timings import SpeechTimings, read_timings
from render.cache import digest, file_sha256
from render.caption_lines import cut_timings
from render.captions import CuePlan, SpokenPhrase, plan_cues
from render.cartoon_plan import cartoon_fields
from render.loader import LoadedScript
from render.narration import spoken_form
from render.soundtrack import Music, PlacedPhrase, SoundtrackPlan
from render.spoken import measured
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
    wavs: Mapping[str, Path] = field(default_factory=dict)  # its phrases' recordings (their timings beside them)


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
            # a scene drawn the same in every language is rendered once for all of a script's languages
            job.model_dump(mode="json", exclude=None if scene.draws_language else {"language"}),
            [file_sha256(Path(p)) for p in inputs],
            fingerprint,
            tool_versions["manim"],
            tool_versions["ffmpeg"],
        )
        own = {p.key: wavs[p.key] for p in timing.phrases if wavs is not None and p.key in wavs}
        planned.append(PlannedScene(job=job, key=key, timing=timing, start_frame=frame, wavs=own))
        frame += timing.frame_count
    return planned


def placed_phrases(
    script: Script, planned: list[PlannedScene], fps: int, seconds: Mapping[str, float] | None = None
) -> list[SpokenPhrase]:
    """Every phrase, in order, at its start in the video, with its scene, its voice, and the times
    of its likely caption cuts where `seconds` holds the words that time them (see
    :func:`render.caption_lines.cut_timings`)."""
    placed: list[SpokenPhrase] = []
    for item in planned:
        offset = item.start_frame / fps
        scene = item.job.scene
        title = getattr(scene, "title", None)
        where = f"{item.job.field_path} ({scene.type}" + (f' "{title}")' if isinstance(title, str) else ")")
        for p in item.timing.phrases:
            wav = item.wavs.get(p.key)
            engine = read_timings(Path(wav)) if wav is not None else None
            known = []
            for cut, words, from_end in cut_timings(p.text, script.language):
                at = word_start(engine, p.text, cut, script.lexicon) if engine is not None else None
                if at is not None:  # the engine said when it starts the word after the cut
                    known.append((cut, max(0.0, min(at, p.seconds))))
                    continue
                length = measured(seconds or {}, words, p.speaker)
                if length is not None:
                    known.append((cut, max(0.0, min(p.seconds - length if from_end else length, p.seconds))))
            placed.append(
                SpokenPhrase(
                    text=p.text,
                    start=round(offset + p.start, 4),
                    seconds=p.seconds,
                    scene=item.job.index,
                    where=where,
                    speaker=p.speaker,
                    rate=_rate(voice_of(script, p.speaker)),
                    known=tuple(known),
                )
            )
    return placed


def word_start(timings: SpeechTimings, text: str, cut: int, lexicon: dict[str, str]) -> float | None:
    """When the voice starts the word at `cut` (an offset in the written `text`), from the engine's
    word timings (offsets in the spoken form); None when the spoken form does not keep the words
    before the cut as a prefix, or the engine's words do not start a word there."""
    spoken = spoken_form(text, lexicon)
    before = spoken_form(text[:cut].rstrip(), lexicon)
    if not spoken.startswith(before):
        return None
    at = len(before) + len(spoken[len(before) :]) - len(spoken[len(before) :].lstrip())
    for offset, start, _end in timings.words:
        if offset == at:
            return start
    return None


def voice_of(script: Script, speaker: str | None) -> Voice:
    """The voice a phrase is said in: the script's, or a cast member's own over it."""
    member = script.cast.get(speaker) if speaker else None
    return member.voice_over(script.voice) if member else script.voice


def _rate(voice: Voice) -> int:
    """The voice's words a minute, or 0 for recordings (their pace is not a setting)."""
    return 0 if voice.engine == "recorded" else voice.rate


def plan_captions(
    script: Script, planned: list[PlannedScene], fps: int, seconds: Mapping[str, float] | None = None
) -> CuePlan:
    """The video's final cues (see :func:`render.captions.plan_cues`), for every caption output."""
    duration = sum(p.timing.frame_count for p in planned) / fps
    phrases = placed_phrases(script, planned, fps, seconds)
    return plan_cues(phrases, duration, script.language)


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


@dataclass(frozen=True)
class PlannedThumbnail:
    job: ThumbnailJob
    key: str


def thumbnail_words(script: Script) -> tuple[str, str]:
    """The thumbnail's words and where they come from: `publish.thumbnail_text`, else the title."""
    text = script.publish.thumbnail_text if script.publish is not None else None
    return (text, "publish.thumbnail_text") if text else (script.title, "title")


def plan_thumbnail(loaded: LoadedScript) -> PlannedThumbnail:
    """The designed thumbnail's job (at YouTube's size for the video's shape, whatever its
    resolution, in a preview too) and its cache key."""
    from scenes import code_fingerprint

    script = loaded.script
    text, where = thumbnail_words(script)
    width, height = script.video.thumbnail_size
    name, member = next(iter(script.cast.items()), (None, None))
    job = ThumbnailJob(
        text=text,
        field_path=where,
        brand=loaded.brand,
        width=width,
        height=height,
        language=script.language,
        character=name,
        look=CastLook.model_validate(member.model_dump(exclude={"voice"})) if member is not None else None,
    )
    inputs = [p for p in (loaded.brand.font_file, loaded.brand.logo) if p]
    key = digest(
        "thumbnail",
        job.model_dump(mode="json"),
        [file_sha256(Path(p)) for p in inputs],
        code_fingerprint(),
        versions()["manim"],
        _drawing_versions(),
    )
    return PlannedThumbnail(job, key)


def _drawing_versions() -> list[str]:
    """The libraries that draw the thumbnail's character and logo, besides Manim."""
    from importlib import metadata

    found = []
    for name in ("cairosvg", "dicebear-core", "dicebear-styles", "pillow"):
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} absent")
    return found


def thumbnail_advice(script: Script) -> str | None:
    """Why the thumbnail may not read at a glance (too many words), or None."""
    text, where = thumbnail_words(script)
    words = word_count(text)
    if words <= THUMBNAIL_WORDS:
        return None
    if where == "title":
        return (
            f"the thumbnail shows the title's {words} words in smaller type; "
            f"set `publish.thumbnail_text` to {THUMBNAIL_WORDS} words at most"
        )
    return f"`publish.thumbnail_text` has {words} words; {THUMBNAIL_WORDS} at most read at a glance"
