"""`render review BUILD_DIR`: the page a reviewer opens and the PDF they print, seen as they see them.

A tiny French video (480p, 15 fps, three scenes) is rendered once for the module. The page is
opened from file:// in Debian's headless Chromium driven by Selenium (chromium-driver): every
scene's frame is loaded and is the video's frame at that time, every phrase is there, the video
plays with its captions. The PDF is rasterised with pdftoppm: A4 landscape, each scene's frame on
a page (the brand's dark background, found in the frame column), its text read back by pdftotext.
"""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from html import escape
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from contract.files import file_sha256
from contract.manifest import Manifest
from render.cli import group
from render.pipeline import RenderOptions, render_script
from render.review import (
    REVIEW_HTML,
    STORYBOARD_PDF,
    ApprovalSummary,
    ReviewFinding,
    ReviewInputs,
    collect,
    documents,
    key_frame_time,
    recorded_approval,
)
from render.review_page import Labels, _approval
from tests.helpers import frame_at, make_project

BACKGROUND = "#0B2545"  # dark, so a frame stands out on white paper
SCRIPT = f"""\
title: Notre offre épargne
language: fr
video: {{resolution: 480p, fps: 15}}
brand: {{primary: "#F2A900", secondary: "#8FD3FF", background: "{BACKGROUND}", text: "#FFFFFF"}}
legal: "Offre soumise à conditions."
lint: {{prefer: {{"aucun frais": "sans frais"}}}}
publish: {{require_approval: true}}
scenes:
  - type: title
    title: Épargner simplement
    subtitle: Banque du Val
    narration: Bonjour ! Voici notre nouvelle offre d'épargne.
  - type: bullets
    title: Deux avantages
    items: [Sans frais, Disponible à tout moment]
    narration:
      - Deux avantages.
      - D'abord, aucun frais.
      - Ensuite, votre argent reste disponible.
  - type: closing
    title: Parlons-en
    url: banque-du-val.fr
    narration: Parlons-en en agence.
"""


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(group, list(args), prog_name="render", catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def copy_build(folder: Path, to: Path) -> Path:
    target = to / folder.name
    shutil.copytree(folder, target)
    return target


def edit_manifest(folder: Path, **changes: object) -> None:
    path = folder / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        node = data
        for key in parents:
            node = node[key]
        node[last] = value
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rendered build folder, with its review written by the command itself."""
    root = make_project(tmp_path_factory.mktemp("review") / "p")
    script = root / "scripts" / "offre.yaml"
    script.write_text(SCRIPT, encoding="utf-8")
    options = RenderOptions(out_dir=root / "build", cache_dir=root / "cache", log=lambda _: None)
    folder = render_script(script, options).folder
    code, out, err = invoke("review", str(folder), "--cache-dir", str(root / "cache"))
    assert code == 0, err
    assert str(folder / REVIEW_HTML) in out and str(folder / STORYBOARD_PDF) in out
    return folder


@pytest.fixture(scope="module")
def manifest(build: Path) -> Manifest:
    return Manifest.from_json((build / "manifest.json").read_bytes())


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    chromium = shutil.which("chromium")
    driver_path = shutil.which("chromedriver")
    assert chromium and driver_path, "install Debian's chromium and chromium-driver (tools/install-system-deps.sh)"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--autoplay-policy=no-user-gesture-required",
        "--window-size=1280,900",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(browser: WebDriver, build: Path) -> WebDriver:
    browser.set_script_timeout(30)
    browser.get((build / REVIEW_HTML).as_uri())
    return browser


def _jpeg(data_uri: str) -> np.ndarray:
    head, _, payload = data_uri.partition(",")
    assert head == "data:image/jpeg;base64"
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(payload))).convert("RGB"))


# -- the page, in a real browser ----------------------------------------------------------------


@pytest.mark.render
def test_the_page_shows_every_scene_with_its_frame_and_narration(page: WebDriver, manifest: Manifest) -> None:
    rows = page.find_elements(By.CSS_SELECTOR, "tr.scene")
    assert len(rows) == len(manifest.scenes) == 3
    for k, (row, scene) in enumerate(zip(rows, manifest.scenes, strict=True)):
        img = row.find_element(By.TAG_NAME, "img")
        loaded = page.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img)
        assert loaded == 854, f"scene {k + 1}: its frame did not load"
        assert img.is_displayed() and img.size["width"] > 300
        text = row.text
        assert f"Scène {k + 1}" in text
        assert scene.phrases and all(p.text in text for p in scene.phrases)
    heads = [r.find_element(By.CSS_SELECTOR, ".scene-head").text for r in rows]
    assert heads == ["Scène 1 · Titre", "Scène 2 · Liste", "Scène 3 · Conclusion"]


@pytest.mark.render
def test_each_frame_is_the_video_at_its_scene_s_key_time(page: WebDriver, build: Path, manifest: Manifest) -> None:
    images = page.find_elements(By.CSS_SELECTOR, "tr.scene img")
    for scene, img in zip(manifest.scenes, images, strict=True):
        at = key_frame_time(scene)
        assert scene.start < at < scene.start + scene.duration
        shown = _jpeg(img.get_attribute("src")).astype(int)
        truth = frame_at(build / manifest.outputs.video.file, at).astype(int)
        assert shown.shape == truth.shape
        assert np.abs(shown - truth).mean() < 4, f"scene {scene.index + 1}: not the video's frame at {at}"
    # the bullets scene's frame is taken once both items are in: after its last cue
    bullets = manifest.scenes[1]
    assert key_frame_time(bullets) >= bullets.start + bullets.cues[-1] + 1.0


@pytest.mark.render
def test_the_video_plays_from_the_folder_with_its_captions(page: WebDriver, build: Path, manifest: Manifest) -> None:
    video = page.find_element(By.ID, "video")
    assert video.get_attribute("src").endswith("/" + manifest.outputs.video.file)  # relative, next to the page
    state = page.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const video = document.getElementById('video');
        const track = video.textTracks[0];
        track.mode = 'showing';
        video.muted = true;
        const report = () => done({
            time: video.currentTime, error: video.error && video.error.code,
            cues: track.cues ? track.cues.length : -1, language: track.language,
        });
        const started = Date.now();  // a moment of playing: half a second of video, or 15 s of waiting
        const wait = () => (video.currentTime > 0.5 || Date.now() - started > 15000 ? report() : setTimeout(wait, 100));
        video.play().then(wait).catch((e) => done({refused: String(e)}));
        """
    )
    assert state.get("error") is None and "refused" not in state, state
    assert state["time"] > 0.5, state
    vtt = next(c for c in manifest.outputs.captions if c.format == "vtt")
    cues = (build / vtt.file).read_text(encoding="utf-8").count(" --> ")
    assert cues >= len(manifest.scenes) and state["cues"] == cues and state["language"] == "fr", state
    severe = [e for e in page.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe  # e.g. Chromium refusing a <track> file from a file:// page


@pytest.mark.render
def test_clicking_a_phrase_s_time_plays_the_video_from_there(page: WebDriver, manifest: Manifest) -> None:
    phrase = manifest.scenes[1].phrases[1]
    stamp = page.find_element(By.CSS_SELECTOR, f'#scene-2 .t[data-t="{phrase.start:.3f}"]')
    assert stamp.text == Labels("fr").time(phrase.start)
    page.execute_script("document.getElementById('video').muted = true")
    stamp.click()
    now = page.execute_async_script(
        """
        const done = arguments[0], video = document.getElementById('video'), started = Date.now();
        const settled = () => !video.seeking || Date.now() - started > 15000;
        const wait = () => (settled() ? done(video.currentTime) : setTimeout(wait, 50));
        setTimeout(wait, 50);
        """
    )
    assert phrase.start <= now < phrase.start + 1.5


@pytest.mark.render
def test_the_header_ties_the_page_to_one_script_and_one_video(page: WebDriver, build: Path, manifest: Manifest) -> None:
    header = page.find_element(By.CSS_SELECTOR, "table.facts").text
    assert manifest.script is not None
    assert manifest.script.path in header and manifest.script.sha256 in header
    assert "inchangé depuis ce rendu" in header
    assert file_sha256(build / manifest.outputs.video.file) in header and "conforme au fichier" in header
    assert "Offre soumise à conditions." in header
    assert "Validation EN ATTENTE : 0 validation(s) sur 1 requise(s)" in header  # publish.require_approval
    assert "Contrôles automatiques 1 remarque(s)" in header
    assert page.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    assert page.title == "Relecture — Notre offre épargne"
    assert not page.find_elements(By.CSS_SELECTOR, ".draft")


# -- the PDF, as printed -------------------------------------------------------------------------


def _pdf_pages(pdf: Path, out: Path, dpi: int = 40) -> list[np.ndarray]:
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(out / "page")], check=True)
    return [np.asarray(Image.open(p).convert("RGB")) for p in sorted(out.glob("page-*.png"))]


