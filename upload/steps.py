"""The steps of a publish. Each step says what it sends (`calls`, for a dry run) and sends it
(`execute`, for a real run), side by side, from the same request builders (:mod:`upload.api`).

Which steps a publish needs is decided once, in :mod:`upload.plan`. A step only adapts to
what YouTube answers (a playlist found or created, a caption track deleted on YouTube)
and records what it did in the ledger at once, so an interrupted run resumes there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from googleapiclient.errors import HttpError
from googleapiclient.http import HttpRequest

from contract.errors import PublishError
from contract.progress import Reporter
from records import audit
from records.approvals import ApprovalState
from records.store import StoreError
from upload.api import (
    CAPTION_NAME,
    MAX_PAGES,
    PLAYLIST_ID,
    Api,
    caption_body,
    caption_update_body,
    playlist_body,
    playlist_item_body,
)
from upload.build import Build, CaptionTrack, MediaFile
from upload.client import origin, same_origin
from upload.errors import api_problem, is_fatal
from upload.ledger import CaptionRecord, Entry, Ledger, now_iso
from upload.metadata import fingerprint, update_body
from upload.options import PublishOptions
from upload.transfer import Backoff, ResumableUpload, chunk_ranges, execute

VIDEO_ID_PLACEHOLDER = "VIDEO_ID"


@dataclass(frozen=True)
class Call:
    """One request as a dry run shows it; `request` None: a note only."""

    request: str | None
    headers: dict[str, str] = field(default_factory=dict)
    metadata: Any = None
    media: MediaFile | None = None
    note: str | None = None

    @classmethod
    def of(cls, request: HttpRequest, **details: Any) -> Call:
        return cls(f"{request.method} {request.uri}", **details)


@dataclass
class Run:
    """What the steps share: the build, the ledger, the API, and what was learnt on the way."""

    build: Build
    options: PublishOptions
    endpoint: str
    body: dict[str, Any]  # the video's snippet and status
    ledger: Ledger
    api: Api
    reporter: Reporter
    backoff: Backoff
    http: Any = None  # the authorized transport; None in a dry run
    entry: Entry | None = None  # the ledger entry this run works on (None: a new upload)
    current: dict[str, Any] | None = None  # the video resource as YouTube last returned it
    channel_checked: bool = False
    warnings: list[str] = field(default_factory=list)
    approval: ApprovalState | None = None  # the approvals this publish relies on (for the audit trail)

    @property
    def account(self) -> str:
        return self.options.account

    @property
    def video_id(self) -> str:
        return (self.entry.video_id if self.entry else None) or VIDEO_ID_PLACEHOLDER

    def warn(self, message: str) -> None:
        self.warnings.append(message)
        self.reporter.warning(message)

    def save(self) -> None:
        if self.entry is not None:
            self.ledger.touch_and_save(self.entry)

    def recorded(self) -> bool:
        """The audit trail already holds a publish of this content as the entry's video."""
        entry = self.entry
        found = audit.entries(self.ledger.store, video_sha256=self.build.video.sha256, kind="upload")
        return entry is not None and any(e.data.get("video_id") == entry.video_id for e in found)

    def record(self, action: str) -> None:
        """Append this publish to the audit trail, once the video id is known.

        The video exists by then: if the trail cannot be written, say so (exit 1); running again
        records it without uploading again."""
        entry = self.entry
        assert entry is not None and entry.video_id
        script = self.build.manifest.script
        data = {
            "action": action,
            "video_id": entry.video_id,
            "url": entry.url,
            "channel_id": entry.channel_id,
            "privacy": entry.privacy,
            "account": self.account,
            "endpoint": self.endpoint,
            "folder": self.ledger.key,
            "name": self.build.manifest.name,
            "approvals": [a.seq for a in self.approval.applying] if self.approval else [],
        }
        try:
            audit.append(
                self.ledger.store,
                "upload",
                data,
                script_sha256=script.sha256 if script is not None else None,
                video_sha256=self.build.video.sha256,
            )
        except StoreError as error:
            raise PublishError(
                f"the video is published ({entry.url}), but the audit trail could not record it: {error.message}",
                hint="make the records database writable, then run the same command again: it records the "
                "publish without uploading the video again",
            ) from None


