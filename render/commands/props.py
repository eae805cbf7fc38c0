"""`render props`: the names of the bundled props (Fluent Emoji Flat, MIT)."""

from __future__ import annotations

import click

from render.commands._common import CONTEXT, finish


def print_props() -> None:
    from scenes.cartoon import find_prop, prop_names

    for name in prop_names():
        click.echo(f"{name:22}{find_prop(name).source}")
    click.echo("licence: MIT (Fluent Emoji Flat, © Microsoft Corporation)")


@click.command(context_settings=CONTEXT)
def props() -> None:
    """List the props a `presenter` or `dialogue` scene may show (`props: [money-bag, ...]`)."""
    finish(print_props)
