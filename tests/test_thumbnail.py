"""The designed thumbnail, as a viewer gets it: YouTube's size, large words, the brand, a face.

Real renders (tiny scripts, silent voice, real Manim in the workers and in this process); the
pictures are judged by their pixels: the words' line height, the brand's colours, the cast
member's skin.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from contract.errors import ScriptError
from contract.manifest import Manifest
from contract.script import Brand
from render.loader import load_script
from render.pipeline import RenderOptions, render_loaded
from render.planning import plan_thumbnail, thumbnail_advice
from tests.helpers import colour_share, make_project

pytestmark = pytest.mark.render

PRIMARY, SECONDARY, BACKGROUND = "#00703C", "#F2A900", "#FFFFFF"
SKIN = "#F1C3A5"
MAX_BYTES = 2 * 1024 * 1024  # YouTube's limit for a custom thumbnail

SCRIPT = """\
title: Notre mission
language: fr
voice: {{engine: silent}}
brand:
  primary: "{primary}"
  secondary: "{secondary}"
  background: "{background}"
  text: "#1B1B1B"
  font: Noto Sans
  logo: ../assets/logos/banque-du-val.svg
video: {{resolution: 480p, fps: 12, aspect: "{aspect}"}}
{cast}scenes:
  - type: title
    title: Notre mission
    duration: 1.5
{publish}"""
CAST = f"""\
cast:
  claire: {{style: toon-head, clothes: primary, skin: "{SKIN}", hair: "#6B3E26", look: {{hair: bun}}}}
