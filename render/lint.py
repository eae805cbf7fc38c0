"""`render lint`: what will make a video worse, found before anything is rendered.

The checks read the validated script and the timeline a render would lay out
(:mod:`render.timing`) from each phrase's spoken length. Those lengths are measured: every
phrase is synthesised with the script's own engine and voices into the cache a render reuses
(:func:`render.speech.prepare_speech`; fast, and free the second time). When speech cannot be
synthesised (no espeak-ng, an unwritable cache, `--estimate`, the `silent` engine), they are
estimated from each voice's rate, as the `silent` engine does. Every message that depends on
time says which it was.

The rules and their thresholds (docs/script-format.md, "render lint"):

- ``sentence-length``: a sentence of more than 25 words, spoken or shown.
- ``caption-speed``: a narration beat whose captions go past 20 characters a second (a phrase's
  caption, spaces included, over its spoken seconds); the hint suggests a voice rate.
- ``reading``: a scene showing more than 3 words a second of its length (the render's own
  minimum length assumes 3.5, a viewer doing nothing but read; one who also listens reads less).
- ``static``: more than 20 s without anything new on screen (an element coming in, a new beat,
  a character's cue).
- ``duration``: the video more than 10 % over `target_duration` (without one, over 90 s), or,
  with a `target_duration`, under half of it.
- ``number-format``: one script writing numbers two ways (3,5 and 3.5; 1 000 and 1000; 10 % and
  10%; € before and after the number). A statistic's number, formatted for the language, is
  what the others should match.
- ``wording``: a word of `lint.avoid` or a key of `lint.prefer` (whole words, any case), with
  the preferred wording when there is one.

Legal mentions are left alone (their wording is mandatory). A finding is data
(:class:`Finding`) until it is printed, and names the scene it concerns (or None), so a page
that shows one scene can show its findings. Every finding is a warning: the script still renders.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from contract.errors import EnvironmentProblem
from contract.problems import FieldPath, format_path
from contract.scene_types import StatisticScene
from contract.scene_types.base import RecordedBeat, SceneBase
from contract.script import Script, word_count
from render.captions import MAX_CPS, MIN_SECONDS, SLOWEST_RATE, TooFast
from render.loader import LoadedScript
from render.narration import estimate_seconds, split_sentences, spoken_form, wav_seconds
from render.planning import PlannedScene, plan_captions, plan_scenes, voice_of
from render.spoken import speech_id, strip_cues
from render.timing import all_speech, scene_beats
from scenes.numbers import decimals_of, format_number

Log = Callable[[str], None]

MAX_SENTENCE_WORDS = 25  # a listener (or a reader of one caption) follows about this many at once
READING_WORDS_PER_SECOND = 3.0  # on-screen words a viewer reads while also listening
STATIC_SECONDS = 20.0  # the longest stretch without anything new on screen
DEFAULT_TARGET_SECONDS = 90.0  # an explainer's length when the script sets no `target_duration`
OVER_TARGET = 1.10  # a video longer than its target by more than 10 %
UNDER_TARGET = 0.50  # a video shorter than half its (written) target

RULES: dict[str, str] = {
    "sentence-length": f"a sentence of more than {MAX_SENTENCE_WORDS} words",
    "caption-speed": f"captions faster than {MAX_CPS:g} characters a second (or on screen under {MIN_SECONDS:g} s)",
    "reading": f"more on screen than a viewer reads at {READING_WORDS_PER_SECOND:g} words a second",
    "static": f"more than {STATIC_SECONDS:g} s with nothing new on screen",
    "duration": "the video's length against `target_duration` (default 90 s)",
    "number-format": "numbers written two ways in one script",
    "wording": "a word of `lint.avoid` or `lint.prefer`",
    "language-drift": "a language's video more than 20 % longer or shorter than the original's",
}
# rules that compare a script's language variants with each other (`language_drift`), not one script
ACROSS_VARIANTS = frozenset({"language-drift"})
MAX_DRIFT = 0.20  # a translation whose video differs from the original's by more than this


@dataclass(frozen=True)
class Finding:
    """What will make the video worse (`message`), where (`file`, `line`, `column`, `field`), what to do
    (`hint`), which check found it (`rule`, a key of :data:`RULES`), and the scene it concerns."""

    file: str
    line: int
    column: int
    field: str
    message: str
    hint: str | None
    rule: str
    scene: int | None = None  # index into `scenes`, or None for the whole video

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}:{self.column} {self.field}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# --- speech lengths -----------------------------------------------------------------------


@dataclass(frozen=True)
class Speech:
    """Each phrase's spoken seconds, keyed by :func:`render.spoken.speech_id`, and how they are known."""

    seconds: dict[str, float]
    measured: bool
    how: str  # for messages: "speech measured with pyttsx3", "speech estimated from the voice rate"
    wavs: dict[str, Path] = field(default_factory=dict)  # the recordings (their engine timings beside them)


