"""Batches: many scripts × aspects (× languages) rendered in one command, `render batch BATCH.yaml`.

A batch file is validated like a script (every problem as `file:line:col field: message`),
then planned into variants: one LoadedScript per output folder, `<name>[-<lang>][-<aspect>]`
(aspect written 16x9), the script's own aspect without a suffix, so a plain script lands
where `render build` puts it; a `languages:` script's variants are `<name>-<lang>` as with
`render build`. A bad script fails its own variants; the others still render.

Locally, the missing scene clips of every video go through one shared worker pool first
(`render_scenes_first`), so the scenes of different videos keep every core busy; then each
video is rendered as by `render build`, finding its clips cached (speech, soundtrack,
thumbnail and the final cut run per video).
"""

from __future__ import annotations

import contextlib
import dataclasses
import glob
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from contract.errors import ExitCode, InputError, ScriptError, ToolkitError
from contract.manifest import LanguageTag
from contract.problems import Problem, format_path
from contract.script import ASPECTS
from render.file_checks import Files, load_brand
from render.languages import variant_name
from render.loader import LoadedScript, find_project_root, load_variants
from render.model_problems import validation_problems
from render.narration import wav_seconds
from render.script_yaml import Document, parse_yaml

if TYPE_CHECKING:
    from render.pipeline import RenderOptions
    from render.planning import PlannedScene

Aspect = Literal["16:9", "9:16", "1:1"]


def _aspect_text(value: Any) -> Any:
    # YAML 1.1 reads an unquoted 16:9 as the sexagesimal number 969 (as in a script's `video.aspect`)
    if isinstance(value, int) and not isinstance(value, bool):
        for name, (w, h) in ASPECTS.items():
            if value == w * 60 + h:
                return name
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BatchEntry(_Strict):
    """One script with its own settings (a brand of its own)."""

    script: str = Field(description="the script's path, relative to the batch file")
    brand: str | None = Field(None, description="a brand YAML file used instead of the script's own brand")
    name: str | None = Field(None, description="the output name instead of the script's file name")


class BatchFile(_Strict):
    """The batch file: which scripts, in which aspects and languages, into which folder."""

    scripts: list[str] = Field(default_factory=list, description="script paths or globs, relative to the batch file")
    entries: list[BatchEntry] = Field(default_factory=list, description="scripts with settings of their own")
    aspects: list[Annotated[Aspect, BeforeValidator(_aspect_text)]] | None = Field(
        None, min_length=1, description="aspects to render; default: each script's own"
    )
    languages: list[LanguageTag] | None = Field(
        None, min_length=1, description="languages to render (of scripts with `languages:`); default: all of each"
    )
    out: str = Field("build", description="output folder, relative to the batch file's folder")


@dataclass
class Variant:
    """One output folder of the batch: the script to render, or why it cannot be."""

    name: str  # the output name: <name>[-<lang>][-<aspect>]
    source: Path
    loaded: LoadedScript | None = None
    error: InputError | None = None


@dataclass
class BatchPlan:
    file: Path
    out: Path
    variants: list[Variant]
    problems: list[Problem] = field(default_factory=list)  # of the batch file itself (entries stay in variants)


@dataclass
class VariantScript(LoadedScript):
    """A loaded script under its batch output name: `<stem>[-<lang>][-<aspect>]`."""

    output_stem: str | None = None  # an entry's `name:` instead of the file's
    aspect_suffix: str = ""  # `-9x16`; empty for the script's own aspect

    @property
    def name(self) -> str:
        stem = self.output_stem or self.file.stem
        return (stem if self.variant is None else variant_name(stem, self.variant)) + self.aspect_suffix


def load_batch(file: Path) -> tuple[BatchFile, Document]:
    """Parse and validate a batch file; raise ScriptError with every problem and its position."""
    doc = parse_yaml(file, what="batch file")
    try:
        return BatchFile.model_validate(doc.data), doc
    except ValidationError as error:
        raise ScriptError(validation_problems(error, doc, root=BatchFile)) from None


def plan_batch(file: Path, out: Path | None = None) -> BatchPlan:
    """Every variant of the batch, each with its loaded script or its error."""
    batch, doc = load_batch(file)
    base = file.resolve().parent
    out_root = out if out is not None else base / batch.out
    problems: list[Problem] = []
    sources: list[tuple[Path, int | None]] = []  # (script, index in entries or None)
    for i, pattern in enumerate(batch.scripts):
        found = [pattern]
        if glob.has_magic(pattern):  # `*.yaml` beside the batch file does not mean the batch file
            found = [m for m in sorted(glob.glob(pattern, root_dir=base)) if (base / m).resolve() != file.resolve()]
        if not found:
            problems.append(doc.problem(("scripts", i), f"{pattern!r} matches no file", "check the pattern"))
        for match in found:
            path = base / match
            if not path.is_file():
                problems.append(doc.problem(("scripts", i), f"script {match!r} not found (looked for {path})"))
                continue
            sources.append((path, None))
    sources.extend((base / entry.script, i) for i, entry in enumerate(batch.entries))
    if not sources and not problems:
        problems.append(doc.problem((), "the batch names no script", "list them under `scripts:` or `entries:`"))

    variants: list[Variant] = []
    for path, index in sources:
        entry = batch.entries[index] if index is not None else None
        variants.extend(_variants(path, entry, index, batch, doc))
    seen: dict[str, Variant] = {}
    for variant in variants:
        other = seen.setdefault(variant.name, variant)
        if other is not variant and variant.error is None:
            variant.loaded = None
            variant.error = InputError(
                f"{variant.source} and {other.source} would both write {out_root / variant.name}",
                hint="give one of them its own `name:` under `entries:`",
            )
    return BatchPlan(file, out_root, variants, problems)