class Step(Protocol):
    name: ClassVar[str]  # in the failure summary: "video", "thumbnail", "captions", "playlist"
    action: ClassVar[str]  # in messages: "setting the thumbnail"
    optional: ClassVar[bool]  # a failure does not stop the later steps (unless quota or login)

    def calls(self, run: Run) -> list[Call]:
        """The requests this step sends (a real run may skip some after an answer)."""
        ...

    def execute(self, run: Run) -> bool:
        """Send them; True when the ledger now knows more and the publish must be planned again."""
        ...


# -- the video ---------------------------------------------------------------------------------


@dataclass
class FindChannel:
    """Another login published this content: is this login the same channel? Then reuse it."""

    others: list[Entry]
    name: ClassVar[str] = "video"
    action: ClassVar[str] = "finding the login's channel"
    optional: ClassVar[bool] = False

    def calls(self, run: Run) -> list[Call]:
        other = self.others[0]
        note = f"{other.account} published this content as {other.url}; if this login is the same channel, it is reused"
        return [Call.of(run.api.my_channels(), note=note)]

    def execute(self, run: Run) -> bool:
        run.channel_checked = True
        try:
            mine = execute(run.backoff, self.action, lambda _: run.api.my_channels())
        except Exception as error:
            if is_fatal(error):
                raise
            run.warn("could not tell which channel this login is; treating it as a new channel")
            return False
        channels = {str(item.get("id")) for item in mine.get("items") or []}
        for entry in self.others:
            if entry.channel_id in channels:
                entry.other_accounts.append(run.account)
                run.ledger.touch_and_save(entry)
                run.reporter.info(f"this channel already has this content: {entry.url}")
                return True
        return False


@dataclass
class CheckVideo:
    """The ledger says this content is published: check that the video still exists."""

    unchanged: bool  # the metadata is the one last sent (no update follows)
    name: ClassVar[str] = "video"
    action: ClassVar[str] = "checking the published video"
    optional: ClassVar[bool] = False

    def calls(self, run: Run) -> list[Call]:
        entry = run.entry
        note = (
            f"{run.ledger.path.name}: this content is published as {entry.url if entry else '?'}; check it still exists"
        )
        calls = [Call.of(run.api.list_video(run.video_id), note=note)]
        if self.unchanged:
            calls.append(Call(None, note="the metadata is unchanged: no videos.update"))
        return calls

    def execute(self, run: Run) -> bool:
        entry = run.entry
        assert entry is not None and entry.video_id  # planned only for a published entry
        found = execute(run.backoff, self.action, lambda _: run.api.list_video(run.video_id))
        items = found.get("items") or []
        if not items:
            raise PublishError(
                f"video {entry.video_id}, recorded in {run.ledger.path.name} for this content, "
                "no longer exists on the channel",
                hint="run again with --force-new to upload it as a new video",
            )
        run.current = dict(items[0])
        if self.unchanged:
            run.reporter.info(f"already published as {entry.url}; the metadata is unchanged")
        return False


@dataclass
class UpdateVideo:
    """Send changed metadata with videos.update, keeping the status fields we do not manage."""

    name: ClassVar[str] = "video"
    action: ClassVar[str] = "updating the video's metadata"
    optional: ClassVar[bool] = False

    def calls(self, run: Run) -> list[Call]:
        body = update_body(run.video_id, run.body, None)
        note = "the metadata changed; status fields we do not manage are copied from the video"
        return [Call.of(run.api.update_video(body), metadata=body, note=note)]

    def execute(self, run: Run) -> bool:
        entry = run.entry
        assert entry is not None and entry.video_id
        if entry.metadata_sha256 == fingerprint(run.body):  # a new session already carried it
            return False
        run.reporter.info(f"updating the metadata of video {entry.video_id}")
        body = update_body(entry.video_id, run.body, run.current)
        resource = execute(run.backoff, self.action, lambda _: run.api.update_video(body))
        entry.metadata_sha256 = fingerprint(run.body)
        entry.privacy = (resource.get("status") or {}).get("privacyStatus") or entry.privacy
        run.current = dict(resource)
        run.save()
        run.record("updated")
        return False