def estimate_speech(script: Script, reason: str | None = None) -> Speech:
    """Every phrase's length estimated from its voice's rate (what the `silent` engine does)."""
    seconds = {
        speech_id(text, speaker): estimate_seconds(spoken_form(text, script.lexicon), voice_of(script, speaker).rate)
        for text, speaker in all_speech(script)
    }
    how = "speech estimated from the voice rate" + (f": {reason}" if reason else "")
    return Speech(seconds, False, how)


def measure_speech(loaded: LoadedScript, cache_dir: Path | None = None, log: Log | None = None) -> Speech:
    """Every phrase synthesised (or found in the cache) and measured; estimated when that cannot be done."""
    from render.cache import Cache, default_cache_dir
    from render.speech import prepare_speech

    script = loaded.script
    engines = sorted({voice_of(script, speaker).engine for _, speaker in all_speech(script)})
    if set(engines) <= {"silent"}:
        return estimate_speech(script)  # exactly how the silent engine times a render
    try:
        cache = Cache(cache_dir or default_cache_dir())
        cache.check_writable()
        with cache.shared():  # `render cache prune` waits, as it does for a render
            _, wavs, _ = prepare_speech(loaded, cache, log or (lambda line: None))
            seconds = {key: wav_seconds(path) for key, path in wavs.items()}
    except EnvironmentProblem as error:
        return estimate_speech(script, f"could not synthesise speech ({error.message})")
    if engines == ["recorded"]:
        return Speech(seconds, True, "speech measured from the recordings", wavs)
    return Speech(seconds, True, f"speech measured with {', '.join(engines)}", wavs)


# --- the texts a script shows and says -----------------------------------------------------


@dataclass(frozen=True)
class _Text:
    path: FieldPath  # in the script
    text: str  # as written (narration with its [cues])
    kind: str  # "speech" | "screen" | "title" (the script's title) | "meta" (YouTube's texts)
    scene: int | None
    speaker: str | None = None

    @property
    def clean(self) -> str:
        """Without cues, as captions and the screen show it."""
        return strip_cues(self.text)[0] if self.kind == "speech" else self.text


def _entry_field(entry: Any, text: str) -> str:
    """The field of a list entry that holds its narration (`narration`, or a dialogue line's `say`)."""
    fields = type(entry).model_fields
    if "narration" in fields:
        return "narration"
    return next((name for name in fields if getattr(entry, name) == text), "narration")


def _spoken(scene: SceneBase, index: int) -> Iterator[_Text]:
    base: FieldPath = ("scenes", index)
    narration = scene.narration
    beats = list(narration) if isinstance(narration, list) else [] if narration is None else [narration]
    for k, beat in enumerate(beats):
        path: FieldPath = (*base, "narration", k) if isinstance(narration, list) else (*base, "narration")
        text = beat.text if isinstance(beat, RecordedBeat) else beat
        path = (*path, "text") if isinstance(beat, RecordedBeat) else path
        if text.strip():
            yield _Text(path, text, "speech", index, scene.narrator())
    if scene.entries_field:
        written = list(getattr(scene, scene.entries_field))
        for k, entry in enumerate(scene.entries()):
            if entry.narration and entry.narration.strip():
                field = _entry_field(written[k], entry.narration)
                yield _Text(
                    (*base, scene.entries_field, k, field), entry.narration, "speech", index, scene.entry_narrator(k)
                )


def script_texts(script: Script) -> list[_Text]:
    """Every text the video shows or says (legal mentions aside), and the YouTube texts."""
    texts = [_Text(("title",), script.title, "title", None)]
    for i, scene in enumerate(script.scenes):
        texts += [
            _Text(("scenes", i, *path), text, "screen", i)
            for path, text in scene.shown_texts()
            if path[:1] != ("legal",)
        ]
        texts += list(_spoken(scene, i))
    publish = script.publish
    if publish is not None:
        for name in ("title", "description", "thumbnail_text"):
            value = getattr(publish, name, None)
            if isinstance(value, str) and value.strip():
                texts.append(_Text(("publish", name), value, "meta", None))
    return texts


