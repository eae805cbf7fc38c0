"""What a viewer sees of the layouts: no empty screens, the frame used, phone-safe 9:16, a closing
that stays, legal bands that can be read, brand fonts and the corner logo.

Tiny real renders (320x180 or 180x320 at 10 fps, a few seconds, mostly frozen frames), timed as
the pipeline times them where timing is the point (`render.timing.time_scene`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from contract.job import SceneJob
from contract.script import Brand, BulletsScene, ClosingScene, Script, StatisticScene
from render.narration import estimate_seconds
from render.timing import LEAD_IN, TRANSITION, legal_seconds, scene_beats, time_scene
from scenes.legal import MIN_CONTRAST, band_colours, contrast_ratio
from tests.test_scenes import BACKGROUND, BRAND, SCENES, decode, make_job, near, needs_ffmpeg, render

CREDIT = "Un crédit vous engage et doit être remboursé. Vérifiez vos capacités de remboursement avant de vous engager."
FPS = 10


def ink(frame: np.ndarray, background: tuple[int, int, int] = BACKGROUND) -> np.ndarray:
    """Pixels clearly not the background (text, shapes, pictures)."""
    return np.abs(frame - np.array(background)).max(axis=-1) > 40


def hex_of(pixel: np.ndarray) -> str:
    return "#" + "".join(f"{int(c):02X}" for c in pixel)


def near_blank(frame: np.ndarray) -> bool:
    """Less than 0.5 % of the picture above the bottom margin (the brand stripe lives there) is ink."""
    height = frame.shape[0]
    return bool(ink(frame[: int(height * 0.92)]).mean() < 0.005)


def timed_job(scene: Any, *, size: tuple[int, int] = (320, 180), **kw: Any) -> SceneJob:
    """A job timed the way the pipeline times it (silent voice: lengths from the words)."""
    beats = scene_beats(scene)
    seconds = {p: estimate_seconds(p, 165) for b in beats for p in b.phrases}
    timing = time_scene(scene, beats, seconds, FPS, scene.duration)
    return make_job(scene, timing.cues, size=size, fps=FPS, frames=timing.frame_count, language="fr", **kw)


# --- 1. no empty screens ---------------------------------------------------------------------


@needs_ffmpeg
@pytest.mark.render
@pytest.mark.parametrize("kind", list(SCENES))
def test_no_scene_starts_on_an_empty_slide(kind: str, tmp_path: Path) -> None:
    scene, cues = SCENES[kind]
    # the voice starts after the lead-in, as in a real video; later elements come a second later
    late = [LEAD_IN] + [c + 1.5 for c in cues[1:]]
    kw = {"image_file": str(Path(__file__).parents[1] / "assets/images/campagne.jpg")} if kind == "image" else {}
    job = make_job(scene, late, frames=40, language="fr", **kw)
    frames = decode(render(job, tmp_path), 320, 180)
    blank = [near_blank(f) for f in frames[: 40 - 4]]  # up to the exit fade
    leading = next((k for k, b in enumerate(blank) if not b), len(blank))
    transition = round(job.transition_seconds * FPS)
    assert leading <= transition, f"{kind}: {leading / FPS:.1f} s of empty slide at the start"
    assert not any(blank[leading:]), f"{kind}: an empty slide after the entrance"


@needs_ffmpeg
@pytest.mark.render
def test_bullets_show_their_heading_and_dimmed_markers_before_the_first_item(tmp_path: Path) -> None:
    scene = BulletsScene(
        type="bullets",
        title="Nos engagements",
        narration="x",
        items=[{"text": "Écouter", "icon": "comments"}, {"text": "Financer", "icon": "building-columns"}],
    )
    job = make_job(scene, [0.0, 2.0, 3.0], frames=30, exit="cut")
    frames = decode(render(job, tmp_path), 320, 180)
    before, after = frames[15], frames[-1]
    lower = slice(180 // 3, 180)  # under the heading
    assert near(before[: 180 // 3], (0x00, 0x70, 0x3C)).sum() > 30  # the heading
    assert ink(before[lower]).sum() > 100  # the markers, dimmed, already there
    assert not near(before[lower], (0x1B, 0x1B, 0x1B), 60).any()  # but no item text yet
    # at their cues the markers light up (solid primary) and the texts come
    assert near(after[lower], (0x00, 0x70, 0x3C), 30).sum() > 2 * near(before[lower], (0x00, 0x70, 0x3C), 30).sum()


@needs_ffmpeg
@pytest.mark.render
def test_three_short_bullets_use_the_whole_width(tmp_path: Path) -> None:
    scene = BulletsScene(type="bullets", title="Nos priorités", narration="x", items=["Écouter", "Financer", "Agir"])
    job = make_job(scene, [0.0, 0.3, 0.6, 0.9], frames=25, exit="cut")
    last = decode(render(job, tmp_path), 320, 180)[-1]
    body = ink(last[60:165])  # under the heading, above the brand stripe
    left, right = body[:, :160].sum(), body[:, 160:].sum()
    assert left > 150 and right > 150, (left, right)
    assert min(left, right) / max(left, right) > 0.5  # spread evenly, not huddled on the left
    columns = np.flatnonzero(body.any(axis=0))
    assert columns.max() - columns.min() > 0.6 * 320


# --- 9:16, designed for a phone ----------------------------------------------------------------


@needs_ffmpeg
@pytest.mark.render
@pytest.mark.parametrize("kind", ["title", "bullets", "statistic", "quote", "timeline", "comparison", "closing"])
def test_portrait_keeps_to_the_middle_and_clear_of_the_shorts_buttons(kind: str, tmp_path: Path) -> None:
    scene, cues = SCENES[kind]
    scene = scene.model_copy(update={"legal": "Offre soumise à conditions."})
    job = make_job(scene, cues, size=(180, 320), frames=22, exit="cut", language="fr")
    last = decode(render(job, tmp_path), 180, 320)[-1]
    shown = ink(last)
    shown[int(320 * 0.93) :] = False  # the brand stripe, in the bottom margin, is no text
    rows, columns = np.flatnonzero(shown.any(axis=1)), np.flatnonzero(shown.any(axis=0))
    assert rows.size, "nothing drawn"
    assert rows.min() >= 320 * 0.15 - 1 and rows.max() <= 320 * 0.85 + 1, (rows.min(), rows.max())
    assert columns.max() < 180 * 0.85, columns.max()  # the right 15 %: like, comment, share buttons
    # and the content fills its share of the height rather than a strip
    assert rows.max() - rows.min() > 320 * 0.25


# --- 2. a call to action that stays -------------------------------------------------------------


def closing(**kw: Any) -> ClosingScene:
    return ClosingScene(
        type="closing", title="Prenez rendez-vous", url="www.banqueduval.fr", narration="À bientôt !", **kw
    )


def test_the_closing_holds_its_address_five_seconds_unless_a_duration_is_given() -> None:
    scene = closing()
    job = timed_job(scene)
    url_cue = job.cues[2]
    assert job.duration >= url_cue + 1.0 + 5.0 + TRANSITION
    short = timed_job(closing(duration=3.0))
    assert short.duration < url_cue + 5.0  # `duration` still decides


@needs_ffmpeg
@pytest.mark.render
def test_the_closing_address_is_readable_for_five_seconds(tmp_path: Path) -> None:
    job = timed_job(closing())
    frames = decode(render(job, tmp_path), 320, 180)
    exit_start = job.frame_count - round(job.transition_seconds * FPS)
    shown = [near(f, (0x00, 0x70, 0x3C), 30).sum() for f in frames]
    button = max(shown)
    # frames where the address's button (and the call to action) is fully on screen
    readable = [k for k, n in enumerate(shown[:exit_start]) if n > 0.9 * button]
    assert len(readable) >= 5.0 * FPS
    assert readable == list(range(readable[0], readable[-1] + 1))  # one unbroken stretch


# --- 3. legal mentions --------------------------------------------------------------------------


def test_legal_mentions_reach_timing_speech_and_the_description() -> None:
    script = Script.model_validate(
        {
            "title": "Votre prêt",
            "legal": {"text": CREDIT, "spoken": True},
            "publish": {"description": "Le prêt immobilier expliqué."},
            "scenes": [
                {"type": "title", "title": "Votre prêt", "narration": "Bonjour."},
                {
                    "type": "statistic",
                    "value": 3.5,
                    "suffix": "%",
                    "label": "taux",
                    "narration": "Trois virgule cinq.",
                    "legal": {"text": "Offre soumise à conditions.", "spoken": True},
                },
                {"type": "closing", "title": "À bientôt", "narration": "Au revoir."},
            ],
        }
    )
    first, stat, last = script.scenes
    assert [m.text for m in first.legal_mentions()] == [CREDIT]  # the video's mention in every scene
    assert [m.text for m in stat.legal_mentions()] == [CREDIT, "Offre soumise à conditions."]
    # read aloud: a scene's own spoken mention after its narration; the video's once, at the end
    assert [b.text for b in scene_beats(first)] == ["Bonjour."]
    assert [b.text for b in scene_beats(stat)][-1] == "Offre soumise à conditions."
    assert [b.text for b in scene_beats(last)] == ["Au revoir.", CREDIT]
    # long enough to read at 20 characters a second, once the band is in
    job = timed_job(first)
    assert job.duration >= TRANSITION + len(CREDIT) / 20 + TRANSITION - 1e-6
    assert legal_seconds(first) == pytest.approx(len(CREDIT) / 20)
    # the YouTube description (what the manifest and the upload send) ends with the mentions
    description = script.publish_settings.description
    assert description.startswith("Le prêt immobilier expliqué.\n\n")
    assert description.endswith(CREDIT + "\nOffre soumise à conditions.")


def test_band_colours_always_pass_wcag_aa() -> None:
    for background, text in [
        ("#FFFFFF", "#1B1B1B"),
        ("#0B1F3A", "#FFFFFF"),
        ("#888888", "#777777"),
        ("#F2A900", "#FFFFFF"),
    ]:
        colours = band_colours(background, text)
        assert colours.contrast >= MIN_CONTRAST, (background, text, colours)
    assert band_colours("#FFFFFF", "#1B1B1B").text == "#1B1B1B"  # the brand's own when it reads well
    assert contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21.0)


@needs_ffmpeg
@pytest.mark.render
@pytest.mark.parametrize(
    "brand",
    [BRAND, Brand(font="DejaVu Sans", background="#8A8A8A", text="#9A9A9A", primary="#0B4F8A")],
    ids=["brand-colours", "low-contrast-brand"],
)
def test_a_legal_band_is_on_screen_throughout_and_legible(brand: Brand, tmp_path: Path) -> None:
    scene = StatisticScene(type="statistic", value=3.5, suffix="%", label="taux", narration="x", legal=CREDIT)
    job = timed_job(scene, size=(854, 480), brand=brand)
    frames = decode(render(job, tmp_path), 854, 480)
    colours = band_colours(brand.background, brand.text)
    fill = tuple(int(colours.fill[i : i + 2], 16) for i in (1, 3, 5))
    for k in (0, len(frames) // 2, len(frames) - 1):  # from the first frame, through the exit fade
        bottom = frames[k][430:]
        assert near(bottom, fill, 6).mean() > 0.5, k  # the band's tint across the bottom of the frame
    band = frames[len(frames) // 2][400:]
    rows = np.flatnonzero(near(band, fill, 6).mean(axis=1) > 0.5)
    strip = band[rows.min() : rows.max() + 1].reshape(-1, 3)
    # the text's strongest pixels against the measured fill: WCAG AA
    measured = hex_of(np.median(strip, axis=0))
    contrasts = [contrast_ratio(measured, hex_of(px)) for px in strip[::7]]
    assert max(contrasts) >= MIN_CONTRAST
    # a glyph's worth of text pixels, not a speck: readable size
    text_pixels = np.abs(strip - np.median(strip, axis=0)).max(axis=1) > 80
    assert text_pixels.sum() > 400


# --- 4. brand fonts and the corner logo ---------------------------------------------------------


def test_heading_and_body_fonts_apply_by_role() -> None:
    from scenes.kit import Kit

    scene, cues = SCENES["bullets"]
    both = Kit(make_job(scene, cues, brand=Brand(font="DejaVu Sans")), None)  # type: ignore[arg-type]
    assert both.font_for("heading").family == both.font_for("body").family == "DejaVu Sans"
    split = Brand(font="DejaVu Sans", heading_font="DejaVu Serif", body_font="Noto Sans")
    kit = Kit(make_job(scene, cues, brand=split), None)  # type: ignore[arg-type]
    assert [kit.font_for(r).family for r in ("display", "heading", "subheading", "number")] == ["DejaVu Serif"] * 4
    assert [kit.font_for(r).family for r in ("body", "subtitle", "caption")] == ["Noto Sans"] * 3


@needs_ffmpeg
@pytest.mark.render
def test_the_logo_can_sit_in_a_corner_of_every_scene(tmp_path: Path) -> None:
    scene, cues = SCENES["quote"]
    corner = (slice(0, 30), slice(320 - 60, 320))
    plain = decode(render(make_job(scene, cues, frames=15, exit="cut"), tmp_path, "a"), 320, 180)[-1]
    everywhere = BRAND.model_copy(update={"logo_on": "all"})
    marked = decode(render(make_job(scene, cues, frames=15, exit="cut", brand=everywhere), tmp_path, "b"), 320, 180)
    assert not ink(plain[corner]).any()
    assert near(marked[-1][corner], (0x00, 0x70, 0x3C), 40).sum() > 20  # the logo, top right
    assert near(marked[0][corner], (0x00, 0x70, 0x3C), 40).sum() > 20  # from the first frame