def saved_session(entry: Entry | None, endpoint: str) -> tuple[str | None, str | None]:
    """The saved upload session to resume, and why one is dropped.

    The session URI comes from the build folder, which anyone with access to it can edit;
    the token goes only to the API endpoint in use."""
    if entry is None or entry.video_id or not entry.session_uri:
        return None, None
    if same_origin(entry.session_uri, endpoint):
        return entry.session_uri, None
    where = origin(entry.session_uri)
    server = f"{where[0]}://{where[1]}:{where[2]}" if where else repr(entry.session_uri[:80])
    return None, (
        f"the upload session saved in the ledger is on another server ({server}), not on {endpoint}; "
        "it was dropped (the login is never sent there) and a new upload is started"
    )


@dataclass
class UploadVideo:
    """Upload the video (resumable), resuming the session saved in the ledger if there is one."""

    name: ClassVar[str] = "video"
    action: ClassVar[str] = "uploading the video"
    optional: ClassVar[bool] = False

    def calls(self, run: Run) -> list[Call]:
        video, chunk = run.build.video, run.options.chunk_size
        session, dropped = saved_session(run.entry, run.endpoint)
        calls = [Call(None, note=dropped)] if dropped else []
        if session:
            calls.append(
                Call(
                    f"PUT <the upload session saved in {run.ledger.path.name}>",
                    headers={"Content-Range": f"bytes */{video.size}", "Content-Length": "0"},
                    note="status query: which bytes does the interrupted session hold? "
                    "(if it has expired: a new session is started)",
                )
            )
        else:
            headers = {
                "Content-Type": "application/json; charset=UTF-8",
                "X-Upload-Content-Type": video.mimetype,
                "X-Upload-Content-Length": str(video.size),
            }
            note = "starts a resumable upload session; the answer's Location header is the session URI"
            calls.append(
                Call.of(run.api.insert_video(run.body, video, chunk), metadata=run.body, headers=headers, note=note)
            )
        ranges = chunk_ranges(video.size, chunk)
        (first, _), (_, last) = ranges[0], ranges[-1]
        content_range = f"bytes {first}-{ranges[0][1]}/{video.size}"
        if len(ranges) > 1:
            content_range += f" ... bytes {ranges[-1][0]}-{last}/{video.size}"
        calls.append(
            Call(
                f"PUT <session URI> x {len(ranges)} chunk(s) of up to {chunk} bytes",
                headers={"Content-Range": content_range},
                media=video,
                note="resumed from the byte the server confirms"
                if session
                else "answered 308 + Range until the last chunk, which returns the video resource",
            )
        )
        return calls

    def execute(self, run: Run) -> bool:
        video = run.build.video
        entry = run.entry
        if entry is None or entry.video_id:  # new content, or --force-new
            entry = run.entry = run.ledger.add(
                Entry(
                    account=run.account,
                    endpoint=run.endpoint,
                    video_sha256=video.sha256,
                    video_file=video.name,
                    video_bytes=video.size,
                )
            )
        session, dropped = saved_session(entry, run.endpoint)
        if dropped:
            run.warn(dropped)
            self._saved(run, entry, None)
        if session:
            run.reporter.info(f"resuming the interrupted upload of {video.name}")
        else:
            run.reporter.info(f"uploading {video.name} ({video.size} bytes) to {run.endpoint}")
        upload = ResumableUpload(
            run.http,
            lambda: run.api.insert_video(run.body, video, run.options.chunk_size),
            run.backoff,
            run.reporter,
            f"uploading {video.name}",
            lambda uri: self._saved(run, entry, uri),
            session_uri=session,
        )
        resource = upload.run()
        video_id = resource.get("id")
        if not isinstance(video_id, str) or not video_id:
            raise PublishError(
                "YouTube finished the upload but returned no video id",
                hint="look for the video in YouTube Studio before running the command again",
            )
        entry.video_id = video_id
        entry.channel_id = (resource.get("snippet") or {}).get("channelId") or entry.channel_id
        entry.privacy = (resource.get("status") or {}).get("privacyStatus")
        entry.session_uri = entry.session_started = None
        run.current = dict(resource)
        run.save()
        run.record("uploaded")
        status = resource.get("status") or {}
        if status.get("uploadStatus") in ("rejected", "failed"):
            why = status.get("rejectionReason") or status.get("failureReason") or "no reason given"
            run.warn(f"YouTube marked the upload {status['uploadStatus']} ({why})")
        return False

    @staticmethod
    def _saved(run: Run, entry: Entry, uri: str | None) -> None:
        # saved before the first byte goes out, so a killed run resumes this very session
        entry.session_uri = uri
        entry.session_started = now_iso() if uri else None
        entry.metadata_sha256 = fingerprint(run.body) if uri else None
        run.ledger.touch_and_save(entry)


