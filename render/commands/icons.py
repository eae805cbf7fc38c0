"""`render icons [WORD ...]`: find a bundled icon's name from a word, in English or French, offline."""

from __future__ import annotations

import click

from render.commands._common import CONTEXT, finish

_SHOWN_KEYWORDS = 6
_SHOWN_FRENCH = 4


def print_icons(words: list[str], limit: int | None) -> None:
    from scenes.icons import icon_styles, search_icons

    query = " ".join(words)
    matches = search_icons(query, limit=limit if query.strip() else None)
    if not matches:
        click.echo(f"no icon found for {query!r}; try another word, in English or French, or `render icons` for all")
        return
    width = max(len(m.name) for m in matches) + 2
    for match in matches:
        english = ", ".join(match.keywords[:_SHOWN_KEYWORDS])
        french = ", ".join(match.french[:_SHOWN_FRENCH])
        styles = icon_styles(match.name)
        line = f"{match.name:{width}}{english}"
        if french:
            line += f"  (fr: {french})"
        if styles[:1] != ["solid"] and styles:
            line += f"  [{styles[0]}]"
        click.echo(line.rstrip())


@click.command(context_settings=CONTEXT)
@click.argument("words", nargs=-1)
@click.option("--limit", type=click.IntRange(min=1), default=15, show_default=True, help="show at most this many")
def icons(words: tuple[str, ...], limit: int) -> None:
    """Search the bundled icons (Font Awesome Free) by WORDS, in English or French.

    \b
    render icons maison          # house, house-chimney... (accents optional: téléphone = telephone)
    render icons poignée de main # handshake
    render icons                 # every icon name

    Write the name it shows after `icon:` in a script.
    """
    finish(lambda: print_icons(list(words), limit))