def _variants(
    path: Path, entry: BatchEntry | None, index: int | None, batch: BatchFile, doc: Document
) -> list[Variant]:
    stem = entry.name if entry and entry.name else path.stem
    aspects: list[str | None] = list(batch.aspects) if batch.aspects else [None]
    languages = tuple(batch.languages or ())
    try:
        loaded_languages = load_variants(path, languages=languages)
        if entry is not None and entry.brand is not None:
            assert index is not None
            loaded_languages = [_with_brand(one, entry.brand, ("entries", index), doc) for one in loaded_languages]
    except InputError as error:
        names = [f"{stem}-{lang}" for lang in languages] or [stem]
        guessed = [None if a == "16:9" else a for a in aspects]  # its own aspect is unknown: 16:9, the default
        return [Variant(f"{name}{_suffix(a)}", path, error=error) for name in names for a in guessed]
    variants = []
    for loaded in loaded_languages:
        for aspect in aspects:
            script = loaded.script
            own = aspect is None or aspect == script.video.aspect
            if not own:
                script = script.model_copy(update={"video": script.video.model_copy(update={"aspect": aspect})})
            fields = {f.name: getattr(loaded, f.name) for f in dataclasses.fields(LoadedScript)}
            fields["script"] = script
            one = VariantScript(**fields, output_stem=stem, aspect_suffix=_suffix(None if own else aspect))
            variants.append(Variant(one.name, path, loaded=one))
    return variants


def _suffix(aspect: str | None) -> str:
    return f"-{aspect.replace(':', 'x')}" if aspect else ""


def _with_brand(loaded: LoadedScript, brand: str, at: tuple[str | int, ...], doc: Document) -> LoadedScript:
    """The script with the entry's brand file instead of its own (problems point at the entry's `brand`)."""
    prefix = len(at)
    entry_doc = Document(
        file=doc.file,
        data={"brand": brand},
        values={p[prefix:]: v for p, v in doc.values.items() if p[:prefix] == at},
        keys={p[prefix:]: v for p, v in doc.keys.items() if p[:prefix] == at},
        raw=doc.raw,
    )
    files = Files(entry_doc, doc.file.resolve().parent, find_project_root(doc.file.parent))
    result = load_brand({"brand": brand}, files)
    where = format_path((*at, "brand"))
    problems = [
        dataclasses.replace(p, field=where, hint=(p.hint or "").replace("the script's own", "the batch file's") or None)
        if p.file == str(doc.file)
        else p
        for p in result.problems
    ]
    if problems:
        raise ScriptError(problems)
    # the script's own brand files: `brand.logo` (inline) or `logo` (from its brand file)
    kept = {k: v for k, v in loaded.files.items() if not k.startswith("brand") and k not in ("logo", "font_file")}
    return dataclasses.replace(
        loaded,
        brand=result.brand,
        files={**kept, **files.found},
        environment=[*loaded.environment, *result.environment],
    )


@dataclass
class Outcome:
    """One row of the batch's summary."""

    name: str
    output: Path | None = None
    duration: float | None = None
    seconds: float = 0.0
    state: str = "failed"  # rendered | cached | up to date | failed | bad input
    message: str = ""
    exit_code: ExitCode = ExitCode.OK


class BatchIncomplete(ToolkitError):
    """Some variants failed: exit 2 when an input was bad, else 1."""


def run_batch(
    plan: BatchPlan,
    render: Callable[[LoadedScript], Any],
    log: Callable[[str], None],
) -> list[Outcome]:
    """Render every variant with `render` (one after another); a failure is recorded, the rest goes on."""
    outcomes: list[Outcome] = []
    total = len(plan.variants)
    for number, variant in enumerate(plan.variants, 1):
        outcome = Outcome(variant.name)
        outcomes.append(outcome)
        if variant.loaded is None:
            assert variant.error is not None
            outcome.state, outcome.exit_code = "bad input", ExitCode.BAD_INPUT
            outcome.message = "\n".join(variant.error.lines())
            log(f"[{number}/{total}] {variant.name}: bad input")
            continue
        log(f"[{number}/{total}] {variant.name}: {variant.source}")
        started = time.perf_counter()
        try:
            result = render(variant.loaded)
        except ToolkitError as error:
            outcome.exit_code = error.exit_code
            outcome.state = "bad input" if error.exit_code == ExitCode.BAD_INPUT else "failed"
            outcome.message = "\n".join(error.lines())
        except Exception as error:  # a bug in one video must not stop the others
            outcome.exit_code = ExitCode.FAILURE
            outcome.message = f"unexpected failure: {type(error).__name__}: {error}"
        else:
            outcome.output = result.video
            outcome.duration = result.duration
            if result.up_to_date:
                outcome.state = "up to date"
            else:
                outcome.state = "rendered" if result.scenes_rendered else "cached"
        outcome.seconds = time.perf_counter() - started
        if outcome.output is not None:  # the pipeline's own clock (on a cluster, the worker's)
            outcome.seconds = float(result.seconds.get("total", outcome.seconds))
        if outcome.message:
            log(f"[{number}/{total}] {variant.name}: {outcome.state}: {outcome.message.splitlines()[0]}")
    return outcomes


