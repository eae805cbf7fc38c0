"""The video resource for videos.insert / videos.update, built from the script's publish block."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any

from contract.script import Publish

# `part=` must name every top-level part of the body, or YouTube drops it silently.
VIDEO_PARTS = "snippet,status"

# Status fields a user may have set in YouTube Studio that we do not manage; videos.update
# resets omitted fields, so they are copied from the current resource.
_KEPT_STATUS_FIELDS = ("embeddable", "license", "publicStatsViewable", "containsSyntheticMedia")


def rfc3339(value: Any) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def video_body(publish: Publish, language: str) -> dict[str, Any]:
    """The `snippet` and `status` parts for a video (without `id`)."""
    snippet: dict[str, Any] = {
        "title": publish.title,
        "description": publish.description,
        "tags": list(publish.tags),
        "categoryId": str(publish.category),
        "defaultLanguage": language,
        "defaultAudioLanguage": language,
    }
    status: dict[str, Any] = {
        "privacyStatus": publish.privacy,
        "selfDeclaredMadeForKids": bool(publish.made_for_kids),
    }
    if publish.publish_at is not None:
        status["publishAt"] = rfc3339(publish.publish_at)
    return {"snippet": snippet, "status": status}


def update_body(video_id: str, body: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
    """The videos.update body: ours, plus the status fields we do not manage kept as they are."""
    status = dict(body["status"])
    for key in _KEPT_STATUS_FIELDS:
        value = ((current or {}).get("status") or {}).get(key)
        if value is not None and key not in status:
            status[key] = value
    return {"id": video_id, "snippet": dict(body["snippet"]), "status": status}


def fingerprint(body: dict[str, Any]) -> str:
    """A hash of the metadata we send; a change means videos.update."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
