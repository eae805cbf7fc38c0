"""`render review BUILD_DIR`: a review page and a printable storyboard, for people who never open a YAML file.

Writes BUILD_DIR/review.html (the video with its captions, then each scene's key frame, narration,
times and `render lint` findings, under a header with the script's and the video's sha256 and the
approval state) and BUILD_DIR/storyboard.pdf (the same storyboard on A4 landscape). The library
is render/review.py; see docs/review.md.
"""

from __future__ import annotations

from pathlib import Path

import click

from render.commands._common import CONTEXT, cache_dir_option, debug_option, finish


def review_build(build_dir: Path, cache_dir: Path | None, db: str | None) -> None:
    from render.review import write_review

    def log(line: str) -> None:
        click.echo(line, err=True)  # speech measured for the checks; stdout holds only the files written

    result = write_review(build_dir, cache_dir=cache_dir, db=db, log=log)
    pages = f"{result.pages} page{'s' if result.pages != 1 else ''}"
    click.echo(str(result.html))
    click.echo(f"{result.pdf} ({pages}, {result.scenes} scenes)")


@click.command(context_settings=CONTEXT)
@click.argument("build_dir", type=click.Path(path_type=Path))
@cache_dir_option
@click.option(
    "--db",
    metavar="URL",
    default=None,
    help="the records database holding the approvals (default: $RENDER_AUDIT_DB, else the project's)",
)
@debug_option
def review(build_dir: Path, cache_dir: Path | None, db: str | None, debug: bool) -> None:
    """Write BUILD_DIR/review.html and BUILD_DIR/storyboard.pdf for reviewers (managers, compliance).

    \b
    render review build/mission/     # open build/mission/review.html, print storyboard.pdf
    """
    finish(lambda: review_build(build_dir, cache_dir, db), debug)
