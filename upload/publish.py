"""Publish a rendered build folder to YouTube: the library behind `upload` and `render --publish`.

    from upload.publish import PublishOptions, publish_build
    result = publish_build(Path("build/mission"), PublishOptions(profile="work"))

Every step is recorded in `build/<name>/publish-ledger.json` as soon as it is
done, so running again never uploads the same content twice: it resumes an
interrupted upload, updates changed metadata with videos.update, and redoes only
the steps (thumbnail, captions, playlist) that are missing or changed.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

from googleapiclient.errors import HttpError
from googleapiclient.http import MediaFileUpload

from contract.errors import InputError, PublishError, ToolkitError
from upload import auth
from upload.client import (
    DEFAULT_TIMEOUT,
    authorized_http,
    build_http,
    build_service,
    resolve_endpoint,
)
from upload.errors import api_problem, explain, forced_private, is_fatal
from upload.ledger import CaptionRecord, Entry, Ledger, LedgerLock, now_iso
from upload.manifest import Build, CaptionTrack, MediaFile, check_schedule, load_build
from upload.metadata import VIDEO_PARTS, fingerprint, update_body, video_body
from upload.report import Reporter, make_reporter
from upload.transfer import (
    CHUNK_UNIT,
    DEFAULT_CHUNK_SIZE,
    Backoff,
    BytesFileUpload,
    ResumableUpload,
    chunk_ranges,
    execute,
)

CAPTION_NAME = "Narration"
PLAYLIST_ID = re.compile(r"^(?:PL|UU|LL|FL|OL)[A-Za-z0-9_-]{10,}$")
VIDEO_ID_PLACEHOLDER = "VIDEO_ID"

Action = Literal["uploaded", "updated", "unchanged", "dry-run"]


@dataclass
class PublishOptions:
    """How to publish; the same fields as the `upload` command's options."""

    profile: str | None = None  # login profile (one per channel); default "default"
    token_file: Path | None = None  # authorized-user JSON to use instead of a profile
    api_endpoint: str | None = None  # API root; default $YOUTUBE_API_ENDPOINT or Google's
    dry_run: bool = False  # print the requests, send nothing, need no credentials
    force_new: bool = False  # upload again even if the ledger shows this content published
    client_secrets: Path | None = None  # with no cached login for the profile: log in first
    chunk_size: int = DEFAULT_CHUNK_SIZE  # bytes per upload PUT, a multiple of 256 KiB
    timeout: float = DEFAULT_TIMEOUT  # seconds per HTTP request
    attempts: int = 8  # tries per failing request before giving up
    backoff_base: float = 1.0  # first retry waits 0.5–1 s, then doubles (capped at 64 s)

    def check(self) -> None:
        if self.chunk_size <= 0 or self.chunk_size % CHUNK_UNIT:
            raise InputError(
                f"the chunk size {self.chunk_size} is not a positive multiple of 256 KiB (262144 bytes)",
                hint="use for example --chunk-size 8388608 (8 MiB)",
            )
        if self.timeout <= 0:
            raise InputError("the timeout must be a positive number of seconds")
        if self.attempts < 1:
            raise InputError("the number of attempts must be at least 1")
        if self.profile is not None:
            auth.check_profile(self.profile)
        if self.token_file is not None and self.profile is not None:
            raise InputError("give either --token-file or --profile, not both")

    @property
    def account(self) -> str:
        """The ledger's name for the login (which channel the video went to)."""
        if self.token_file is not None:
            return f"token-file:{Path(self.token_file).expanduser().absolute()}"
        return f"profile:{self.profile or auth.DEFAULT_PROFILE}"


@dataclass
class PublishResult:
    action: Action
    video_id: str | None
    url: str | None
    channel_id: str | None = None
    ledger: Path | None = None
    privacy: str | None = None
    warnings: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # the dry run's listing