def _frames_on(page: np.ndarray, colour: str) -> int:
    """How many frames (tall runs of rows mostly in `colour`) the left column of a page shows."""
    target = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    column = page[:, : page.shape[1] // 2]
    close = np.all(np.abs(column.astype(int) - target) <= 40, axis=2)
    rows = close.mean(axis=1) > 0.3
    edges = np.flatnonzero(np.diff(np.concatenate([[0], rows.astype(int), [0]])))
    runs = edges[1::2] - edges[::2]
    return int((runs >= 20).sum())  # at 40 dpi a frame is about 110 px tall; a text line a few


@pytest.mark.render
def test_the_pdf_is_an_a4_landscape_storyboard_with_all_frames(build: Path, manifest: Manifest, tmp_path: Path) -> None:
    pdf = build / STORYBOARD_PDF
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+841\.89 x 595\.276 pts \(A4\)", info), info
    pages = _pdf_pages(pdf, tmp_path)
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) == len(pages)
    assert 2 <= len(pages) <= 3
    assert all(p.shape[1] > p.shape[0] for p in pages)  # landscape
    frames = [_frames_on(p, BACKGROUND) for p in pages]
    assert sum(frames) == len(manifest.scenes), frames


@pytest.mark.render
def test_the_pdf_text_has_the_header_first_then_every_scene_s_narration(build: Path, manifest: Manifest) -> None:
    def text(*pages: str) -> str:
        command = ["pdftotext", *pages, str(build / STORYBOARD_PDF), "-"]
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        return " ".join(out.split())

    first, everything = text("-f", "1", "-l", "1"), text()
    assert manifest.script is not None
    assert manifest.script.sha256 in first and manifest.outputs.video.sha256 in first
    assert "Notre offre épargne" in first and "Validation EN ATTENTE" in first
    for k, scene in enumerate(manifest.scenes, start=1):
        assert f"Scène {k}" in everything
        for phrase in scene.phrases:
            assert phrase.text in everything, phrase.text
    assert "Visa" in everything and "Signature" in everything  # a box to sign on paper
    assert "Cliquez" not in everything  # screen-only help is not printed


