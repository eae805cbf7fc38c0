"""`render`: a thin CLI over render.pipeline. Exit codes: 0 ok, 1 failure, 2 bad input, 130 interrupted."""

from __future__ import annotations

import json
import os
import signal
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from contract.errors import ExitCode, InputError, ScriptError, ToolkitError
from upload.cli import add_publish_options, publish_options_from_kwargs


class Interrupted(BaseException):
    """SIGTERM, raised in the main thread so the same cleanup as Ctrl-C runs."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Interrupted()


def _stderr(line: str) -> None:
    click.echo(line, err=True)


def report(error: ToolkitError) -> None:
    lines = error.lines()
    if isinstance(error, ScriptError):
        for line in lines:
            _stderr(f"ERROR {line}")
        if len(lines) > 1:
            _stderr(f"{len(lines)} problems; fix them and run again (`render --check FILE` checks without rendering)")
        return
    _stderr(f"ERROR {lines[0]}")
    for line in lines[1:]:
        _stderr(f"  {line}")


def run_guarded(action, debug: bool = False) -> int:  # type: ignore[no-untyped-def]
    """Run `action()`, turning toolkit errors and interruptions into messages and exit codes."""
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        action()
        return ExitCode.OK
    except ToolkitError as error:
        if debug:
            traceback.print_exc()
        report(error)
        return error.exit_code
    except (KeyboardInterrupt, Interrupted):
        _stderr("interrupted; nothing half-written was kept. Run the same command again to continue.")
        return ExitCode.INTERRUPTED
    except Exception as error:
        if debug:
            traceback.print_exc()
        _stderr(f"ERROR unexpected failure: {type(error).__name__}: {error}")
        _stderr("  run again with --debug to see where, and report it with the script that caused it")
        return ExitCode.FAILURE
    finally:
        signal.signal(signal.SIGTERM, previous)


def _parse_size(text: str) -> int:
    units = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    value = text.strip().lower().rstrip("b").rstrip("i")
    unit = value[-1] if value and value[-1] in units else ""
    try:
        return int(float(value[: len(value) - len(unit)] or "0") * units[unit])
    except ValueError:
        raise InputError(f"--keep {text!r} is not a size; write for example 2G or 500M") from None


@click.command(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.argument("scripts", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build"),
    show_default=True,
    help="output folder; each script gets OUT/<name>/",
)
@click.option("--preview", is_flag=True, help="fast draft: 480p, 15 fps, same timing")
@click.option("--check", is_flag=True, help="validate the scripts only; render nothing")
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
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="cache folder (default: $RENDER_CACHE_DIR or the user cache folder)",
)
@click.option("--cache-info", is_flag=True, help="show the cache's size and exit")
@click.option("--cache-prune", is_flag=True, help="shrink the cache to --keep (least recently used first) and exit")
@click.option("--keep", default="0", show_default=True, help="with --cache-prune: size to keep, e.g. 2G")
@click.option(
    "--voices",
    "list_voices",
    is_flag=True,
    help="list the speech voices (filtered by SCRIPTS as language tags) and exit",
)
@click.option("--schema", is_flag=True, help="print the script format's JSON Schema and exit")
@click.option(
    "--publish", is_flag=True, help="after rendering, upload to YouTube; the options below apply (see `upload --help`)"
)
@click.option("--quiet", "-q", is_flag=True, help="print only errors and the final line")
@click.option("--debug", is_flag=True, help="show tracebacks")
@add_publish_options
@click.version_option(package_name="explainer-toolkit")
def command(
    scripts: tuple[Path, ...],
    out_dir: Path,
    preview: bool,
    check: bool,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
    cache_info: bool,
    cache_prune: bool,
    keep: str,
    list_voices: bool,
    schema: bool,
    publish: bool,
    assembler: str,
    quiet: bool,
    debug: bool,
    **publishing: Any,
) -> None:
    """Render explainer videos from YAML scripts.

    \b
    render scripts/mission.yaml            # → build/mission/mission.mp4 (+ captions, thumbnail, manifest)
    render --preview scripts/*.yaml        # quick 480p drafts
    render --check scripts/*.yaml          # validate only
    render --publish scripts/mission.yaml  # render, then upload to YouTube
    """

    publish_options = publish_options_from_kwargs(publishing)

    def action() -> None:
        from render.cache import Cache, default_cache_dir

        cache_root = cache_dir or default_cache_dir()
        if schema:
            from contract.script import Script

            click.echo(json.dumps(Script.model_json_schema(), indent=2, ensure_ascii=False))
            return
        if list_voices:
            _print_voices([str(s) for s in scripts])
            return
        if cache_info or cache_prune:
            cache = Cache(cache_root)
            if cache_prune:
                removed, freed = cache.prune(keep_bytes=_parse_size(keep))
                click.echo(f"pruned {removed} entries ({freed / 1e6:.1f} MB)")
            info = cache.info()
            click.echo(f"cache: {info.root}")
            click.echo(f"  {info.entries} entries, {info.bytes / 1e6:.1f} MB")
            for kind, (count, size) in sorted(info.by_kind.items()):
                click.echo(f"  {kind}: {count} entries, {size / 1e6:.1f} MB")
            return
        if not scripts:
            raise InputError("no script given", hint="usage: render scripts/mission.yaml (see render --help)")

        from render.loader import load_script

        loaded, problems = [], []
        for path in scripts:
            try:
                loaded.append(load_script(path))
            except ScriptError as error:
                problems.extend(error.problems)
        if problems:
            raise ScriptError(problems)
        from render.pipeline import check_environment

        for item in loaded:
            check_environment(item)
        if check:
            for item in loaded:
                click.echo(f"{item.file}: ok ({len(item.script.scenes)} scenes)")
            return

        from render.pipeline import RenderOptions, render_loaded

        display = TerminalProgress() if sys.stderr.isatty() and not quiet else None
        log = (lambda _line: None) if quiet else (display.log if display else _stderr)
        options = RenderOptions(
            out_dir=out_dir,
            preview=preview,
            jobs=jobs or os.cpu_count() or 1,
            cache_dir=cache_root,
            use_cache=not no_cache,
            log=log,
            assembler=assembler,
        )
        for item in loaded:
            if display:
                options.progress = display.scenes(item.name)
            try:
                result = render_loaded(item, options)
            finally:
                if display:
                    display.stop()
            if quiet:
                click.echo(str(result.video))
            if publish:
                from upload.cli import print_result
                from upload.publish import publish_build

                print_result(publish_build(result.folder, publish_options))

    code = run_guarded(action, debug)
    if code == ExitCode.INTERRUPTED:
        # everything is cleaned up already; don't let interpreter shutdown wait on helper threads
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


class TerminalProgress:
    """A progress bar for the scenes on a terminal (rich); log lines print above it."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.console = Console(stderr=True, highlight=False)
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("scenes"),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )

    def log(self, line: str) -> None:
        self.console.print(line, markup=False)

    def scenes(self, name: str):  # type: ignore[no-untyped-def]
        task = None

        def update(done: int, total: int) -> None:
            nonlocal task
            if task is None:
                self.bar.start()
                task = self.bar.add_task(name, total=total)
            self.bar.update(task, completed=done)

        return update

    def stop(self) -> None:
        self.bar.stop()
        for task in list(self.bar.task_ids):
            self.bar.remove_task(task)


def _print_voices(languages: list[str]) -> None:
    from render.narration import best_voice, espeak_voices

    voices = espeak_voices()
    wanted = [lang.lower() for lang in languages]
    for vid, langs in sorted(voices.items()):
        if wanted and not any(lang.split("-")[0] == w.split("-")[0] for lang in langs for w in wanted):
            continue
        click.echo(f"{vid:28} {', '.join(langs)}")
    for lang in languages:
        click.echo(f"default for {lang}: {best_voice(lang, voices)}")


def main() -> None:
    command(prog_name="render")
