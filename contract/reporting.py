"""What both command lines (`render`, `upload`) print, and how they end.

One error reporter, one way to run a command's action (errors and interruptions become
messages and exit codes), and the secret redaction every printed line goes through.
"""

from __future__ import annotations

import codecs
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any, TextIO

from contract.errors import ExitCode, ScriptError, ToolkitError

# --- secrets ------------------------------------------------------------------------------

_lock = threading.Lock()
_secrets: set[str] = set()
_MIN_SECRET_LENGTH = 6  # shorter strings could collide with ordinary words in messages


def register_secret(*values: object) -> None:
    """Remember secret strings (tokens, client secrets) so they are never printed."""
    with _lock:
        for value in values:
            if isinstance(value, str) and len(value) >= _MIN_SECRET_LENGTH:
                _secrets.add(value)


def redact(text: str) -> str:
    """`text` with every registered secret replaced by `***`."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, "***")
    return text


# --- printing -----------------------------------------------------------------------------


def ensure_utf8_mode(module: str) -> None:
    """Under LC_ALL=C with PYTHONUTF8=0, file names are ASCII-only: restart in UTF-8 mode (PEP 540).

    Otherwise a script named `été.yaml` reaches us as lone surrogates, which no UTF-8 output
    (manifest, captions, log) can hold.
    """
    if sys.flags.utf8_mode or codecs.lookup(sys.getfilesystemencoding()).name != "ascii":
        return
    if os.environ.get("_EXPLAINER_UTF8_RESTART"):  # once: never loop
        return
    os.environ["_EXPLAINER_UTF8_RESTART"] = "1"
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-X", "utf8", "-m", module, *sys.argv[1:]])


def make_streams_safe() -> None:
    """Never crash on printing: under LC_ALL=C a non-ASCII file name would raise UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def say(line: str, stream: TextIO | None = None) -> None:
    """Print one line for the user (stderr by default), secrets removed."""
    target = stream if stream is not None else sys.stderr
    print(redact(line), file=target, flush=True)


def report_error(error: ToolkitError, stream: TextIO | None = None, *, check_hint: str | None = None) -> None:
    """`ERROR message` then its hint lines; a script's problems one per line, then their count."""
    lines = error.lines()
    if isinstance(error, ScriptError):
        for line in lines:
            say(f"ERROR {line}", stream)
        if len(lines) > 1:
            tail = f" ({check_hint})" if check_hint else ""
            say(f"{len(lines)} problems; fix them and run again{tail}", stream)
        return
    say(f"ERROR {lines[0]}", stream)
    for line in lines[1:]:
        say(f"  {line}", stream)


class Interrupted(BaseException):
    """SIGTERM, raised in the main thread so that the same clean-up as Ctrl-C runs."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Interrupted()


def run_guarded(
    action: Callable[[], Any],
    *,
    debug: bool = False,
    interrupted: str = "interrupted; run the same command again to continue",
    unexpected_hint: str = "run again with --debug to see where, and report it with the input that caused it",
    check_hint: str | None = None,
) -> ExitCode:
    """Run `action()`; toolkit errors and interruptions become messages and an exit code."""
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if _in_main_thread() else None
    try:
        action()
        return ExitCode.OK
    except ToolkitError as error:
        if debug:
            traceback.print_exc()
        report_error(error, check_hint=check_hint)
        return error.exit_code
    except (KeyboardInterrupt, Interrupted):
        say(interrupted)
        return ExitCode.INTERRUPTED
    except MemoryError:
        return _out_of_memory()
    except Exception as error:  # a bug: still one line, no traceback unless asked, no secrets
        if _is_out_of_memory(error):
            return _out_of_memory()
        if debug:
            traceback.print_exc()
        say(f"ERROR unexpected failure: {type(error).__name__}: {error}")
        say(f"  {unexpected_hint}")
        return ExitCode.FAILURE
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _is_out_of_memory(error: Exception) -> bool:
    # under a memory limit, loading a shared library or starting a thread (its stack) fails with
    # these rather than MemoryError
    text = str(error)
    if isinstance(error, RuntimeError) and text == "can't start new thread":
        return True
    return isinstance(error, OSError | ImportError) and (
        "failed to map segment" in text or "Cannot allocate memory" in text
    )


def _out_of_memory() -> ExitCode:
    say("ERROR out of memory")
    say("  hint: close other programs, raise the memory limit (ulimit -v), or render one scene at a time (--jobs 1)")
    return ExitCode.FAILURE


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()
