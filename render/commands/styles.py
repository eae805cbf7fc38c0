"""`render styles`: the bundled character styles, their look options and licences."""

from __future__ import annotations

import click

from render.commands._common import CONTEXT, finish


def print_styles() -> None:
    from scenes.cartoon import style_info, style_names
    from scenes.cartoon.credits import LICENCES

    for name in style_names():
        info = style_info(name)
        licence = LICENCES[info.licence]
        attribution = " (attribution required: added to credits.txt and the YouTube description)"
        click.echo(f"{name}: {info.description}")
        click.echo(f"  licence: {licence.title} {licence.url}{attribution if licence.attribution else ''}")
        for option, values in info.options.items():
            click.echo(f"  look.{option}: {', '.join(values)}")
        click.echo(f"  skin (examples): {', '.join(info.skins)}")
        click.echo(f"  hair (examples): {', '.join(info.hairs)}")


@click.command(context_settings=CONTEXT)
def styles() -> None:
    """List the character styles for `cast:`, with their `look` options and licences.

    \b
    cast:
      claire: {style: toon-head, clothes: primary, look: {hair: bun}}
    """
    finish(print_styles)