# --- numbers written two ways -------------------------------------------------------------

_GAP = "[ \u00a0\u202f]"  # a space, a no-break space, a narrow no-break space: all read as a space
_NUMBER = re.compile(
    r"(?<![\w.,])"
    rf"(?:(?P<before>[€$£])(?P<before_gap>{_GAP}?))?"
    rf"(?P<whole>\d{{1,3}}(?:{_GAP}\d{{3}})+(?!\d)|\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d{{1,3}}(?:\.\d{{3}})+(?!\d)|\d+)"
    r"(?:(?P<mark>[.,])(?P<fraction>\d+))?"
    r"(?!\d|[.,]\d)"  # not a date (01.02.2026) or a list (1,2,3)
    rf"(?:(?P<after_gap>{_GAP}?)(?P<after>[%€$£]))?"
)
_YEARS = range(1800, 2200)  # "1901", "2026": years, not thousands written without a separator

_FORMS: dict[tuple[str, str], str] = {
    ("decimal", ","): "with a decimal comma",
    ("decimal", "."): "with a decimal point",
    ("thousands", " "): "with a space between thousands",
    ("thousands", ","): "with a comma between thousands",
    ("thousands", "."): "with a point between thousands",
    ("thousands", ""): "without a thousands separator",
}
_NUMBER_ASPECTS = ("decimal", "thousands")  # the others are a symbol's place and spacing: "%", "€"...


@dataclass(frozen=True)
class _Written:
    """One way a number is written: `aspect` (decimal, thousands, or a symbol) and its `form` there."""

    text: _Text
    written: str
    aspect: str
    form: str  # "," | "." | " " | "" (decimal mark, thousands separator), or "N %", "€N"... for a symbol
    position: tuple[int, int]
    reference: bool = False  # the statistic's number as the screen shows it: the others follow it


def _forms(match: re.Match[str]) -> Iterator[tuple[str, str]]:
    whole = match["whole"]
    digits = re.sub(r"\D", "", whole)
    if digits.startswith("0") and len(digits) > 1 and not match["mark"]:
        return  # a code or a phone number, not a quantity
    if match["mark"]:
        yield "decimal", match["mark"]
    separator = next((c for c in whole if not c.isdigit()), None)
    symbol = match["before"] or match["after"]
    if separator is not None:
        yield "thousands", " " if re.fullmatch(_GAP, separator) else separator
    elif len(digits) >= 5 or (len(digits) == 4 and (symbol or match["mark"] or int(digits) not in _YEARS)):
        yield "thousands", ""
    if match["before"]:
        yield symbol, symbol + (" " if match["before_gap"] else "") + "N"
    elif match["after"]:
        yield symbol, "N" + (" " if match["after_gap"] else "") + symbol


def _describe(aspect: str, form: str) -> str:
    return _FORMS.get((aspect, form), f"as {form}")


# --- the checks ---------------------------------------------------------------------------


def _excerpt(text: str, length: int = 48) -> str:
    text = " ".join(text.split())
    return f'"{text}"' if len(text) <= length else f'"{text[: length - 1].rstrip()}…"'


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole} s" if whole < 60 else f"{whole // 60}:{whole % 60:02d} ({whole} s)"


@dataclass
class LintReport:
    """One script's findings, with what they were worked out from."""

    file: str
    findings: list[Finding]
    speech: Speech
    scene_seconds: list[float]

    @property
    def duration(self) -> float:
        """The planned video's seconds."""
        return sum(self.scene_seconds)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "findings": len(self.findings),
            "speech": self.speech.how,
            "speech_measured": self.speech.measured,
            "duration": round(self.duration, 3),
            "scene_seconds": [round(s, 3) for s in self.scene_seconds],
        }