def publish_build(
    build_dir: Path,
    options: PublishOptions | None = None,
    reporter: Reporter | None = None,
    out: TextIO | None = None,
) -> PublishResult:
    """Publish `build_dir` (a folder written by `render`) to YouTube.

    Raises :class:`InputError` (exit 2) for a bad build or option and :class:`PublishError`
    (exit 1) when YouTube or the network fails; the messages are the user's. With
    ``options.dry_run`` the requests are printed to `out` (default stdout) and nothing is sent.
    """
    options = options or PublishOptions()
    options.check()
    build = load_build(Path(build_dir))
    endpoint = resolve_endpoint(options.api_endpoint)
    body = video_body(build.publish, build.language)
    known = Ledger.load(build.folder).find(options.account, endpoint, build.video.sha256)
    if options.force_new or known is None or not known.video_id or known.metadata_sha256 != fingerprint(body):
        check_schedule(build.publish)  # only when the metadata (with publishAt) is about to be sent
    if options.dry_run:
        ledger = Ledger.load(build.folder)
        result = _dry_run(build, options, ledger, endpoint, body)
        print("\n".join(result.requests), file=out if out is not None else sys.stdout, flush=True)
        return result
    own_reporter = reporter is None
    reporter = reporter or make_reporter()
    try:
        with LedgerLock(build.folder):
            ledger = Ledger.load(build.folder)
            loaded = _credentials(options, reporter)
            http = authorized_http(loaded.credentials, options.timeout, endpoint)
            service = build_service(endpoint, http)
            return _Publisher(build, options, reporter, ledger, service, http, endpoint, body).run()
    finally:
        if own_reporter:
            reporter.close()


def _credentials(options: PublishOptions, reporter: Reporter) -> auth.LoadedCredentials:
    try:
        return auth.load_credentials(options.profile, options.token_file)
    except InputError:
        if options.token_file is not None or options.client_secrets is None:
            raise
    auth.login(options.profile or auth.DEFAULT_PROFILE, options.client_secrets, echo=reporter.info)
    return auth.load_credentials(options.profile, None)


def _caption_request(service: Any, video_id: str, track: CaptionTrack, caption_id: str | None = None) -> Any:
    media = MediaFileUpload(str(track.file.path), mimetype=track.file.mimetype)
    if caption_id:
        return service.captions().update(
            part="snippet", body={"id": caption_id, "snippet": {"isDraft": False}}, media_body=media
        )
    return service.captions().insert(part="snippet", body=_caption_body(video_id, track), media_body=media)


def _caption_body(video_id: str, track: CaptionTrack) -> dict[str, Any]:
    return {
        "snippet": {
            "videoId": video_id,
            "language": track.language,
            "name": CAPTION_NAME,
            "isDraft": False,
        }
    }


def _playlist_body(title: str, privacy: str) -> dict[str, Any]:
    return {"snippet": {"title": title}, "status": {"privacyStatus": privacy}}


def _playlist_item_body(playlist_id: str, video_id: str) -> dict[str, Any]:
    return {
        "snippet": {
            "playlistId": playlist_id,
            "resourceId": {"kind": "youtube#video", "videoId": video_id},
        }
    }