# -- after the video exists ----------------------------------------------------------------------


@dataclass
class SetThumbnail:
    thumbnail: MediaFile
    name: ClassVar[str] = "thumbnail"
    action: ClassVar[str] = "setting the thumbnail"
    optional: ClassVar[bool] = True

    def calls(self, run: Run) -> list[Call]:
        return [Call.of(run.api.set_thumbnail(run.video_id, self.thumbnail), media=self.thumbnail)]

    def execute(self, run: Run) -> bool:
        assert run.entry is not None
        execute(run.backoff, self.action, lambda _: run.api.set_thumbnail(run.video_id, self.thumbnail))
        run.entry.thumbnail_sha256 = self.thumbnail.sha256
        run.save()
        run.reporter.info(f"thumbnail set from {self.thumbnail.name}")
        return False


@dataclass
class PutCaptions:
    """Replace the track recorded in the ledger (captions.update), else insert a new one."""

    track: CaptionTrack
    caption_id: str | None  # the track this run replaces, from the ledger
    name: ClassVar[str] = "captions"
    action: ClassVar[str] = "adding the captions"
    optional: ClassVar[bool] = True

    def calls(self, run: Run) -> list[Call]:
        note = "multipart: JSON metadata + the SRT file"
        if self.caption_id:
            request = run.api.update_caption(self.caption_id, self.track)
            return [Call.of(request, metadata=caption_update_body(self.caption_id), media=self.track.file, note=note)]
        request = run.api.insert_caption(run.video_id, self.track)
        body = caption_body(run.video_id, self.track.language)
        return [Call.of(request, metadata=body, media=self.track.file, note=note)]

    def execute(self, run: Run) -> bool:
        assert run.entry is not None
        caption_id = self._update(run) if self.caption_id else None
        if caption_id is None:
            caption_id = run.backoff.run(self.action, lambda attempt: self._insert(run, attempt))
        run.entry.captions[self.track.language] = CaptionRecord(id=caption_id, sha256=self.track.file.sha256)
        run.save()
        run.reporter.info(f"captions added ({self.track.language}, {self.track.file.name})")
        return False

    def _update(self, run: Run) -> str | None:
        caption_id = self.caption_id or ""
        try:
            updated = execute(
                run.backoff, "updating the captions", lambda _: run.api.update_caption(caption_id, self.track)
            )
        except HttpError as error:
            if api_problem(error).status != 404:
                raise
            return None  # deleted on YouTube: insert it again
        return str(updated.get("id") or caption_id)

    def _insert(self, run: Run, attempt: int) -> str:
        if attempt:  # an earlier try may have succeeded without us seeing the answer
            try:
                listed = run.api.list_captions(run.video_id).execute(num_retries=0)
            except HttpError:
                listed = {}
            for item in listed.get("items") or []:
                snippet = item.get("snippet") or {}
                if snippet.get("language") == self.track.language and snippet.get("name") == CAPTION_NAME:
                    return str(item["id"])
        inserted = run.api.insert_caption(run.video_id, self.track).execute(num_retries=0)
        return str(inserted.get("id") or "")


