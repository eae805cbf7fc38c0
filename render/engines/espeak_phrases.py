"""A fresh espeak-ng for every phrase, so that a phrase's samples depend on the phrase alone.

espeak-ng keeps state from one utterance to the next inside its library: the same phrase, voice
and rate came out differently after another phrase (measured: "Hello there, this is Three." was
34,588 samples said first, 34,603 after "Good morning.", 35,732 after a French phrase). Neither
`espeak_Terminate` + `espeak_Initialize` nor a fixed phrase said before it resets that state; a
process whose espeak was never used does, and initialising espeak costs 2 ms. A cached phrase
then sounds the same whichever script, order or worker synthesised it first.

So this file runs as a small server (`python espeak_phrases.py`, standard library and pyttsx3's
binding only): it never initialises espeak itself, and for each request it forks a child that
does, says the phrase into its WAV file (written whole or not at all) and reports the phrase's
events. One JSON line in per phrase, one JSON line out:

    {"voice": "roa/fr", "rate": 150, "text": "Bonjour.", "path": "/…/x.wav", "timeout": 120}
    {"ok": true, "samples": 23456, "words": [[1, 7, 310], …], "phonemes": [[310, "b"], …]}
    {"ok": false, "error": "…"}
"""

from __future__ import annotations

import ctypes
import json
import os
import select
import signal
import sys
import threading
import wave
from typing import Any

SAMPLE_RATE = 22050  # what espeak-ng's voices synthesise
EVENT_PHONEME = 7  # espeakEVENT_PHONEME in speak_lib.h (pyttsx3's binding names events 0-6 only)
INITIALIZE_PHONEME_EVENTS = 0x0001  # espeakINITIALIZE_PHONEME_EVENTS


class PhraseCollector:
    """espeak's synth callback: one phrase's samples and its word and phoneme events, then the end.
    Event times are espeak's `sample` field (samples since the phrase's start); a phoneme event's
    name is the 8 bytes of `id`."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.words: list[tuple[int, int, int]] = []  # (1-based character position, length, sample)
        self.phonemes: list[tuple[int, str]] = []  # (sample, espeak's phoneme mnemonic)
        self.finished = threading.Event()

    def __call__(self, wav: Any, sample_count: int, events: Any) -> int:
        from pyttsx3.drivers import _espeak

        if sample_count > 0:
            self.chunks.append(ctypes.string_at(wav, sample_count * ctypes.sizeof(ctypes.c_short)))
        index = 0
        while events[index].type != _espeak.EVENT_LIST_TERMINATED:
            event = events[index]
            if event.type == _espeak.EVENT_WORD:
                self.words.append((event.text_position, event.length, event.sample))
            elif event.type == EVENT_PHONEME:
                raw = ctypes.string_at(ctypes.addressof(event) + _espeak.EVENT.id.offset, 8)
                self.phonemes.append((event.sample, raw.split(b"\0", 1)[0].decode("ascii", "replace")))
            elif event.type == _espeak.EVENT_MSG_TERMINATED:
                self.finished.set()
            index += 1
        return 0


def say_phrase(request: dict[str, Any]) -> dict[str, Any]:
    """In a process whose espeak is unused: say one phrase into its file; its events, or an error."""
    from pyttsx3.drivers import _espeak

    if _espeak.Initialize(_espeak.AUDIO_OUTPUT_RETRIEVAL, 1000, None, INITIALIZE_PHONEME_EVENTS) == -1:
        return {"ok": False, "error": "could not initialise espeak-ng"}
    collector = PhraseCollector()
    _espeak.SetSynthCallback(collector)  # the binding keeps its C wrapper alive
    if _espeak.SetVoiceByName(str(request["voice"]).encode()) != _espeak.EE_OK:
        return {"ok": False, "error": f"espeak-ng cannot load the voice {request['voice']!r}", "voice": True}
    _espeak.SetParameter(_espeak.RATE, int(request["rate"]), 0)
    _espeak.SetParameter(_espeak.VOLUME, 100, 0)
    _espeak.Synth(str(request["text"]).encode(), flags=_espeak.ENDPAUSE | _espeak.CHARS_UTF8)
    done = collector.finished.wait(float(request.get("timeout", 120)))
    _espeak.Synchronize()
    samples = b"".join(collector.chunks)
    if not done or not samples:
        return {"ok": False, "error": "espeak-ng produced no audio"}
    path = str(request["path"])
    partial = path + ".partial"
    with wave.open(partial, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(samples)
    os.replace(partial, path)
    return {"ok": True, "samples": len(samples) // 2, "words": collector.words, "phonemes": collector.phonemes}


def _in_a_child(request: dict[str, Any]) -> dict[str, Any]:
    """`say_phrase` in a forked child (a fresh espeak), its answer read back through a pipe."""
    timeout = float(request.get("timeout", 120)) + 10
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: one phrase, then gone
        os.close(read_end)
        try:
            answer = say_phrase(request)
        except BaseException as error:  # reported to the parent, whatever it is
            answer = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        with os.fdopen(write_end, "w", encoding="utf-8") as pipe:
            pipe.write(json.dumps(answer))
        os._exit(0)
    os.close(write_end)
    data = b""
    with os.fdopen(read_end, "rb") as pipe:
        while True:
            ready, _, _ = select.select([pipe], [], [], timeout)
            if not ready:  # a hung espeak: stop it; the caller says the phrase again
                os.kill(pid, signal.SIGKILL)
                break
            chunk = os.read(pipe.fileno(), 1 << 16)
            if not chunk:
                break
            data += chunk
    os.waitpid(pid, 0)
    try:
        return dict(json.loads(data.decode("utf-8")))
    except ValueError:
        return {"ok": False, "error": "the espeak-ng process ended without an answer"}


def serve() -> None:
    """One JSON request per line on stdin, one answer per line on stdout, until stdin closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the render that started it handles Ctrl-C
    for line in sys.stdin:
        if line.strip():
            answer = _in_a_child(json.loads(line))
            sys.stdout.write(json.dumps(answer) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    serve()
