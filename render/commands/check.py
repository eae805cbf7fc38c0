"""`render check SCRIPT.yaml ...`: validate scripts (and the machine's voice and fonts), render nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from contract.errors import ScriptError
from render.commands._common import CONTEXT, debug_option, finish, require_scripts, scripts_argument

if TYPE_CHECKING:
    from render.loader import LoadedScript


def load_all(scripts: tuple[Path, ...]) -> list[LoadedScript]:
    """Load every script; report the problems of all of them at once."""
    from render.loader import load_script
    from render.pipeline import check_environment

    require_scripts(scripts, "render check scripts/mission.yaml")
    loaded, problems = [], []
    for path in scripts:
        try:
            loaded.append(load_script(path))
        except ScriptError as error:
            problems.extend(error.problems)
    if problems:
        raise ScriptError(problems)
    for item in loaded:
        check_environment(item)
    return loaded


def check_scripts(scripts: tuple[Path, ...]) -> None:
    for item in load_all(scripts):
        click.echo(f"{item.file}: ok ({len(item.script.scenes)} scenes)")


@click.command(context_settings=CONTEXT)
@scripts_argument
@debug_option
def check(scripts: tuple[Path, ...], debug: bool) -> None:
    """Validate SCRIPTS: every mistake as file:line:column field: what is wrong (what to do)."""
    finish(lambda: check_scripts(scripts), debug)
