"""`render build SCRIPT.yaml ...` (or plain `render SCRIPT.yaml ...`): render each script into OUT/<name>/.

The mode flags of the first version (--check, --schema, --voices, --cache-info, --cache-prune)
still work here, because users' scripts and habits rely on them; each hands over to its
subcommand's function.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from contract.progress import RichReporter
from contract.reporting import say
from render.commands._common import CONTEXT, cache_dir_option, debug_option, finish, scripts_argument
from upload.cli import add_publish_options, publish_options_from_kwargs

if TYPE_CHECKING:
    from render.loader import LoadedScript
    from upload.options import PublishOptions


@click.command(context_settings=CONTEXT)
@scripts_argument
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build"),
    show_default=True,
    help="output folder; each script gets OUT/<name>/",
)
@click.option("--preview", is_flag=True, help="fast draft: 480p, 15 fps, same timing")
@click.option(
    "--lang",
    "langs",
    multiple=True,
    metavar="LANG",
    help="render only this language of a `languages: [...]` script (repeatable); default: every one",
)
@click.option("--check", is_flag=True, help="validate the scripts only; render nothing (= render check)")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="scenes rendered in parallel (default: number of cores)",
)
@click.option(
    "--assembler",
    type=click.Choice(["copy", "moviepy"]),
    default="copy",
    show_default=True,
    help="final cut: 'copy' joins final-quality scene clips without re-encoding; 'moviepy' "
    "re-encodes near-lossless clips once through MoviePy (slower)",
)
@click.option("--no-cache", is_flag=True, help="ignore the cache (render everything again)")
@cache_dir_option
@click.option("--cache-info", is_flag=True, help="show the cache's size and exit (= render cache info)")
@click.option("--cache-prune", is_flag=True, help="shrink the cache to --keep and exit (= render cache prune)")
@click.option("--keep", default="0", show_default=True, help="with --cache-prune: size to keep, e.g. 2G")
@click.option(
    "--voices",
    "list_voices",
    is_flag=True,
    help="list the speech voices (filtered by SCRIPTS as language tags) and exit (= render voices)",
)
@click.option("--schema", is_flag=True, help="print the script format's JSON Schema and exit (= render schema)")
@click.option(
    "--publish", is_flag=True, help="after rendering, upload to YouTube; the options below apply (see `upload --help`)"
)
@click.option("--quiet", "-q", is_flag=True, help="print only errors and the final line")
@debug_option
@add_publish_options
def build(
    scripts: tuple[Path, ...],
    out_dir: Path,
    jobs: int | None,
    assembler: str,
    cache_dir: Path | None,
    keep: str,
    debug: bool,
    langs: tuple[str, ...],
    **flags: Any,
) -> None:
    """Render SCRIPTS into OUT/<name>/: video, captions, thumbnail and manifest.json."""
    publish_options = publish_options_from_kwargs(flags)

    def action() -> None:
        from render.commands.cache import show_cache
        from render.commands.check import check_scripts, load_all
        from render.commands.schema import print_schema
        from render.commands.voices import print_voices

        if flags["schema"]:
            return print_schema()
        if flags["list_voices"]:
            return print_voices([str(s) for s in scripts])
        if flags["cache_info"] or flags["cache_prune"]:
            return show_cache(cache_dir, prune_to=keep if flags["cache_prune"] else None)
        if flags["check"]:
            return check_scripts(scripts, langs)

        from render.pipeline import RenderOptions, render_loaded  # noqa: F401 - imported before the fork
        from render.workers import start_workers_early, stop_early_workers

        start_workers_early(jobs or os.cpu_count() or 1)
        try:
            render_all(load_all(scripts, langs), out_dir, jobs, assembler, cache_dir, flags, publish_options)
        finally:
            stop_early_workers()
        return None

    finish(action, debug)


def render_all(
    loaded: list[LoadedScript],
    out_dir: Path,
    jobs: int | None,
    assembler: str,
    cache_dir: Path | None,
    flags: dict[str, Any],
    publish_options: PublishOptions,
) -> None:
    """Render each loaded script (each language variant) in turn, and publish it with --publish."""
    from render.cache import default_cache_dir
    from render.pipeline import RenderOptions, render_loaded

    quiet = flags["quiet"]
    display = RichReporter(unit="scenes") if sys.stderr.isatty() and not quiet else None
    log: Callable[[str], None] = (lambda _line: None) if quiet else (display.info if display else say)
    options = RenderOptions(
        out_dir=out_dir,
        preview=flags["preview"],
        jobs=jobs or os.cpu_count() or 1,
        cache_dir=cache_dir or default_cache_dir(),
        use_cache=not flags["no_cache"],
        log=log,
        assembler=assembler,
        db=publish_options.db,  # --db: the audit trail of the render, and the publish's records
    )
    durations: list[tuple[LoadedScript, float]] = []
    for item in loaded:
        if display:
            options.progress = functools.partial(display.progress, item.name)
        try:
            result = render_loaded(item, options)
        finally:
            if display:
                display.close()
        durations.append((item, result.duration))
        if quiet:
            click.echo(str(result.video))
        if flags["publish"]:
            from upload.cli import print_result
            from upload.publish import publish_build

            print_result(publish_build(result.folder, publish_options))
    for line in variant_durations(durations):
        log(line)


def variant_durations(durations: list[tuple[LoadedScript, float]]) -> list[str]:
    """A line per language variant rendered: its length, and how much longer than the original's.

    A translation is rarely as long as its original; the difference says whether the scenes'
    timing (set by the narration) still suits the pictures.
    """
    lines: list[str] = []
    scripts: dict[Path, list[tuple[LoadedScript, float]]] = {}
    for item, seconds in durations:
        if item.variant is not None:
            scripts.setdefault(item.file, []).append((item, seconds))
    for variants in scripts.values():
        if len(variants) < 2:
            continue
        original = next((s for item, s in variants if item.variant == item.languages[0]), None)
        for item, seconds in variants:
            text = f"{item.name}: {seconds:.1f} s"
            if original and item.variant != item.languages[0]:
                text += f" ({(seconds - original) / original * 100:+.0f} % against {item.languages[0]})"
            elif item.variant == item.languages[0]:
                text += " (original)"
            lines.append(text)
    return lines
