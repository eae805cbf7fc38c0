"""Writing a render's outputs: final cut, captions, thumbnails and manifest, all or nothing.

Everything is made in a staging folder next to `OUT/<name>/`, then moved in one file at a time
(each atomically), the manifest last: it vouches for the others. The manifest is the shared
`contract.manifest.Manifest` model, the one `upload` reads.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from contract.errors import EnvironmentProblem
from contract.files import os_reason, probe_writable
from contract.manifest import (
    MANIFEST_NAME,
    CaptionFile,
    ChaptersRecord,
    LoudnessRecord,
    Manifest,
    OutputFile,
    Outputs,
    PhraseRecord,
    SceneRecord,
    ScriptRecord,
    VideoFormat,
    VoiceRecord,
    build_folder_name,
)
from contract.script import Video
from render import assemble
from render.burn import burn_captions, caption_look, legal_lift
from render.cache import atomic_move, file_sha256
from render.captions import Cue, CuePlan, to_srt, to_vtt
from render.chapters import Chapter, chapter_lines, plan_chapters, publish_with_chapters
from render.credits import CREDITS_NAME, credits_text, publish_with_credits
from render.engines import VoiceChoice
from render.loader import LoadedScript
from render.narration import SAMPLE_RATE
from render.planning import FINAL_CRF, FINAL_PRESET, Assembler, PlannedScene
from render.review import REVIEW_HTML, STORYBOARD_PDF
from render.tool_versions import versions


@dataclass
class FinishedParts:
    """What a render has made when only the outputs remain to be written."""

    loaded: LoadedScript
    out_root: Path
    preview: bool
    jobs: int
    video: Video
    voice: VoiceChoice
    assembler: Assembler
    planned: list[PlannedScene]
    captions: CuePlan  # the final cues, for the sidecar files and the burned-in captions alike
    clips: list[Path]
    thumbnail: Path  # the designed thumbnail (PNG), in the cache or a private folder
    soundtrack: Path
    level: tuple[float, float] | None  # the soundtrack's (integrated LUFS, true peak dBTP)
    render_key: str
    duration: float
    scene_seconds: dict[int, float]
    clock: dict[str, float]
    started: float

    @property
    def folder(self) -> Path:
        return self.out_root / build_folder_name(self.loaded.name, self.preview)  # a draft: <name>.preview


def write_outputs(parts: FinishedParts) -> Manifest:
    """Assemble the final cut, captions, thumbnails and manifest in a staging folder, then move
    each into `OUT/<name>/` atomically, the manifest last (it vouches for the others)."""
    name, lang = parts.loaded.name, parts.loaded.script.language
    out_root, folder = parts.out_root, parts.folder
    staging = out_root / f".{name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    created_root = not out_root.exists()
    staging.mkdir(parents=True)
    written = False
    try:
        tick = time.perf_counter()
        outputs = {
            "video": staging / f"{name}.mp4",
            "srt": staging / f"{name}.{lang}.srt",
            "vtt": staging / f"{name}.{lang}.vtt",
            "thumbnail": staging / f"{name}.thumbnail.png",
        }
        if parts.assembler.name == "moviepy":
            assemble.moviepy_cut(
                parts.clips,
                [p.timing.frame_count for p in parts.planned],
                parts.video.fps,
                parts.soundtrack,
                outputs["video"],
                FINAL_CRF,
                FINAL_PRESET,
                max(1, parts.jobs),
            )
        else:
            assemble.join_and_mux(parts.clips, parts.soundtrack, outputs["video"], staging)
        cues = parts.captions.cues
        if parts.loaded.script.captions.burn and cues:
            burn_into(parts, cues, outputs["video"], staging)
        outputs["srt"].write_text(to_srt(cues), encoding="utf-8")
        outputs["vtt"].write_text(to_vtt(cues, lang), encoding="utf-8")
        shutil.copyfile(parts.thumbnail, outputs["thumbnail"])  # drawn by a worker (scenes.thumbnail)
        custom = parts.loaded.files.get("publish.thumbnail")
        if custom:  # the file sent to YouTube lives in the build folder, named and hashed by the manifest
            outputs["custom_thumbnail"] = staging / f"{name}.publish-thumbnail{Path(custom).suffix.lower()}"
            shutil.copyfile(custom, outputs["custom_thumbnail"])
        credits, _ = credits_text(parts.loaded.script)
        if credits:  # every cartoon asset used, with its licence
            outputs["credits"] = staging / CREDITS_NAME
            outputs["credits"].write_text(credits, encoding="utf-8")
        parts.clock["assembly"] = time.perf_counter() - tick
        parts.clock["total"] = time.perf_counter() - parts.started

        manifest_file = staging / MANIFEST_NAME
        manifest = build_manifest(parts, outputs)
        manifest_file.write_text(manifest.to_json(), encoding="utf-8")
        folder.mkdir(parents=True, exist_ok=True)
        for path in outputs.values():
            atomic_move(path, folder / path.name)
        atomic_move(manifest_file, folder / MANIFEST_NAME)
        written = True
        for stale in (REVIEW_HTML, STORYBOARD_PDF):  # they show the previous version: `render review` again
            with contextlib.suppress(FileNotFoundError):
                (folder / stale).unlink()
        return manifest
    except OSError as error:
        if error.errno == 28:
            raise EnvironmentProblem(
                f"the disk is full while writing {folder}", hint="free some space or pass --out on another disk"
            ) from None
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created_root and not written:  # leave no empty folder behind a failed first render
            with contextlib.suppress(OSError):
                folder.rmdir()
            with contextlib.suppress(OSError):
                out_root.rmdir()


def burn_into(parts: FinishedParts, cues: list[Cue], video: Path, staging: Path) -> None:
    """Replace the assembled `video` with one whose picture shows the captions."""
    width, height = parts.video.size
    look = caption_look(width, height, parts.planned[0].job.brand, cues)  # the job's brand: absolute paths
    fps = parts.video.fps
    spans = [(p.start_frame / fps, (p.start_frame + p.timing.frame_count) / fps, p.job.scene) for p in parts.planned]
    lifts = []
    for cue in cues:
        scene = next((sc for start, end, sc in spans if start <= cue.start < end), spans[-1][2])
        lifts.append(legal_lift([m.text for m in scene.legal_mentions()], look))
    plain = staging / "uncaptioned.mp4"
    video.rename(plain)
    burn_captions(plain, video, staging, cues, look, lifts, fps)
    plain.unlink()


def video_chapters(parts: FinishedParts) -> tuple[list[Chapter], str | None]:
    """The video's chapters when `publish.chapters` asks for them, or none and why (None: not asked)."""
    script = parts.loaded.script
    if not script.publish_settings.chapters:
        return [], None
    fps = parts.video.fps
    scenes = [(p.job.scene, p.start_frame / fps) for p in parts.planned]
    return plan_chapters(scenes, parts.duration)


