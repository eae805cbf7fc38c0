"""`render check SCRIPT.yaml ...`: validate scripts (and the machine's voice and fonts), render nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from contract.errors import ScriptError
from render.commands._common import CONTEXT, debug_option, finish, require_scripts, scripts_argument

if TYPE_CHECKING:
    from render.loader import LoadedScript


def load_all(scripts: tuple[Path, ...], languages: tuple[str, ...] = ()) -> list[LoadedScript]:
    """Load every script (each language variant of one that has `languages`, or only `languages`);
    report the problems of all of them at once."""
    from render.loader import load_variants
    from render.pipeline import check_environment

    require_scripts(scripts, "render check scripts/mission.yaml")
    loaded, problems = [], []
    for path in scripts:
        try:
            loaded.extend(load_variants(path, languages=languages))
        except ScriptError as error:
            problems.extend(error.problems)
    if problems:
        raise ScriptError(problems)
    for item in loaded:
        check_environment(item)
    return loaded


def check_scripts(scripts: tuple[Path, ...], languages: tuple[str, ...] = ()) -> None:
    for item in load_all(scripts, languages):
        variant = f" [{item.variant}]" if item.variant else ""
        click.echo(f"{item.file}{variant}: ok ({len(item.script.scenes)} scenes)")


@click.command(context_settings=CONTEXT)
@scripts_argument
@click.option(
    "--lang", "langs", multiple=True, metavar="LANG", help="check only this language of a `languages: [...]` script"
)
@debug_option
def check(scripts: tuple[Path, ...], langs: tuple[str, ...], debug: bool) -> None:
    """Validate SCRIPTS: every mistake as file:line:column field: what is wrong (what to do)."""
    finish(lambda: check_scripts(scripts, langs), debug)
