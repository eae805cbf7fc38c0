"""The audit trail: every render, approval and upload, in one tamper-evident chain.

Entry N holds `prev_hash` = entry N-1's `hash`, and its own `hash` is the sha256 of the
canonical JSON (sorted keys, no spaces, UTF-8) of everything else it holds, `prev_hash`
included. Editing, removing or inserting an entry breaks the chain at that entry or the
next one, which :func:`verify` names. (Rewriting the chain's whole tail after an entry
is not detected by the chain alone: keep the head hash `render audit --verify` prints
somewhere else, for example in a ticket, to detect that too.)

Appends are serialised by :meth:`records.store.Store.writing` and the database refuses
two entries after the same predecessor (a unique `prev_hash`), so the chain stays linear
with any number of writers in any number of processes.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Row, or_, select

from contract.errors import ToolkitError
from records.store import Store
from records.tables import audit_entries

Kind = Literal["render", "approval", "upload"]
GENESIS = "0" * 64  # the `prev_hash` of entry #1
USER_ENV = "RENDER_USER"


class AuditBroken(ToolkitError):
    """The chain does not verify: exit code 1, naming the first broken entry."""

    def __init__(self, seq: int, message: str) -> None:
        super().__init__(
            message,
            hint="the records database was changed outside the toolkit: restore it from a backup, and find out "
            "who could write to it; every entry from this one on is in doubt",
        )
        self.seq = seq


def canonical_json(value: Any) -> bytes:
    """The one byte form hashed: sorted keys, no spaces, UTF-8, no NaN."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def now() -> str:
    """The time entries carry: UTC, ISO 8601 with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def actor() -> str:
    """Who runs the command: $RENDER_USER if set, else the OS user."""
    named = os.environ.get(USER_ENV, "").strip()
    if named:
        return named[:200]
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name (a container's bare uid)
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    kind: str
    at: str
    actor: str
    script_sha256: str | None
    video_sha256: str | None
    data: Mapping[str, Any]
    prev_hash: str
    hash: str

    def content(self) -> dict[str, Any]:
        """Everything the hash covers."""
        return {
            "seq": self.seq,
            "kind": self.kind,
            "at": self.at,
            "actor": self.actor,
            "script_sha256": self.script_sha256,
            "video_sha256": self.video_sha256,
            "data": dict(self.data),
            "prev_hash": self.prev_hash,
        }

    def computed_hash(self) -> str:
        return hashlib.sha256(canonical_json(self.content())).hexdigest()

    @property
    def intact(self) -> bool:
        """Its hash matches its content (it says nothing of its place in the chain)."""
        return self.computed_hash() == self.hash

    @property
    def label(self) -> str:
        return f"#{self.seq} ({self.kind}, {self.at})"


_UNREADABLE: dict[str, Any] = {"unreadable": True}


def _entry(row: Row[Any]) -> AuditEntry:
    try:
        data = json.loads(row.data)
    except (TypeError, ValueError):
        data = None
    return AuditEntry(
        seq=row.seq,
        kind=row.kind,
        at=row.at,
        actor=row.actor,
        script_sha256=row.script_sha256,
        video_sha256=row.video_sha256,
        data=data if isinstance(data, dict) else {**_UNREADABLE, "text": str(row.data)[:200]},
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def append(
    store: Store,
    kind: Kind,
    data: Mapping[str, Any],
    *,
    script_sha256: str | None = None,
    video_sha256: str | None = None,
) -> AuditEntry:
    """Add one entry at the chain's head (serialised with every other writer) and return it."""
    canonical_json(data)  # refuse what cannot be hashed before taking the lock
    with store.writing() as connection:
        head = connection.execute(
            select(audit_entries.c.seq, audit_entries.c.hash).order_by(audit_entries.c.seq.desc()).limit(1)
        ).first()
        seq, prev_hash = (head.seq + 1, head.hash) if head is not None else (1, GENESIS)
        draft = AuditEntry(seq, kind, now(), actor(), script_sha256, video_sha256, dict(data), prev_hash, "")
        entry = AuditEntry(**{**draft.__dict__, "hash": draft.computed_hash()})
        connection.execute(
            audit_entries.insert().values(
                seq=entry.seq,
                kind=entry.kind,
                at=entry.at,
                actor=entry.actor,
                script_sha256=entry.script_sha256,
                video_sha256=entry.video_sha256,
                data=canonical_json(entry.data).decode(),
                prev_hash=entry.prev_hash,
                hash=entry.hash,
            )
        )
    return entry


def entries(
    store: Store,
    *,
    video_sha256: str | None = None,
    script_sha256: str | None = None,
    kind: Kind | None = None,
) -> list[AuditEntry]:
    """The entries about this video or this script (or all of them), oldest first."""
    query = select(audit_entries).order_by(audit_entries.c.seq)
    wanted = []
    if video_sha256 is not None:
        wanted.append(audit_entries.c.video_sha256 == video_sha256)
    if script_sha256 is not None:
        wanted.append(audit_entries.c.script_sha256 == script_sha256)
    if wanted:
        query = query.where(or_(*wanted))
    if kind is not None:
        query = query.where(audit_entries.c.kind == kind)
    with store.reading() as connection:
        return [_entry(row) for row in connection.execute(query)]


@contextmanager
def _all(store: Store) -> Iterator[Iterator[AuditEntry]]:
    """Every entry in order, read in batches (a long chain is never held in memory at once)."""
    with store.reading() as connection:
        result = connection.execution_options(yield_per=1000).execute(
            select(audit_entries).order_by(audit_entries.c.seq)
        )
        try:
            yield (_entry(row) for row in result)
        finally:
            result.close()  # also when verify stops early: the server-side cursor is closed now


@dataclass(frozen=True)
class Verified:
    count: int
    head: str  # the last entry's hash (GENESIS for an empty chain)


def verify(store: Store) -> Verified:
    """Check the whole chain; raise :class:`AuditBroken` naming the first entry that does not verify."""
    with _all(store) as chain:
        return _verify(chain)


def _verify(chain: Iterator[AuditEntry]) -> Verified:
    previous: AuditEntry | None = None
    count = 0
    for entry in chain:
        expected = previous.seq + 1 if previous is not None else 1
        if entry.seq != expected:
            after = f"#{previous.seq}" if previous is not None else "the start"
            raise AuditBroken(
                expected, f"audit entry #{expected} is missing: the chain goes from {after} to {entry.label}"
            )
        if not entry.intact:
            raise AuditBroken(entry.seq, f"audit entry {entry.label} was altered: its hash does not match its content")
        if previous is None and entry.prev_hash != GENESIS:
            raise AuditBroken(
                entry.seq,
                f"audit entry {entry.label} does not start the chain: entries before it "
                "were removed, or it was altered",
            )
        if previous is not None and entry.prev_hash != previous.hash:
            raise AuditBroken(
                entry.seq,
                f"audit entry {entry.label} does not follow entry #{previous.seq}: the hash it holds for its "
                f"predecessor is not #{previous.seq}'s hash (#{previous.seq} was altered or replaced)",
            )
        previous = entry
        count += 1
    return Verified(count, previous.hash if previous is not None else GENESIS)
