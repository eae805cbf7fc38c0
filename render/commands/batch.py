"""`render batch BATCH.yaml`: render every script × aspect of a batch file, then print a summary table.

The batch file's format and the output folders are described in `render/batch.py` and
docs/batch.md. Exit 0 when every video is done, 2 if any input was bad, else 1 if any failed.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from contract.progress import RichReporter
from contract.reporting import say
from render.commands._common import CONTEXT, cache_dir_option, debug_option, finish

if TYPE_CHECKING:
    from render.batch import BatchPlan, Outcome
    from render.loader import LoadedScript
    from render.pipeline import RenderOptions, RenderResult


@click.command(context_settings=CONTEXT)
@click.argument("batch_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="output folder (default: the batch file's `out:`, relative to the batch file; else build/ beside it)",
)
@click.option("--preview", is_flag=True, help="fast drafts: 480p, 15 fps, same timing")
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=None, help="scenes rendered in parallel (default: cores)"
)
@click.option("--no-cache", is_flag=True, help="ignore the cache (render everything again)")
@cache_dir_option
@click.option(
    "--cluster",
    metavar="tcp://HOST:8786",
    envvar="RENDER_CLUSTER",
    default=None,
    help="render on a Dask cluster (also $RENDER_CLUSTER); needs --cache-dir on shared storage (docs/cluster.md)",
)
@click.option("--quiet", "-q", is_flag=True, help="print only errors and the summary")
@debug_option
def batch(
    batch_file: Path,
    out_dir: Path | None,
    preview: bool,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
    cluster: str | None,
    quiet: bool,
    debug: bool,
) -> None:
    """Render every script of BATCH_FILE in every aspect into OUT/<name>[-<aspect>]/, then a summary."""

    def action() -> None:
        from render.batch import plan_batch, run_batch, summary_lines
        from render.cache import default_cache_dir
        from render.pipeline import RenderOptions

        plan = plan_batch(batch_file, out_dir)
        for problem in plan.problems:
            say(f"ERROR {problem}")
        display = RichReporter(unit="scenes") if sys.stderr.isatty() and not quiet else None
        log: Callable[[str], None] = (lambda _line: None) if quiet else (display.info if display else say)
        options = RenderOptions(
            out_dir=plan.out,
            preview=preview,
            jobs=jobs or os.cpu_count() or 1,
            # on a cluster only a cache given explicitly can be the shared one
            cache_dir=cache_dir
            or (None if cluster and not os.environ.get("RENDER_CACHE_DIR") else default_cache_dir()),
            use_cache=not no_cache,
            log=log,
        )

        ready = [v.loaded for v in plan.variants if v.loaded is not None]
        local = not cluster
        render = _local_renderer(ready, options, display) if local else _cluster_renderer(str(cluster), ready, options)
        outcomes = run_batch(plan, render, log)
        for line in summary_lines(outcomes):
            click.echo(line)
        _end(plan, outcomes)

    finish(action, debug)


def _end(plan: BatchPlan, outcomes: list[Outcome]) -> None:
    """Exit 2 if the batch file or any script was bad, else 1 if any render failed."""
    from contract.errors import ExitCode, InputError
    from render.batch import batch_exit

    error = batch_exit(outcomes)
    if error is None and plan.problems:
        raise InputError(f"{plan.file}: {len(plan.problems)} problem(s) in the batch file (above)")
    if error is not None:
        if plan.problems:
            error.exit_code = ExitCode.BAD_INPUT
        raise error


def _cluster_renderer(address: str, ready: list[LoadedScript], options: RenderOptions) -> Callable[[LoadedScript], Any]:
    """Every video rendered on the cluster now; the renderer then hands out each one's result (or error)."""
    from render.cluster import connect, render_on_cluster, shared_cache

    shared_cache(options)  # before connecting: bad options are exit 2 at once
    client = connect(address)
    try:
        results = render_on_cluster(client, ready, options, options.log)
    finally:
        client.close()

    def render(loaded: LoadedScript) -> Any:
        result = results[loaded.name]
        if isinstance(result, BaseException):
            raise result
        return result

    return render


def _local_renderer(
    ready: list[LoadedScript], options: RenderOptions, display: RichReporter | None
) -> Callable[[LoadedScript], RenderResult]:
    """The scenes of every video through one shared pool first; then a renderer of one video at a time."""
    from render.batch import render_scenes_first
    from render.pipeline import render_loaded

    if display:
        options.progress = functools.partial(display.progress, "scenes of the batch")
    try:
        rendered, made, seconds = render_scenes_first(ready, options, options.progress)
    finally:
        if display:
            display.close()
    if rendered > 0:
        options.log(f"batch: {rendered} scene(s) of {len(ready)} video(s) rendered in one pool in {seconds:.1f} s")

    def render(loaded: LoadedScript) -> RenderResult:
        if display:
            options.progress = functools.partial(display.progress, loaded.name)
        try:
            result = render_loaded(loaded, options)
        finally:
            if display:
                display.close()
        early = made.get(loaded.name, 0)  # its scenes rendered by the shared pool count as rendered
        if early and not result.up_to_date:
            result = dataclasses.replace(
                result, scenes_rendered=result.scenes_rendered + early, scenes_cached=result.scenes_cached - early
            )
        return result

    return render