class _Publisher:
    def __init__(
        self,
        build: Build,
        options: PublishOptions,
        reporter: Reporter,
        ledger: Ledger,
        service: Any,
        http: Any,
        endpoint: str,
        body: dict[str, Any],
    ) -> None:
        self.build, self.options, self.reporter, self.ledger = build, options, reporter, ledger
        self.service, self.http, self.endpoint, self.body = service, http, endpoint, body
        self.account = options.account
        self.backoff = Backoff(reporter, attempts=options.attempts, base=options.backoff_base)
        self.warnings: list[str] = []

    # -- the video -----------------------------------------------------------------------------

    def run(self) -> PublishResult:
        video = self.build.video
        entry = self.ledger.find(self.account, self.endpoint, video.sha256)
        if entry is None and not self.options.force_new:
            entry = self._same_channel_entry()
        if entry is not None and entry.video_id and not self.options.force_new:
            action, resource = self._refresh(entry)
        else:
            if entry is None or entry.video_id:
                entry = self.ledger.add(
                    Entry(
                        account=self.account,
                        endpoint=self.endpoint,
                        video_sha256=video.sha256,
                        video_file=video.path.name,
                        video_bytes=video.size,
                    )
                )
            resource = self._upload(entry)
            action = "uploaded"
            if entry.metadata_sha256 != fingerprint(self.body):
                # a resumed session was started with older metadata
                resource = self._update(entry, resource)
        requested = self.build.publish.privacy
        locked = forced_private(requested, (resource.get("status") or {}).get("privacyStatus"))
        failures = self._steps(entry)
        url = entry.url
        self.reporter.info(f"{'published' if action == 'uploaded' else action}: {url} (video {entry.video_id})")
        if locked is not None:
            raise locked
        if failures:
            raise PublishError(
                f"the video is published ({url}), but {len(failures)} step(s) failed: " + "; ".join(failures),
                hint="run the same command again to retry them; the video is not uploaded twice",
            )
        return PublishResult(
            action,
            entry.video_id,
            url,
            entry.channel_id,
            self.ledger.path,
            entry.privacy,
            self.warnings,
        )

    def _same_channel_entry(self) -> Entry | None:
        """Another login (a token file elsewhere, another profile) may be the same channel: ask
        YouTube which channel this login is, so the same content is not uploaded twice to it."""
        others = self.ledger.published_elsewhere(self.endpoint, self.build.video.sha256)
        if not others:
            return None
        try:
            mine = execute(
                self.backoff,
                "finding the login's channel",
                lambda _: self.service.channels().list(part="id", mine=True),
            )
        except Exception as error:
            if is_fatal(error):
                raise self._fail(error, "finding the login's channel") from None
            self._warn("could not tell which channel this login is; treating it as a new channel")
            return None
        channels = {str(item.get("id")) for item in mine.get("items") or []}
        for entry in others:
            if entry.channel_id in channels:
                entry.other_accounts.append(self.account)
                self.ledger.touch_and_save(entry)
                self.reporter.info(f"this channel already has this content: {entry.url}")
                return entry
        return None

    def _fail(self, error: BaseException, action: str) -> ToolkitError:
        return explain(error, action, self.account)

    def _upload(self, entry: Entry) -> dict[str, Any]:
        video = self.build.video
        fingerprint_now = fingerprint(self.body)

        def make_request() -> Any:
            media = BytesFileUpload(
                str(video.path),
                mimetype=video.mimetype,
                chunksize=self.options.chunk_size,
                resumable=True,
            )
            return self.service.videos().insert(part=VIDEO_PARTS, body=self.body, media_body=media)

        def on_session(uri: str | None) -> None:
            # Saved before the first byte goes out, so a killed run resumes this very session.
            entry.session_uri = uri
            entry.session_started = now_iso() if uri else None
            entry.metadata_sha256 = fingerprint_now if uri else None
            self.ledger.touch_and_save(entry)

        if entry.session_uri:
            self.reporter.info(f"resuming the interrupted upload of {video.path.name}")
        else:
            self.reporter.info(f"uploading {video.path.name} ({video.size} bytes) to {self.endpoint}")
        upload = ResumableUpload(
            self.http,
            make_request,
            video.size,
            video.mimetype,
            self.backoff,
            self.reporter,
            f"uploading {video.path.name}",
            on_session,
            session_uri=entry.session_uri,
        )
        try:
            resource = upload.run()
        except Exception as error:
            raise self._fail(error, "uploading the video") from None
        video_id = resource.get("id")
        if not isinstance(video_id, str) or not video_id:
            raise PublishError(
                "YouTube finished the upload but returned no video id",
                hint="look for the video in YouTube Studio before running the command again",
            )
        entry.video_id = video_id
        entry.channel_id = (resource.get("snippet") or {}).get("channelId") or entry.channel_id
        entry.privacy = (resource.get("status") or {}).get("privacyStatus")
        entry.session_uri = None
        entry.session_started = None
        self.ledger.touch_and_save(entry)
        status = resource.get("status") or {}
        if status.get("uploadStatus") in ("rejected", "failed"):
            why = status.get("rejectionReason") or status.get("failureReason") or "no reason given"
            self._warn(f"YouTube marked the upload {status['uploadStatus']} ({why})")
        return resource

    def _refresh(self, entry: Entry) -> tuple[Action, dict[str, Any]]:
        """The ledger says this content is published: check it exists, update changed metadata."""
        try:
            found = execute(
                self.backoff,
                "checking the published video",
                lambda _: self.service.videos().list(part=VIDEO_PARTS, id=entry.video_id),
            )
        except Exception as error:
            raise self._fail(error, "checking the published video") from None
        items = found.get("items") or []
        if not items:
            raise PublishError(
                f"video {entry.video_id}, recorded in {self.ledger.path.name} for this content, "
                "no longer exists on the channel",
                hint="run again with --force-new to upload it as a new video",
            )
        current = items[0]
        if entry.metadata_sha256 == fingerprint(self.body):
            self.reporter.info(f"already published as {entry.url}; the metadata is unchanged")
            entry.privacy = (current.get("status") or {}).get("privacyStatus") or entry.privacy
            return "unchanged", current
        return "updated", self._update(entry, current)

    def _update(self, entry: Entry, current: dict[str, Any] | None) -> dict[str, Any]:
        video_id = entry.video_id or ""
        self.reporter.info(f"updating the metadata of video {video_id}")
        try:
            resource = execute(
                self.backoff,
                "updating the video",
                lambda _: self.service.videos().update(
                    part=VIDEO_PARTS, body=update_body(video_id, self.body, current)
                ),
            )
        except Exception as error:
            raise self._fail(error, "updating the video's metadata") from None
        entry.metadata_sha256 = fingerprint(self.body)
        entry.privacy = (resource.get("status") or {}).get("privacyStatus") or entry.privacy
        self.ledger.touch_and_save(entry)
        return dict(resource)

    # -- the steps after the video exists --------------------------------------------------------

    def _warn(self, message: str) -> None:
        self.warnings.append(message)
        self.reporter.warning(message)

    def _steps(self, entry: Entry) -> list[str]:
        failures: list[str] = []
        steps = (
            ("thumbnail", "setting the thumbnail", self._thumbnail),
            ("captions", "adding the captions", self._captions),
            ("playlist", "adding the video to the playlist", self._playlist),
        )
        for name, action, step in steps:
            try:
                step(entry)
            except Exception as error:
                problem = self._fail(error, action)
                if is_fatal(error):
                    raise problem from None
                failures.append(f"{name}: {problem.message}")
                self._warn(f"{name}: {problem.message}" + (f" ({problem.hint})" if problem.hint else ""))
        return failures

    def _thumbnail(self, entry: Entry) -> None:
        thumb = self.build.thumbnail
        if thumb is None or entry.thumbnail_sha256 == thumb.sha256:
            return
        video_id = entry.video_id
        execute(
            self.backoff,
            "setting the thumbnail",
            lambda _: self.service.thumbnails().set(
                videoId=video_id,
                media_body=MediaFileUpload(str(thumb.path), mimetype=thumb.mimetype),
            ),
        )
        entry.thumbnail_sha256 = thumb.sha256
        self.ledger.touch_and_save(entry)
        self.reporter.info(f"thumbnail set from {thumb.path.name}")

    def _captions(self, entry: Entry) -> None:
        for track in self.build.captions:
            record = entry.captions.get(track.language)
            if record is not None and record.sha256 == track.file.sha256:
                continue
            caption_id = self._caption(entry.video_id or "", track, record)
            entry.captions[track.language] = CaptionRecord(id=caption_id, sha256=track.file.sha256)
            self.ledger.touch_and_save(entry)
            self.reporter.info(f"captions added ({track.language}, {track.file.path.name})")

    def _caption(self, video_id: str, track: CaptionTrack, record: CaptionRecord | None) -> str:
        """Replace the track recorded in the ledger (captions.update), else insert a new one."""
        if record is not None:
            try:
                updated = execute(
                    self.backoff,
                    "updating the captions",
                    lambda _: _caption_request(self.service, video_id, track, record.id),
                )
                return str(updated.get("id") or record.id)
            except HttpError as error:
                if api_problem(error).status != 404:  # deleted on YouTube: insert it again
                    raise
        return self.backoff.run("adding the captions", lambda attempt: self._insert_caption(video_id, track, attempt))

    def _insert_caption(self, video_id: str, track: CaptionTrack, attempt: int) -> str:
        if attempt:  # an earlier try may have succeeded without us seeing the answer
            try:
                listed = self.service.captions().list(part="snippet", videoId=video_id).execute(num_retries=0)
                for item in listed.get("items") or []:
                    snippet = item.get("snippet") or {}
                    if snippet.get("language") == track.language and snippet.get("name") == CAPTION_NAME:
                        return str(item["id"])
            except HttpError:
                pass
        inserted = _caption_request(self.service, video_id, track).execute(num_retries=0)
        return str(inserted.get("id") or "")

    def _playlist(self, entry: Entry) -> None:
        ref = self.build.publish.playlist
        if not ref or (entry.playlist_ref == ref and entry.playlist_item_id):
            return
        video_id = entry.video_id or ""
        if PLAYLIST_ID.match(ref):
            playlist_id = ref
        else:
            playlist_id = self.backoff.run(
                "finding the playlist", lambda attempt: self._playlist_by_title(ref, attempt)
            )
        item_id = self.backoff.run(
            "adding the video to the playlist", lambda _: self._playlist_item(playlist_id, video_id)
        )
        entry.playlist_ref, entry.playlist_id, entry.playlist_item_id = ref, playlist_id, item_id
        self.ledger.touch_and_save(entry)
        self.reporter.info(f"added to playlist {ref!r} ({playlist_id})")

    def _playlist_by_title(self, title: str, attempt: int) -> str:
        """The id of the channel's playlist called `title`, created if missing."""
        playlists: list[dict[str, Any]] = []
        page_token: str | None = None
        for _ in range(100):  # 5000 playlists
            page = (
                self.service.playlists()
                .list(part="snippet", mine=True, maxResults=50, pageToken=page_token)
                .execute(num_retries=0)
            )
            playlists.extend(page.get("items") or [])
            page_token = page.get("nextPageToken")
            if not page_token:
                break
        for match in (
            lambda t: t == title,
            lambda t: t.strip().casefold() == title.strip().casefold(),
        ):
            for item in playlists:
                if match(str((item.get("snippet") or {}).get("title", ""))):
                    return str(item["id"])
        privacy = self.build.publish.privacy
        created = (
            self.service.playlists()
            .insert(part="snippet,status", body=_playlist_body(title, privacy))
            .execute(num_retries=0)
        )
        self.reporter.info(f"created the {privacy} playlist {title!r}")
        return str(created["id"])

    def _playlist_item(self, playlist_id: str, video_id: str) -> str:
        page_token: str | None = None
        for _ in range(100):
            page = (
                self.service.playlistItems()
                .list(
                    part="snippet",
                    playlistId=playlist_id,
                    videoId=video_id,
                    maxResults=50,
                    pageToken=page_token,
                )
                .execute(num_retries=0)
            )
            for item in page.get("items") or []:
                resource = (item.get("snippet") or {}).get("resourceId") or {}
                if resource.get("videoId") == video_id:
                    return str(item["id"])
            page_token = page.get("nextPageToken")
            if not page_token:
                break
        inserted = (
            self.service.playlistItems()
            .insert(part="snippet", body=_playlist_item_body(playlist_id, video_id))
            .execute(num_retries=0)
        )
        return str(inserted.get("id") or "added")


