"""Speech is a function of text, voice, rate and engine version, not of how busy the machine is.

pyttsx3's `runAndWait` cancels espeak-ng's queue when espeak looks busy, which on a loaded
machine dropped or re-rated phrases, so the same phrase came out at other lengths. Each
synthesis runs in a fresh process (the first phrase after the engine starts was the most
fragile), once on a quiet machine and then under load.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from render.engines.espeak import espeak_voices
from tests.helpers import REPO

PHRASES = [
    "En deux minutes, voici pourquoi notre banque existe, et ce qui compte pour nous.",
    "Bonjour !",
    "Nous finançons les projets de la région, depuis cent ans.",
    "Merci.",
    "Ensuite, écouter vos projets, et les financer.",
    "Douze mille clients nous font confiance.",
]

# synthesise PHRASES with the real engine and print each phrase's sample count and sha256
SYNTHESISE = """
import hashlib, json, sys
from pathlib import Path
from render.engines import engine_for, synthesize_trimmed\nfrom render.narration import read_wav
work = Path(sys.argv[1]); work.mkdir(parents=True, exist_ok=True)
phrases = json.loads(sys.argv[2])
engine = engine_for("pyttsx3")
voice = engine.choose_voice("fr", "roa/fr", 170)
items = [(text, work / f"{i}.wav") for i, text in enumerate(phrases)]
synthesize_trimmed(engine, voice, items, work)
out = []
for _, path in items:
    samples, rate = read_wav(path)
    out.append([int(samples.size), hashlib.sha256(samples.tobytes()).hexdigest()])
print(json.dumps(out))
"""


def _synthesise(work: Path) -> list[list[object]]:
    result = subprocess.run(
        [sys.executable, "-c", SYNTHESISE, str(work), json.dumps(PHRASES)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def busy_machine(tmp_path: Path):  # type: ignore[no-untyped-def]
    """CPU burners on every core (and one more) plus a second espeak-ng process, for the test's length."""
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range((os.cpu_count() or 1) + 1)]
    text = " ".join(PHRASES * 4)
    other = subprocess.Popen(
        ["sh", "-c", f'while true; do espeak-ng -v roa/fr -s 170 -w "{tmp_path}/other.wav" "{text}"; done'],
        start_new_session=True,
    )
    time.sleep(0.5)  # let the load settle on the cores
    try:
        yield
    finally:
        for process in burners:
            process.kill()
        os.killpg(other.pid, 9)
        for process in [*burners, other]:
            process.wait(timeout=10)


@pytest.fixture
def quiet_samples(tmp_path: Path) -> list[list[object]]:
    if "roa/fr" not in espeak_voices():
        pytest.skip("espeak-ng's French voice is not installed")
    return _synthesise(tmp_path / "quiet")


def test_speech_is_the_same_on_a_loaded_machine(
    tmp_path: Path, quiet_samples: list[list[object]], busy_machine: None
) -> None:
    for run in range(4):
        loaded = _synthesise(tmp_path / f"loaded-{run}")
        for text, quiet, busy in zip(PHRASES, quiet_samples, loaded, strict=True):
            assert busy == quiet, f"run {run}: {text!r} gave {busy[0]} samples under load, {quiet[0]} quiet"


def test_a_phrase_sounds_the_same_whatever_was_said_before_it(tmp_path: Path) -> None:
    # espeak-ng keeps state from one utterance to the next: in one process, "Hello there, this is
    # Three." came out 15 samples longer after "Good morning." and 1,144 after a French phrase, so a
    # cached phrase depended on which script (or worker) said it first
    from render.engines import engine_for, synthesize_trimmed
    from render.narration import read_wav

    engine = engine_for("pyttsx3")
    english, french = engine.choose_voice("en", None, 165), engine.choose_voice("fr", None, 150)
    phrase = "Hello there, this is Three."

    def said(*before: tuple[str, object]) -> bytes:
        work = tmp_path / str(len(list(tmp_path.iterdir())))
        work.mkdir()
        for k, (text, voice) in enumerate(before):
            synthesize_trimmed(engine, voice, [(text, work / f"{k}.wav")], work)  # type: ignore[arg-type]
        synthesize_trimmed(engine, english, [(phrase, work / "phrase.wav")], work)
        samples, _ = read_wav(work / "phrase.wav")
        return samples.tobytes()

    alone = said()
    assert said(("Good morning.", english)) == alone
    assert said(("Bonjour à tous, merci !", french), ("Ok.", engine.choose_voice("en", None, 200))) == alone