@dataclass
class AddToPlaylist:
    """Add the video to the playlist given by id, or by title (found on every page, else created)."""

    ref: str
    name: ClassVar[str] = "playlist"
    action: ClassVar[str] = "adding the video to the playlist"
    optional: ClassVar[bool] = True

    def calls(self, run: Run) -> list[Call]:
        privacy, video_id = run.build.publish.privacy, run.video_id
        calls: list[Call] = []
        playlist_id = self.ref
        if not PLAYLIST_ID.match(self.ref):
            playlist_id = "PLAYLIST_ID"
            calls.append(
                Call.of(run.api.list_playlists(), note=f"look for the playlist titled {self.ref!r} (all pages)")
            )
            calls.append(
                Call.of(
                    run.api.insert_playlist(self.ref, privacy),
                    metadata=playlist_body(self.ref, privacy),
                    note="only if no playlist has that title",
                )
            )
        calls.append(Call.of(run.api.list_playlist_items(playlist_id, video_id), note="is the video already in it?"))
        calls.append(
            Call.of(
                run.api.insert_playlist_item(playlist_id, video_id),
                metadata=playlist_item_body(playlist_id, video_id),
                note="only if it is not",
            )
        )
        return calls

    def execute(self, run: Run) -> bool:
        entry = run.entry
        assert entry is not None
        if PLAYLIST_ID.match(self.ref):
            playlist_id = self.ref
        else:
            playlist_id = run.backoff.run("finding the playlist", lambda _: self._by_title(run))
        item_id = run.backoff.run(self.action, lambda _: self._item(run, playlist_id))
        entry.playlist_ref, entry.playlist_id, entry.playlist_item_id = self.ref, playlist_id, item_id
        run.save()
        run.reporter.info(f"added to playlist {self.ref!r} ({playlist_id})")
        return False

    def _by_title(self, run: Run) -> str:
        """The id of the channel's playlist called `ref`, created if missing."""
        playlists = list(_all_pages(run.api.list_playlists))
        titles = [str((item.get("snippet") or {}).get("title", "")) for item in playlists]
        wanted = self.ref.strip().casefold()
        # the exact title first, else one that differs only in case or surrounding spaces
        for loose in (False, True):
            for item, title in zip(playlists, titles, strict=True):
                if title == self.ref or (loose and title.strip().casefold() == wanted):
                    return str(item["id"])
        privacy = run.build.publish.privacy
        created = run.api.insert_playlist(self.ref, privacy).execute(num_retries=0)
        run.reporter.info(f"created the {privacy} playlist {self.ref!r}")
        return str(created["id"])

    def _item(self, run: Run, playlist_id: str) -> str:
        video_id = run.video_id
        for item in _all_pages(lambda token: run.api.list_playlist_items(playlist_id, video_id, token)):
            resource = (item.get("snippet") or {}).get("resourceId") or {}
            if resource.get("videoId") == video_id:
                return str(item["id"])
        inserted = run.api.insert_playlist_item(playlist_id, video_id).execute(num_retries=0)
        return str(inserted.get("id") or "added")


def _all_pages(request: Callable[[str | None], HttpRequest]) -> Iterator[dict[str, Any]]:
    """The items of a list call, page after page (`request(page_token)`), fetched as needed."""
    page_token: str | None = None
    for _ in range(MAX_PAGES):
        page = request(page_token).execute(num_retries=0)
        yield from page.get("items") or []
        page_token = page.get("nextPageToken")
        if not page_token:
            return
