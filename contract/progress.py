"""Progress and messages for both command lines: a rich progress bar on a terminal, plain lines elsewhere.

Uploads count bytes (`unit="bytes"`); renders count scenes (`unit="scenes"`).
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Protocol, TextIO

from contract.reporting import redact

if TYPE_CHECKING:
    from rich.progress import TaskID


class Reporter(Protocol):
    """What publishing tells the user while it works."""

    def info(self, message: str) -> None: ...

    def warning(self, message: str) -> None: ...

    def progress(self, label: str, done: int, total: int) -> None:
        """Bytes `done` of `total` sent for `label`; called again with done == total at the end."""

    def close(self) -> None: ...


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"  # pragma: no cover


class PlainReporter:
    """One line per message; upload progress at most every 10 % or 10 s (logs, CI, pipes)."""

    def __init__(self, stream: TextIO | None = None, unit: str = "bytes") -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.unit = unit
        self._last: dict[str, tuple[int, float]] = {}

    def _write(self, line: str) -> None:
        print(redact(line), file=self.stream, flush=True)

    def info(self, message: str) -> None:
        self._write(message)

    def warning(self, message: str) -> None:
        self._write(f"WARNING {message}")

    def progress(self, label: str, done: int, total: int) -> None:
        percent = int(done * 100 / total) if total else 100
        last_percent, last_time = self._last.get(label, (-100, 0.0))
        now = time.monotonic()
        if done >= total or percent >= last_percent + 10 or now - last_time >= 10:
            self._last[label] = (percent, now)
            amount = f"{_size(done)} of {_size(total)}" if self.unit == "bytes" else f"{done} of {total} {self.unit}"
            self._write(f"{label}: {percent}% ({amount})")

    def close(self) -> None:
        self._last.clear()


class RichReporter:
    """A rich progress bar per upload; messages printed above the bars."""

    def __init__(self, stream: TextIO | None = None, unit: str = "bytes") -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self.console = Console(file=stream if stream is not None else sys.stderr, highlight=False)
        counted: tuple[ProgressColumn, ...] = (
            (DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn())
            if unit == "bytes"
            else (MofNCompleteColumn(), TextColumn(unit), TimeElapsedColumn())
        )
        # a render's bar goes once its scenes are done; an upload's stays as a record
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            *counted,
            console=self.console,
            transient=unit != "bytes",
        )
        self._tasks: dict[str, TaskID] = {}
        self._started = False

    def info(self, message: str) -> None:
        self.console.print(redact(message), markup=False, highlight=False)

    def warning(self, message: str) -> None:
        self.console.print("[yellow]WARNING[/yellow] ", end="")
        self.console.print(redact(message), markup=False, highlight=False)

    def progress(self, label: str, done: int, total: int) -> None:
        if not self._started:
            self._progress.start()
            self._started = True
        if label not in self._tasks:
            self._tasks[label] = self._progress.add_task(redact(label), total=total)
        self._progress.update(self._tasks[label], completed=done, total=total)

    def close(self) -> None:
        if self._started:
            self._progress.stop()
            self._started = False
        for task in self._tasks.values():
            self._progress.remove_task(task)
        self._tasks.clear()


def make_reporter(stream: TextIO | None = None, unit: str = "bytes") -> Reporter:
    """A rich reporter when `stream` (default stderr) is a terminal, else a plain one."""
    stream = stream if stream is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        return RichReporter(stream, unit)
    return PlainReporter(stream, unit)
