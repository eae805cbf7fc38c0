"""Decide what a publish must do, once: the list of steps for this build and this ledger.

A real run executes the plan (:mod:`upload.publish`); `--dry-run` prints it
(:func:`listing`). The decisions live only here:

- content already published on this login and server: check the video, update changed metadata;
- otherwise upload it (resuming the saved session when it is on the API endpoint in use);
- then the thumbnail, each caption track and the playlist, unless the ledger shows them done.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from upload.ledger import Entry
from upload.metadata import fingerprint
from upload.options import Action
from upload.steps import (
    AddToPlaylist,
    Call,
    CheckVideo,
    FindChannel,
    PutCaptions,
    Run,
    SetThumbnail,
    Step,
    UpdateVideo,
    UploadVideo,
    saved_session,
)


@dataclass
class Plan:
    steps: list[Step]
    entry: Entry | None  # the ledger entry the steps work on; None: the upload creates one

    @property
    def action(self) -> Action:
        if any(isinstance(step, UploadVideo) for step in self.steps):
            return "uploaded"
        if any(isinstance(step, UpdateVideo) for step in self.steps):
            return "updated"
        return "unchanged"

    def describe(self) -> str:
        """What this plan does, in words (the summary's last line)."""
        entry = self.entry
        url = entry.url if entry is not None and entry.video_id else None
        if self.action == "uploaded":
            what = "upload the video as a new video"
        elif self.action == "updated":
            what = f"update the metadata of {url}"
        else:
            what = f"nothing to change on {url} (already published)"
        later = list(dict.fromkeys(step.name for step in self.steps if step.optional))
        return what + (f"; then send the {', '.join(later)}" if later else "")


def make_plan(run: Run) -> Plan:
    """The steps a real run would take now, from the build and the ledger alone (sends nothing)."""
    build, options, ledger = run.build, run.options, run.ledger
    current = fingerprint(run.body)
    entry = ledger.find(run.account, run.endpoint, build.video.sha256)
    steps: list[Step] = []
    if entry is None and not options.force_new and not run.channel_checked:
        others = ledger.published_elsewhere(run.endpoint, build.video.sha256)
        if others:  # the same channel through another login: the run plans again once it knows
            steps.append(FindChannel(others))
    if entry is not None and entry.video_id and not options.force_new:
        unchanged = entry.metadata_sha256 == current
        steps.append(CheckVideo(unchanged))
        if not unchanged:
            steps.append(UpdateVideo())
    else:
        entry = entry if entry is not None and not entry.video_id else None  # a pending upload
        steps.append(UploadVideo())
        session, _ = saved_session(entry, run.endpoint)
        if session and entry is not None and entry.metadata_sha256 != current:
            steps.append(UpdateVideo())  # the session was started with older metadata
    steps.extend(_after_video(run, entry))
    return Plan(steps, entry)


def _after_video(run: Run, done: Entry | None) -> list[Step]:
    """Thumbnail, captions and playlist: what `done` (the ledger entry, if any) lacks."""
    build = run.build
    steps: list[Step] = []
    if (done.thumbnail_sha256 if done else None) != build.thumbnail.sha256:
        steps.append(SetThumbnail(build.thumbnail))
    for track in build.captions:
        record = done.captions.get(track.language) if done else None
        if record is None or record.sha256 != track.file.sha256:
            steps.append(PutCaptions(track, record.id if record else None))
    ref = build.publish.playlist
    if ref and not (done and done.playlist_ref == ref and done.playlist_item_id):
        steps.append(AddToPlaylist(ref))
    return steps


def listing(run: Run, plan: Plan) -> list[str]:
    """The dry run's text: every request of the plan, numbered, with headers, metadata and media."""
    lines = [f"Requests `upload` would send to {run.endpoint} (account {run.account}):"]
    count = 0
    for step in plan.steps:
        for call in step.calls(run):
            if call.request is None:
                lines.append(f"\n   # {call.note}")
                continue
            count += 1
            lines.extend(_call_lines(count, call))
    if count == 0:
        lines.append("\nNothing to send.")
    lines.append(f"\n{count} request(s) listed; none was sent.")
    return lines


def _call_lines(number: int, call: Call) -> list[str]:
    lines = [f"\n{number}. {call.request}"]
    if call.note:
        lines.append(f"   # {call.note}")
    lines.extend(f"   {key}: {value}" for key, value in call.headers.items())
    if call.metadata is not None:
        lines.extend("   " + line for line in json.dumps(call.metadata, indent=2, ensure_ascii=False).splitlines())
    if call.media is not None:
        media = call.media
        lines.append(f"   media: {media.path} ({media.size} bytes, {media.mimetype}, sha256 {media.sha256})")
    return lines
