"""A content-addressed cache: complete keys, atomic writes, verified reads.

An entry is `<kind>/<key[:2]>/<key><suffix>` plus `<key>.json` holding its size
and sha256. The data file is renamed into place first and the record last, so an
entry without a record, or whose bytes no longer match it, is treated as absent
and rebuilt, never used.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformdirs import user_cache_dir

from contract.errors import EnvironmentProblem
from contract.files import os_reason, probe_writable

if TYPE_CHECKING:
    import numpy as np

ENV_VAR = "RENDER_CACHE_DIR"
# temporary names carry the pid of the process that writes them: <kind>-<key>-<pid>-<ns><suffix>
_TEMP_PID = re.compile(r"^[a-z]+-[0-9a-z]+-(\d+)-\d+")


def default_cache_dir() -> Path:
    return Path(os.environ.get(ENV_VAR) or user_cache_dir("explainer-render"))


def digest(*parts: Any) -> str:
    """A stable sha256 over JSON-able parts."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def atomic_write_bytes(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write a whole file or nothing: temp file in the same folder, fsync, rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode if mode is not None else 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def atomic_move(source: Path, target: Path) -> None:
    """Move a finished file into place atomically (copying first across file systems)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(source, target)
        return
    except OSError:
        pass
    temp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        shutil.copyfile(source, temp)
        with temp.open("rb") as f:
            os.fsync(f.fileno())
        os.replace(temp, target)
        source.unlink(missing_ok=True)
    finally:
        temp.unlink(missing_ok=True)


@dataclass
class CacheInfo:
    root: Path
    entries: int
    bytes: int
    by_kind: dict[str, tuple[int, int]]


class Cache:
    """Entries by kind ('speech', 'scene', 'mix') and key. Disabled → every lookup misses."""

    def __init__(self, root: Path, enabled: bool = True) -> None:
        self.root = root
        self.enabled = enabled

    def _paths(self, kind: str, key: str, suffix: str) -> tuple[Path, Path]:
        folder = self.root / kind / key[:2]
        return folder / f"{key}{suffix}", folder / f"{key}.json"

    def get(self, kind: str, key: str, suffix: str) -> Path | None:
        """The entry's file if present and intact; a damaged entry is removed."""
        if not self.enabled:
            return None
        data, record = self._paths(kind, key, suffix)
        try:
            meta = json.loads(record.read_text())
            if data.stat().st_size != meta["bytes"] or file_sha256(data) != meta["sha256"]:
                raise ValueError("mismatch")
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            _remove(record)
            _remove(data)
            return None
        now = time.time()
        with contextlib.suppress(OSError):  # last use, for pruning
            os.utime(record, (now, now))
        return data

    def get_path(self, kind: str, key: str, suffix: str) -> Path:
        """Where the entry's file is (or will be): a sidecar beside it shares its key."""
        return self._paths(kind, key, suffix)[0]

    def temp_path(self, kind: str, key: str, suffix: str) -> Path:
        """Where to build an entry before `put` (same file system as the cache)."""
        folder = self.root / "tmp"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{kind}-{key[:16]}-{os.getpid()}-{time.monotonic_ns()}{suffix}"

    def put(self, kind: str, key: str, suffix: str, built: Path, extra: dict[str, Any] | None = None) -> Path:
        """Adopt a finished file as the entry (atomically); return the entry's path."""
        data, record = self._paths(kind, key, suffix)
        meta = {"bytes": built.stat().st_size, "sha256": file_sha256(built), "created": time.time(), **(extra or {})}
        if not self.enabled:
            return built
        for path in (data, record):
            if path.is_dir() and not path.is_symlink():  # a damaged entry: a folder where the file goes
                shutil.rmtree(path, ignore_errors=True)
        atomic_move(built, data)
        atomic_write_bytes(record, json.dumps(meta).encode())
        return data

    def details(self, kind: str, key: str, suffix: str) -> dict[str, Any]:
        """The `extra` fields an entry was put with (empty when it has none or is absent)."""
        if self.get(kind, key, suffix) is None:
            return {}
        return dict(json.loads(self._paths(kind, key, suffix)[1].read_text()))

    def get_array(self, kind: str, key: str, suffix: str, dtype: str, channels: int) -> np.ndarray | None:
        """A cached array of samples (`channels` columns), or None."""
        import numpy as np

        hit = self.get(kind, key, suffix)
        return np.fromfile(hit, dtype=dtype).reshape(-1, channels) if hit is not None else None

    def put_array(self, kind: str, key: str, suffix: str, samples: np.ndarray, dtype: str) -> None:
        """Keep `samples` under `key`, written as `dtype` (raw, little-endian)."""
        built = self.temp_path(kind, key, suffix)
        try:
            samples.astype(dtype).tofile(built)
            self.put(kind, key, suffix, built)
        finally:
            built.unlink(missing_ok=True)

    def check_writable(self) -> None:
        """Raise a clear EnvironmentProblem naming the folder that cannot be written."""
        for folder in (self.root, self.root / "tmp", self.root / "locks"):
            try:
                folder.mkdir(parents=True, exist_ok=True)
                probe_writable(folder)
            except OSError as error:
                raise EnvironmentProblem(
                    f"cannot write to the cache folder {folder}: {os_reason(error)}",
                    hint="choose a writable cache with --cache-dir DIR (or $RENDER_CACHE_DIR), or use --no-cache",
                ) from None

    def lock_path(self, name: str) -> Path:
        folder = self.root / "locks"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{name}.lock"

    @contextlib.contextmanager
    def shared(self) -> Iterator[None]:
        """Held by every render while it uses entries: pruning (exclusive) waits for it."""
        with self._flock(fcntl.LOCK_SH):
            yield

    @contextlib.contextmanager
    def _flock(self, mode: int) -> Iterator[None]:
        fd = os.open(self.lock_path("cache"), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, mode)
            yield
        finally:
            os.close(fd)  # releases the lock

    def remove_dead_temp(self) -> None:
        """Remove temporary files whose writer is dead (an interrupted or killed render)."""
        tmp = self.root / "tmp"
        if not tmp.is_dir():
            return
        for leftover in tmp.iterdir():
            match = _TEMP_PID.match(leftover.name)
            if match and not _alive(int(match.group(1))):
                _remove(leftover)

    def info(self) -> CacheInfo:
        by_kind: dict[str, tuple[int, int]] = {}
        for kind, path in self._entries():
            count, size = by_kind.get(kind, (0, 0))
            by_kind[kind] = (count + 1, size + path.stat().st_size)
        return CacheInfo(self.root, sum(c for c, _ in by_kind.values()), sum(s for _, s in by_kind.values()), by_kind)

    def _entries(self) -> Iterable[tuple[str, Path]]:
        if not self.root.is_dir():
            return
        for kind_dir in sorted(self.root.iterdir()):
            if not kind_dir.is_dir() or kind_dir.name == "tmp":
                continue
            for path in kind_dir.glob("*/*"):
                if path.suffix != ".json" and path.is_file():
                    yield kind_dir.name, path

    def prune(self, keep_bytes: int = 0, older_than_days: float | None = None) -> tuple[int, int]:
        """Remove least recently used entries until at most `keep_bytes` remain
        (and every entry unused for `older_than_days`). Returns (entries, bytes) removed.

        Waits until no render is using the cache (they hold it shared)."""
        self.check_writable()
        with self._flock(fcntl.LOCK_EX):
            return self._prune(keep_bytes, older_than_days)

    def _prune(self, keep_bytes: int, older_than_days: float | None) -> tuple[int, int]:
        entries = []
        for _, path in self._entries():
            record = path.with_suffix(".json")
            used = record.stat().st_mtime if record.exists() else 0.0
            entries.append((used, path, record))
        entries.sort()
        total = sum(p.stat().st_size for _, p, _ in entries)
        removed = freed = 0
        cutoff = time.time() - older_than_days * 86400 if older_than_days is not None else None
        for used, path, record in entries:
            too_old = cutoff is not None and used < cutoff
            if total <= keep_bytes and not too_old:
                continue
            size = path.stat().st_size
            record.unlink(missing_ok=True)  # the record first: a half-pruned entry is simply absent
            path.unlink(missing_ok=True)
            for sidecar in path.parent.glob(f"{path.stem}.*.json"):  # a phrase's timings, say
                sidecar.unlink(missing_ok=True)
            total -= size
            removed += 1
            freed += size
        self.remove_dead_temp()
        return removed, freed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def _remove(path: Path) -> None:
    """Remove a file, a link or a folder, whatever is there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
