"""Approvals bound to content (issue item 3): `render approve` / `render approvals`, and `upload`
refusing a video whose exact script and bytes lack the approvals its script requires.

Through the real commands against the fake YouTube, with the cheap fixture builds of the upload
tests (no render), on SQLite and on PostgreSQL (`db_url`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from records.approvals import approval_state
from records.store import open_store
from render.audit_trail import record_render
from tests.fake_youtube import edit_manifest, make_build, set_publish
from tests.records_tools import render_cli, trail, upload_cli

MARIE = ("--by", "Marie Dupont", "--role", "compliance", "--comment", "ok pour diffusion")


pytestmark = pytest.mark.usefixtures("no_real_login")  # never the user's own logins


def approved_build(tmp_path: Path, **publish: object) -> Path:
    return make_build(tmp_path, require_approval=True, **publish)


def rerender(build: Path, seed: int) -> None:
    """The same script rendered again into other video bytes (as a changed voice or scene would)."""
    make_build(build.parent.parent, seed=seed, require_approval=True)


def test_without_require_approval_upload_publishes_as_before(youtube, token, tmp_path, db_url):
    build = make_build(tmp_path)
    result = upload_cli(youtube, token, build)
    assert result.exit_code == 0, result.stderr
    assert len(youtube.videos) == 1
    (entry,) = trail(db_url, kind="upload")
    (video_id,) = youtube.videos
    assert entry.data["video_id"] == video_id and entry.data["action"] == "uploaded"


def test_upload_refuses_an_unapproved_video_and_publishes_it_once_approved(youtube, token, tmp_path, db_url):
    build = approved_build(tmp_path)
    refused = upload_cli(youtube, token, build)
    assert refused.exit_code == 1, refused.output
    assert "not approved" in refused.stderr and "requires 1 approval(s)" in refused.stderr
    assert "it has 0" in refused.stderr and "render approve" in refused.stderr
    assert youtube.requests == [] and not (build / "publish-ledger.json").exists()  # nothing sent, no login used

    approved = render_cli("approve", build, *MARIE)
    assert approved.exit_code == 0, approved.output
    assert "approved: " in approved.stdout and "Marie Dupont (compliance)" in approved.stdout
    assert "1 of 1 distinct approval(s): `upload` can publish this video" in approved.stdout

    published = upload_cli(youtube, token, build)
    assert published.exit_code == 0, published.stderr
    assert len(youtube.videos) == 1
    (approval,) = trail(db_url, kind="approval")
    (upload,) = trail(db_url, kind="upload")
    assert upload.data["approvals"] == [approval.seq]  # the publish names the approvals it relied on
    assert approval.data["by"] == "Marie Dupont" and approval.data["role"] == "compliance"
    manifest = json.loads((build / "manifest.json").read_text())
    assert approval.video_sha256 == manifest["outputs"]["video"]["sha256"]
    assert approval.script_sha256 == manifest["script"]["sha256"]


def test_a_new_render_with_another_video_needs_a_new_approval(youtube, token, tmp_path, db_url):
    build = approved_build(tmp_path)
    assert render_cli("approve", build, *MARIE).exit_code == 0
    rerender(build, seed=2)

    listed = render_cli("approvals", build)
    assert listed.exit_code == 0, listed.output
    assert "NOT APPROVED" in listed.stdout and "does not apply: of another video" in listed.stdout

    refused = upload_cli(youtube, token, build)
    assert refused.exit_code == 1 and "it has 0" in refused.stderr
    assert "1 other approval(s) are of another version" in refused.stderr
    assert youtube.videos == {}

    assert render_cli("approve", build, *MARIE).exit_code == 0  # the same person, the new video
    assert upload_cli(youtube, token, build).exit_code == 0
    assert len(youtube.videos) == 1


def test_a_changed_script_with_the_same_video_needs_a_new_approval(youtube, token, tmp_path, db_url):
    build = approved_build(tmp_path)
    assert render_cli("approve", build, *MARIE).exit_code == 0
    edit_manifest(build, lambda m: m["script"].update(sha256="1" * 64))  # a new script version, same bytes
    refused = upload_cli(youtube, token, build)
    assert refused.exit_code == 1 and "not approved" in refused.stderr
    state = approval_state(build)
    (old,) = state.approvals
    assert not old.applies and old.why_not == "of another version of the script"


def test_metadata_edited_after_the_approval_needs_a_new_one(youtube, token, tmp_path, db_url):
    build = approved_build(tmp_path)
    assert render_cli("approve", build, *MARIE).exit_code == 0
    set_publish(build, title="Un autre titre", privacy="public", publish_at=None)
    refused = upload_cli(youtube, token, build)
    assert refused.exit_code == 1 and "not approved" in refused.stderr
    (old,) = approval_state(build).approvals
    assert old.why_not is not None and "metadata" in old.why_not


def test_two_approvers_means_two_distinct_people(youtube, token, tmp_path, db_url):
    build = approved_build(tmp_path, approvers=2)
    assert render_cli("approve", build, *MARIE).exit_code == 0
    refused = upload_cli(youtube, token, build)
    assert refused.exit_code == 1
    assert "requires 2 approval(s) by distinct people" in refused.stderr and "it has 1: Marie Dupont" in refused.stderr

    again = render_cli("approve", build, "--by", "  marie   DUPONT ")  # the same person, written otherwise
    assert again.exit_code == 0 and "already approved" in again.stdout and "nothing recorded" in again.stdout
    assert len(trail(db_url, kind="approval")) == 1
    assert upload_cli(youtube, token, build).exit_code == 1

    second = render_cli("approve", build, "--by", "Jean Martin", "--role", "marketing")
    assert second.exit_code == 0 and "2 of 2 distinct approval(s)" in second.stdout
    published = upload_cli(youtube, token, build)
    assert published.exit_code == 0, published.stderr
    assert len(youtube.videos) == 1
    state = approval_state(build)
    assert state.approved and state.approvers == ["Marie Dupont (compliance)", "Jean Martin (marketing)"]


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda b: (b / "mission.mp4").write_bytes(b"half a video"), "does not match manifest.json"),
        (lambda b: (b / "manifest.json").unlink(), "manifest.json: missing"),
        (lambda b: (b / "mission.thumbnail.png").write_bytes(b"\x89PNG\r\n\x1a\nno"), "does not match manifest.json"),
    ],
    ids=["video-changed", "no-manifest", "thumbnail-changed"],
)
def test_a_tampered_or_half_written_build_cannot_be_approved(tmp_path, db_url, tamper, message):
    build = approved_build(tmp_path)
    tamper(build)
    result = render_cli("approve", build, *MARIE)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.stderr
    assert trail(db_url) == []


def test_a_preview_and_an_empty_name_are_refused(tmp_path, db_url):
    build = approved_build(tmp_path)
    empty = render_cli("approve", build, "--by", "   ")
    assert empty.exit_code == 2 and "--by (who approves) is empty" in empty.stderr
    edit_manifest(build, lambda m: m.update(preview=True))
    preview = render_cli("approve", build, *MARIE)
    assert preview.exit_code == 2 and "--preview draft" in preview.stderr
    assert trail(db_url) == []


def test_the_dry_run_shows_the_approval_state(youtube, tmp_path, db_url):
    build = approved_build(tmp_path, approvers=2)
    before = upload_cli(youtube, None, build, "--dry-run")
    assert before.exit_code == 0, before.stderr
    assert "  approval:     NOT APPROVED: 0 of 2 distinct approval(s)" in before.stdout
    assert youtube.requests == []
    render_cli("approve", build, *MARIE)
    render_cli("approve", build, "--by", "Jean Martin")
    after = upload_cli(youtube, None, build, "--dry-run")
    assert "  approval:     approved by Marie Dupont (compliance), Jean Martin (2 of 2 needed)" in after.stdout
    plain = upload_cli(youtube, None, make_build(tmp_path / "other"), "--dry-run")
    assert "  approval:     not required" in plain.stdout


def test_editing_require_approval_out_of_the_manifest_does_not_skip_it(youtube, token, tmp_path, db_url):
    build = approved_build(tmp_path, approvers=2)
    with open_store(db_url) as store:
        render = record_render(store, build, rendered=True)  # what `render` records after writing the outputs
    assert render is not None and render.data["require_approval"] is True
    set_publish(build, require_approval=False, approvers=1)
    refused = upload_cli(youtube, token, build)
    assert refused.exit_code == 1, refused.output
    assert f"the render recorded in audit entry #{render.seq} requires 2 approval(s)" in refused.stderr
    assert youtube.videos == {}


def test_approvals_lists_who_when_what_and_whether_it_applies(tmp_path, db_url, monkeypatch):
    monkeypatch.setenv("RENDER_USER", "mdupont")
    build = approved_build(tmp_path)
    render_cli("approve", build, *MARIE)
    rerender(build, seed=3)
    render_cli("approve", build, "--by", "Jean Martin")
    listed = render_cli("approvals", build)
    assert listed.exit_code == 0, listed.output
    out = listed.stdout
    manifest = json.loads((build / "manifest.json").read_text())
    video = manifest["outputs"]["video"]["sha256"]
    assert out.startswith(f"{build}: approved: the script (publish.require_approval) requires 1 distinct approver(s)")
    assert f"this build: script sha256 {'0' * 64}, video sha256 {video}" in out
    marie, jean = (line for line in out.splitlines() if line.startswith("  #"))
    assert "Marie Dupont (compliance)  does not apply: of another video" in marie
    assert "Jean Martin  applies" in jean
    assert "recorded by OS user mdupont; comment: ok pour diffusion" in out
    assert out.count(f"video sha256 {video}") == 2  # the build's line and Jean's approval

    as_json = json.loads(render_cli("approvals", build, "--json").stdout)
    assert as_json["approved"] is True and as_json["approvers"] == ["Jean Martin"]
    assert [a["applies"] for a in as_json["approvals"]] == [False, True]


def test_approval_state_for_a_review_page(tmp_path, db_url):
    build = approved_build(tmp_path, approvers=2)
    state = approval_state(build)
    assert (state.required, state.needed, state.approvals, state.approved) == (True, 2, [], False)
    render_cli("approve", build, *MARIE)
    state = approval_state(build)
    assert (state.needed, len(state.approvals), state.approved) == (2, 1, False)
    (approval,) = state.approvals
    assert (approval.by, approval.role, approval.comment, approval.applies) == (
        "Marie Dupont",
        "compliance",
        "ok pour diffusion",
        True,
    )
    plain = approval_state(make_build(tmp_path / "other"))
    assert (plain.required, plain.needed, plain.approved) == (False, 0, True)
