"""Publish every language variant of a script and link them to each other: `upload --all build/mission-*`.

    from upload.variants import publish_variants
    results = publish_variants([Path("build/mission-fr"), Path("build/mission-en")], PublishOptions())

Each variant (`build/<name>-<lang>/`, rendered from one `languages: [...]` script) is published by
:func:`upload.publish.publish_build` as its own video, in its own language, with its own ledger.
Its description ends with a line per other variant, in its language ("Version anglaise :
https://youtu.be/ID" in the French video, "French version: https://youtu.be/ID" in the English one;
see :mod:`upload.links`).

A video id is known only once the video is uploaded, so the first pass publishes every variant
with the links known so far (from the ledgers), and a second pass updates (videos.update) the
descriptions that still lack a link. Running again finds every id in the ledgers, sends the
descriptions already sent, and so uploads and updates nothing.

Everything that is bad input is found before anything is sent: folders that are not variants of
one script, two folders of one language, a description the links would take over YouTube's
limit, a variant that is not approved when its script requires approval.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, TextIO

from contract.errors import InputError, PublishError
from contract.manifest import PREVIEW_SUFFIX, Manifest
from contract.progress import Reporter, make_reporter
from records.approvals import state_of
from records.store import open_store
from upload.build import load_build, read_manifest
from upload.client import resolve_endpoint
from upload.ledger import Ledger
from upload.links import ID_LENGTH, link_line, with_links
from upload.options import Action, PublishOptions, PublishResult
from upload.publish import publish_build, refuse_unapproved

# the messages of publish_build's failures that come once the video exists (a later step failed,
# or YouTube kept it private): the other variants are still published and linked
_VIDEO_EXISTS = ("the video is published", "YouTube made the video private")
ALL_HINT = "give the build folders of one script's language variants, e.g. `upload --all build/mission-*`"


@dataclass(frozen=True)
class Variant:
    folder: Path
    manifest: Manifest

    @property
    def language(self) -> str:
        return self.manifest.language

    @property
    def script(self) -> str:
        """The script's name: the manifest's `variant_of`, else the folder's name without `-<lang>`."""
        if self.manifest.variant_of:
            return self.manifest.variant_of
        return self.manifest.name.removesuffix(f"-{self.language}")


VariantAction = Action | Literal["incomplete"]


@dataclass
class VariantResult:
    folder: Path
    language: str
    # "uploaded" if this run uploaded it (even if it then updated the links); "incomplete": the video
    # exists but a later step failed (the run then fails, exit 1)
    action: VariantAction
    result: PublishResult  # the last publish of this variant in the run
    links: list[str]  # the lines at the end of its description


def find_variants(folders: Sequence[Path], reporter: Reporter) -> list[Variant]:
    """The variants the folders hold, checked to be one script's, one per language (else InputError)."""
    variants: list[Variant] = []
    for folder in folders:
        folder = Path(folder)
        if folder.is_file() and folder.name == "manifest.json":
            folder = folder.parent
        if folder.name.endswith(PREVIEW_SUFFIX):
            reporter.info(f"skipped {folder}: a --preview draft, not a video to publish")
            continue
        if any(v.folder.resolve() == folder.resolve() for v in variants):
            continue  # the same folder given twice
        variants.append(Variant(folder, read_manifest(folder)))
    if not variants:
        raise InputError("--all: no build folder to publish (only --preview drafts were given)", hint=ALL_HINT)
    scripts = {v.script for v in variants}
    if len(scripts) > 1:
        listed = "; ".join(f"{v.folder} is of `{v.script}`" for v in variants)
        raise InputError(
            f"--all publishes the language variants of one script, and these folders are of {len(scripts)}: {listed}",
            hint=ALL_HINT + "; run it once per script",
        )
    seen: dict[str, Path] = {}
    for v in variants:
        if v.language in seen:
            raise InputError(
                f"{seen[v.language]} and {v.folder} are both the {v.language} variant of `{v.script}`",
                hint="give one folder per language (a copied or renamed build folder is still the same variant)",
            )
        seen[v.language] = v.folder
    declared = next((v.manifest.languages for v in variants if v.manifest.languages), [])
    missing = [lang for lang in declared if lang not in seen]
    if missing:
        reporter.warning(
            f"`{variants[0].script}` also declares {', '.join(missing)}: no folder of that variant was given, so "
            "the others do not link to it (render it, then run `upload --all` again to add the links)"
        )
    versions = {v.manifest.script.sha256 for v in variants if v.manifest.script is not None}
    if len(versions) > 1:
        reporter.warning(
            f"the variants of `{variants[0].script}` were rendered from different versions of the script; "
            "render them all again if the change concerns every language"
        )
    return variants


def _known_id(variant: Variant, options: PublishOptions, endpoint: str) -> str | None:
    """The video id the variant's ledger records for this content on this login and server."""
    with open_store(options.db, variant.folder, Path.cwd()) as store:
        ledger = Ledger.load(variant.folder, store, read_only=True)
        entry = ledger.find(options.account, endpoint, variant.manifest.outputs.video.sha256)
    return entry.video_id if entry is not None else None


def _links(variant: Variant, variants: list[Variant], ids: dict[str, str | None], *, all_lines: bool) -> list[str]:
    """A line per other variant, in this variant's language; `all_lines`: also those not published yet."""
    lines = []
    for other in variants:
        if other is variant:
            continue
        video_id = ids.get(other.language)
        if video_id or all_lines:
            lines.append(
                link_line(variant.language, other.language, f"https://youtu.be/{video_id}" if video_id else None)
            )
    return lines


