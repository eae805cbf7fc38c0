"""Benchmark of the soundtrack alone: bench.yaml's mix and encode, cold, warm and after the bench's edit.

    python bench/soundtrack.py [--script bench/bench.yaml] [--repeat 3]

Each step runs `render_soundtrack` on a fresh cache (cold), again on that cache with nothing
changed (warm: every stretch's samples and packets reused; a render skips even that, since the
whole soundtrack is cached too), then after `run.py`'s one-scene edit (edit). MoviePy is
imported first, as it is in a render by the time the soundtrack is mixed; its import time is
reported apart. The last line printed is one JSON object (the best of `--repeat` runs of each step).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from render.cache import Cache  # noqa: E402
from render.soundtrack import SoundtrackPlan, render_soundtrack  # noqa: E402


def plan_for(script: Path, cache: Cache) -> SoundtrackPlan:
    from render.loader import load_script
    from render.narration import wav_seconds
    from render.planning import effective_video, plan_scenes, plan_soundtrack
    from render.speech import prepare_speech

    loaded = load_script(script)
    _, wavs, keys = prepare_speech(loaded, cache, lambda _: None)
    video = effective_video(loaded.script, False)
    planned = plan_scenes(loaded, video, {text: wav_seconds(path) for text, path in wavs.items()})
    return plan_soundtrack(loaded, planned, video.fps, wavs, keys)


def main() -> None:
    from run import edit_one_scene

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--script", type=Path, default=ROOT / "bench" / "bench.yaml")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    tick = time.perf_counter()
    import moviepy  # noqa: F401

    moviepy_import = time.perf_counter() - tick
    work = Path(tempfile.mkdtemp(prefix="bench-soundtrack-"))
    script = args.script.resolve().parent / f"bench-soundtrack-{os.getpid()}.yaml"
    try:
        shutil.copyfile(args.script, script)
        speech = Cache(work / "speech")
        before = plan_for(script, speech)
        edited = edit_one_scene(script)
        after = plan_for(script, speech)
        best: dict[str, float] = {}
        runs: dict[str, int] = {}
        for attempt in range(args.repeat):
            cache = Cache(work / f"cache-{attempt}")
            for step, plan in (("cold", before), ("warm", before), ("edit", after)):
                tick = time.perf_counter()
                runs[step] = render_soundtrack(plan, work / f"{step}.m4a", cache)
                best[step] = min(best.get(step, float("inf")), time.perf_counter() - tick)
    finally:
        script.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)
    report = {
        "edited_scene": edited,
        "audio_seconds": round(after.total, 2),
        "stretches": len(after.stretches()),
        "seconds": {k: round(v, 3) for k, v in best.items()},
        "encoder_runs": runs,
        "moviepy_import_seconds": round(moviepy_import, 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
