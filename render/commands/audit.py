"""`render audit BUILD_DIR | --script FILE | --verify`: the audit trail from a script version to its
video id (:mod:`records.audit`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from contract.errors import InputError
from render.commands._common import CONTEXT, db_option, debug_option, finish

if TYPE_CHECKING:
    from records.audit import AuditEntry


def describe(entry: AuditEntry) -> str:
    """What an entry says, in a line."""
    data = entry.data
    if entry.kind == "render":
        versions = data.get("versions") or {}
        tools = ", ".join(f"{k} {versions[k]}" for k in ("toolkit", "manim", "ffmpeg") if k in versions)
        what = "recorded (already up to date)" if data.get("up_to_date") else "rendered"
        preview = " (--preview draft)" if data.get("preview") else ""
        return f"{what} {data.get('folder')}/{data.get('video_file')}{preview}; {tools}"
    if entry.kind == "approval":
        role = f" ({data['role']})" if data.get("role") else ""
        comment = f": {data['comment']!r}" if data.get("comment") else ""
        return f"approved by {data.get('by')}{role}{comment}"
    if entry.kind == "upload":
        return (
            f"{data.get('action')}: {data.get('url')} (video {data.get('video_id')}) on channel "
            f"{data.get('channel_id')}, {data.get('privacy')}; login {data.get('account')}"
        )
    return str(dict(data))


def print_entries(entries: list[AuditEntry]) -> None:
    for entry in entries:
        altered = "" if entry.intact else "   ALTERED: its hash does not match its content"
        click.echo(f"#{entry.seq}  {entry.at}  {entry.kind:<8}  {entry.actor}  {describe(entry)}")
        click.echo(
            f"      script {entry.script_sha256 or '-'}  video {entry.video_sha256 or '-'}  hash {entry.hash}{altered}"
        )


def show_audit(build_dir: Path | None, script: Path | None, verify: bool, db: str | None) -> None:
    from contract.files import file_sha256
    from records import audit
    from records.approvals import read_manifest
    from records.store import open_store

    if build_dir is None and script is None and not verify:
        raise InputError("nothing to show", hint="give BUILD_DIR, --script FILE or --verify (see render audit --help)")
    if build_dir is not None and script is not None:
        raise InputError("give BUILD_DIR or --script FILE, not both")
    near = [p for p in (build_dir, script.parent if script else None) if p is not None]
    with open_store(db, *near, Path.cwd()) as store:
        if verify:
            checked = audit.verify(store)  # raises AuditBroken (exit 1) naming the first broken entry
            noun = "entry" if checked.count == 1 else "entries"
            click.echo(f"audit trail verified: {checked.count} {noun}, chain intact ({store.where})")
            click.echo(f"  head hash {checked.head} (keep it elsewhere: a rewritten tail would change it)")
        if build_dir is not None:
            manifest = read_manifest(build_dir)
            script_sha = manifest.script.sha256 if manifest.script is not None else None
            video_sha = manifest.outputs.video.sha256
            found = audit.entries(store, video_sha256=video_sha, script_sha256=script_sha)
            click.echo(f"{build_dir}: script sha256 {script_sha or '(none)'}, video sha256 {video_sha}")
        elif script is not None:
            try:
                script_sha = file_sha256(script)
            except OSError as error:
                raise InputError(f"{script}: cannot be read ({error.strerror or error})") from None
            found = audit.entries(store, script_sha256=script_sha)
            click.echo(f"{script}: script sha256 {script_sha}")
        else:
            return
    click.echo(f"  {len(found)} audit entr{'y' if len(found) == 1 else 'ies'}")
    print_entries(found)


@click.command(context_settings=CONTEXT)
@click.argument("build_dir", required=False, type=click.Path(path_type=Path))
@click.option(
    "--script",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="the entries of this version of a script (its sha256) instead of a build's",
)
@click.option("--verify", is_flag=True, help="check the whole chain; exit 1 naming the first broken entry")
@db_option
@debug_option
def audit(build_dir: Path | None, script: Path | None, verify: bool, db: str | None, debug: bool) -> None:
    """Show the audit trail of a build (its renders, approvals and uploads), or verify the whole chain.

    \b
    render audit build/mission/           # from the script version to the video id
    render audit --script scripts/mission.yaml
    render audit --verify                 # every entry's hash, and each one's link to the one before
    """
    finish(lambda: show_audit(build_dir, script, verify, db), debug)
