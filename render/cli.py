"""`render`: a click group over the render library, in the manner of manim-slides.

    render build SCRIPT.yaml ...     (also plain `render SCRIPT.yaml ...`, as before)
    render batch BATCH.yaml          (scripts × aspects, one summary table)
    render check SCRIPT.yaml ...
    render lint SCRIPT.yaml ... [--strict] [--json]
    render strings export SCRIPT.yaml --lang en [--update]   (a .po file for translators)
    render schema | render voices [LANG ...] | render cache info | render cache prune --keep 2G
    render review build/<name>/      (review.html + storyboard.pdf for reviewers)
    render approve build/<name>/ --by NAME | render approvals build/<name>/ | render audit [--verify]

Exit codes: 0 ok, 1 failure, 2 bad input, 130 interrupted. One module per subcommand in
`render/commands/`; adding a subcommand is one module and one line below.
"""

from __future__ import annotations

import click

from contract.reporting import ensure_utf8_mode, make_streams_safe
from render.commands.approve import approvals, approve
from render.commands.audit import audit
from render.commands.batch import batch
from render.commands.build import build
from render.commands.cache import cache
from render.commands.check import check
from render.commands.icons import icons
from render.commands.lint import lint
from render.commands.props import props
from render.commands.recording_script import recording_script
from render.commands.review import review
from render.commands.schema import schema
from render.commands.strings import strings
from render.commands.styles import styles
from render.commands.voices import voices

_HELP = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class ScriptsOrCommand(click.Group):
    """Anything that is not a subcommand's name goes to `build`: `render x.yaml --preview` keeps working."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = args[0] if args else None
        if first is not None and first not in self.commands and first not in ("-h", "--help", "--version"):
            args = ["build", *args]
        return super().parse_args(ctx, args)


@click.group(cls=ScriptsOrCommand, context_settings=_HELP, invoke_without_command=False)
@click.version_option(package_name="explainer-toolkit")
def group() -> None:
    """Render explainer videos from YAML scripts.

    \b
    render scripts/mission.yaml            # → build/mission/mission.mp4 (+ captions, thumbnail, manifest)
    render --preview scripts/*.yaml        # quick 480p drafts
    render check scripts/*.yaml            # validate only (also: render --check ...)
    render lint scripts/*.yaml             # what would make the videos worse, before rendering
    render --publish scripts/mission.yaml  # render, then upload to YouTube

    `render SCRIPT.yaml ...` is short for `render build SCRIPT.yaml ...`.
    """


for _command in (
    build,
    batch,
    check,
    lint,
    schema,
    voices,
    cache,
    icons,
    styles,
    props,
    recording_script,
    review,
    strings,
):
    group.add_command(_command)
for _command in (approve, approvals, audit):  # approvals bound to content, and the audit trail
    group.add_command(_command)


def main() -> None:
    ensure_utf8_mode("render")
    make_streams_safe()
    group(prog_name="render")
