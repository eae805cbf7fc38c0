"""Drafts never replace the real video (issue 15, item 9): `render --preview` writes `build/<name>.preview/`.

One tiny real render (480p, 8 fps, silent voice), then a preview of the same script: the final
video and manifest stay byte for byte, and `upload` refuses the draft's folder.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from contract.errors import InputError
from render.loader import load_script
from render.pipeline import RenderOptions, render_loaded
from tests.helpers import ffprobe, make_project, stream
from upload.build import load_build

pytestmark = pytest.mark.render

SCRIPT = """\
title: Brouillon
language: fr
voice: {engine: silent}
video: {resolution: 480p, fps: 8}
scenes:
  - type: title
    title: Brouillon
    duration: 1
  - type: closing
    title: Merci
    duration: 1
"""


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_preview_after_a_final_render_leaves_the_final_video_in_place(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    script = project / "scripts" / "brouillon.yaml"
    script.write_text(SCRIPT, encoding="utf-8")
    out, cache = project / "build", tmp_path / "cache"

    final = render_loaded(load_script(script), RenderOptions(out_dir=out, jobs=1, cache_dir=cache, log=lambda _: None))
    assert final.folder == out / "brouillon"
    video, manifest = final.folder / "brouillon.mp4", final.folder / "manifest.json"
    before = {path.name: sha(path) for path in final.folder.iterdir()}
    manifest_text = manifest.read_text(encoding="utf-8")

    draft = render_loaded(
        load_script(script), RenderOptions(out_dir=out, preview=True, jobs=1, cache_dir=cache, log=lambda _: None)
    )
    assert draft.folder == out / "brouillon.preview"
    assert {path.name: sha(path) for path in final.folder.iterdir()} == before
    assert manifest.read_text(encoding="utf-8") == manifest_text
    assert stream(ffprobe(video), "video")["r_frame_rate"] == "8/1"  # still the final one

    drafted = json.loads((draft.folder / "manifest.json").read_text(encoding="utf-8"))
    assert drafted["preview"] is True and drafted["name"] == "brouillon"
    assert stream(ffprobe(draft.folder / "brouillon.mp4"), "video")["r_frame_rate"] == "15/1"
    assert json.loads(manifest_text)["preview"] is False
    # what the upload summary needs: the script has no publish block, and no legal mention
    assert json.loads(manifest_text)["publish_in_script"] is False and json.loads(manifest_text)["legal"] == []

    with pytest.raises(InputError, match="--preview draft"):
        load_build(draft.folder)
    with load_build(final.folder) as build:  # the final one is publishable
        assert build.video.sha256 == before["brouillon.mp4"]
