"""`render cache info` and `render cache prune --keep SIZE`."""

from __future__ import annotations

from pathlib import Path

import click

from contract.errors import InputError
from render.commands._common import CONTEXT, cache_dir_option, finish


def parse_size(text: str) -> int:
    """'2G', '500M', '1.5g', '0' -> bytes."""
    units = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    value = text.strip().lower().rstrip("b").rstrip("i")
    unit = value[-1] if value and value[-1] in units else ""
    try:
        return int(float(value[: len(value) - len(unit)] or "0") * units[unit])
    except ValueError:
        raise InputError(f"--keep {text!r} is not a size; write for example 2G or 500M") from None


def show_cache(cache_dir: Path | None, prune_to: str | None = None) -> None:
    """Print the cache's size (after pruning it to `prune_to` when given)."""
    from render.cache import Cache, default_cache_dir

    store = Cache(cache_dir or default_cache_dir())
    if prune_to is not None:
        removed, freed = store.prune(keep_bytes=parse_size(prune_to))
        click.echo(f"pruned {removed} entries ({freed / 1e6:.1f} MB)")
    info = store.info()
    click.echo(f"cache: {info.root}")
    click.echo(f"  {info.entries} entries, {info.bytes / 1e6:.1f} MB")
    for kind, (count, size) in sorted(info.by_kind.items()):
        click.echo(f"  {kind}: {count} entries, {size / 1e6:.1f} MB")


@click.group(context_settings=CONTEXT)
def cache() -> None:
    """Look at the render cache, or shrink it."""


@cache.command(context_settings=CONTEXT)
@cache_dir_option
def info(cache_dir: Path | None) -> None:
    """Show the cache's size."""
    finish(lambda: show_cache(cache_dir))


@cache.command(context_settings=CONTEXT)
@click.option("--keep", default="0", show_default=True, help="size to keep, e.g. 2G (least recently used go first)")
@cache_dir_option
def prune(keep: str, cache_dir: Path | None) -> None:
    """Shrink the cache to --keep."""
    finish(lambda: show_cache(cache_dir, prune_to=keep))