# -- the dry run ---------------------------------------------------------------------------------


def _dry_run(
    build: Build, options: PublishOptions, ledger: Ledger, endpoint: str, body: dict[str, Any]
) -> PublishResult:
    """List the requests a real run would send now, given the ledger; send nothing."""
    # No credentials, and requests are only built, never executed: nothing is sent.
    service = build_service(endpoint, build_http(options.timeout, endpoint))
    lines = [f"DRY RUN: nothing is sent. Requests `upload` would send to {endpoint} (account {options.account}):"]
    count = 0

    def show(
        request: Any,
        *,
        metadata: Any = None,
        media: MediaFile | None = None,
        headers: dict[str, str] | None = None,
        note: str | None = None,
    ) -> None:
        nonlocal count
        count += 1
        method = request if isinstance(request, str) else f"{request.method} {request.uri}"
        lines.append(f"\n{count}. {method}")
        if note:
            lines.append(f"   # {note}")
        for key, value in (headers or {}).items():
            lines.append(f"   {key}: {value}")
        if metadata is not None:
            lines.extend("   " + line for line in json.dumps(metadata, indent=2, ensure_ascii=False).splitlines())
        if media is not None:
            lines.append(f"   media: {media.path} ({media.size} bytes, {media.mimetype}, sha256 {media.sha256})")

    video = build.video
    entry = ledger.find(options.account, endpoint, video.sha256)
    video_id = VIDEO_ID_PLACEHOLDER
    if entry is not None and entry.video_id and not options.force_new:
        video_id = entry.video_id
        show(
            service.videos().list(part=VIDEO_PARTS, id=video_id),
            note=f"{ledger.path.name}: this content is published as {entry.url}; check it still exists",
        )
        if entry.metadata_sha256 != fingerprint(body):
            show(
                service.videos().update(part=VIDEO_PARTS, body=update_body(video_id, body, None)),
                metadata=update_body(video_id, body, None),
                note="the metadata changed; status fields we do not manage are copied from the video",
            )
        else:
            lines.append("   # the metadata is unchanged: no videos.update")
        action_entry: Entry | None = entry
    else:
        if entry is None and not options.force_new:
            for other in ledger.published_elsewhere(endpoint, video.sha256):
                lines.append(
                    f"\n   # {other.account} published this content as {other.url}; if this login "
                    "is the same channel (a real run asks channels.list mine=true), it is reused"
                )
                break
        resuming = entry is not None and not entry.video_id and entry.session_uri
        insert = service.videos().insert(
            part=VIDEO_PARTS,
            body=body,
            media_body=BytesFileUpload(
                str(video.path),
                mimetype=video.mimetype,
                chunksize=options.chunk_size,
                resumable=True,
            ),
        )
        if resuming:
            show(
                f"PUT <the upload session saved in {ledger.path.name}>",
                headers={"Content-Range": f"bytes */{video.size}", "Content-Length": "0"},
                note="status query: which bytes does the interrupted session hold? "
                "(if it has expired: the POST below starts a new one)",
            )
        else:
            show(
                insert,
                metadata=body,
                headers={
                    "Content-Type": "application/json; charset=UTF-8",
                    "X-Upload-Content-Type": video.mimetype,
                    "X-Upload-Content-Length": str(video.size),
                },
                note="starts a resumable upload session; the answer's Location header is the session URI",
            )
        ranges = chunk_ranges(video.size, options.chunk_size)
        first, last = ranges[0], ranges[-1]
        show(
            f"PUT <session URI> x {len(ranges)} chunk(s) of up to {options.chunk_size} bytes",
            media=video,
            headers={
                "Content-Range": f"bytes {first[0]}-{first[1]}/{video.size}"
                + (f" ... bytes {last[0]}-{last[1]}/{video.size}" if len(ranges) > 1 else "")
            },
            note="resumed from the byte the server confirms"
            if resuming
            else "answered 308 + Range until the last chunk, which returns the video resource",
        )
        action_entry = entry if entry is not None and not entry.video_id else None

    done_thumbnail = action_entry.thumbnail_sha256 if action_entry else None
    if build.thumbnail is not None and done_thumbnail != build.thumbnail.sha256:
        show(
            service.thumbnails().set(
                videoId=video_id,
                media_body=MediaFileUpload(str(build.thumbnail.path), mimetype=build.thumbnail.mimetype),
            ),
            media=build.thumbnail,
        )
    for track in build.captions:
        record = action_entry.captions.get(track.language) if action_entry else None
        if record is not None and record.sha256 == track.file.sha256:
            continue
        request = _caption_request(service, video_id, track, record.id if record else None)
        show(
            request,
            metadata={"id": record.id, "snippet": {"isDraft": False}} if record else _caption_body(video_id, track),
            media=track.file,
            note="multipart: JSON metadata + the SRT file",
        )
    ref = build.publish.playlist
    if ref and not (action_entry and action_entry.playlist_ref == ref and action_entry.playlist_item_id):
        playlist_id = ref
        if not PLAYLIST_ID.match(ref):
            playlist_id = "PLAYLIST_ID"
            show(
                service.playlists().list(part="snippet", mine=True, maxResults=50),
                note=f"look for the playlist titled {ref!r} (all pages)",
            )
            show(
                service.playlists().insert(part="snippet,status", body=_playlist_body(ref, build.publish.privacy)),
                metadata=_playlist_body(ref, build.publish.privacy),
                note="only if no playlist has that title",
            )
        show(
            service.playlistItems().list(part="snippet", playlistId=playlist_id, videoId=video_id, maxResults=50),
            note="is the video already in it?",
        )
        show(
            service.playlistItems().insert(part="snippet", body=_playlist_item_body(playlist_id, video_id)),
            metadata=_playlist_item_body(playlist_id, video_id),
            note="only if it is not",
        )
    if count == 0:
        lines.append("\nNothing to send.")
    lines.append(f"\n{count} request(s) listed; nothing was sent.")
    return PublishResult(
        "dry-run",
        None if video_id == VIDEO_ID_PLACEHOLDER else video_id,
        entry.url if entry and entry.video_id and not options.force_new else None,
        ledger=ledger.path,
        requests=lines,
    )
