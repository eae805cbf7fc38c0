"""YouTube chapters: timestamp lines in the description, one per titled scene (`publish.chapters`).

YouTube shows chapters only when the first is at 0:00, there are at least three, and each lasts
at least 10 s; otherwise it ignores the lines. So when the video cannot meet that, no line is
written and the reason is given instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from contract.script import DESCRIPTION_MAX_BYTES, Publish, SceneBase

MIN_CHAPTERS = 3
MIN_SECONDS = 10.0


@dataclass(frozen=True)
class Chapter:
    start: float  # seconds
    title: str


def chapter_title(scene: SceneBase) -> str | None:
    """A scene's chapter: its `chapter`, else its `title` (one line)."""
    title = scene.chapter or getattr(scene, "title", None)
    return " ".join(title.split()) if isinstance(title, str) and title.strip() else None


def timestamp(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def plan_chapters(scenes: Sequence[tuple[SceneBase, float]], duration: float) -> tuple[list[Chapter], str | None]:
    """The chapters of scenes given with their start times, or none and why."""
    chapters: list[Chapter] = []
    for scene, start in scenes:
        title = chapter_title(scene)
        if title is None or (chapters and chapters[-1].title == title):
            continue  # an untitled scene belongs to the chapter before it
        chapters.append(Chapter(0.0 if not chapters else start, title))
    if not chapters:
        return [], "no scene has a `title` or `chapter`"
    if len(chapters) < MIN_CHAPTERS:
        return [], f"YouTube needs at least {MIN_CHAPTERS} chapters, and this video has {len(chapters)} titled part(s)"
    ends = [c.start for c in chapters[1:]] + [duration]
    for chapter, end in zip(chapters, ends, strict=True):
        if end - chapter.start < MIN_SECONDS:
            return [], (
                f"YouTube needs every chapter to last at least {MIN_SECONDS:g} s, and {chapter.title!r} lasts "
                f"{end - chapter.start:.1f} s (give the next scene a `chapter:` only where a part starts)"
            )
    return chapters, None


def chapter_lines(chapters: Sequence[Chapter]) -> list[str]:
    return [f"{timestamp(c.start)} {c.title}" for c in chapters]


def publish_with_chapters(publish: Publish, chapters: Sequence[Chapter]) -> tuple[Publish, str | None]:
    """The publish data with chapter lines appended to the description (or unchanged, and why)."""
    if not chapters:
        return publish, None
    lines = "\n".join(chapter_lines(chapters))
    description = "\n\n".join(part for part in (publish.description.rstrip(), lines) if part)
    if len(description.encode("utf-8")) > DESCRIPTION_MAX_BYTES:
        return publish, f"the chapter lines would take the description over YouTube's {DESCRIPTION_MAX_BYTES} bytes"
    return publish.model_copy(update={"description": description}), None
