"""The video resource for videos.insert / videos.update, built from the script's publish block."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import UTC, datetime
from typing import Any

from contract.errors import InputError
from contract.script import Publish

# `part=` must name every top-level part of the body, or YouTube drops it silently.
VIDEO_PARTS = "snippet,status"

# Status fields a user may have set in YouTube Studio that we do not manage; videos.update
# resets omitted fields, so they are copied from the current resource.
_KEPT_STATUS_FIELDS = ("embeddable", "license", "publicStatsViewable")


def rfc3339(value: datetime) -> str:
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
        "containsSyntheticMedia": bool(publish.synthetic_media),  # always sent, as the audience is
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


_CATEGORY_MAX = 999  # YouTube's category ids have one or two digits
_PLAYLIST_TITLE_MAX = 150


def _control(text: str, allowed: str = "") -> str | None:
    """The first control character of `text` not in `allowed`, as `U+XXXX`, if any."""
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in allowed:
            return f"U+{ord(char):04X}"
    return None


def check_publish(publish: Publish, where: str = "publish") -> None:
    """YouTube's rules for what we send, checked again on the upload side.

    The script model refuses these too, but a manifest can be edited after the render."""
    problems: list[str] = []
    if (char := _control(publish.title or "")) is not None:
        problems.append(f"title: contains the control character {char} (a title is one line of text)")
    if (char := _control(publish.description, "\n\r\t")) is not None:
        problems.append(f"description: contains the control character {char}")
    for index, tag in enumerate(publish.tags):
        if "," in tag or (char := _control(tag)) is not None:
            what = "a comma" if "," in tag else f"the control character {char}"
            problems.append(f"tags[{index}]: contains {what}; YouTube splits tags on commas, give one tag per item")
        elif "<" in tag or ">" in tag:
            problems.append(f"tags[{index}]: YouTube refuses '<' and '>' in tags")
    if not 1 <= publish.category <= _CATEGORY_MAX:
        problems.append(f"category: {publish.category} is not a YouTube category id (27 is Education)")
    if publish.playlist is not None:
        if (char := _control(publish.playlist)) is not None:
            problems.append(f"playlist: contains the control character {char}")
        elif len(publish.playlist) > _PLAYLIST_TITLE_MAX:
            problems.append(f"playlist: YouTube playlist titles are at most {_PLAYLIST_TITLE_MAX} characters")
    if problems:
        raise InputError(
            "; ".join(f"{where}.{problem}" for problem in problems),
            hint="fix the script's `publish` block and render again",
        )
