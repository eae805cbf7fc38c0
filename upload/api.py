"""Every YouTube request `upload` sends, built in one place and never executed here.

A real run executes these requests; a dry run prints the very same ones, so the
listing cannot drift from what is sent.
"""

from __future__ import annotations

import re
from typing import Any

from googleapiclient.http import HttpRequest

from upload.build import CaptionTrack, MediaFile
from upload.metadata import VIDEO_PARTS

CAPTION_NAME = "Narration"
PLAYLIST_ID = re.compile(r"^(?:PL|UU|LL|FL|OL)[A-Za-z0-9_-]{10,}$")
PAGE_SIZE = 50
MAX_PAGES = 100  # 5000 playlists or playlist items


def caption_body(video_id: str, language: str) -> dict[str, Any]:
    return {"snippet": {"videoId": video_id, "language": language, "name": CAPTION_NAME, "isDraft": False}}


def caption_update_body(caption_id: str) -> dict[str, Any]:
    return {"id": caption_id, "snippet": {"isDraft": False}}


def playlist_body(title: str, privacy: str) -> dict[str, Any]:
    return {"snippet": {"title": title}, "status": {"privacyStatus": privacy}}


def playlist_item_body(playlist_id: str, video_id: str) -> dict[str, Any]:
    return {"snippet": {"playlistId": playlist_id, "resourceId": {"kind": "youtube#video", "videoId": video_id}}}


class Api:
    """Request builders over a youtube v3 service (see :func:`upload.client.build_service`)."""

    def __init__(self, service: Any) -> None:
        self.service = service

    def my_channels(self) -> HttpRequest:
        return self.service.channels().list(part="id", mine=True)

    def list_video(self, video_id: str) -> HttpRequest:
        return self.service.videos().list(part=VIDEO_PARTS, id=video_id)

    def insert_video(self, body: dict[str, Any], video: MediaFile, chunk_size: int) -> HttpRequest:
        media = video.upload(chunk_size, resumable=True)
        return self.service.videos().insert(part=VIDEO_PARTS, body=body, media_body=media)

    def update_video(self, body: dict[str, Any]) -> HttpRequest:
        return self.service.videos().update(part=VIDEO_PARTS, body=body)

    def set_thumbnail(self, video_id: str, thumbnail: MediaFile) -> HttpRequest:
        return self.service.thumbnails().set(videoId=video_id, media_body=thumbnail.upload())

    def insert_caption(self, video_id: str, track: CaptionTrack) -> HttpRequest:
        return self.service.captions().insert(
            part="snippet", body=caption_body(video_id, track.language), media_body=track.file.upload()
        )

    def update_caption(self, caption_id: str, track: CaptionTrack) -> HttpRequest:
        return self.service.captions().update(
            part="snippet", body=caption_update_body(caption_id), media_body=track.file.upload()
        )

    def list_captions(self, video_id: str) -> HttpRequest:
        return self.service.captions().list(part="snippet", videoId=video_id)

    def list_playlists(self, page_token: str | None = None) -> HttpRequest:
        return self.service.playlists().list(part="snippet", mine=True, maxResults=PAGE_SIZE, pageToken=page_token)

    def insert_playlist(self, title: str, privacy: str) -> HttpRequest:
        return self.service.playlists().insert(part="snippet,status", body=playlist_body(title, privacy))

    def list_playlist_items(self, playlist_id: str, video_id: str, page_token: str | None = None) -> HttpRequest:
        return self.service.playlistItems().list(
            part="snippet", playlistId=playlist_id, videoId=video_id, maxResults=PAGE_SIZE, pageToken=page_token
        )

    def insert_playlist_item(self, playlist_id: str, video_id: str) -> HttpRequest:
        return self.service.playlistItems().insert(part="snippet", body=playlist_item_body(playlist_id, video_id))
