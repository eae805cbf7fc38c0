"""What a publish will do, in words a person reads before anything goes out.

`upload --dry-run` prints this summary first (the raw requests only with `--verbose`); a real
run says the same defaults note before it uploads. Everything comes from the verified build and
the plan, so the summary cannot disagree with what is sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from contract.manifest import Manifest
from contract.reporting import redact
from contract.script import Publish
from upload import auth
from upload.build import Build
from upload.client import authorized_http, build_service
from upload.errors import explain, login_hint
from upload.options import PublishOptions

NOT_LOGGED_IN = "not logged in"
_LABEL_WIDTH = 13


@dataclass(frozen=True)
class Channel:
    """Who would publish: the channel's name and id when logged in, else why not."""

    text: str
    logged_in: bool


def find_channel(options: PublishOptions, endpoint: str) -> Channel:
    """The login's channel (channels.list mine=true, read-only), or "not logged in".

    Never starts a login and never fails the dry run: a channel that cannot be read is said so."""
    try:
        loaded = auth.load_credentials(options.profile, options.token_file)
    except Exception:  # no login, or an unusable token file: the real run says why
        return Channel(f"{NOT_LOGGED_IN}; to publish, {login_hint(options.account, first_time=True)}", False)
    http = authorized_http(loaded.credentials, options.timeout, endpoint)
    try:
        request = build_service(endpoint, http).channels().list(part="snippet", mine=True)
        answer = request.execute(num_retries=0)
    except Exception as error:
        problem = explain(error, "reading the channel's name", options.account)
        return Channel(f"logged in ({options.account}), but the channel could not be read: {problem.message}", True)
    finally:
        http.close()
    items = answer.get("items") or []
    if not items:
        return Channel(f"logged in ({options.account}), but this Google account has no YouTube channel", True)
    channel = items[0]
    title = str((channel.get("snippet") or {}).get("title") or "").strip() or "(no name)"
    return Channel(redact(f"{title} ({channel.get('id')})"), True)


def uses_defaults(manifest: Manifest) -> bool:
    """True when the script had no `publish:` block (recorded by `render`; older builds: all defaults)."""
    if manifest.publish_in_script is not None:
        return not manifest.publish_in_script
    defaults = Publish(title=manifest.publish.title, description=manifest.publish.description)
    return manifest.publish == defaults and manifest.publish.description in ("", *manifest.legal)


def defaults_note(build: Build) -> str | None:
    """What a build without `publish:` will be published as, or None when the script has one."""
    if not uses_defaults(build.manifest):
        return None
    publish = build.publish
    description = "an empty description" if not publish.description.strip() else "only the legal mentions"
    return (
        f"the script has no `publish:` block, so the defaults apply: privacy {publish.privacy}, "
        f"title {publish.title!r} (the script's title), {description}, no tags, no playlist, "
        f"category {publish.category}; add a `publish:` block to the script and render again to change them"
    )


def _schedule(publish: Publish) -> str:
    if publish.publish_at is not None:
        return f"goes public on {publish.publish_at.isoformat(sep=' ')} (private until then)"
    if publish.privacy == "private":
        return "none (stays private)"
    return f"none ({publish.privacy} as soon as YouTube has processed it)"


def _description(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines()]
    if not lines or not lines[0]:
        return "(empty)"
    more = len([line for line in lines if line]) - 1
    return lines[0] + (f"  (+{more} more line(s))" if more > 0 else "")


def _thumbnail(build: Build) -> str:
    if build.manifest.outputs.custom_thumbnail is not None:
        return f"{build.thumbnail.name} (the script's publish.thumbnail)"
    return f"{build.thumbnail.name} (designed by render from the title, the brand and the first cast member if any)"


def _captions(build: Build) -> str:
    if not build.publish.captions:
        return "off (publish.captions: false)"
    if not build.captions:
        return "none in this build"
    return ", ".join(f"{track.language} ({track.file.name})" for track in build.captions)


def _loudness(build: Build) -> str:
    level = build.manifest.loudness
    if level is None:
        return "not measured (a silent video, or rendered by an older version)"
    return (
        f"{level.integrated_lufs:.1f} LUFS, true peak {level.true_peak_dbtp:.1f} dBTP "
        f"(target {level.target_lufs:g} LUFS, at most {level.target_true_peak_dbtp:g} dBTP)"
    )


def _chapters(build: Build) -> str:
    record = build.manifest.chapters
    if record is None:
        return "none (publish.chapters is off)"
    if not record.lines:
        return f"none: {record.not_written}"
    return f"{len(record.lines)} in the description: " + "; ".join(record.lines)


def summary_lines(build: Build, channel: Channel, action: str, approval: str | None = None) -> list[str]:
    """The plain summary: who, what, when, where, who approved it (`approval`), and what this run does."""
    publish = build.publish
    rows = [
        ("channel", channel.text),
        ("video", f"{build.video.name} ({build.manifest.duration:.0f} s, {build.video.size / 1e6:.1f} MB)"),
        ("title", publish.title or build.manifest.title),
        ("privacy", publish.privacy),
        ("schedule", _schedule(publish)),
        ("playlist", publish.playlist or "none"),
        ("audience", "made for kids" if publish.made_for_kids else "not made for kids"),
        ("synthetic", "declared altered or synthetic" if publish.synthetic_media else "not declared synthetic"),
        ("captions", _captions(build)),
        ("burned in", "yes: the picture shows the captions" if build.manifest.captions_burned else "no"),
        ("loudness", _loudness(build)),
        ("chapters", _chapters(build)),
        ("thumbnail", _thumbnail(build)),
        ("legal text", build.manifest.legal[0] if build.manifest.legal else "none"),
    ]
    rows.extend(("", text) for text in build.manifest.legal[1:])
    rows.append(("description", _description(publish.description)))
    if approval is not None:
        rows.append(("approval", approval))
    rows.append(("this run", action))
    lines = [f"{build.folder}: what `upload` would publish"]
    lines.extend(f"  {label + ':' if label else '':<{_LABEL_WIDTH}} {value}" for label, value in rows)
    note = defaults_note(build)
    if note:
        lines.append(f"NOTE {note}")
    return lines
