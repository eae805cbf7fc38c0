"""Every render goes into the audit trail (:mod:`records.audit`): script and video sha256, the tool
versions, who ran it and when.

The records database is opened before any work, and a render is refused (exit 1) when it cannot
be: a bank wants the trail complete, and failing after minutes of rendering would waste them
while failing first costs nothing. The entry is appended once the outputs are written; if that
append fails, the outputs are kept and the command exits 1 saying so, and running it again
(the render is then up to date) records the missing entry without rendering again.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from contract.errors import RenderFailure
from contract.manifest import MANIFEST_NAME, Manifest
from records import audit
from records.location import folder_key
from records.store import Store, StoreError, open_store


def open_for_render(db: str | None, out_root: Path, project_root: Path) -> Store:
    """The records database for a render into `out_root` of a script of `project_root` (see
    :mod:`records.location`); :class:`records.store.StoreError` (exit 1) if it cannot be written."""
    try:
        return open_store(db, out_root, project_root)
    except StoreError as error:
        raise StoreError(
            f"nothing was rendered: every render is recorded in the audit trail, and {error.message}", error.hint
        ) from None


def record_render(store: Store, folder: Path, rendered: bool) -> audit.AuditEntry | None:
    """Append the render of `folder` (its manifest) to the audit trail.

    `rendered` False (the outputs were up to date): only if the trail lacks this render, as when
    the append failed last time."""
    try:
        manifest = Manifest.from_json((folder / MANIFEST_NAME).read_bytes())
    except (OSError, ValidationError) as error:
        raise RenderFailure(f"{folder / MANIFEST_NAME}: cannot be read back for the audit trail ({error})") from None
    video = manifest.outputs.video
    key = folder_key(folder)
    try:
        if not rendered:
            done = audit.entries(store, video_sha256=video.sha256, kind="render")
            if any(entry.data.get("folder") == key for entry in done):
                return None
        publish = manifest.publish
        data = {
            "name": manifest.name,
            "folder": key,
            "video_file": video.file,
            "video_bytes": video.bytes,
            "preview": manifest.preview,
            "render_key": manifest.render_key,
            "duration_ms": round(manifest.duration * 1000),
            "versions": dict(manifest.versions),
            "require_approval": publish.require_approval,
            "approvers": publish.approvers,
            "up_to_date": not rendered,
        }
        script = manifest.script.sha256 if manifest.script is not None else None
        return audit.append(store, "render", data, script_sha256=script, video_sha256=video.sha256)
    except StoreError as error:
        raise StoreError(
            f"{manifest.name}: the video is written ({folder / video.file}), but the audit trail could not "
            f"record the render: {error.message}",
            hint="make the records database writable, then run the same command again: the render is up to "
            "date, so only its audit entry is written",
        ) from None
