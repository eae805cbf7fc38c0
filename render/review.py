"""`render review BUILD_DIR`: the video and its storyboard, for people who never open a YAML file.

Bank managers and compliance approve a video, not a script. This module writes, next to the
video, `review.html` (the video with its captions, then one row per scene: a key frame, what the
voice says with its times, when the scene starts and how long it lasts, the automatic checks'
findings) and `storyboard.pdf` (the same storyboard, printable). A header ties both to one script
and one video by their sha256, the video's checked against the file, and says where the approval
stands. Everything comes from the build folder (`manifest.json` and the files it names), which is
not trusted: each file used must be inside it and match the manifest.

- The page is one self-contained file: frames and captions are data URIs; only the video is
  referenced, by its relative name, so the folder opens from a file share with no server.
  (Chromium and Edge refuse a `<track>` file from a file:// page, "'file:' URLs are treated as
  unique security origins", hence the captions embedded too: the same bytes as the .vtt.)
- The PDF is the same HTML printed by WeasyPrint (pure Python over pango, installed with the
  toolkit): it works offline, needs no browser or sandbox, and the same build gives the same bytes.
- Both files are made in memory, then each is written atomically (temp file + rename).
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Generic, Literal, TypeVar

from contract.errors import EnvironmentProblem, InputError, RenderFailure, ToolkitError
from contract.files import atomic_write_bytes, file_sha256, os_reason
from contract.manifest import MANIFEST_NAME, CaptionFile, Manifest, OutputFile, SceneRecord
from contract.script import Brand

if TYPE_CHECKING:
    from render.loader import LoadedScript

REVIEW_HTML = "review.html"
STORYBOARD_PDF = "storyboard.pdf"
RENDER_AGAIN = "run `render` on the script again (it rewrites the video and manifest.json)"
FRAME_MAX_SIDE = 960  # px: sharp on an A4 row, ~50 KB a frame as JPEG
FONT_EMBED_MAX_BYTES = 2 * 1024 * 1024
LOGO_EMBED_MAX_BYTES = 512 * 1024
# the key frame: as the thumbnail (render/planning.py thumbnail_time), once the last element is in
AFTER_LAST_CUE = 1.2
BEFORE_EXIT = 0.6

Log = Callable[[str], None]
Severity = Literal["error", "warning", "info"]
ApprovalStatus = Literal["approved", "pending", "not required", "not recorded", "unknown"]
ScriptStatus = Literal["unchanged", "changed", "missing"]


@dataclass(frozen=True)
class ReviewFinding:
    """One finding of the automatic checks, as the page shows it."""

    message: str
    severity: Severity = "warning"
    hint: str | None = None
    rule: str | None = None  # the check that found it (render lint's rule name)


@dataclass(frozen=True)
class ApprovalSummary:
    """Where the approval of this video stands, as the page shows it (records/approvals.py has the
    record itself: who approved exactly this script and this video)."""

    status: ApprovalStatus
    approvers: tuple[str, ...] = ()  # distinct people whose approval applies ("Name (role)")
    at: str | None = None  # the latest of those approvals (ISO 8601, UTC)
    have: int = 0
    needed: int = 0
    stale: int = 0  # approvals of another version of the script or video: they do not count
    note: str | None = None  # "unknown": why the record could not be read


# findings by scene index (0-based, as in the manifest); key None: about the whole video
Findings = Mapping[int | None, Sequence[ReviewFinding]]


@dataclass(frozen=True)
class ReviewInputs:
    """What the review shows beyond the build folder. `findings` None: the checks were not run
    (the page says so, rather than "no findings"); `approval` None: "not recorded"."""

    findings: Findings | None = None
    approval: ApprovalSummary | None = None


def scene_findings(
    loaded: LoadedScript | None, cache_dir: Path | None = None, log: Log | None = None
) -> Findings | None:
    """`render lint`'s findings (render/lint.py) about the script that made this video, by scene index.

    `loaded` is that script only while its sha256 is still the manifest's (else None, and so is the
    answer: findings about another text would mislead). Speech lengths are measured as `render lint`
    measures them, from the cache the render filled (`cache_dir`)."""
    if loaded is None:
        return None
    from render.lint import lint_report

    by_scene: dict[int | None, list[ReviewFinding]] = {}
    for finding in lint_report(loaded, cache_dir=cache_dir, log=log).findings:
        shown = ReviewFinding(finding.message, "warning", finding.hint, finding.rule)
        by_scene.setdefault(finding.scene, []).append(shown)
    return by_scene


def recorded_approval(folder: Path, db: str | None = None) -> ApprovalSummary:
    """The build's approval state from the records database (`approval_state`, records/approvals.py).

    `db`: its URL (else $RENDER_AUDIT_DB or the project's file). A database that cannot be read is
    said on the page ("unknown", with why), never shown as "not recorded"."""
    from records.approvals import approval_state

    try:
        state = approval_state(folder, db=db)
    except ToolkitError as error:
        return ApprovalSummary("unknown", note=error.message)
    applying = state.applying
    at = max((a.at for a in applying), default=None)
    stale = sum(1 for a in state.approvals if not a.applies)
    approvers = tuple(state.approvers)
    if not state.required:
        status: ApprovalStatus = "not required"
    else:
        status = "approved" if state.approved else "pending"
    return ApprovalSummary(status, approvers, at, len(approvers), state.needed, stale)


@dataclass(frozen=True)
class KeyFrame:
    at: float  # seconds from the video's start
    jpeg: bytes


Entry = TypeVar("Entry", bound=OutputFile)


@dataclass(frozen=True)
class Verified(Generic[Entry]):
    """A file of the build folder that matches the manifest, with its bytes when small."""

    entry: Entry
    path: Path
    data: bytes | None = None


@dataclass(frozen=True)
class ScriptInfo:
    path: str
    sha256: str | None
    status: ScriptStatus
    problem: str | None = None  # unchanged, but it cannot be loaded now (its first problem)


@dataclass(frozen=True)
class Review:
    """Everything the page and the PDF show."""

    folder: Path
    manifest: Manifest
    video: Verified[OutputFile]
    captions: Verified[CaptionFile] | None
    script: ScriptInfo
    brand: Brand
    frames: list[KeyFrame]
    inputs: ReviewInputs
    font_data: bytes | None = None
    logo: tuple[str, bytes] | None = None  # (mimetype, bytes)


@dataclass(frozen=True)
class ReviewDocuments:
    html: str
    pdf: bytes
    pages: int


@dataclass
class ReviewResult:
    html: Path
    pdf: Path
    pages: int
    scenes: int
    seconds: float
    written: list[Path] = field(default_factory=list)


def key_frame_time(scene: SceneRecord) -> float:
    """When a scene shows all it will show: after its last cue (the last item in), before its exit."""
    last = scene.cues[-1] if scene.cues else scene.duration / 2
    inside = max(min(last + AFTER_LAST_CUE, scene.duration - BEFORE_EXIT), 0.0)
    return round(scene.start + inside, 3)


def _refuse(path: Path, problem: str, hint: str = RENDER_AGAIN) -> InputError:
    return InputError(f"{path}: {problem}", hint=hint)


def verified_file(folder: Path, entry: Entry, what: str, keep: bool = False) -> Verified[Entry]:
    """The file `entry` names, if it is a regular file inside `folder` that matches the manifest."""
    path = folder / entry.file
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(folder) or real == folder:
        raise _refuse(path, f"the {what} named in {MANIFEST_NAME} leads outside the build folder (to {real})")
    if not real.exists():
        raise _refuse(path, f"the {what} named in {MANIFEST_NAME} is missing; the build folder is incomplete")
    if not real.is_file():
        raise _refuse(path, f"the {what} named in {MANIFEST_NAME} is not a regular file")
    try:
        data = real.read_bytes() if keep else None
        digest = file_sha256(real)
        size = real.stat().st_size
    except OSError as error:
        raise _refuse(path, f"the {what} cannot be read ({os_reason(error)})") from None
    if size != entry.bytes or digest != entry.sha256 or (data is not None and len(data) != size):
        raise _refuse(path, f"the {what} does not match {MANIFEST_NAME} (changed since it was rendered)")
    return Verified(entry, real, data)


def _captions_entry(manifest: Manifest) -> CaptionFile | None:
    vtts = [c for c in manifest.outputs.captions if c.format == "vtt"]
    same = [c for c in vtts if c.language == manifest.language]
    return next(iter(same or vtts), None)


def _script_info(manifest: Manifest) -> ScriptInfo:
    if manifest.script is None:
        return ScriptInfo("", None, "missing")
    record = manifest.script
    path = Path(record.path)
    try:
        status: ScriptStatus = "unchanged" if file_sha256(path) == record.sha256 else "changed"
    except OSError:
        status = "missing"
    return ScriptInfo(record.path, record.sha256, status)


def _loaded_script(info: ScriptInfo) -> tuple[LoadedScript | None, ScriptInfo]:
    """The script as it was rendered (its sha256 unchanged), for its brand and its checks.

    None when it cannot be had: the page then uses the default brand (the video was checked on
    its own) and says why the checks were not run."""
    if info.status != "unchanged":
        return None, info
    from render.loader import load_script

    try:
        return load_script(Path(info.path)), info
    except (ToolkitError, OSError) as error:
        lines = error.lines() if isinstance(error, ToolkitError) else [os_reason(error)]
        return None, ScriptInfo(info.path, info.sha256, info.status, lines[0] if lines else str(error))


def _small_file(path: Path | str | None, limit: int) -> bytes | None:
    if not path:
        return None
    try:
        file = Path(path)
        return file.read_bytes() if file.stat().st_size <= limit else None
    except OSError:
        return None


def _logo(brand: Brand) -> tuple[str, bytes] | None:
    data = _small_file(brand.logo, LOGO_EMBED_MAX_BYTES)
    if data is None:
        return None
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", data
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", data
    if str(brand.logo).lower().endswith(".svg"):
        return "image/svg+xml", data
    return None


def extract_frame(video: Path, at: float) -> bytes:
    """The frame shown at `at` seconds, as a JPEG at most FRAME_MAX_SIDE pixels on its long side."""
    fit = f"scale=w='min({FRAME_MAX_SIDE},iw)':h='min({FRAME_MAX_SIDE},ih)':force_original_aspect_ratio=decrease"
    command = ["ffmpeg", "-v", "error", "-nostdin", "-ss", f"{at:.3f}", "-i", str(video), "-frames:v", "1"]
    command += ["-vf", fit, "-q:v", "3", "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact"]
    command += ["-f", "image2", "-c:v", "mjpeg", "pipe:1"]
    try:
        run = subprocess.run(command, capture_output=True, check=False, timeout=120)
    except FileNotFoundError:
        raise EnvironmentProblem("ffmpeg is not installed", hint="run tools/install-system-deps.sh") from None
    except subprocess.TimeoutExpired:
        raise RenderFailure(f"{video}: ffmpeg took too long to read the frame at {at:.2f} s") from None
    if run.returncode != 0 or not run.stdout.startswith(b"\xff\xd8"):
        detail = run.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no frame"]
        raise RenderFailure(f"{video}: cannot read the frame at {at:.2f} s ({detail[0]})", hint=RENDER_AGAIN)
    return run.stdout


def collect(
    folder: Path,
    inputs: ReviewInputs | None = None,
    *,
    cache_dir: Path | None = None,
    db: str | None = None,
    log: Log | None = None,
) -> Review:
    """Read and verify the build folder; take each scene's key frame. Bad input: InputError (exit 2).

    `inputs` None: the findings come from `render lint` (:func:`scene_findings`, measuring speech
    from `cache_dir`) and the approval from the records database `db` (:func:`recorded_approval`)."""
    from upload.build import read_manifest

    folder = Path(folder)
    if folder.name == MANIFEST_NAME and folder.is_file():
        folder = folder.parent
    manifest = read_manifest(folder)
    real = Path(os.path.realpath(folder))
    if not manifest.scenes:
        raise _refuse(folder / MANIFEST_NAME, "the manifest lists no scene; there is nothing to review")
    video = verified_file(real, manifest.outputs.video, "video")
    entry = _captions_entry(manifest)
    captions = verified_file(real, entry, "captions file", keep=True) if entry else None
    loaded, script = _loaded_script(_script_info(manifest))
    if inputs is None:
        inputs = ReviewInputs(scene_findings(loaded, cache_dir, log), recorded_approval(real, db))
    brand = loaded.brand if loaded else Brand()
    times = [key_frame_time(scene) for scene in manifest.scenes]
    with ThreadPoolExecutor(max_workers=min(len(times), os.cpu_count() or 1)) as pool:  # one ffmpeg a core
        jpegs = list(pool.map(partial(extract_frame, video.path), times))
    frames = [KeyFrame(at, jpeg) for at, jpeg in zip(times, jpegs, strict=True)]
    font = _small_file(brand.font_file, FONT_EMBED_MAX_BYTES)
    return Review(real, manifest, video, captions, script, brand, frames, inputs, font, _logo(brand))


def documents(review: Review) -> ReviewDocuments:
    """The page's HTML and the PDF printed from it."""
    from render.review_page import page_html

    html = page_html(review)
    try:
        import weasyprint
    except ImportError:
        raise EnvironmentProblem(
            "WeasyPrint, which prints the storyboard, is not installed",
            hint="reinstall the toolkit into its environment: .venv/bin/pip install -e .",
        ) from None
    except OSError as error:  # its pango library is missing
        raise EnvironmentProblem(
            f"WeasyPrint cannot start ({error})", hint="run tools/install-system-deps.sh (pango)"
        ) from None
    rendered = weasyprint.HTML(string=html, base_url=str(review.folder)).render()
    return ReviewDocuments(html, rendered.write_pdf(), len(rendered.pages))


def _write(path: Path, data: bytes) -> None:
    try:
        atomic_write_bytes(path, data)
    except OSError as error:
        raise EnvironmentProblem(
            f"cannot write {path} ({os_reason(error)})", hint="check the build folder's permissions and free space"
        ) from None


def write_review(
    folder: Path,
    inputs: ReviewInputs | None = None,
    *,
    cache_dir: Path | None = None,
    db: str | None = None,
    log: Log | None = None,
) -> ReviewResult:
    """Write `review.html` and `storyboard.pdf` into the build folder `folder` (see :func:`collect`)."""
    started = time.perf_counter()
    review = collect(folder, inputs, cache_dir=cache_dir, db=db, log=log)
    made = documents(review)
    html, pdf = review.folder / REVIEW_HTML, review.folder / STORYBOARD_PDF
    _write(html, made.html.encode("utf-8"))
    _write(pdf, made.pdf)
    seconds = time.perf_counter() - started
    return ReviewResult(html, pdf, made.pages, len(review.manifest.scenes), seconds, [html, pdf])
