"""What the `render` subcommands share: options, the guarded run, and how a command ends."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from contract.errors import ExitCode, InputError
from contract.reporting import run_guarded

F = TypeVar("F", bound=Callable[..., Any])

CHECK_HINT = "`render --check FILE` checks without rendering"
INTERRUPTED = "interrupted; nothing half-written was kept. Run the same command again to continue."
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def cache_dir_option(command: F) -> F:
    return click.option(
        "--cache-dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="cache folder (default: $RENDER_CACHE_DIR or the user cache folder)",
    )(command)


def db_option(command: F) -> F:
    return click.option(
        "--db",
        metavar="URL",
        default=None,
        help="the records database: sqlite:///PATH or postgresql://USER@HOST/DB "
        "(default: $RENDER_AUDIT_DB, else <project>/.render/audit.sqlite)",
    )(command)


def debug_option(command: F) -> F:
    return click.option("--debug", is_flag=True, help="show tracebacks")(command)


def scripts_argument(command: F) -> F:
    return click.argument("scripts", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))(command)


def finish(action: Callable[[], Any], debug: bool = False) -> None:
    """Run `action` guarded and exit with its code."""
    code = run_guarded(action, debug=debug, interrupted=INTERRUPTED, check_hint=CHECK_HINT)
    if code == ExitCode.INTERRUPTED:
        # everything is cleaned up already; don't let interpreter shutdown wait on helper threads
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def require_scripts(scripts: tuple[Path, ...], usage: str) -> None:
    if not scripts:
        raise InputError("no script given", hint=f"usage: {usage} (see render --help)")
