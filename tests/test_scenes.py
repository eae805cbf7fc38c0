"""The scene library: layout and icon helpers, and tiny real renders checked like a viewer would.

Render tests (marked ``render``) make clips of 180-320 px at 10 fps, a few seconds
long, then check what ffprobe reports and what the decoded pixels show.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from contract.errors import ExitCode, InputError
from contract.job import SceneJob
from contract.scene_errors import SceneInputError, SceneRenderFailure, TextDoesNotFit, UnknownIcon
from contract.script import (
    Brand,
    BulletsScene,
    ClosingScene,
    ComparisonScene,
    ImageScene,
    QuoteScene,
    StatisticScene,
    TimelineScene,
    TitleScene,
)
from scenes import code_fingerprint
from scenes.cues import cue_names
from scenes.icons import find_icon, icon_names
from scenes.numbers import decimals_of, format_number

ASSETS = Path(__file__).resolve().parents[1] / "assets"
FONT_FILE = ASSETS / "fonts" / "NotoSerifDisplay-Bold.ttf"
PRIMARY, SECONDARY, BACKGROUND, TEXT = (
    (0x00, 0x70, 0x3C),
    (0xF2, 0xA9, 0x00),
    (255, 255, 255),
    (0x1B, 0x1B, 0x1B),
)
BRAND = Brand(font="DejaVu Sans", logo=str(ASSETS / "logos" / "banque-du-val.svg"))

needs_ffmpeg = pytest.mark.skipif(
    not (shutil.which("ffmpeg") and shutil.which("ffprobe")),
    reason="ffmpeg and ffprobe are needed to check clips",
)


# --- helpers ---------------------------------------------------------------------------


def make_job(scene, cues, *, size=(320, 180), fps=10, frames=25, brand=BRAND, **kw) -> SceneJob:
    return SceneJob(
        index=kw.pop("index", 0),
        field_path=kw.pop("field_path", "scenes[0]"),
        scene=scene,
        brand=brand,
        width=size[0],
        height=size[1],
        fps=fps,
        frame_count=frames,
        cues=cues,
        crf=kw.pop("crf", 18),
        preset=kw.pop("preset", "veryfast"),
        **kw,
    )


def render(job: SceneJob, tmp_path: Path, name: str = "clip") -> Path:
    from scenes import render_scene

    out = tmp_path / f"{name}.mp4"
    render_scene(job, out)
    return out


def probe(path: Path) -> dict:
    out = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-count_frames",
            "-show_entries",
            "stream=codec_name,pix_fmt,width,height,nb_read_frames,r_frame_rate,profile:format=nb_streams",
            "-of",
            "json",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    data = json.loads(out)
    info = data["streams"][0]
    info["nb_streams"] = data["format"]["nb_streams"]
    return info


def decode(path: Path, width: int, height: int) -> np.ndarray:
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3).astype(np.int16)


def near(frame: np.ndarray, colour: tuple[int, int, int], tolerance: int = 40) -> np.ndarray:
    return np.all(np.abs(frame - np.array(colour)) <= tolerance, axis=-1)


def is_background(frame: np.ndarray, colour=BACKGROUND, tolerance: int = 8) -> bool:
    return bool(np.abs(frame - np.array(colour)).max() <= tolerance)


def border(frame: np.ndarray, width: int = 2) -> np.ndarray:
    return np.concatenate(
        [
            frame[:width].reshape(-1, 3),
            frame[-width:].reshape(-1, 3),
            frame[:, :width].reshape(-1, 3),
            frame[:, -width:].reshape(-1, 3),
        ]
    )


LONG = (
    "Nos conseillers accompagnent chaque client avec attention, simplicité et « bon sens » : "
    "c’est l’engagement de la banque au quotidien"
)

SCENES = {
    "title": (
        TitleScene(
            type="title",
            title="Notre mission : « être utile »",
            subtitle="Édition 2026",
            narration="x",
        ),
        [0.0, 1.0],
    ),
    "bullets": (
        BulletsScene(
            type="bullets",
            title="Nos engagements",
            narration="x",
            items=[
                {"text": "Un conseiller proche de vous", "icon": "handshake"},
                "Des tarifs clairs",
                {"text": "Investir dans l’économie locale", "icon": "building-columns"},
            ],
        ),
        [0.0, 0.8, 1.2, 1.6],
    ),
    "statistic": (
        StatisticScene(type="statistic", value=12500, suffix="€", label="d’épargne moyenne", narration="x"),
        [0.0, 1.2],
    ),
    "quote": (
        QuoteScene(
            type="quote",
            text="Être utile à chacun, chaque jour.",
            author="Marie Dupont",
            narration="x",
        ),
        [0.0, 1.2],
    ),
    "image": (
        ImageScene(type="image", file="campagne.jpg", caption="Nos agences", narration="x"),
        [0.0, 1.0],
    ),
    "timeline": (
        TimelineScene(
            type="timeline",
            title="Notre histoire",
            narration="x",
            events=[
                {"date": "1898", "text": "Fondation"},
                {"date": "1975", "text": "Première agence"},
                {"date": "2026", "text": "Un million de clients"},
            ],
        ),
        [0.0, 0.8, 1.2, 1.6],
    ),
    "comparison": (
        ComparisonScene(
            type="comparison",
            title="Avant / après",
            narration="x",
            left={"heading": "Avant", "items": ["Files d’attente", "Frais cachés"]},
            right={"heading": "Aujourd’hui", "items": ["En ligne", "Tarifs clairs"]},
        ),
        [0.0, 0.8, 1.4],
    ),
    "closing": (
        ClosingScene(
            type="closing",
            title="Rejoignez-nous !",
            subtitle="En 5 minutes",
            url="www.banqueduval.fr",
            narration="x",
        ),
        [0.0, 0.8, 1.4],
    ),
}


def scene_job(kind: str, **kw) -> SceneJob:
    scene, cues = SCENES[kind]
    if kind == "image":
        kw.setdefault("image_file", str(ASSETS / "images" / "campagne.jpg"))
    return make_job(scene, cues, language="fr", **kw)


# --- cheap checks (no render) ------------------------------------------------------------


def test_find_icon_prefers_solid_and_accepts_aliases():
    assert find_icon("handshake").parent.name == "solid"
    assert find_icon("comments").name == "comments.svg"
    assert find_icon("regular/comments").parent.name == "regular"
    assert find_icon("youtube").parent.name == "brands"
    assert find_icon("bank").name == "building-columns.svg"  # a Font Awesome alias
    assert find_icon("fa-solid fa-house").name == "house.svg"
    names = icon_names()
    assert len(names) > 1500 and names == sorted(names) and "building-columns" in names


def test_unknown_icon_lists_closest_names():
    with pytest.raises(UnknownIcon) as caught:
        find_icon("handshak")
    error = caught.value
    assert isinstance(error, InputError) and error.exit_code == ExitCode.BAD_INPUT
    assert error.suggestions[0] == "handshake"
    assert "unknown icon 'handshak'" in error.message and "closest: handshake" in error.message


def test_cue_layout_per_type():
    assert cue_names(SCENES["bullets"][0]) == ["title", "items[0]", "items[1]", "items[2]"]
    assert cue_names(SCENES["timeline"][0]) == ["title", "events[0]", "events[1]", "events[2]"]
    assert cue_names(SCENES["closing"][0]) == ["title", "subtitle", "url"]
    for kind, (scene, cues) in SCENES.items():
        assert len(cue_names(scene)) == len(cues), kind


def test_numbers_follow_the_language():
    assert format_number(12500, 0, "en") == "12,500"
    assert format_number(12500, 0, "fr") == "12\u202f500"
    assert format_number(4.5, 1, "fr-FR") == "4,5"
    assert format_number(1234567.25, 2, "en-GB") == "1,234,567.25"
    assert format_number(-3.5, 1, "fr") == "-3,5"
    assert [decimals_of(v) for v in (12500.0, 4.5, 3.14159, 0.25, 7)] == [0, 1, 2, 2, 0]


def test_statistic_affixes_get_language_spacing():
    from scenes.types.statistic import with_affixes

    assert with_affixes("", "4,5", "%", "fr") == "4,5\u202f%"
    assert with_affixes("", "12\u202f500", "€", "fr") == "12\u202f500\u202f€"
    assert with_affixes("+", "12", "%", "en") == "+12%"
    assert with_affixes("$", "5", "M", "en") == "$5M"
    assert with_affixes("", "12", "clients", "en") == "12 clients"
    assert with_affixes("€ ", "-3,75", "", "fr") == "€\u00a0-3,75"  # a space the script wrote is kept
    assert with_affixes("", "5", " pts", "en") == "5 pts"


def test_wrap_keeps_french_punctuation_with_its_word():
    from scenes.fonts import FontSpec, Measure
    from scenes.layout import wrap

    measure = Measure(FontSpec("DejaVu Sans"))
    text = "Notre mission : « être utile » à chacun ! Vraiment ?"
    for width in (2.0, 2.5, 3.0, 4.0):
        lines = wrap(text, measure, 0.3, width)
        assert lines is not None and " ".join(lines) == text
        assert not any(line.startswith((":", "!", "?", "»")) or line.endswith("«") for line in lines), lines


def test_sizes_are_relative_to_the_short_side():
    from scenes.layout import Frame

    landscape, portrait, square = Frame(1920, 1080), Frame(1080, 1920), Frame(480, 480)
    # 24 px at 1080 is 24/1080 of the short side, in any aspect and resolution
    assert landscape.px(24) * 1080 / landscape.height == pytest.approx(24)
    assert portrait.px(24) * 1080 / portrait.width == pytest.approx(24)
    assert square.px(24) == pytest.approx(8 * 24 / 1080)
    assert landscape.orientation == "landscape" and portrait.orientation == "portrait"


def test_text_does_not_fit_names_the_field():
    from scenes.fonts import FontSpec
    from scenes.layout import TextBox, fit_text

    with pytest.raises(TextDoesNotFit) as caught:
        fit_text(
            "mot " * 500, FontSpec("DejaVu Sans"), "#000000", TextBox(6.0, 2.0, 0.5, 0.18), "scenes[2].items[1].text"
        )
    error = caught.value
    assert isinstance(error, InputError) and error.exit_code == ExitCode.BAD_INPUT
    assert str(error).startswith("scenes[2].items[1].text: text too long to fit on screen at a readable size (")
    assert "shorten it or split the scene" in str(error)


def test_job_language_defaults_to_english_and_fingerprint_is_stable():
    job = make_job(SCENES["quote"][0], [0.0, 1.0])
    assert job.language == "en"
    assert re.fullmatch(r"[0-9a-f]{64}", code_fingerprint()) and code_fingerprint() == code_fingerprint()


def test_font_file_family_is_read_from_the_file():
    from scenes.fonts import font_family

    assert font_family(str(FONT_FILE)) == "Noto Serif Display"


# --- renders -----------------------------------------------------------------------------


@needs_ffmpeg
@pytest.mark.render
@pytest.mark.parametrize("kind", list(SCENES))
def test_every_type_renders_an_exact_clip(kind, tmp_path):
    job = scene_job(kind, frames=23)  # not a round number: the writer pads exactly
    out = render(job, tmp_path)
    info = probe(out)
    assert info["nb_read_frames"] == "23"
    assert (info["width"], info["height"]) == (320, 180)
    assert info["codec_name"] == "h264" and info["pix_fmt"] == "yuv420p" and info["r_frame_rate"] == "10/1"
    assert info["nb_streams"] == 1  # no audio
    frames = decode(out, 320, 180)
    assert is_background(frames[0])  # the entrance fade starts from the plain background
    assert is_background(frames[-1], tolerance=24)  # and the exit fade ends on it (but codec noise)
    middle = frames[16]
    assert not is_background(middle)
    # brand colours (headings, accents, quote marks, the stripe) are there
    assert near(middle, PRIMARY).sum() + near(middle, SECONDARY).sum() > 10
    assert is_background(border(middle)[None], tolerance=10)  # nothing touches the edges


@needs_ffmpeg
@pytest.mark.render
def test_first_frame_is_a_keyframe_and_moov_is_first(tmp_path):
    out = render(scene_job("quote", frames=12), tmp_path)
    first = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "frame=key_frame,pict_type",
            "-read_intervals",
            "%+#1",
            "-of",
            "csv=p=0",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[0]
    assert first.startswith("1,I")
    head = out.read_bytes()[:4096]
    assert head.find(b"moov") != -1 and (head.find(b"mdat") == -1 or head.find(b"moov") < head.find(b"mdat"))


@needs_ffmpeg
@pytest.mark.render
def test_items_appear_at_their_cues(tmp_path):
    scene = BulletsScene(
        type="bullets",
        title="Trois points",
        narration="x",
        items=["Premier point important", "Deuxième point important", "Troisième point"],
    )
    cues = [0.0, 1.0, 2.0, 3.0]
    job = make_job(scene, cues, frames=40, exit="cut")
    frames = decode(render(job, tmp_path), 320, 180)

    def ink(k: int) -> int:  # dark text pixels (the items; the heading is green)
        return int(near(frames[k], TEXT, 60).sum())

    # nothing of item k before its cue frame; clearly more once its animation (0.7 s) has run
    for cue_frame in (10, 20, 30):
        assert ink(cue_frame) <= ink(cue_frame - 1) + 15  # (codec noise)
        assert ink(cue_frame + 9) > ink(cue_frame) + 20
    heading_rows = frames[9][: 180 // 3]
    assert near(heading_rows, PRIMARY).sum() > 30  # the heading sits at the top, in the primary colour


@needs_ffmpeg
@pytest.mark.render
def test_statistic_counts_up(tmp_path):
    scene = StatisticScene(type="statistic", value=980, label="clients", narration="x")
    job = make_job(scene, [0.2, 2.5], frames=30, enter="cut", exit="cut", language="fr")
    frames = decode(render(job, tmp_path), 320, 180)
    counting = [frames[k] for k in range(4, 20, 3)]
    assert any(np.abs(a - b).max() > 60 for a, b in pairwise(counting))  # digits change
    assert np.abs(frames[21] - frames[24]).max() < 12  # then it holds its value (until the label comes)


@needs_ffmpeg
@pytest.mark.render
@pytest.mark.parametrize("size", [(180, 320), (240, 240)], ids=["9:16", "1:1"])
@pytest.mark.parametrize("kind", ["bullets", "quote", "timeline", "title"])
def test_long_texts_stay_inside_the_frame(kind, size, tmp_path):
    scenes = {
        "bullets": (
            BulletsScene(
                type="bullets",
                title=LONG[:70],
                narration="x",
                items=[{"text": LONG, "icon": "comments"}, LONG[:60], LONG],
            ),
            4,
        ),
        "quote": (
            QuoteScene(
                type="quote",
                text=LONG + " " + LONG,
                author="Marie-Christine Dupont-Lefèvre",
                narration="x",
            ),
            2,
        ),
        "timeline": (
            TimelineScene(
                type="timeline",
                title=LONG[:40],
                narration="x",
                events=[{"date": f"{1990 + 9 * k}", "text": LONG[:80]} for k in range(4)],
            ),
            5,
        ),
        "title": (TitleScene(type="title", title=LONG, subtitle=LONG, narration="x"), 2),
    }
    scene, count = scenes[kind]
    job = make_job(scene, [0.1 * k for k in range(count)], size=size, frames=14, exit="cut", enter="cut")
    frames = decode(render(job, tmp_path), *size)
    last = frames[-1]
    assert not is_background(last)
    assert np.abs(border(last, 2) - np.array(BACKGROUND)).max() <= 10


@needs_ffmpeg
@pytest.mark.render
def test_brand_background_and_font_file(tmp_path):
    brand = Brand(
        background="#0B1F3A",
        text="#FFFFFF",
        primary="#7FD1AE",
        secondary="#F2A900",
        font="DejaVu Sans",
        font_file=str(FONT_FILE),
        logo=str(ASSETS / "logos" / "banque-du-val.png"),
    )
    job = make_job(SCENES["title"][0], [0.0, 0.5], brand=brand, frames=20, enter="cut", exit="cut")
    frames = decode(render(job, tmp_path), 320, 180)
    navy = (0x0B, 0x1F, 0x3A)
    # a cut entrance: the title is the opening picture, there from the very first frame
    assert near(frames[0], (0x7F, 0xD1, 0xAE)).sum() > 30
    assert near(frames[0], navy, 8).mean() > 0.8
    assert is_background(border(frames[-1])[None], navy, 10)
    assert near(frames[-1], (0x7F, 0xD1, 0xAE)).sum() > 30  # the title in the brand's primary
    assert near(frames[-1][:60, :80], PRIMARY, 30).sum() > 20  # the PNG logo, top left


@needs_ffmpeg
@pytest.mark.render
def test_slide_transitions_leave_and_enter_sideways(tmp_path):
    job = scene_job("closing", frames=25, enter="slide", exit="slide")
    frames = decode(render(job, tmp_path), 320, 180)
    assert is_background(frames[0]) and is_background(frames[-1], tolerance=24)
    # mid-entrance, the content sits to the right of where it ends up
    cols_in = np.nonzero(~near(frames[2], BACKGROUND, 20).all(axis=0))[0]
    cols_rest = np.nonzero(~near(frames[15], BACKGROUND, 20).all(axis=0))[0]
    assert cols_in.min() > cols_rest.min() + 20


@needs_ffmpeg
@pytest.mark.render
def test_clips_join_with_stream_copy(tmp_path):
    first = render(scene_job("quote", frames=17), tmp_path, "a")
    second = render(scene_job("bullets", frames=21, index=1, field_path="scenes[1]"), tmp_path, "b")
    listing = tmp_path / "list.txt"
    listing.write_text(f"file '{first}'\nfile '{second}'\n")
    joined = tmp_path / "joined.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            str(listing),
            "-c",
            "copy",
            str(joined),
        ],
        check=True,
    )
    assert probe(joined)["nb_read_frames"] == "38"


@needs_ffmpeg
@pytest.mark.render
def test_svg_picture_and_short_cues(tmp_path):
    scene = ImageScene(type="image", file="agence.svg", caption="Une agence", narration="x")
    # cues one frame apart: the first animation is clipped, the count stays exact
    job = make_job(scene, [0.0, 0.1], image_file=str(ASSETS / "images" / "agence.svg"), frames=9)
    out = render(job, tmp_path)
    assert probe(out)["nb_read_frames"] == "9"


@pytest.mark.render
def test_absurd_title_raises_text_does_not_fit_and_leaves_no_file(tmp_path):
    scene = TitleScene(type="title", title="Bienvenue " * 300, narration="x")
    job = make_job(scene, [0.0, 1.0], field_path="scenes[3]", index=3)
    out = tmp_path / "clip.mp4"
    with pytest.raises(TextDoesNotFit) as caught:
        render(job, tmp_path)
    assert str(caught.value).startswith("scenes[3].title: text too long to fit on screen at a readable size")
    assert not out.exists()


@pytest.mark.render
def test_unknown_icon_in_a_scene_names_the_field(tmp_path):
    scene = BulletsScene(type="bullets", items=["Un", {"text": "Deux", "icon": "handshak"}], narration="x")
    with pytest.raises(UnknownIcon) as caught:
        render(make_job(scene, [0.0, 0.5, 1.0]), tmp_path)
    assert str(caught.value).startswith("scenes[0].items[1].icon: unknown icon 'handshak'; closest: handshake")
    assert not (tmp_path / "clip.mp4").exists()


@pytest.mark.render
def test_bad_inputs_fail_cleanly(tmp_path):
    with pytest.raises(SceneInputError, match=r"scenes\[0\]\.file: file not found"):
        render(scene_job("image", image_file=str(tmp_path / "missing.png")), tmp_path)
    with pytest.raises(SceneRenderFailure, match="2 cues given for a bullets scene that needs 4"):
        render(make_job(SCENES["bullets"][0], [0.0, 1.0]), tmp_path)
    assert not list(tmp_path.glob("*.mp4"))


def test_quote_marks_in_the_text_are_not_doubled():
    from scenes.types.quote import strip_quote_marks

    assert strip_quote_marks("« Une banque doit parler votre langue. »") == "Une banque doit parler votre langue."
    assert strip_quote_marks("\u201cBe useful.\u201d") == "Be useful."
    assert strip_quote_marks("Il a dit « oui »") == "Il a dit « oui »"  # not around the whole text


def test_statistic_words_are_set_apart_from_symbols():
    from scenes.types.statistic import is_wordy

    assert is_wordy("projets") and is_wordy("plus de") and is_wordy("clients satisfaits")
    assert not any(is_wordy(a) for a in ("€", "%", "M€", "+", "k", "ans", "$"))