def _check(variants: list[Variant], options: PublishOptions) -> None:
    """Bad input before anything is sent: each build, its description with every link, its approvals."""
    ids: dict[str, str | None] = {v.language: "x" * ID_LENGTH for v in variants}
    for variant in variants:
        with load_build(variant.folder) as build:
            with_links(build.publish, _links(variant, variants, ids, all_lines=True), variant.folder / "manifest.json")
            if options.dry_run:
                continue
            with open_store(options.db, build.folder, Path.cwd()) as store:
                refuse_unapproved(build, state_of(store, build.manifest, build.folder))


def publish_variants(
    folders: Sequence[Path],
    options: PublishOptions | None = None,
    reporter: Reporter | None = None,
    out: TextIO | None = None,
    done: Callable[[VariantResult], None] | None = None,
) -> list[VariantResult]:
    """Publish every variant in `folders` and link them in their descriptions.

    `done` is called with each variant's result once all are published (before a failure is
    raised). Raises :class:`InputError` (exit 2) for bad input, before anything is sent, and
    :class:`PublishError` (exit 1) when publishing fails; a variant whose video exists but a later
    step failed does not stop the others."""
    options = options or PublishOptions()
    options.check()
    endpoint = resolve_endpoint(options.api_endpoint)
    own_reporter = reporter is None
    reporter = reporter or make_reporter()
    try:
        variants = find_variants(folders, reporter)
        _check(variants, options)
        known = {v.language: None if options.force_new else _known_id(v, options, endpoint) for v in variants}
        if options.dry_run:
            return _dry_run(variants, options, known, reporter, out, done)
        return _publish(variants, options, endpoint, known, reporter, done)
    finally:
        if own_reporter:
            reporter.close()


def _dry_run(
    variants: list[Variant],
    options: PublishOptions,
    known: dict[str, str | None],
    reporter: Reporter,
    out: TextIO | None,
    done: Callable[[VariantResult], None] | None,
) -> list[VariantResult]:
    stream = out if out is not None else sys.stdout
    results = []
    for index, variant in enumerate(variants):
        lines = _links(variant, variants, known, all_lines=True)
        head = (
            f"== {variant.folder} ({variant.language}), variant {index + 1} of {len(variants)} of `{variant.script}` =="
        )
        print(("\n" if index else "") + head, file=stream, flush=True)
        result = publish_build(variant.folder, options, reporter, stream, links=lines)
        added = [f"  {line}" for line in lines] or ["  (none: no other variant)"]
        print("Links at the end of the description:", *added, sep="\n", file=stream, flush=True)
        results.append(VariantResult(variant.folder, variant.language, "dry-run", result, lines))
    for item in results:
        if done is not None:
            done(item)
    return results


def _publish(
    variants: list[Variant],
    options: PublishOptions,
    endpoint: str,
    known: dict[str, str | None],
    reporter: Reporter,
    done: Callable[[VariantResult], None] | None,
) -> list[VariantResult]:
    ids = dict(known)
    sent: dict[str, list[str]] = {}
    results: dict[str, VariantResult] = {}
    failures: dict[str, str] = {}  # language -> what failed (its last attempt)

    def attempt(variant: Variant, lines: list[str], opts: PublishOptions) -> PublishResult | None:
        lang = variant.language
        try:
            result = publish_build(variant.folder, opts, reporter, links=lines)
        except PublishError as error:
            video_id = _known_id(variant, options, endpoint)
            if video_id is None or not error.message.startswith(_VIDEO_EXISTS):
                published = [f"{r.folder} ({r.result.url})" for r in results.values()]
                so_far = f"; published so far: {', '.join(published)}" if published else "; no variant was published"
                raise PublishError(f"{variant.folder}: {error.message}{so_far}", hint=error.hint) from None
            ids[lang] = video_id
            failures[lang] = f"{variant.folder}: {error.message}"
            url = f"https://youtu.be/{video_id}"
            first = results.get(lang)
            action: Action = first.result.action if first is not None else "uploaded" if not known[lang] else "updated"
            partial = PublishResult(action, video_id, url)
            results[lang] = VariantResult(variant.folder, lang, "incomplete", partial, lines)
            return None
        failures.pop(lang, None)
        return result

    # first pass: every variant, with the links known so far
    for variant in variants:
        lines = _links(variant, variants, ids, all_lines=False)
        result = attempt(variant, lines, options)
        sent[variant.language] = lines
        if result is not None:
            ids[variant.language] = result.video_id
            results[variant.language] = VariantResult(variant.folder, variant.language, result.action, result, lines)
    # second pass: the descriptions that lack a link known only now (never a new upload: no --force-new)
    again = replace(options, force_new=False)
    for variant in variants:
        lines = _links(variant, variants, ids, all_lines=False)
        if lines == sent[variant.language]:
            continue
        reporter.info(f"{variant.folder}: adding the links to the other language versions")
        result = attempt(variant, lines, again)
        if result is None:
            continue
        first = results.get(variant.language)
        action: Action = "uploaded" if first is not None and first.result.action == "uploaded" else result.action
        results[variant.language] = VariantResult(variant.folder, variant.language, action, result, lines)
    ordered = [results[v.language] for v in variants if v.language in results]
    for item in ordered:
        if done is not None:
            done(item)
    if failures:
        raise PublishError(
            f"{len(failures)} variant(s) are published but not complete: " + "; ".join(failures.values()),
            hint="run the same command again to retry what failed; no video is uploaded twice",
        )
    return ordered
