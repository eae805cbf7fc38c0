"""`upload`: log in to YouTube, publish a rendered build folder. A thin layer over upload.publish.

    upload --login [--profile NAME] --client-secrets client_secret.json
    upload build/mission/ [--profile NAME | --token-file PATH] [--dry-run [--verbose]] [--force-new]
    upload --all build/mission-* [same options]   (every language variant, linked to each other)

Exit codes: 0 ok, 1 publishing failed, 2 bad input, 130 interrupted.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from contract.errors import InputError
from contract.reporting import ensure_utf8_mode, make_streams_safe, redact, run_guarded
from upload.defaults import CHUNK_UNIT, DEFAULT_CHUNK_SIZE, ENDPOINT_ENV
from upload.options import PublishOptions, PublishResult

if TYPE_CHECKING:
    from upload.variants import VariantResult

F = TypeVar("F", bound=Callable[..., Any])

PUBLISH_OPTION_NAMES = (
    "profile",
    "token_file",
    "api_endpoint",
    "dry_run",
    "verbose",
    "force_new",
    "client_secrets",
    "chunk_size",
    "db",
)


def add_publish_options(command: F) -> F:
    """Add the publishing options to a click command (used by `upload` and `render --publish`).

    The command receives keyword arguments named as in ``PUBLISH_OPTION_NAMES``;
    pass them to :func:`publish_options_from_kwargs` to get a :class:`PublishOptions`."""
    options = [
        click.option(
            "--profile",
            metavar="NAME",
            default=None,
            help="Login profile, one per channel (default: 'default').",
        ),
        click.option(
            "--token-file",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="Use this authorized-user token JSON instead of a profile's login.",
        ),
        click.option(
            "--api-endpoint",
            metavar="URL",
            default=None,
            envvar=ENDPOINT_ENV,
            show_envvar=True,
            help="Send every API and upload request to this server root instead of Google's.",
        ),
        click.option(
            "--dry-run",
            is_flag=True,
            help="Print a summary of what would be published (channel, title, privacy, schedule...); "
            "publish nothing, need no login.",
        ),
        click.option(
            "--verbose",
            is_flag=True,
            help="With --dry-run, also list every raw request (method, URL, headers, metadata, files).",
        ),
        click.option(
            "--force-new",
            is_flag=True,
            help="Upload as a new video even if the ledger shows this content published.",
        ),
        click.option(
            "--client-secrets",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="OAuth client secrets JSON (Desktop app) for --login.",
        ),
        click.option(
            "--chunk-size",
            type=click.IntRange(min=CHUNK_UNIT),
            default=DEFAULT_CHUNK_SIZE,
            show_default=True,
            metavar="BYTES",
            help="Upload chunk size, a multiple of 256 KiB.",
        ),
        click.option(
            "--db",
            metavar="URL",
            default=None,
            help="The records database (ledger, approvals, audit trail): sqlite:///PATH or "
            "postgresql://USER@HOST/DB (default: $RENDER_AUDIT_DB, else <project>/.render/audit.sqlite).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def publish_options_from_kwargs(kwargs: dict[str, Any]) -> PublishOptions:
    """Pop the options added by :func:`add_publish_options` from `kwargs` into a PublishOptions."""
    values = {name: kwargs.pop(name) for name in PUBLISH_OPTION_NAMES if name in kwargs}
    values = {k: v for k, v in values.items() if v is not None}
    return PublishOptions(**values)


def print_result(result: PublishResult) -> None:
    if result.action == "dry-run":
        return
    click.echo(f"{result.url}\t{result.video_id}\t{result.action}")


def print_variant(item: VariantResult) -> None:
    """One line per variant of `upload --all`: URL, video id, action, language."""
    click.echo(f"{item.result.url}\t{item.result.video_id}\t{item.action}\t{item.language}")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("build_dirs", metavar="BUILD_DIR...", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--all",
    "publish_all",
    is_flag=True,
    help="Publish every language variant given (e.g. build/mission-*), each linking to the others in its description.",
)
@click.option(
    "--login",
    "do_login",
    is_flag=True,
    help="Log in to YouTube in the browser (OAuth, loopback redirect) and save the token for --profile.",
)
@add_publish_options
def command(build_dirs: tuple[Path, ...], publish_all: bool, do_login: bool, **kwargs: Any) -> None:
    """Publish a rendered video (BUILD_DIR, e.g. build/mission/) to YouTube.

    The video, thumbnail, captions and metadata come from BUILD_DIR/manifest.json
    (written by `render`). The publication ledger (in the records database, copied to
    BUILD_DIR/publish-ledger.json) records what was published, so running again resumes or
    updates instead of uploading twice. A script with `publish: {require_approval: true}` is
    published only once `render approve` has recorded approvals of exactly this video.

    With --all, BUILD_DIR... are the language variants of one `languages: [...]` script
    (build/mission-fr/, build/mission-en/...): each is published in its language, and its
    description ends with a link to each other variant ("English version: https://youtu.be/...").
    """
    options = publish_options_from_kwargs(kwargs)
    if not do_login and not build_dirs:
        if publish_all:
            raise click.UsageError("--all: give the build folders of the language variants (e.g. build/mission-*)")
        raise click.UsageError("give a build folder to publish (e.g. build/mission/) or --login")
    if len(build_dirs) > 1 and not publish_all:
        raise click.UsageError(
            f"{len(build_dirs)} build folders given; `upload` publishes one (e.g. build/mission/), or, with --all, "
            "every language variant of one script (upload --all build/mission-*)"
        )
    build_dir = build_dirs[0] if build_dirs and not publish_all else None

    def action() -> None:
        # Google's libraries and the records database: imported for a command that uses them, so that
        # `render` (which carries these options) starts without them
        from upload import auth
        from upload.publish import publish_build

        if do_login:
            if options.token_file is not None:
                raise InputError(
                    "--login saves the token for a profile; it cannot be combined with --token-file",
                    hint="use --profile NAME instead",
                )
            auth.login(
                options.profile or auth.DEFAULT_PROFILE,
                options.client_secrets,
                echo=lambda message: click.echo(redact(message), err=True),
            )
        if build_dir is not None:
            print_result(publish_build(build_dir, options))
        if publish_all and build_dirs:
            from upload.variants import publish_variants

            publish_variants(build_dirs, options, done=None if options.dry_run else print_variant)

    code = run_guarded(
        action,
        interrupted="interrupted; run the same command again: an interrupted upload resumes where it stopped",
        unexpected_hint="run the same command again; if it repeats, report it with this message",
    )
    if code:
        sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Console entry point (`upload = "upload.cli:main"`)."""
    ensure_utf8_mode("upload")
    make_streams_safe()
    command.main(args=argv, prog_name="upload")
