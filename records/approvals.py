"""Approvals bound to content: a person approves exactly one script version and one video.

An approval is an audit entry (kind ``approval``, :mod:`records.audit`), so it is part of
the tamper-evident chain. It names the script's sha256 and the video's sha256 from the
build's manifest, and the sha256 of everything else `upload` sends with the video (the
publish metadata, legal text, thumbnail and captions: :func:`sent_sha256`). It applies to a
build only while all three are the same: a changed script, a re-render with other video
bytes, or an edited manifest is a new version that needs a new approval.

A script asks for approval with ``publish: {require_approval: true, approvers: N}``
(N distinct people, default 1). The manifest is not trusted alone: a render recorded in the
audit trail with require_approval for this script or video keeps it required even if the
manifest says otherwise, and the larger `approvers` applies.

For a review page: ``approval_state(build_dir)`` (or :func:`state_of` with an open store).
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from contract.errors import InputError
from contract.manifest import MANIFEST_NAME, Manifest
from records import audit
from records.location import folder_key
from records.store import Store, open_store

MAX_NAME = 200
MAX_ROLE = 100
MAX_COMMENT = 2000


def sent_sha256(manifest: Manifest) -> str:
    """The sha256 of what `upload` sends besides the video: metadata, legal text, thumbnail, captions.

    `publish.thumbnail` (the source file's path, information only) is left out: the thumbnail's
    own sha256 is in."""
    outputs = manifest.outputs
    content = {
        "title": manifest.title,
        "language": manifest.language,
        "publish": manifest.publish.model_dump(mode="json", exclude={"thumbnail"}),
        "legal": list(manifest.legal),
        "thumbnail": outputs.thumbnail_to_send.sha256,
        "captions": sorted([c.language, c.format, c.sha256] for c in outputs.captions),
    }
    return hashlib.sha256(audit.canonical_json(content)).hexdigest()


@dataclass(frozen=True)
class Content:
    """What an approval is of."""

    script_sha256: str | None
    video_sha256: str
    sent_sha256: str

    @classmethod
    def of(cls, manifest: Manifest) -> Content:
        script = manifest.script.sha256 if manifest.script is not None else None
        return cls(script, manifest.outputs.video.sha256, sent_sha256(manifest))


@dataclass(frozen=True)
class Approval:
    """One recorded approval and whether it applies to the build it is looked at for."""

    seq: int  # its audit entry
    at: str
    by: str
    role: str | None
    comment: str | None
    actor: str  # the OS user (or $RENDER_USER) who ran `render approve`
    script_sha256: str | None
    video_sha256: str | None
    sent_sha256: str | None
    folder: str | None
    applies: bool
    why_not: str | None = None  # when it does not apply: what differs

    @property
    def who(self) -> str:
        return f"{self.by} ({self.role})" if self.role else self.by


@dataclass(frozen=True)
class ApprovalState:
    """A build's approval state: is it required, how many distinct people are needed, who approved."""

    required: bool
    needed: int  # distinct approvers needed (0 when not required)
    approvals: list[Approval] = field(default_factory=list)  # of this build's script, video or folder
    approved: bool = True  # required approvals are all there (True when none is required)
    script_sha256: str | None = None
    video_sha256: str = ""
    required_by: str | None = None  # "the script" or "an earlier render recorded in the audit trail"

    @property
    def applying(self) -> list[Approval]:
        return [a for a in self.approvals if a.applies]

    @property
    def approvers(self) -> list[str]:
        """The distinct people whose approval applies, first approval first."""
        seen: dict[str, str] = {}
        for approval in self.applying:
            seen.setdefault(person(approval.by), approval.who)
        return list(seen.values())

    def describe(self) -> str:
        """One line: `upload --dry-run`'s approval row."""
        names = ", ".join(self.approvers)
        if not self.required:
            return "not required" + (f" (approved by {names})" if names else "")
        have = len(self.approvers)
        if self.approved:
            return f"approved by {names} ({have} of {self.needed} needed)"
        return (
            f"NOT APPROVED: {have} of {self.needed} distinct approval(s)"
            + (f" ({names})" if names else "")
            + "; a real run refuses until `render approve` records the rest"
        )


def person(name: str) -> str:
    """Names compared as people: case, accents' composition and spacing do not make two people."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def _text(value: str | None, what: str, limit: int, *, required: bool = False, lines: bool = False) -> str | None:
    if value is None or not value.strip():
        if required:
            raise InputError(f"{what} is empty", hint="give a person's name, e.g. --by 'Marie Dupont'")
        return None
    value = value.strip() if lines else " ".join(value.split())
    allowed = "\n\t" if lines else ""
    if any(unicodedata.category(c) == "Cc" and c not in allowed for c in value):
        raise InputError(f"{what} holds a control character", hint="write it as plain text")
    if len(value) > limit:
        raise InputError(f"{what} is {len(value)} characters long; at most {limit} are kept", hint="shorten it")
    return value


def _approval(entry: audit.AuditEntry, content: Content) -> Approval:
    data = entry.data
    sent = data.get("sent_sha256")
    why_not: str | None = None
    if not entry.intact:
        why_not = "altered in the records database (its hash does not match); run `render audit --verify`"
    elif entry.video_sha256 != content.video_sha256:
        why_not = "of another video (another render)"
    elif entry.script_sha256 != content.script_sha256:
        why_not = "of another version of the script"
    elif sent != content.sent_sha256:
        why_not = "the metadata, legal text, thumbnail or captions to send have changed since"

    def text(key: str) -> str | None:
        value = data.get(key)
        return str(value) if value is not None else None

    return Approval(
        seq=entry.seq,
        at=entry.at,
        by=text("by") or "?",
        role=text("role"),
        comment=text("comment"),
        actor=entry.actor,
        script_sha256=entry.script_sha256,
        video_sha256=entry.video_sha256,
        sent_sha256=text("sent_sha256"),
        folder=text("folder"),
        applies=why_not is None,
        why_not=why_not,
    )


def _policy(store: Store, manifest: Manifest, content: Content) -> tuple[int, str | None]:
    """(distinct approvers needed, by what): the stricter of the manifest and the renders in the audit
    trail (0: no approval required)."""
    needed, by = 0, None
    if manifest.publish.require_approval:
        needed, by = manifest.publish.approvers, "the script (publish.require_approval)"
    renders = audit.entries(
        store, video_sha256=content.video_sha256, script_sha256=content.script_sha256, kind="render"
    )
    for entry in renders:
        wanted = entry.data.get("approvers")
        if entry.intact and entry.data.get("require_approval") is True:
            count = wanted if isinstance(wanted, int) and wanted > 0 else 1
            if count > needed:
                needed, by = count, f"the render recorded in audit entry #{entry.seq}"
    return needed, by


def state_of(store: Store, manifest: Manifest, folder: Path | None = None) -> ApprovalState:
    """The approval state of the build `manifest` describes (found in `folder`, for its other approvals)."""
    content = Content.of(manifest)
    key = folder_key(folder) if folder is not None else None
    found = audit.entries(store, kind="approval")
    related = [
        e
        for e in found
        if e.video_sha256 == content.video_sha256
        or (content.script_sha256 is not None and e.script_sha256 == content.script_sha256)
        or (key is not None and e.data.get("folder") == key)
    ]
    approvals = [_approval(entry, content) for entry in related]
    needed, by = _policy(store, manifest, content)
    distinct = {person(a.by) for a in approvals if a.applies}
    return ApprovalState(
        required=needed > 0,
        needed=needed,
        approvals=approvals,
        approved=len(distinct) >= needed,
        script_sha256=content.script_sha256,
        video_sha256=content.video_sha256,
        required_by=by,
    )


def read_manifest(build_dir: Path) -> Manifest:
    """The manifest of a build folder (no file is hashed here: `upload` and `render approve` do that)."""
    path = Path(build_dir) / MANIFEST_NAME
    try:
        return Manifest.from_json(path.read_bytes())
    except FileNotFoundError:
        raise InputError(f"{path}: missing; this folder holds no rendered video", hint="run `render` first") from None
    except (OSError, ValidationError) as error:
        reason = "not readable" if isinstance(error, OSError) else "not a valid manifest"
        raise InputError(f"{path}: {reason}", hint="run `render` on the script again") from None


def approval_state(build_dir: Path, store: Store | None = None, db: str | None = None) -> ApprovalState:
    """The approval state of a build folder, from its manifest.json and the records database.

    `store`: an open store (else `db`, $RENDER_AUDIT_DB or the project's file is opened and closed).
    Raises :class:`contract.errors.InputError` for a missing or invalid manifest."""
    manifest = read_manifest(build_dir)
    if store is not None:
        return state_of(store, manifest, Path(build_dir))
    with open_store(db, Path(build_dir), Path.cwd()) as own:
        return state_of(own, manifest, Path(build_dir))


@dataclass(frozen=True)
class Approved:
    """What `approve` did: the approval (new, or the same person's earlier one) and the state after it."""

    approval: Approval
    state: ApprovalState
    recorded: bool  # False: this person had already approved exactly this content


def approve(
    store: Store,
    manifest: Manifest,
    folder: Path,
    by: str,
    role: str | None = None,
    comment: str | None = None,
) -> Approved:
    """Record `by`'s approval of exactly this build's content (its files are verified by the caller)."""
    name = _text(by, "--by (who approves)", MAX_NAME, required=True)
    assert name is not None
    role = _text(role, "--role", MAX_ROLE)
    comment = _text(comment, "--comment", MAX_COMMENT, lines=True)
    if manifest.preview:
        raise InputError(
            f"{folder}: this is a --preview draft; only the final video can be approved",
            hint="render the script without --preview, then approve that build",
        )
    content = Content.of(manifest)
    if content.script_sha256 is None:
        raise InputError(
            f"{folder / MANIFEST_NAME} does not record the script's sha256, so an approval could not be bound to it",
            hint="render the script again with this version of the toolkit",
        )
    before = state_of(store, manifest, folder)
    for earlier in before.applying:
        if person(earlier.by) == person(name):
            return Approved(earlier, before, recorded=False)
    data: dict[str, Any] = {
        "by": name,
        "role": role,
        "comment": comment,
        "folder": folder_key(folder),
        "name": manifest.name,
        "sent_sha256": content.sent_sha256,
    }
    entry = audit.append(
        store, "approval", data, script_sha256=content.script_sha256, video_sha256=content.video_sha256
    )
    after = state_of(store, manifest, folder)
    return Approved(_approval(entry, content), after, recorded=True)


def to_json(state: ApprovalState) -> str:
    """The state as JSON (for a review page or a script)."""
    return json.dumps(
        {
            "required": state.required,
            "needed": state.needed,
            "approved": state.approved,
            "required_by": state.required_by,
            "script_sha256": state.script_sha256,
            "video_sha256": state.video_sha256,
            "approvers": state.approvers,
            "approvals": [a.__dict__ for a in state.approvals],
        },
        indent=2,
        ensure_ascii=False,
    )
