"""The content-addressed cache: atomic entries, verified reads, pruning."""

from __future__ import annotations

import json
import os
from pathlib import Path

from render.cache import Cache, atomic_write_bytes, digest


def _built(cache: Cache, data: bytes) -> Path:
    path = cache.temp_path("scene", "k", ".bin")
    path.write_bytes(data)
    return path


def test_put_then_get_returns_same_bytes(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    key = digest("scene", {"a": 1})
    entry = cache.put("scene", key, ".bin", _built(cache, b"hello"))
    assert cache.get("scene", key, ".bin") == entry
    assert entry.read_bytes() == b"hello"
    assert cache.get("scene", digest("scene", {"a": 2}), ".bin") is None


def test_corrupt_or_truncated_entry_is_rebuilt_not_used(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    key = digest("x")
    entry = cache.put("scene", key, ".bin", _built(cache, b"0123456789"))
    entry.write_bytes(b"01234")  # truncated
    assert cache.get("scene", key, ".bin") is None
    assert not entry.exists()
    entry = cache.put("scene", key, ".bin", _built(cache, b"0123456789"))
    entry.write_bytes(b"0123456780")  # same size, other bytes
    assert cache.get("scene", key, ".bin") is None


def test_entry_without_record_is_absent(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    key = digest("y")
    entry = cache.put("speech", key, ".wav", _built(cache, b"abc"))
    entry.with_suffix(".json").unlink()  # a crash between data and record
    assert cache.get("speech", key, ".wav") is None


def test_disabled_cache_always_misses(tmp_path: Path) -> None:
    cache = Cache(tmp_path, enabled=False)
    key = digest("z")
    built = _built(cache, b"abc")
    assert cache.put("scene", key, ".bin", built) == built
    assert cache.get("scene", key, ".bin") is None


def test_info_and_prune_least_recently_used(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    keys = [digest(i) for i in range(3)]
    for i, key in enumerate(keys):
        cache.put("scene", key, ".bin", _built(cache, b"x" * 1000))
        record = cache.root / "scene" / key[:2] / f"{key}.json"
        os.utime(record, (1000 + i, 1000 + i))
    info = cache.info()
    assert info.entries == 3 and info.bytes == 3000
    removed, freed = cache.prune(keep_bytes=1500)
    assert (removed, freed) == (2, 2000)
    assert cache.get("scene", keys[2], ".bin") is not None
    assert cache.get("scene", keys[0], ".bin") is None


def test_digest_is_order_independent_for_mappings() -> None:
    assert digest({"a": 1, "b": 2}) == digest({"b": 2, "a": 1})
    assert digest({"a": 1}) != digest({"a": 2})


def test_atomic_write_sets_mode_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "token.json"
    atomic_write_bytes(target, json.dumps({"t": 1}).encode(), mode=0o600)
    assert target.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["token.json"]