def summary_lines(outcomes: list[Outcome]) -> list[str]:
    """The summary table as plain lines: output, video duration, seconds taken, state; then each failure."""
    rows = [("output", "duration", "seconds", "state")]
    for o in outcomes:
        duration = f"{o.duration:.1f} s" if o.duration is not None else "-"
        rows.append((str(o.output) if o.output else o.name, duration, f"{o.seconds:.1f}", o.state))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    for o in outcomes:
        if o.message:
            lines.append(f"{o.name}: {o.state}:")
            lines.extend(f"  {line}" for line in o.message.splitlines())
    return lines


def batch_exit(outcomes: list[Outcome]) -> BatchIncomplete | None:
    """The error that ends a batch with failures (2 if any input was bad, else 1), or None."""
    bad = sum(o.exit_code == ExitCode.BAD_INPUT for o in outcomes)
    failed = sum(o.exit_code not in (ExitCode.OK, ExitCode.BAD_INPUT) for o in outcomes)
    if not bad and not failed:
        return None
    error = BatchIncomplete(
        f"{len(outcomes) - bad - failed} of {len(outcomes)} video(s) done; {bad} with bad input, {failed} failed",
        hint="see the messages above; fix them and run the batch again (finished videos are skipped)",
    )
    error.exit_code = ExitCode.BAD_INPUT if bad else ExitCode.FAILURE
    return error


def render_scenes_first(
    variants: list[LoadedScript],
    options: RenderOptions,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, dict[str, int], float]:
    """Every variant's missing scene clips through one shared pool into the cache, before the videos
    are assembled one by one (each then finds its clips cached). A video whose last output used the
    same scenes is left to its own render (it is likely up to date). A variant that fails here is
    skipped: its own render reports why. Returns the scenes rendered (-1: the pool stopped), how many
    of each video's, and the seconds taken."""
    from contract.manifest import build_folder_name
    from render.audit_trail import open_for_render
    from render.pipeline import check_environment, open_cache
    from render.planning import ASSEMBLERS, effective_video, plan_scenes
    from render.speech import prepare_speech
    from render.workers import render_into_cache

    if not options.use_cache:  # the clips must outlive the pool: without a cache, videos render one by one
        return 0, {}, 0.0
    started = time.perf_counter()
    cache, _ = open_cache(options)
    todo: list[PlannedScene] = []
    made: dict[str, int] = {}  # video -> its scenes the cache lacked (rendered here)
    owner: dict[str, tuple[str, int, int]] = {}  # scene key -> (video, scene number, scene count)
    for root in {loaded.root for loaded in variants}:
        # the records database is made before Manim is imported (its logging would show the migration's)
        with contextlib.suppress(ToolkitError), open_for_render(options.db, options.out_dir, root):
            pass
    with cache.shared():
        for loaded in variants:
            try:
                check_environment(loaded)
                video = effective_video(loaded.script, options.preview)
                _, wavs, _ = prepare_speech(loaded, cache, options.log)
                seconds = {text: wav_seconds(path) for text, path in wavs.items()}
                planned = plan_scenes(loaded, video, seconds, ASSEMBLERS[options.assembler].scene_crf, wavs)
            except ToolkitError:
                continue
            folder = options.out_dir / build_folder_name(loaded.name, options.preview)
            if [p.key for p in planned] == _last_scene_keys(folder / "manifest.json"):
                continue
            todo.extend(planned)
            for p in planned:
                owner.setdefault(p.key, (loaded.name, p.job.index + 1, len(planned)))
                if not cache.get("scene", p.key, ".mp4"):
                    made[loaded.name] = made.get(loaded.name, 0) + 1

        def describe(p: PlannedScene) -> str:
            name, number, count = owner[p.key]
            return f"{number}/{count} of {name}"

        try:
            rendered = render_into_cache(todo, cache, options.jobs, options.log, progress, describe) if todo else 0
        except ToolkitError as error:  # a scene that cannot render: its video's own render says which, where
            options.log(f"  the shared pool stopped ({error.message}); the videos go on one by one")
            return -1, {}, time.perf_counter() - started
    return rendered, made, time.perf_counter() - started


def _last_scene_keys(manifest: Path) -> list[str] | None:
    try:
        scenes = json.loads(manifest.read_text(encoding="utf-8"))["scenes"]
        return [str(scene["key"]) for scene in scenes]
    except (OSError, ValueError, KeyError, TypeError):
        return None
