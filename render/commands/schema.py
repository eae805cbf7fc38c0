"""`render schema`: the script format's JSON Schema, for editors."""

from __future__ import annotations

import json

import click

from render.commands._common import CONTEXT, finish


def print_schema() -> None:
    from contract.script import Script

    click.echo(json.dumps(Script.model_json_schema(), indent=2, ensure_ascii=False))


@click.command(context_settings=CONTEXT)
def schema() -> None:
    """Print the script format's JSON Schema."""
    finish(print_schema)