@pytest.mark.render
def test_the_same_build_gives_the_same_files(build: Path) -> None:
    made = documents(collect(build))
    assert made.html.encode("utf-8") == (build / REVIEW_HTML).read_bytes()
    assert made.pdf == (build / STORYBOARD_PDF).read_bytes()
    assert not list(build.glob(".*.tmp"))  # atomic writes leave no temporary file


@pytest.mark.render
def test_render_lint_s_findings_are_shown_with_their_scene(page: WebDriver) -> None:
    rows = page.find_elements(By.CSS_SELECTOR, "tr.scene")
    second = rows[1].find_element(By.CSS_SELECTOR, ".findings").text
    assert "wording" in second and '"aucun frais"' in second and "sans frais" in second
    assert [r.find_element(By.CSS_SELECTOR, ".findings").text for r in (rows[0], rows[2])] == ["aucune remarque"] * 2


@pytest.mark.render
def test_an_approval_recorded_for_this_video_is_shown(build: Path, tmp_path: Path) -> None:
    from records.approvals import approve
    from records.store import open_store

    folder = copy_build(build, tmp_path)
    db = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    manifest = Manifest.from_json((folder / "manifest.json").read_bytes())
    assert "EN ATTENTE : 0 validation(s) sur 1 requise(s)" in documents(collect(folder, db=db)).html
    with open_store(db) as store:
        approve(store, manifest, folder, "Marie Dupont", role="conformité")
    html = documents(collect(folder, db=db)).html
    found = re.search(r"validée par Marie Dupont \(conformité\) — 1 sur 1 requise\(s\) — (\S+ \S+) UTC", html)
    assert found, html[html.index("Validation") : html.index("Validation") + 300]
    # another video (a re-render) is not approved by it
    edit_manifest(folder, outputs__video__sha256="1" * 64)
    other = recorded_approval(folder, db)
    assert (other.status, other.stale) == ("pending", 1)


def test_an_approval_summary_reads_in_the_page_s_language() -> None:
    words = Labels("en")
    approved = ApprovalSummary("approved", ("M. Smith (compliance)",), "2026-12-01T10:32:05.123Z", 1, 1)
    assert _approval(approved, words) == (
        '<span class="ok">approved by M. Smith (compliance) — 1 of 1 needed — 2026-12-01 10:32 UTC</span>'
    )
    assert _approval(ApprovalSummary("not required"), Labels("fr")) == "non requise"
    assert _approval(None, Labels("fr")) == "non enregistrée"
    unknown = _approval(ApprovalSummary("unknown", note="cannot open the records database"), words)
    assert "could not be read: cannot open the records database" in unknown