class _Linter:
    def __init__(self, loaded: LoadedScript, speech: Speech) -> None:
        self.loaded = loaded
        self.script = loaded.script
        self.speech = speech
        self.texts = script_texts(loaded.script)
        # the render's own plan: the same timing, the same caption cues
        fps = self.script.video.fps
        self.planned: list[PlannedScene] = plan_scenes(loaded, self.script.video, speech.seconds, wavs=speech.wavs)
        self.seconds = [p.timing.frame_count / fps for p in self.planned]
        self.beat_starts: list[list[float]] = []
        for scene, item in zip(self.script.scenes, self.planned, strict=True):
            beats = scene_beats(scene)
            firsts = [sum(len(b.phrases) for b in beats[:k]) for k in range(len(beats))]
            self.beat_starts.append([item.timing.phrases[k].start for k in firsts])
        self.found: list[Finding] = []

    def add(self, path: FieldPath, rule: str, message: str, hint: str | None, scene: int | None) -> None:
        line, column = self.loaded.document.position(path, key=path == ("scenes",))  # the whole video: `scenes:`
        field = format_path(path)
        self.found.append(Finding(str(self.loaded.document.file), line, column, field, message, hint, rule, scene))

    def _how(self, scene: int | None = None) -> str:
        """How the speech was timed, to end a message that depends on it ("" when nothing is said)."""
        speaks = any(t.kind == "speech" and (scene is None or t.scene == scene) for t in self.texts)
        return f"; {self.speech.how}" if speaks else ""

    def run(self) -> list[Finding]:
        self.sentences()
        self.caption_speed()
        for index in range(len(self.script.scenes)):
            self.reading(index)
            self.static(index)
        self.duration()
        self.numbers()
        self.wording()
        return sorted(self.found, key=lambda f: (f.line, f.column, f.rule))

    # sentence-length
    def sentences(self) -> None:
        for text in self.texts:
            if text.kind not in ("speech", "screen"):
                continue
            long = [(n, s) for s in split_sentences(text.clean) if (n := word_count(s)) > MAX_SENTENCE_WORDS]
            if not long:
                continue
            words, sentence = max(long, key=lambda item: item[0])
            if len(long) == 1:
                message = f"a sentence of {words} words: {_excerpt(sentence)}"
            else:
                message = f"{len(long)} sentences of more than {MAX_SENTENCE_WORDS} words (the longest has {words})"
            who = "a listener follows" if text.kind == "speech" else "a viewer reads"
            hint = f"split it: {who} about {MAX_SENTENCE_WORDS} words at a time"
            self.add(text.path, "sentence-length", message, hint, text.scene)

    # caption-speed
    def caption_speed(self) -> None:
        plan = plan_captions(self.script, self.planned, self.script.video.fps, self.speech.seconds)
        for warning in plan.warnings:
            problems = []
            if warning.worst_cps > MAX_CPS + 0.05:
                worst = f"{warning.worst_cps:.0f}" if warning.worst_cps >= MAX_CPS + 1 else f"{warning.worst_cps:.1f}"
                problems.append(f"up to {worst} characters a second (at most {MAX_CPS:g})")
            if warning.shortest < MIN_SECONDS - 0.005:
                problems.append(f"one on screen only {warning.shortest:.1f} s (at least {MIN_SECONDS:g} s)")
            count = "a caption" if warning.count == 1 else f"{warning.count} captions"
            message = (
                f"{count} too fast to read, {' and '.join(problems) or 'short of reading time'}: "
                f"{_excerpt(warning.text, 40)}; {self.speech.how}"
            )
            text = self._spoken_at(warning)
            path = text.path if text is not None else ("scenes", warning.scene)
            self.add(path, "caption-speed", message, _slower(warning), warning.scene)

    def _spoken_at(self, warning: TooFast) -> _Text | None:
        """The narration that the warning's worst caption starts with."""
        who = (warning.scene, warning.speaker)
        said = [t for t in self.texts if t.kind == "speech" and (t.scene, t.speaker) == who]
        words = split_sentences(warning.text)
        start = words[0][:30] if words else ""
        return next((t for t in said if start in " ".join(t.clean.split())), said[0] if said else None)

    # reading
    def reading(self, index: int) -> None:
        seconds = self.seconds[index]
        shown = [(word_count(t.text), t.path) for t in self.texts if t.kind == "screen" and t.scene == index]
        words = sum(count for count, _ in shown)
        if not seconds or words / seconds <= READING_WORDS_PER_SECOND:
            return
        message = (
            f"{words} words on screen in {seconds:.1f} s, {words / seconds:.1f} a second, more than the "
            f"{READING_WORDS_PER_SECOND:g} a viewer reads while listening{self._how(index)}"
        )
        longest = format_path(max(shown)[1])
        hint = f"show fewer words, starting with `{longest}`, or split the scene"
        self.add(("scenes", index), "reading", message, hint, index)

    # static
    def static(self, index: int) -> None:
        timing, end = self.planned[index].timing, self.seconds[index]
        events = sorted({0.0, *timing.cues, *self.beat_starts[index], *(c.time for c in timing.acting)})
        events = [t for t in events if t < end] + [end]
        gap, start = max((b - a, a) for a, b in itertools.pairwise(events))
        if gap <= STATIC_SECONDS:
            return
        scene = self.script.scenes[index]
        message = (
            f"nothing new on screen for {gap:.1f} s (from {start:.1f} s to {start + gap:.1f} s of this "
            f"{end:.1f} s scene){self._how(index)}"
        )
        if scene.duration is not None and scene.duration >= end - 0.05 and start + gap >= end - 0.05:
            self.add(("scenes", index, "duration"), "static", message, "shorten `duration`", index)
            return
        hint = "cut the narration into beats that each bring something in, or split the scene in two"
        self.add(("scenes", index), "static", message, hint, index)

    # duration
    def duration(self) -> None:
        total = sum(self.seconds)
        target = self.script.target_duration
        goal = target if target is not None else DEFAULT_TARGET_SECONDS
        path: FieldPath = ("target_duration",) if target is not None else ("scenes",)
        longest = max(range(len(self.seconds)), key=lambda k: self.seconds[k])
        if total > goal * OVER_TARGET:
            what = f"its target of {goal:g} s" if target is not None else f"{goal:g} s (no `target_duration`)"
            message = f"the video lasts {_clock(total)}, {total / goal - 1:.0%} over {what}{self._how()}"
            fix = "raise `target_duration`" if target is not None else "set `target_duration:` if it is meant"
            first = f"scenes[{longest}] at {self.seconds[longest]:.0f} s"
            hint = f"cut narration or scenes, starting with {first}, or {fix}"
            self.add(path, "duration", message, hint, None)
        elif target is not None and total < target * UNDER_TARGET:
            message = f"the video lasts {_clock(total)}, under half its target of {target:g} s{self._how()}"
            self.add(path, "duration", message, "say what is missing, or lower `target_duration`", None)

    # number-format
    def _written_numbers(self) -> list[_Written]:
        found: list[_Written] = []
        for text in self.texts:
            if text.kind not in ("speech", "screen", "title"):
                continue
            position = self.loaded.document.position(text.path)
            for match in _NUMBER.finditer(text.clean):
                found += [_Written(text, match[0], a, f, position) for a, f in _forms(match)]
        for i, scene in enumerate(self.script.scenes):
            if isinstance(scene, StatisticScene):
                # the number as the screen shows it for the language, with the affixes as written
                number = format_number(scene.value, decimals_of(scene.value), self.script.language)
                shown = f"{scene.prefix or ''}{number}{scene.suffix or ''}"
                text = _Text(("scenes", i, "value"), shown, "screen", i)
                position = self.loaded.document.position(text.path)
                first = _NUMBER.search(shown)
                forms = list(_forms(first)) if first else []
                found += [_Written(text, shown, a, f, position, a in _NUMBER_ASPECTS) for a, f in forms]
        return sorted(found, key=lambda w: w.position)

    def numbers(self) -> None:
        by_aspect: dict[str, list[_Written]] = {}
        for written in self._written_numbers():
            by_aspect.setdefault(written.aspect, []).append(written)
        for aspect, all_written in by_aspect.items():
            if len({w.form for w in all_written}) < 2:
                continue
            reference = next((w for w in all_written if w.reference), None)
            if reference is not None:
                expected = reference.form
            else:
                counts = Counter(w.form for w in all_written)
                expected = max(counts, key=lambda form: counts[form])  # a tie: the first written wins
            example = reference or next(w for w in all_written if w.form == expected)
            seen: set[FieldPath] = set()
            for written in all_written:
                if written.form == expected or written.text.path in seen:
                    continue
                seen.add(written.text.path)
                self._number_finding(aspect, written, example)

    def _number_finding(self, aspect: str, written: _Written, example: _Written) -> None:
        where = f"{format_path(example.text.path)}, line {example.position[0]}"
        if example.reference:
            source = "the statistic on screen"
            hint = f"write numbers as the statistic shows them for `language: {self.script.language}`"
        else:
            source = "elsewhere"
            hint = "write every number the same way"
        message = (
            f"{written.written!r} is written {_describe(aspect, written.form)}, {source} "
            f"{_describe(aspect, example.form)} ({example.written!r} at {where})"
        )
        self.add(written.text.path, "number-format", message, hint, written.text.scene)

    # wording
    def wording(self) -> None:
        lint = self.script.lint
        terms = list({term.casefold(): term for term in [*lint.avoid, *lint.prefer]}.values())
        prefer = {word.casefold(): better for word, better in lint.prefer.items()}
        patterns = [(term, _whole_words(term)) for term in terms]
        for text in self.texts:
            for term, pattern in patterns:
                hits = pattern.findall(text.clean)
                if not hits:
                    continue
                times = f" ({len(hits)} times)" if len(hits) > 1 else ""
                better = prefer.get(term.casefold())
                listed = "`lint.prefer`" if better is not None else "`lint.avoid`"
                message = f'"{hits[0]}"{times} is a word to avoid ({listed})'
                hint = f'write "{better}" instead' if better is not None else "say it in plain words"
                self.add(text.path, "wording", message, hint, text.scene)