def build_manifest(parts: FinishedParts, outputs: dict[str, Path]) -> Manifest:
    loaded, video = parts.loaded, parts.video
    script = loaded.script
    publish = script.publish_settings.model_copy(update={"title": script.publish_settings.title or script.title[:100]})
    chapters, no_chapters = video_chapters(parts)
    publish, too_long = publish_with_chapters(publish, chapters)
    chapters_record = None
    if script.publish_settings.chapters:
        written = [] if too_long else chapter_lines(chapters)
        chapters_record = ChaptersRecord(lines=written, not_written=no_chapters or too_long)
    publish = publish_with_credits(publish, script)  # attribution, when a licence asks for it
    width, height = video.size
    lang = script.language
    fps = video.fps
    custom = outputs.get("custom_thumbnail")
    return Manifest(
        name=loaded.name,
        title=script.title,
        language=lang,
        variant_of=loaded.file.stem if loaded.variant is not None else None,
        languages=list(loaded.languages),
        duration=round(parts.duration, 3),
        render_key=parts.render_key,
        preview=parts.preview,
        script=ScriptRecord(path=str(loaded.file.resolve()), sha256=file_sha256(loaded.file)),
        video=VideoFormat(width=width, height=height, fps=fps, aspect=video.aspect, resolution=video.resolution),
        voice=VoiceRecord(
            engine=parts.voice.engine, id=parts.voice.voice_id, rate=parts.voice.rate, language=parts.voice.language
        ),
        publish=publish,
        publish_in_script=script.publish is not None,
        legal=script.legal_texts(),
        loudness=LoudnessRecord(
            integrated_lufs=parts.level[0],
            true_peak_dbtp=parts.level[1],
            target_lufs=script.audio.loudness,
            target_true_peak_dbtp=script.audio.true_peak,
        )
        if parts.level is not None
        else None,
        chapters=chapters_record,
        captions_burned=script.captions.burn,
        outputs=Outputs(
            video=OutputFile.describe(outputs["video"]),
            thumbnail=OutputFile.describe(outputs["thumbnail"]),
            custom_thumbnail=OutputFile.describe(custom) if custom else None,
            captions=[
                CaptionFile.describe(outputs["srt"], language=lang, format="srt"),
                CaptionFile.describe(outputs["vtt"], language=lang, format="vtt"),
            ],
        ),
        scenes=[
            SceneRecord(
                index=p.job.index,
                type=p.job.scene.type,
                key=p.key,
                clip_sha256=file_sha256(clip),
                start=round(p.start_frame / fps, 4),
                frames=p.timing.frame_count,
                duration=round(p.job.duration, 4),
                cues=p.timing.cues,
                rendered_seconds=round(parts.scene_seconds[p.job.index], 2)
                if p.job.index in parts.scene_seconds
                else None,
                phrases=[
                    PhraseRecord(
                        text=ph.text, start=round(p.start_frame / fps + ph.start, 4), seconds=round(ph.seconds, 4)
                    )
                    for ph in p.timing.phrases
                ],
            )
            for p, clip in zip(parts.planned, parts.clips, strict=True)
        ],
        timings={k: round(v, 3) for k, v in parts.clock.items()},
        versions=versions(),
        audio_sample_rate=SAMPLE_RATE,
    )


