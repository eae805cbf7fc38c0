"""`render approve BUILD_DIR --by NAME` and `render approvals BUILD_DIR`: approvals of one exact script
version and one exact video (:mod:`records.approvals`), which `upload` checks when the script has
`publish: {require_approval: true}`."""

from __future__ import annotations

from pathlib import Path

import click

from render.commands._common import CONTEXT, db_option, debug_option, finish


def _hashes(script: str | None, video: str | None) -> str:
    return f"script sha256 {script or '(none)'}, video sha256 {video or '(none)'}"


def approve_build(build_dir: Path, by: str, role: str | None, comment: str | None, db: str | None) -> None:
    """Verify the build's files against its manifest, then record the approval of exactly them."""
    from records.approvals import approve
    from records.store import open_store
    from upload.build import load_build

    # every file must match manifest.json: a tampered or half-written build is refused (exit 2)
    with load_build(build_dir) as build, open_store(db, build.folder, Path.cwd()) as store:
        done = approve(store, build.manifest, build.folder, by, role, comment)
    approval, state = done.approval, done.state
    if done.recorded:
        click.echo(f"approved: {build.folder} by {approval.who} (audit entry #{approval.seq})")
    else:
        click.echo(
            f"already approved: {build.folder} by {approval.who} on {approval.at} (audit entry #{approval.seq}); "
            "nothing recorded"
        )
    click.echo(f"  {_hashes(approval.script_sha256, approval.video_sha256)}")
    have = len(state.approvers)
    if not state.required:
        click.echo("  the script does not require approval (publish.require_approval is off); recorded all the same")
    elif state.approved:
        click.echo(f"  {have} of {state.needed} distinct approval(s): `upload` can publish this video")
    else:
        missing = state.needed - have
        click.echo(
            f"  {have} of {state.needed} distinct approval(s): {missing} more (by another person) before `upload` "
            "publishes this video"
        )


def list_approvals(build_dir: Path, db: str | None, as_json: bool) -> None:
    from records.approvals import approval_state, to_json
    from records.store import open_store

    with open_store(db, build_dir, Path.cwd()) as store:
        state = approval_state(build_dir, store)
    if as_json:
        click.echo(to_json(state))
        return
    if state.required:
        verdict = "approved" if state.approved else "NOT APPROVED"
        click.echo(
            f"{build_dir}: {verdict}: {state.required_by} requires {state.needed} distinct approver(s); "
            f"{len(state.approvers)} approval(s) apply to this build"
        )
    else:
        click.echo(f"{build_dir}: approval not required (publish.require_approval is off)")
    click.echo(f"  this build: {_hashes(state.script_sha256, state.video_sha256)}")
    if not state.approvals:
        click.echo(
            "  no approval recorded" + (f"; run `render approve {build_dir} --by NAME`" if state.required else "")
        )
    for approval in state.approvals:
        applies = "applies" if approval.applies else f"does not apply: {approval.why_not}"
        click.echo(f"  #{approval.seq}  {approval.at}  {approval.who}  {applies}")
        click.echo(f"      {_hashes(approval.script_sha256, approval.video_sha256)}")
        detail = f"      recorded by OS user {approval.actor}"
        if approval.comment:
            detail += f"; comment: {approval.comment}"
        click.echo(detail)


@click.command(context_settings=CONTEXT)
@click.argument("build_dir", type=click.Path(path_type=Path))
@click.option("--by", required=True, metavar="NAME", help="who approves: a person's name, e.g. 'Marie Dupont'")
@click.option("--role", metavar="ROLE", default=None, help="their role, e.g. compliance")
@click.option("--comment", metavar="TEXT", default=None, help="a remark kept with the approval")
@db_option
@debug_option
def approve(build_dir: Path, by: str, role: str | None, comment: str | None, db: str | None, debug: bool) -> None:
    """Approve exactly BUILD_DIR's script and video for publishing.

    The files are checked against manifest.json first; the approval names the script's and the
    video's sha256, so a changed script or a new render needs a new approval. A script with
    `publish: {require_approval: true, approvers: N}` is published by `upload` only once N
    distinct people have approved it.
    """
    finish(lambda: approve_build(build_dir, by, role, comment, db), debug)


@click.command(context_settings=CONTEXT)
@click.argument("build_dir", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="print the approval state as JSON")
@db_option
@debug_option
def approvals(build_dir: Path, as_json: bool, db: str | None, debug: bool) -> None:
    """List BUILD_DIR's approvals: who, role, when, comment, of which script and video, and whether each
    applies to the build as it is now."""
    finish(lambda: list_approvals(build_dir, db, as_json), debug)