def _whole_words(term: str) -> re.Pattern[str]:
    """`term` as whole words, in any case, any run of spaces between its words."""
    words = r"\s+".join(re.escape(word) for word in term.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


def _slower(warning: TooFast) -> str:
    """What to do about captions too fast to read: a slower voice (the plan's rate), or fewer words."""
    if not warning.rate:
        return "record it more slowly, or say less"
    if warning.suggested_rate < SLOWEST_RATE:
        return "say less: even the slowest voice is too fast for these captions"
    rate = warning.suggested_rate
    field = f"cast.{warning.speaker}.voice.rate" if warning.speaker else "voice.rate"
    who = f"{warning.speaker}'s voice" if warning.speaker else "the voice"
    return f"slow {who} from {warning.rate} to about {rate} words a minute, `{field}: {rate}`, or say less"


def lint_report(
    loaded: LoadedScript, speech: Speech | None = None, *, cache_dir: Path | None = None, log: Log | None = None
) -> LintReport:
    """Lint one loaded script. Without `speech`, its phrases are measured (see :func:`measure_speech`)."""
    speech = speech or measure_speech(loaded, cache_dir, log)
    linter = _Linter(loaded, speech)
    return LintReport(str(loaded.document.file), linter.run(), speech, linter.seconds)


def language_drift(reports: list[tuple[LoadedScript, LintReport]]) -> None:
    """Add a `language-drift` finding to each variant whose length differs from the original's by over 20 %."""
    originals = {
        loaded.file: report.duration
        for loaded, report in reports
        if loaded.variant is not None and loaded.variant == loaded.languages[0]
    }
    for loaded, report in reports:
        original = originals.get(loaded.file)
        if loaded.variant is None or loaded.variant == loaded.languages[0] or not original:
            continue
        drift = (report.duration - original) / original
        if abs(drift) <= MAX_DRIFT:
            continue
        path: FieldPath = ("languages", loaded.languages.index(loaded.variant))
        line, column = loaded.document.position(path)
        message = (
            f"the {loaded.variant} video lasts {report.duration:.1f} s, {drift:+.0%} against the original "
            f"({loaded.languages[0]}, {original:.1f} s); {report.speech.how}"
        )
        hint = "shorten or lengthen the translation, so that the pictures still match what is said"
        report.findings.append(
            Finding(str(loaded.document.file), line, column, format_path(path), message, hint, "language-drift")
        )


def lint_script(loaded: LoadedScript, speech: Speech | None = None) -> list[Finding]:
    """The findings of one loaded script, in file order (see :func:`lint_report`)."""
    return lint_report(loaded, speech).findings


def summary(reports: list[LintReport]) -> str:
    """The last line of the output, e.g. `3 findings in 2 scripts` (the scripts linted)."""
    count = sum(len(r.findings) for r in reports)
    findings = "no findings" if count == 0 else f"{count} finding" + ("s" if count != 1 else "")
    return f"{findings} in {len(reports)} script" + ("s" if len(reports) != 1 else "")