def prepare_output_folder(out_root: Path) -> None:
    """Say plainly, before any work, why the output folder cannot be written.

    Nothing is created here: a render that fails on bad input leaves no folder behind.
    """
    existing = out_root
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    try:
        if not existing.is_dir():
            raise NotADirectoryError(20, "Not a directory")
        probe_writable(existing)
    except OSError as error:
        raise EnvironmentProblem(
            f"cannot write to the output folder {out_root}: {os_reason(error)}",
            hint="choose another folder with --out, or fix its permissions or free space",
        ) from None


def remove_stale_staging(out_root: Path, name: str) -> None:
    """Staging folders left by a render that was killed (we hold the lock: none is live)."""
    if not out_root.is_dir():
        return
    for leftover in out_root.glob(f".{name}.staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def up_to_date(folder: Path, render_key: str) -> float | None:
    """The video's duration if the folder holds intact outputs of exactly this render."""
    try:
        manifest = Manifest.from_json((folder / MANIFEST_NAME).read_bytes())
    except (OSError, ValueError):
        return None
    if manifest.render_key != render_key:
        return None
    outputs = manifest.outputs
    entries = [outputs.video, outputs.thumbnail, *outputs.captions]
    if outputs.custom_thumbnail:
        entries.append(outputs.custom_thumbnail)
    for entry in entries:
        path = folder / entry.file
        try:
            if path.stat().st_size != entry.bytes or file_sha256(path) != entry.sha256:
                return None
        except OSError:
            return None
    return manifest.duration