"""


def script_text(aspect: str = "16:9", cast: bool = True, publish: str = "") -> str:
    return SCRIPT.format(
        primary=PRIMARY,
        secondary=SECONDARY,
        background=BACKGROUND,
        aspect=aspect,
        cast=CAST if cast else "",
        publish=publish,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("project"))
    Image.new("RGB", (1280, 720), "#123456").save(root / "assets" / "own-thumbnail.png")
    return root


def render(project: Path, name: str, text: str, **options: object) -> tuple[Path, list[str]]:
    """Render `text` as scripts/<name>.yaml; the build folder and the log lines."""
    script = project / "scripts" / f"{name}.yaml"
    script.write_text(text, encoding="utf-8")
    lines: list[str] = []
    settings = {"out_dir": project / "build", "jobs": 2, "cache_dir": project / "cache", "log": lines.append}
    result = render_loaded(load_script(script), RenderOptions(**{**settings, **options}))  # type: ignore[arg-type]
    return result.folder, lines


@pytest.fixture(scope="module")
def wide(project: Path) -> dict:
    folder, lines = render(project, "wide", script_text(publish="publish: {thumbnail: ../assets/own-thumbnail.png}\n"))
    return {"folder": folder, "log": lines, "manifest": Manifest.from_json((folder / "manifest.json").read_bytes())}


@pytest.fixture(scope="module")
def tall(project: Path) -> dict:
    folder, lines = render(project, "tall", script_text("9:16"), preview=True)
    return {"folder": folder, "log": lines, "manifest": Manifest.from_json((folder / "manifest.json").read_bytes())}


def pixels(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def draw(project: Path, name: str, text: str, out: Path) -> np.ndarray:
    """The thumbnail of a script, drawn here (same job and code as a render's)."""
    from scenes import render_thumbnail

    script = project / "scripts" / f"{name}.yaml"
    script.write_text(text, encoding="utf-8")
    render_thumbnail(plan_thumbnail(load_script(script)).job, out)
    return pixels(out)


def line_heights(image: np.ndarray, colour: str, region: tuple[float, float, float, float]) -> list[int]:
    """Heights (px) of the lines of `colour` inside `region` (x0, y0, x1, y1 as shares): runs of rows
    holding it, those apart by less than 3 % of the height joined (an i's dot and its stem)."""
    h, w = image.shape[:2]
    x0, y0, x1, y1 = (round(v * s) for v, s in zip(region, (w, h, w, h), strict=True))
    target = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    rows = np.flatnonzero((np.abs(image[y0:y1, x0:x1].astype(int) - target).max(axis=2) < 40).sum(axis=1) >= 2)
    lines: list[list[int]] = []
    for y in rows:
        if lines and y - lines[-1][1] <= 0.03 * h:
            lines[-1][1] = int(y)
        else:
            lines.append([int(y), int(y)])
    return [end - start + 1 for start, end in lines]


# --- what YouTube gets ----------------------------------------------------------------------


def test_a_wide_video_gets_a_1280x720_png_under_2_mb_whatever_its_resolution(wide: dict) -> None:
    entry = wide["manifest"].outputs.thumbnail
    path = wide["folder"] / entry.file
    assert entry.file == "wide.thumbnail.png" and path.stat().st_size == entry.bytes < MAX_BYTES
    with Image.open(path) as image:
        assert (image.format, image.size, image.mode) == ("PNG", (1280, 720), "RGB")
    assert wide["manifest"].video is not None and wide["manifest"].video.height == 480  # the video is 480p


def test_a_short_gets_1080x1920_even_in_a_preview(tall: dict) -> None:
    path = tall["folder"] / tall["manifest"].outputs.thumbnail.file
    assert tall["manifest"].preview and path.stat().st_size < MAX_BYTES
    with Image.open(path) as image:
        assert (image.format, image.size) == ("PNG", (1080, 1920))
    image = pixels(path)
    assert colour_share(image, PRIMARY, 12) > 0.25 and colour_share(image, SKIN, 12) > 0.02


def test_the_words_are_large_enough_to_read_at_320x180(wide: dict) -> None:
    path = wide["folder"] / wide["manifest"].outputs.thumbnail.file
    with Image.open(path) as image:
        small = np.asarray(image.convert("RGB").resize((320, 180), Image.Resampling.LANCZOS))
    # the words are white on the primary block (left half), below the logo's card
    lines = line_heights(small, BACKGROUND, (0.0, 0.25, 0.5, 1.0))
    assert len(lines) == 2, lines  # "Notre" / "mission"
    assert min(lines) >= 20, lines  # px at 320x180: a title scene's type is about 8
    assert max(lines) / 180 > 0.12


def test_the_brand_colours_fill_it_and_its_character_shows(wide: dict) -> None:
    image = pixels(wide["folder"] / wide["manifest"].outputs.thumbnail.file)
    assert colour_share(image, PRIMARY, 12) > 0.35  # the colour block
    assert colour_share(image, SECONDARY, 12) > 0.03  # the disc, the edge, the accent bar
    assert colour_share(image, BACKGROUND, 12) > 0.05  # the panel, the words
    assert colour_share(image, SKIN, 12) > 0.03  # claire's face and hand


def test_without_a_cast_the_logo_takes_the_characters_place(project: Path, tmp_path: Path) -> None:
    with_cast = draw(project, "cast", script_text(), tmp_path / "cast.png")
    without = draw(project, "nocast", script_text(cast=False), tmp_path / "nocast.png")
    assert colour_share(with_cast, SKIN, 12) > 0.03
    assert colour_share(without, SKIN, 12) < 0.001
    # the logo, large in the panel: its green disc and gold bar on the white right-hand side
    panel = without[100:620, 800:1240]
    assert colour_share(panel, PRIMARY, 12) > 0.2 and colour_share(panel, SECONDARY, 12) > 0.01


def test_thumbnail_text_replaces_the_title(project: Path, tmp_path: Path) -> None:
    long_title = script_text().replace(
        "title: Notre mission\nlanguage", "title: Notre mission en soixante secondes\nlanguage"
    )
    plain = draw(project, "short-title", script_text(), tmp_path / "a.png")
    title_only = draw(project, "long-title", long_title, tmp_path / "b.png")
    overridden = draw(
        project, "override", long_title + "publish: {thumbnail_text: Notre mission}\n", tmp_path / "c.png"
    )
    assert np.array_equal(overridden, plain)  # the same words, drawn the same
    assert not np.array_equal(title_only, plain)


def test_the_authors_line_breaks_are_kept(project: Path, tmp_path: Path) -> None:
    words = (0.0, 0.25, 0.5, 1.0)
    wrapped = script_text(publish="publish: {thumbnail_text: Votre conseiller vous répond}\n")
    broken = script_text(publish='publish: {thumbnail_text: "Votre conseiller\\nvous répond"}\n')
    assert len(line_heights(draw(project, "wrapped", wrapped, tmp_path / "a.png"), BACKGROUND, words)) == 3
    assert len(line_heights(draw(project, "broken", broken, tmp_path / "b.png"), BACKGROUND, words)) == 2


def test_words_stay_readable_on_a_light_primary(project: Path, tmp_path: Path) -> None:
    # a dark brand with a yellow primary: the words take the dark background's colour, not the white text's
    text = script_text().replace(f'primary: "{PRIMARY}"', 'primary: "#FFD400"')
    text = text.replace(f'background: "{BACKGROUND}"', 'background: "#14213D"').replace("#1B1B1B", "#FFFFFF")
    image = draw(project, "yellow", text, tmp_path / "yellow.png")
    assert len(line_heights(image, "#14213D", (0.0, 0.25, 0.5, 1.0))) == 2
    assert not line_heights(image, "#FFFFFF", (0.0, 0.25, 0.5, 1.0))


def test_a_custom_thumbnail_still_wins(wide: dict) -> None:
    from upload.build import load_build

    outputs = wide["manifest"].outputs
    assert outputs.custom_thumbnail is not None and outputs.custom_thumbnail.file == "wide.publish-thumbnail.png"
    assert outputs.thumbnail_to_send == outputs.custom_thumbnail
    assert (wide["folder"] / outputs.thumbnail.file).exists()  # the designed one is made all the same
    with load_build(wide["folder"]) as build:
        assert build.thumbnail.name == "wide.publish-thumbnail.png"
        assert build.thumbnail.data == (wide["folder"] / "wide.publish-thumbnail.png").read_bytes()


def test_a_picture_too_big_for_youtube_is_saved_with_a_palette(tmp_path: Path) -> None:
    from scenes.thumbnail import save_png

    noise = np.random.default_rng(0).integers(0, 256, (720, 1280, 3), dtype=np.uint8)  # ~2.7 MB as a plain PNG
    save_png(Image.fromarray(noise), tmp_path / "noise.png")
    assert (tmp_path / "noise.png").stat().st_size < MAX_BYTES
    with Image.open(tmp_path / "noise.png") as image:
        assert (image.format, image.size) == ("PNG", (1280, 720))


def test_words_and_disc_colours_read_well() -> None:
    from scenes.legal import contrast_ratio
    from scenes.thumbnail import disc_colour, words_colour

    for primary in ("#00703C", "#0B4F8A", "#FFD400", "#E30613", "#7FDBFF"):
        brand = Brand(primary=primary)
        assert contrast_ratio(primary, words_colour(primary, brand)) >= 4.5, primary
    brand = Brand()
    assert disc_colour(brand, clothes="#00703C", hair="#6B3E26") == brand.secondary
    assert disc_colour(brand, clothes=brand.secondary, hair="#6B3E26") != brand.secondary  # clothes would melt


# --- the cache --------------------------------------------------------------------------------


def test_the_thumbnail_is_drawn_once_and_redrawn_only_when_its_words_change(project: Path, wide: dict) -> None:
    assert any(line.startswith("  thumbnail drawn in") for line in wide["log"])
    assert "thumbnail" in wide["manifest"].timings
    before = (wide["folder"] / "wide.thumbnail.png").read_bytes()
    base = script_text(publish="publish: {thumbnail: ../assets/own-thumbnail.png")
    # a change the picture does not depend on: nothing is drawn
    folder, lines = render(project, "wide", base + ", description: Qui nous sommes.}\n")
    assert not any("thumbnail" in line for line in lines), lines
    assert (folder / "wide.thumbnail.png").read_bytes() == before
    manifest = json.loads((folder / "manifest.json").read_text())
    assert "thumbnail" not in manifest["timings"]
    # new words: only the thumbnail is drawn again
    folder, lines = render(project, "wide", base + ", thumbnail_text: Une banque utile}\n")
    assert "  scenes: 1 cached, rendering 0 and the thumbnail with 1 worker(s)" in lines
    assert (folder / "wide.thumbnail.png").read_bytes() != before


# --- the script's side (no render) ------------------------------------------------------------


def write(tmp_path: Path, publish: str, title: str = "Notre mission") -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(
        f"title: {title}\nvoice: {{engine: silent}}\nscenes:\n  - {{type: title, title: x, duration: 1}}\n{publish}",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("publish", "message"),
    [
        ('publish: {thumbnail_text: "  "}', "publish.thumbnail_text: the thumbnail text is empty"),
        (
            "publish: {thumbnail_text: un deux trois quatre cinq six sept huit neuf dix onze douze treize}",
            "publish.thumbnail_text: a thumbnail is read at a glance: at most 12 words (this text has 13)",
        ),
        ("publish: {thumbnail_text: 漢字}", "publish.thumbnail_text: cannot draw '漢' (U+6F22"),
    ],
)
def test_thumbnail_text_is_checked(tmp_path: Path, publish: str, message: str) -> None:
    with pytest.raises(ScriptError) as info:
        load_script(write(tmp_path, publish))
    assert any(message in str(problem) for problem in info.value.problems), info.value.problems


def test_too_many_words_are_a_warning(tmp_path: Path) -> None:
    assert thumbnail_advice(load_script(write(tmp_path, "")).script) is None
    eight = "Le tchat, un choix de plus pour vous"
    advice = thumbnail_advice(load_script(write(tmp_path, "", title=f'"{eight}"')).script)
    assert advice is not None and "title's 8 words" in advice and "publish.thumbnail_text" in advice
    advice = thumbnail_advice(load_script(write(tmp_path, f'publish: {{thumbnail_text: "{eight}"}}')).script)
    assert advice == "`publish.thumbnail_text` has 8 words; 6 at most read at a glance"


def test_the_thumbnail_job_shows_the_first_cast_member_at_youtubes_size(project: Path) -> None:
    script = project / "scripts" / "job.yaml"
    script.write_text(script_text("1:1"), encoding="utf-8")
    job = plan_thumbnail(load_script(script)).job
    assert (job.width, job.height, job.character, job.text, job.field_path) == (
        1080,
        1080,
        "claire",
        "Notre mission",
        "title",
    )
    assert job.look is not None and job.look.skin == SKIN
    assert isinstance(job.brand, Brand) and job.brand.logo and Path(job.brand.logo).is_absolute()
