"""`render voices [LANG ...]`: the speech voices, and the default one for each language."""

from __future__ import annotations

import click

from render.commands._common import CONTEXT, finish


def print_voices(languages: list[str]) -> None:
    from render.engines.espeak import best_voice, espeak_voices

    voices = espeak_voices()
    wanted = [lang.lower() for lang in languages]
    for vid, langs in sorted(voices.items()):
        if wanted and not any(lang.split("-")[0] == w.split("-")[0] for lang in langs for w in wanted):
            continue
        click.echo(f"{vid:28} {', '.join(langs)}")
    for lang in languages:
        click.echo(f"default for {lang}: {best_voice(lang, voices)}")


@click.command(context_settings=CONTEXT)
@click.argument("languages", nargs=-1)
def voices(languages: tuple[str, ...]) -> None:
    """List the speech voices (only those of LANGUAGES when given, e.g. fr en-GB)."""
    finish(lambda: print_voices(list(languages)))
