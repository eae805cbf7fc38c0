"""The audit chain, and upload's publication ledger.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("script_sha256", sa.String(64)),
        sa.Column("video_sha256", sa.String(64)),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        # a second entry after the same predecessor would fork the chain: refused by the database
        sa.UniqueConstraint("prev_hash", name="uq_audit_entries_prev_hash"),
        sa.UniqueConstraint("hash", name="uq_audit_entries_hash"),
    )
    op.create_index("ix_audit_entries_video", "audit_entries", ["video_sha256"])
    op.create_index("ix_audit_entries_script", "audit_entries", ["script_sha256"])
    op.create_table(
        "ledger_entries",
        sa.Column("folder", sa.Text, primary_key=True),
        sa.Column("uid", sa.String(64), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("endpoint", sa.Text, nullable=False),
        sa.Column("video_sha256", sa.String(64), nullable=False),
        sa.Column("video_id", sa.String(64)),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("updated", sa.String(40), nullable=False),
    )
    op.create_index("ix_ledger_entries_video", "ledger_entries", ["video_sha256"])
    op.create_table(
        "ledger_files",
        sa.Column("folder", sa.Text, primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("updated", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ledger_files")
    op.drop_index("ix_ledger_entries_video", "ledger_entries")
    op.drop_table("ledger_entries")
    op.drop_index("ix_audit_entries_script", "audit_entries")
    op.drop_index("ix_audit_entries_video", "audit_entries")
    op.drop_table("audit_entries")
