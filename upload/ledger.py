"""The publish ledger: which content went to which video on which channel.

`build/<name>/publish-ledger.json` is rewritten atomically after every step, so a
crash at any point leaves a ledger that tells the next run what exists: the
upload session to resume, or the video to update instead of uploading again.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contract.errors import InputError
from contract.files import atomic_write_text

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
    """The ledger file of one build folder."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / LEDGER
        self.data = LedgerData()

    @classmethod
    def load(cls, folder: Path) -> Ledger:
        ledger = cls(folder)
        if ledger.path.exists():
            try:
                ledger.data = LedgerData.model_validate(json.loads(ledger.path.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValidationError) as error:
                raise InputError(
                    f"{ledger.path}: unreadable publish ledger ({type(error).__name__})",
                    hint="restore it from a backup; deleting it makes the next upload a new video",
                ) from None
        return ledger

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
        atomic_write_text(self.path, self.data.model_dump_json(indent=2, exclude_none=False) + "\n")

    def touch_and_save(self, entry: Entry) -> None:
        entry.updated = now_iso()
        self.save()


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
