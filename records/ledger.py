"""The rows behind `upload`'s publication ledger (upload/ledger.py owns the entries' model).

Each build folder's ledger is a list of JSON documents in `ledger_entries`, keyed by the
folder (:func:`records.location.folder_key`) and the entry's `uid`, in order. `ledger_files`
keeps the sha256 of the folder's ``publish-ledger.json`` as last written or imported, so a
file changed since (an older toolkit, a copied folder, a hand edit) is imported again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from records.audit import now
from records.store import Store
from records.tables import ledger_entries, ledger_files


@dataclass(frozen=True)
class Row:
    uid: str
    account: str
    endpoint: str
    video_sha256: str
    video_id: str | None
    data: str  # the entry's JSON


def load(store: Store, folder: str) -> tuple[list[Row], str | None]:
    """The folder's rows in order, and the sha256 of the ledger file last written or imported."""
    with store.reading() as connection:
        rows = connection.execute(
            select(ledger_entries).where(ledger_entries.c.folder == folder).order_by(ledger_entries.c.position)
        ).all()
        recorded = connection.execute(select(ledger_files.c.sha256).where(ledger_files.c.folder == folder)).scalar()
    found = [Row(r.uid, r.account, r.endpoint, r.video_sha256, r.video_id, r.data) for r in rows]
    return found, recorded


def save(store: Store, folder: str, rows: list[Row], file_sha256: str) -> None:
    """Replace the folder's rows (the caller holds the folder's publish lock) and record the file's sha256."""
    stamp = now()
    with store.writing() as connection:
        connection.execute(delete(ledger_entries).where(ledger_entries.c.folder == folder))
        if rows:
            connection.execute(
                ledger_entries.insert(),
                [
                    {
                        "folder": folder,
                        "uid": row.uid,
                        "position": position,
                        "account": row.account,
                        "endpoint": row.endpoint,
                        "video_sha256": row.video_sha256,
                        "video_id": row.video_id,
                        "data": row.data,
                        "updated": stamp,
                    }
                    for position, row in enumerate(rows)
                ],
            )
        connection.execute(delete(ledger_files).where(ledger_files.c.folder == folder))
        connection.execute(ledger_files.insert().values(folder=folder, sha256=file_sha256, updated=stamp))
