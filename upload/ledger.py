"""The publish ledger: which content went to which video on which channel.

The ledger lives in the records database (:mod:`records.ledger`, SQLite in the project by
default) and is saved there after every step, so a crash at any point leaves a ledger that
tells the next run what exists: the upload session to resume, or the video to update
instead of uploading again.

`build/<name>/publish-ledger.json` is still written, first (atomically), as a copy people
and older versions of the toolkit read. It is the ledger's former home, so a file the
database has not seen (a build published before the database existed, a folder copied
from elsewhere, an older toolkit's or a hand edit) is imported when the ledger is loaded:
its entries replace those with the same `uid` and the others are appended. Nothing in the
database is dropped by an import.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contract.errors import InputError
from contract.files import atomic_write_text
from records import ledger as rows
from records.location import folder_key
from records.store import Store

LEDGER = "publish-ledger.json"


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow")


class CaptionRecord(_Model):
    id: str
    sha256: str


class Entry(_Model):
    """One video: pending while `video_id` is None (then `session_uri` says where to resume)."""

    uid: str = Field(default_factory=lambda: uuid.uuid4().hex, description="the entry's identity in the database")
    account: str = Field(description='"profile:NAME" or "token-file:/abs/path"')
    endpoint: str
    video_sha256: str
    video_file: str
    video_bytes: int
    other_accounts: list[str] = Field(default_factory=list, description="other logins found to be on the same channel")
    video_id: str | None = None
    channel_id: str | None = None
    session_uri: str | None = None
    session_started: str | None = None
    metadata_sha256: str | None = None
    privacy: str | None = None
    thumbnail_sha256: str | None = None
    captions: dict[str, CaptionRecord] = Field(default_factory=dict)
    playlist_ref: str | None = Field(default=None, description="the script's `playlist` (title or id) last applied")
    playlist_id: str | None = None
    playlist_item_id: str | None = None
    created: str = Field(default_factory=now_iso)
    updated: str = Field(default_factory=now_iso)

    @property
    def url(self) -> str | None:
        return f"https://youtu.be/{self.video_id}" if self.video_id else None


class LedgerData(_Model):
    format: int = 1
    entries: list[Entry] = Field(default_factory=list)


class Ledger:
    """The ledger of one build folder, kept in the records database `store`."""

    def __init__(self, folder: Path, store: Store) -> None:
        self.path = Path(folder) / LEDGER
        self.data = LedgerData()
        self.store = store
        self.key = folder_key(Path(folder))

    @classmethod
    def load(cls, folder: Path, store: Store, *, read_only: bool = False) -> Ledger:
        """The folder's ledger: the database's entries, with a ledger file it has not seen imported.

        `read_only` (a dry run): the import is shown, not saved."""
        ledger = cls(folder, store)
        saved, seen = rows.load(store, ledger.key)
        try:
            entries = [Entry.model_validate_json(row.data) for row in saved]
        except ValidationError:
            raise InputError(
                f"the publish ledger of {folder} in the records database {store.where} is unreadable",
                hint="restore the database from a backup; deleting its entries makes the next upload a new video",
            ) from None
        text = ledger._read_file()
        imported = text is not None and _sha256(text) != seen
        if imported:
            assert text is not None
            entries = _merged(entries, ledger._parse(text))
        ledger.data.entries = entries
        if not read_only and (imported or (text is None and entries)):  # the copy in the folder is written again
            ledger.save()
        return ledger

    def _read_file(self) -> str | None:
        if not self.path.exists():
            return None
        try:
            return self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise _unreadable(self.path, error) from None

    def _parse(self, text: str) -> list[Entry]:
        """The file's entries; those without a `uid` (written before the database) get a stable one."""
        try:
            data = json.loads(text)
            items = data.get("entries") if isinstance(data, dict) else None
            if isinstance(items, list):
                for index, item in enumerate(items):
                    if isinstance(item, dict) and not item.get("uid"):
                        item["uid"] = _legacy_uid(index, item)
            return LedgerData.model_validate(data).entries
        except (json.JSONDecodeError, ValidationError) as error:
            raise _unreadable(self.path, error) from None

    def find(self, account: str, endpoint: str, video_sha256: str) -> Entry | None:
        """The newest entry for this content on this account and server."""
        for entry in reversed(self.data.entries):
            accounts = [entry.account, *entry.other_accounts]
            if account in accounts and (entry.endpoint, entry.video_sha256) == (
                endpoint,
                video_sha256,
            ):
                return entry
        return None

    def published_elsewhere(self, endpoint: str, video_sha256: str) -> list[Entry]:
        """Entries of other logins that published this content on this server (newest first)."""
        return [
            entry
            for entry in reversed(self.data.entries)
            if (entry.endpoint, entry.video_sha256) == (endpoint, video_sha256) and entry.video_id and entry.channel_id
        ]

    def add(self, entry: Entry) -> Entry:
        self.data.entries.append(entry)
        return entry

    def save(self) -> None:
        """The file first, then the database: a crash between the two leaves a file the next load imports."""
        text = self.data.model_dump_json(indent=2, exclude_none=False) + "\n"
        atomic_write_text(self.path, text)
        rows.save(
            self.store,
            self.key,
            [
                rows.Row(e.uid, e.account, e.endpoint, e.video_sha256, e.video_id, e.model_dump_json())
                for e in self.data.entries
            ],
            _sha256(text),
        )

    def touch_and_save(self, entry: Entry) -> None:
        entry.updated = now_iso()
        self.save()


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _legacy_uid(index: int, item: dict[str, Any]) -> str:
    """The same uid each time the same old entry is imported: its place and what it was created as."""
    identity = [index, *(str(item.get(k)) for k in ("account", "endpoint", "video_sha256", "created"))]
    return "legacy-" + hashlib.sha256(json.dumps(identity).encode()).hexdigest()[:32]


def _merged(saved: list[Entry], imported: list[Entry]) -> list[Entry]:
    """The database's entries with the file's: same uid replaced in place, new ones appended."""
    by_uid = {entry.uid: entry for entry in imported}
    merged = [by_uid.pop(entry.uid, entry) for entry in saved]
    return merged + [entry for entry in imported if entry.uid in by_uid]


def _unreadable(path: Path, error: Exception) -> InputError:
    return InputError(
        f"{path}: unreadable publish ledger ({type(error).__name__})",
        hint="restore it from a backup, or remove it: the records database keeps what it already imported",
    )


class LedgerLock:
    """One publisher per build folder at a time (released by the OS if the process dies)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._lock = FileLock(str(self.folder / f".{LEDGER}.lock"))

    def __enter__(self) -> LedgerLock:
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise InputError(
                f"another `upload` is already publishing {self.folder}",
                hint="wait for it to finish (or stop it), then run the command again",
            ) from None
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()
