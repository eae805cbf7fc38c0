"""The tables, as SQLAlchemy Core sees them for queries. Their DDL lives in the migrations
(`records/migrations/versions/`), which are frozen history: a change is a new revision there, and
this model follows it (tests/test_records.py compares the two)."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text, UniqueConstraint

metadata = MetaData()

# the chain: seq 1, 2, 3... with no gap; each entry's hash covers its content and prev_hash
audit_entries = Table(
    "audit_entries",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(20), nullable=False),  # render | approval | upload
    Column("at", String(40), nullable=False),  # UTC, ISO 8601
    Column("actor", String(200), nullable=False),  # $RENDER_USER or the OS user
    Column("script_sha256", String(64)),
    Column("video_sha256", String(64)),
    Column("data", Text, nullable=False),  # canonical JSON of the entry's details
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("prev_hash", name="uq_audit_entries_prev_hash"),
    UniqueConstraint("hash", name="uq_audit_entries_hash"),
    Index("ix_audit_entries_video", "video_sha256"),
    Index("ix_audit_entries_script", "script_sha256"),
)

# upload's publication ledger: one row per ledger entry of a build folder
ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("folder", Text, primary_key=True),
    Column("uid", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("account", Text, nullable=False),
    Column("endpoint", Text, nullable=False),
    Column("video_sha256", String(64), nullable=False),
    Column("video_id", String(64)),
    Column("data", Text, nullable=False),  # the entry as upload's model dumps it (JSON)
    Column("updated", String(40), nullable=False),
    Index("ix_ledger_entries_video", "video_sha256"),
)

# the sha256 of each folder's publish-ledger.json as last written or imported: another one is imported
ledger_files = Table(
    "ledger_files",
    metadata,
    Column("folder", Text, primary_key=True),
    Column("sha256", String(64), nullable=False),
    Column("updated", String(40), nullable=False),
)