@pytest.mark.render
def test_findings_given_by_a_caller_are_shown_where_they_belong(build: Path) -> None:
    inputs = ReviewInputs(
        findings={
            0: [ReviewFinding("« simplement » : à justifier.", "warning", "ajoutez une mention", "wording")],
            None: [ReviewFinding("La vidéo n'a pas de numéro ORIAS.", "error")],
        },
        approval=ApprovalSummary("not required"),
    )
    html = documents(collect(build, inputs)).html
    rows = html.split('<tr class="scene"')[1:]
    assert "à justifier" in rows[0] and "ajoutez une mention" in rows[0]
    assert "aucune remarque" in rows[1] and "aucune remarque" in rows[2]
    assert "Toute la vidéo" in html and "ORIAS" in html and "2 remarque(s)" in html
    assert "non requise" in html
    unchecked = documents(collect(build, ReviewInputs())).html
    assert "contrôles automatiques non effectués" in unchecked and "aucune remarque" not in unchecked


@pytest.mark.render
def test_a_draft_or_a_script_changed_since_the_render_is_flagged(build: Path, tmp_path: Path) -> None:
    folder = copy_build(build, tmp_path)
    edit_manifest(folder, preview=True, script__sha256="0" * 64)
    html = documents(collect(folder)).html
    assert "Brouillon (--preview" in html
    assert "MODIFIÉ depuis ce rendu" in html
    assert escape("non effectués : le script à cet emplacement n'est pas celui de cette vidéo") in html


@pytest.mark.render
def test_an_unchanged_script_that_cannot_be_read_now_says_why_the_checks_did_not_run(build: Path) -> None:
    review = collect(build, ReviewInputs())
    review = replace(review, script=replace(review.script, problem="brand.font: 'Brand Sans' is not installed"))
    html = documents(review).html
    assert escape("mais il ne peut pas être lu maintenant : brand.font: 'Brand Sans' is not installed") in html
    assert "non effectués : le script ne peut pas être lu maintenant (voir Script)" in html


# -- bad build folders: a message and exit 2, no traceback ---------------------------------------


def test_a_missing_or_empty_build_folder_is_exit_2(tmp_path: Path) -> None:
    code, _, err = invoke("review", str(tmp_path / "nowhere"))
    assert code == 2 and "no such build folder" in err and "Traceback" not in err
    code, _, err = invoke("review", str(tmp_path))
    assert code == 2 and "manifest.json: missing" in err and "hint: run `render`" in err


@pytest.mark.render
def test_an_incomplete_or_altered_build_folder_is_exit_2(build: Path, tmp_path: Path) -> None:
    video = build.name + ".mp4"
    missing = copy_build(build, tmp_path / "a")
    (missing / video).unlink()
    code, _, err = invoke("review", str(missing))
    assert code == 2 and "the video named in manifest.json is missing" in err
    altered = copy_build(build, tmp_path / "b")
    with (altered / video).open("ab") as stream:
        stream.write(b"\0")
    code, _, err = invoke("review", str(altered))
    assert code == 2 and "does not match manifest.json" in err
    captions = copy_build(build, tmp_path / "c")
    (captions / f"{build.name}.fr.vtt").write_text("WEBVTT\n", encoding="utf-8")
    code, _, err = invoke("review", str(captions))
    assert code == 2 and "the captions file does not match manifest.json" in err
    assert "Traceback" not in err


def test_labels_follow_the_script_s_language() -> None:
    assert Labels("fr-FR").time(4.75) == "0:04,8" and Labels("fr").seconds(6.73) == "6,7\u00a0s"
    assert Labels("en-GB").time(65.25) == "1:05.3" and Labels("en")["approval"] == "Approval"
    assert Labels("de")["scene"] == "Scene"  # no German labels: English
    assert Labels("en").time(3723.0) == "1:02:03.0"


@pytest.mark.render
def test_a_new_render_removes_the_review_of_the_version_before(build: Path, tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(build.parent.parent, root)  # the project, its cache and its reviewed build
    folder = root / "build" / build.name
    assert (folder / REVIEW_HTML).exists() and (folder / STORYBOARD_PDF).exists()
    script = root / "scripts" / "offre.yaml"
    script.write_text(script.read_text(encoding="utf-8") + "# a new version\n", encoding="utf-8")
    options = RenderOptions(out_dir=root / "build", cache_dir=root / "cache", log=lambda _: None)
    assert render_script(script, options).folder == folder
    assert not (folder / REVIEW_HTML).exists() and not (folder / STORYBOARD_PDF).exists()
